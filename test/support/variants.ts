/**
 * Kernel variants the planner does not choose (yet), as the benchmarks build them: a planned einsum
 * recompiled with tile settings added. Tile candidates (`TMxTNxTK[@XxY[/RUN]]`, bench/suites/tune.ts
 * `--tiles`) are codegen/tiles' `parseCandidate` and `candidateName`, as `einsight tune` reads them.
 */
import type { TileConfig } from "../../codegen/cost.js";
import { compilePlan, type CompiledEinsum } from "../../codegen/compiled.js";
import type { Plan } from "../../codegen/plan.js";

/** The plan with these tile settings in every tiled step: how the bench compiles a variant the planner does not choose. */
export function withTiles(plan: Plan, settings: Partial<TileConfig>): CompiledEinsum {
  return compilePlan({
    ...plan,
    steps: plan.steps.map((s) =>
      s.tiles === undefined ? s : { ...s, tiles: { ...s.tiles, ...settings } as TileConfig },
    ),
  });
}

/**
 * Probes of the tiled kernel's k loop, for finding on a GPU where its time goes (bench/suites/matrix.ts):
 * the same kernel text with part of each slab's work taken out, every slab then being the first
 * one. `no-global-loads`: the slab is staged from the registers the first fetch filled, every
 * iteration (everything but the global loads); `staged-once`: staged in the first iteration only
 * (the subgroup-matrix or workgroup-memory loads, the multiplies and the barriers). Either way the
 * result is (K / TK) times the first slab's product (`probeExpected`), which checks the probe.
 */
export type Probe = "no-global-loads" | "staged-once";

/** The single-buffered k loop's lines, from its `for` to its closing brace. */
const K_LOOP = "  for (var k0 = k_begin; k0 < k_end; k0 += TK) {";

export function probeKernel(code: string, probe: Probe): string {
  const lines = code.split("\n");
  const start = lines.indexOf(K_LOOP);
  const end = lines.indexOf("  }", start);
  if (start < 0 || end < 0 || code.includes("A_SLAB"))
    throw new Error("probeKernel: the kernel has no single-buffered k loop (a double-buffered or untiled kernel)");
  const body = lines.slice(start + 1, end);
  // A fetch is a register's reset and its guarded global load; a store puts registers into a slab.
  const isFetch = (l: string) =>
    /^ {4}[ab]_v\d+ = vec4<[uf]32>\(\);$|^ {4}[ab]_v\d+ = 0\.0;$|^ {4}if \([ab]_ok\d+ && k0 \+ TK /.test(l);
  const isStore = (l: string) => /^ {4}[ab]_(tile|wide)\[.*\] = /.test(l);
  const stores = body.flatMap((l, i) => (isStore(l) ? [i] : []));
  if (stores.length === 0 || !body.some(isFetch) || stores.some((i, j) => j > 0 && i !== stores[j - 1]! + 1))
    throw new Error("probeKernel: the k loop's slab stores and fetches are not where the probe expects them");
  const probed =
    probe === "no-global-loads"
      ? body.filter((l) => !isFetch(l))
      : [
          ...body.slice(0, stores[0]),
          "    if (k0 == k_begin) {",
          ...body.slice(stores[0], stores.at(-1)! + 1),
          "    }",
          ...body.slice(stores.at(-1)! + 1),
        ];
  return [...lines.slice(0, start + 1), ...probed, ...lines.slice(end)].join("\n");
}

/** A compiled einsum with each of its tiled kernels probed. */
export function probeCompiled(compiled: CompiledEinsum, probe: Probe): CompiledEinsum {
  return {
    ...compiled,
    programs: compiled.programs.map((p) => ({
      ...p,
      launches: p.launches.map((l) =>
        l.kernel.code.includes(K_LOOP) ? { ...l, kernel: { ...l.kernel, code: probeKernel(l.kernel.code, probe) } } : l,
      ),
    })),
  };
}

/**
 * What a probed `ij,jk->ik` computes at `samples` output positions (row-major a [m, k] and b [k, n]):
 * (k / tk) times the product of the first tk columns of a and rows of b.
 */
export function probeExpected(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  m: number,
  n: number,
  k: number,
  tk: number,
  samples: readonly number[],
): number[] {
  return samples.map((flat) => {
    const [i, j] = [Math.floor(flat / n), flat % n];
    let sum = 0;
    for (let t = 0; t < tk; t++) sum += a[i * k + t]! * b[t * n + j]!;
    return (k / tk) * sum;
  });
}

/**
 * f16 on a GPU: einsums with f16 operands checked against the oracle on subgroup matrices (tensor
 * cores) and on the scalar tiled kernels, then `ij,jk->ik` timed in f16 both ways and in f32, with
 * kernel variants the planner does not choose (yet): other subgroup-matrix tiles, per-subgroup
 * slabs (constant load offsets, `tiles.subgroupSlabs`) and view slabs (16-byte slab stores through
 * WGSL buffer views, `tiles.viewSlabs`), both checked against the oracle too,
 * double-buffered slabs, sizes read at run time, and Dawn's robustness checks and workgroup
 * zeroing turned off (toggles `disable_robustness`, `disable_workgroup_init`); then k-loop probes
 * of the planned f16 and f32 kernels (test/support/variants `probeKernel`: without the global loads, or
 * with slabs staged once), each checked against what it computes, to say where the time goes;
 * then the seed's sliced contraction in f32 with those variants, attention scores (f32) with the
 * output stored 16 bytes or one element at a time, and the f32 GEMM at growing m (wave
 * quantization). SwiftShader has no `shader-f16`: there the script says so and stops.
 *
 *     npm run build && node dist/bench/suites/matrix.js [--json file] [--quick]
 *
 * On NVIDIA, Dawn exposes f16 and subgroup matrices only with the toggles below (DAWN_F16).
 */
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import type { Strategy, TileConfig } from "../../codegen/cost.js";
import { planEinsum } from "../../codegen/plan.js";
import { compileSized } from "../../codegen/sized.js";
import { compilePlan, type CompiledEinsum } from "../../codegen/compiled.js";
import { einsum, gpu, type Gpu } from "../../runtime/index.node.js";
import { fromHalfBits, toHalves } from "../../runtime/half.js";
import { Tensor, tensor } from "../../runtime/tensor.js";
import {
  maxRelativeError,
  oracleEinsum,
  probeCompiled,
  probeExpected,
  values,
  withTiles,
  type Probe,
} from "../../test/support/index.js";
import { measure } from "../lib/measure.js";

const DAWN_F16 = ["enable-dawn-features=allow_unsafe_apis,vulkan_enable_f16_on_nvidia"];
const { values: args } = parseArgs({
  options: { json: { type: "string" }, quick: { type: "boolean" }, f32: { type: "boolean" } },
});
/** --f32: only the f32 timings (no f16 checks or timings): a short device run. */
const f32Only = args.f32 === true;

const matrixGpu = await gpu({ dawnOptions: DAWN_F16, sizedPlansAfter: Infinity }); // every size its own kernels, as timed
const info = matrixGpu.device.adapterInfo as GPUAdapterInfo & {
  subgroupMinSize?: number;
  subgroupMaxSize?: number;
  subgroupMatrixConfigs?: Iterable<Record<string, unknown>>;
};
const configs = [...(info.subgroupMatrixConfigs ?? [])].map(
  (c) =>
    `${String(c["componentType"])}->${String(c["resultComponentType"])} ${String(c["M"])}x${String(c["N"])}x${String(c["K"])}`,
);
console.log(`adapter: ${matrixGpu.adapterName}; features: ${[...matrixGpu.device.features].sort().join(" ")}`);
console.log(
  `subgroups ${info.subgroupMinSize}-${info.subgroupMaxSize}; subgroup matrix configs: ${configs.join(", ") || "none"}; profile ${matrixGpu.profile.name}, matrix ${JSON.stringify(matrixGpu.profile.subgroupMatrix ?? null)}`,
);
if (!matrixGpu.device.features.has("shader-f16")) {
  console.log("This adapter has no shader-f16: f16 einsums are refused here (tensor() says so); nothing to measure.");
  process.exit(0);
}
// The same adapter without subgroup matrices: f16 on the scalar tiled kernels.
const scalarGpu = await gpu({ dawnOptions: DAWN_F16, features: ["shader-f16"] });
// And with Dawn's bounds checks in shaders (robustness) and workgroup-memory zeroing off, as
// Chrome's Graphite and onnxruntime's WebGPU backend run: what those cost einsight's kernels.
const uncheckedGpu = await gpu({ dawnOptions: [`${DAWN_F16[0]!},disable_robustness,disable_workgroup_init`] });

/** A variant's tile settings, where it has any. */
function settingsOf(v: {
  readonly double?: boolean;
  readonly slabs?: boolean;
  readonly narrow?: boolean;
  readonly viewSlabs?: boolean;
}): Partial<TileConfig> | undefined {
  if (v.double === undefined && v.slabs === undefined && v.narrow !== true && v.viewSlabs !== true) return undefined;
  return {
    ...(v.double === undefined ? {} : { doubleBuffer: v.double }),
    ...(v.slabs === undefined ? {} : { subgroupSlabs: v.slabs }),
    ...(v.narrow === true ? { wide: { a: false, b: false } } : {}),
    ...(v.viewSlabs === true ? { viewSlabs: true } : {}),
  } as Partial<TileConfig>;
}

interface Check {
  readonly name: string;
  readonly equation: string;
  readonly shapes: readonly (readonly number[])[];
  /** Builds the operands (views) from bases of `shapes`. */
  readonly views?: (bases: readonly Tensor[]) => Tensor[];
  readonly strategy?: Strategy;
  readonly accumulate?: boolean;
  readonly tiles?: { tm: number; tn: number };
  readonly double?: boolean;
  /** Per-subgroup slabs (tiles.subgroupSlabs). */
  readonly slabs?: boolean;
  /** Slabs stored 16 bytes at a time through buffer views (tiles.viewSlabs). */
  readonly viewSlabs?: boolean;
}

const checks: Check[] = [
  {
    name: "GEMM, whole matrices",
    equation: "ij,jk->ik",
    shapes: [
      [256, 128],
      [128, 192],
    ],
  },
  {
    name: "row slice, aligned",
    equation: "ij,jk->ik",
    shapes: [
      [300, 128],
      [128, 64],
    ],
    views: ([x, y]) => [x!.slice(0, 8, 264), y!],
  },
  {
    name: "row slice, misaligned",
    equation: "ij,jk->ik",
    shapes: [
      [300, 128],
      [128, 64],
    ],
    views: ([x, y]) => [x!.slice(0, 8, 264).slice(1, 4, 116), y!.slice(0, 4, 116)],
  },
  {
    name: "transposed, whole matrices",
    equation: "ji,jk->ik",
    shapes: [
      [128, 256],
      [128, 96],
    ],
  },
  {
    name: "batched, whole matrices",
    equation: "bij,bjk->bik",
    shapes: [
      [3, 64, 96],
      [3, 96, 48],
    ],
  },
  {
    name: "split-k, whole matrices",
    equation: "ij,jk->ik",
    shapes: [
      [32, 4096],
      [4096, 32],
    ],
    strategy: "split-k",
  },
  {
    name: "GEMM with edges",
    equation: "ij,jk->ik",
    shapes: [
      [300, 200],
      [200, 260],
    ],
  },
  {
    name: "loaded from memory (contracted j, k as one stride; k alone no 16-byte unit)",
    equation: "ijk,jkl->il",
    shapes: [
      [64, 4, 4],
      [4, 4, 64],
    ],
    strategy: "direct",
  },
  {
    name: "staged, 16-byte loads (M = 264: not whole 16-row matrices)",
    equation: "ij,jk->ik",
    shapes: [
      [264, 200],
      [200, 136],
    ],
    strategy: "direct",
  },
  {
    name: "staged, 16-byte loads, split-k",
    equation: "ij,jk->ik",
    shapes: [
      [40, 3000],
      [3000, 40],
    ],
    strategy: "split-k",
  },
  {
    name: "staged, 256 x 128 tiles (4 x 2 subgroups of 64 x 64), with edges",
    equation: "ij,jk->ik",
    shapes: [
      [520, 200],
      [200, 264],
    ],
    strategy: "direct",
    tiles: { tm: 256, tn: 128 },
  },
  {
    name: "staged, double-buffered slabs, with edges",
    equation: "ij,jk->ik",
    shapes: [
      [264, 200],
      [200, 136],
    ],
    strategy: "direct",
    double: true,
  },
  {
    name: "staged, double-buffered, one element at a time (a misaligned)",
    equation: "ij,jk->ik",
    shapes: [
      [300, 128],
      [128, 64],
    ],
    views: ([x, y]) => [x!.slice(0, 8, 264).slice(1, 4, 116), y!.slice(0, 4, 116)],
    strategy: "direct",
    double: true,
  },
  {
    name: "per-subgroup slabs, 256 x 128 tiles, with edges",
    equation: "ij,jk->ik",
    shapes: [
      [520, 200],
      [200, 264],
    ],
    strategy: "direct",
    tiles: { tm: 256, tn: 128 },
    slabs: true,
  },
  {
    name: "per-subgroup slabs, with edges",
    equation: "ij,jk->ik",
    shapes: [
      [264, 200],
      [200, 136],
    ],
    strategy: "direct",
    slabs: true,
  },
  {
    name: "per-subgroup slabs, a transposed",
    equation: "ji,jk->ik",
    shapes: [
      [200, 264],
      [200, 136],
    ],
    strategy: "direct",
    slabs: true,
  },
  {
    name: "per-subgroup slabs, b read along k",
    equation: "ik,jk->ij",
    shapes: [
      [264, 200],
      [136, 200],
    ],
    strategy: "direct",
    slabs: true,
  },
  {
    name: "per-subgroup slabs, one element at a time (a misaligned)",
    equation: "ij,jk->ik",
    shapes: [
      [300, 128],
      [128, 64],
    ],
    views: ([x, y]) => [x!.slice(0, 8, 264).slice(1, 4, 116), y!.slice(0, 4, 116)],
    strategy: "direct",
    slabs: true,
  },
  {
    name: "per-subgroup slabs, batched",
    equation: "bij,bjk->bik",
    shapes: [
      [3, 64, 96],
      [3, 96, 48],
    ],
    strategy: "direct",
    slabs: true,
  },
  {
    name: "view slabs, with edges",
    equation: "ij,jk->ik",
    shapes: [
      [264, 200],
      [200, 136],
    ],
    strategy: "direct",
    viewSlabs: true,
  },
  {
    name: "view slabs, 256 x 128 tiles, with edges",
    equation: "ij,jk->ik",
    shapes: [
      [520, 200],
      [200, 264],
    ],
    strategy: "direct",
    tiles: { tm: 256, tn: 128 },
    viewSlabs: true,
  },
  {
    name: "view slabs, a transposed",
    equation: "ji,jk->ik",
    shapes: [
      [200, 264],
      [200, 136],
    ],
    strategy: "direct",
    viewSlabs: true,
  },
  {
    name: "view slabs, b read along k",
    equation: "ik,jk->ij",
    shapes: [
      [264, 200],
      [136, 200],
    ],
    strategy: "direct",
    viewSlabs: true,
  },
  {
    name: "view slabs, batched",
    equation: "bij,bjk->bik",
    shapes: [
      [3, 64, 96],
      [3, 96, 48],
    ],
    strategy: "direct",
    viewSlabs: true,
  },
  {
    name: "view slabs, split-k",
    equation: "ij,jk->ik",
    shapes: [
      [40, 3000],
      [3000, 40],
    ],
    strategy: "split-k",
    viewSlabs: true,
  },
  {
    name: "transposed left",
    equation: "ji,jk->ik",
    shapes: [
      [200, 300],
      [200, 260],
    ],
  },
  {
    name: "batched",
    equation: "bij,bjk->bik",
    shapes: [
      [3, 70, 90],
      [3, 90, 50],
    ],
  },
  {
    name: "seed on a slice",
    equation: "ijk,ikl->jl",
    shapes: [
      [6, 130, 96],
      [4, 96, 70],
    ],
    views: ([x, y]) => [x!.slice(0, 1, 5), y!],
  },
  {
    name: "attention scores",
    equation: "bhqd,bhkd->bhqk",
    shapes: [
      [2, 3, 128, 64],
      [2, 3, 128, 64],
    ],
  },
  {
    name: "split-k",
    equation: "ij,jk->ik",
    shapes: [
      [40, 3000],
      [3000, 36],
    ],
    strategy: "split-k",
  },
  {
    name: "ttgt",
    equation: "ji,jk->ik",
    shapes: [
      [200, 150],
      [200, 130],
    ],
    strategy: "ttgt",
  },
  {
    name: "loop",
    equation: "ij,jk->ik",
    shapes: [
      [30, 20],
      [20, 26],
    ],
    strategy: "loop",
  },
  { name: "outer product (vec4 stores)", equation: "i,j->ij", shapes: [[300], [256]] },
  { name: "reduction", equation: "bij->bj", shapes: [[4, 100, 60]] },
  {
    name: "accumulate into a view",
    equation: "ij,jk->ik",
    shapes: [
      [130, 70],
      [70, 90],
    ],
    accumulate: true,
  },
];

/** f16 rounds inputs to 11 bits and the output to 11; sums are f32. Relative to the sum of |products|. */
const TOLERANCE = 4e-3;

async function check(g: Gpu, c: Check): Promise<{ error: number; matrix: string; strategy: string }> {
  const data = c.shapes.map((s, k) =>
    fromHalfBits(
      toHalves(
        values(
          s.reduce((a, b) => a * b, 1),
          k + 11,
        ),
      ),
    ).slice(
      0,
      s.reduce((a, b) => a * b, 1),
    ),
  );
  const bases = c.shapes.map((s, k) => tensor(g, data[k]!, s, { dtype: "f16" }));
  const views = c.views?.(bases) ?? bases;
  const planOptions = {
    ...(c.strategy === undefined ? {} : { strategy: c.strategy }),
    ...(c.tiles === undefined ? {} : { tiles: c.tiles }),
  };
  const plan = planEinsum(c.equation, views, { profile: g.profile, ...planOptions });
  const settings = settingsOf(c);
  const compiled = settings === undefined ? undefined : withTiles(plan, settings);
  const options = { ...planOptions, ...(compiled === undefined ? {} : { compiled }) };
  // whether a view-slab check really ran view slabs (the kernel needs both operands read 16 bytes at a time)
  const viewed =
    compiled?.programs.some((p) => p.launches.some((l) => l.kernel.code.includes("requires buffer_view"))) === true;
  const ops = views.map((v, k) => ({ data: data[k]!, shape: v.shape, strides: v.strides, offset: v.offset }));
  const expected = oracleEinsum(c.equation, ops);
  const magnitude = oracleEinsum(
    c.equation,
    ops.map((o) => ({ ...o, data: Array.from(o.data, Math.abs) })),
  );
  let out: Tensor;
  let base: Float64Array | undefined;
  if (c.accumulate === true) {
    const start = values(expected.data.length, 99);
    out = tensor(g, start, expected.shape, { dtype: "f16" });
    base = Float64Array.from(await out.read());
    einsum(c.equation, ...views, { out, accumulate: true, ...planOptions });
  } else {
    out = einsum(c.equation, ...views, options);
  }
  const got = await out.read();
  let error = 0;
  got.forEach((v, i) => {
    const want = expected.data[i]! + (base?.[i] ?? 0);
    const scale = magnitude.data[i]! + Math.abs(base?.[i] ?? 0) + 1e-3;
    error = Math.max(error, Number.isNaN(v) ? Infinity : Math.abs(v - want) / scale);
  });
  [...bases, out].forEach((t) => t.destroy());
  g.throwGpuError();
  const tiles = plan.steps.find((s) => s.tiles?.matrix !== undefined)?.tiles;
  const staged =
    tiles?.wide === undefined
      ? "staged"
      : `staged, 16-byte loads of ${[tiles.wide.a ? "a" : "", tiles.wide.b ? "b" : ""].filter((x) => x !== "").join(" and ")}`;
  const slabs =
    c.viewSlabs === true && tiles !== undefined ? (viewed ? ", view slabs" : ", view slabs NOT applied") : "";
  return {
    error,
    matrix:
      tiles === undefined
        ? ""
        : tiles.kind === "matrix-global"
          ? "subgroup matrices from memory"
          : `subgroup matrices, ${staged}${slabs}`,
    strategy: plan.steps.map((s) => s.strategy).join("+"),
  };
}

const results: Record<string, unknown>[] = [];
let failures = 0;
/** Writes what was measured so far (after each part: a run cut short by its time limit keeps it). */
function save(): void {
  if (args.json === undefined) return;
  writeFileSync(
    args.json,
    JSON.stringify(
      {
        adapter: matrixGpu.adapterName,
        features: [...matrixGpu.device.features].sort(),
        subgroups: [info.subgroupMinSize, info.subgroupMaxSize],
        configs,
        profile: matrixGpu.profile,
        date: new Date().toISOString().slice(0, 10),
        results,
      },
      null,
      1,
    ),
  );
}
for (const [label, g] of f32Only
  ? []
  : ([
      ["subgroup matrices", matrixGpu],
      ["scalar f16", scalarGpu],
    ] as const)) {
  for (const c of checks) {
    try {
      const r = await check(g, c);
      const ok = r.error <= TOLERANCE;
      if (!ok) failures += 1;
      console.log(
        `${ok ? "ok  " : "FAIL"} ${label}: ${c.name} ${c.equation} (${r.strategy}${r.matrix === "" ? "" : `, ${r.matrix}`}): error ${r.error.toExponential(2)}`,
      );
      results.push({ kind: "check", device: label, name: c.name, equation: c.equation, ...r, ok });
    } catch (e) {
      failures += 1;
      console.log(`FAIL ${label}: ${c.name} ${c.equation}: ${String(e).split("\n")[0]}`);
      results.push({ kind: "check", device: label, name: c.name, equation: c.equation, ok: false, error: String(e) });
    }
  }
}
save();

interface Variant {
  readonly label: string;
  readonly g: Gpu;
  readonly dtype: "f16" | "f32";
  /** > 0: a starts that many elements in; < 0: a has that many rows fewer. */
  readonly offset?: number;
  readonly tiles?: { tm: number; tn: number; tk?: number };
  readonly double?: boolean;
  /** Per-subgroup slabs (tiles.subgroupSlabs). */
  readonly slabs?: boolean;
  /** Without 16-byte loads or stores (each operand read and the output written an element at a time). */
  readonly narrow?: boolean;
  /** Slabs stored 16 bytes at a time through buffer views (tiles.viewSlabs). */
  readonly viewSlabs?: boolean;
  /** Compiled with both sizes of a and b that are not the contraction left to run time. */
  readonly sized?: boolean;
}

const sizes = args.quick === true ? [2048] : [4096, 8192];
for (const n of sizes) {
  const variants: Variant[] = [
    { label: "f16 subgroup matrices, as planned", g: matrixGpu, dtype: "f16" },
    {
      label: "f16 subgroup matrices, a with 8 rows fewer (not whole 16-row matrices)",
      g: matrixGpu,
      dtype: "f16",
      offset: -8,
    },
    {
      label: "f16 subgroup matrices, a starting 2 bytes in (read an element at a time)",
      g: matrixGpu,
      dtype: "f16",
      offset: 1,
    },
    { label: "f16 subgroup matrices, 64 x 64 tiles", g: matrixGpu, dtype: "f16", tiles: { tm: 64, tn: 64 } },
    {
      label: "f16 subgroup matrices, 256 x 128 tiles (4 x 2 subgroups of 64 x 64)",
      g: matrixGpu,
      dtype: "f16",
      tiles: { tm: 256, tn: 128 },
    },
    {
      label: "f16 subgroup matrices, 128 x 128 tiles (2 x 4 subgroups of 64 x 32)",
      g: matrixGpu,
      dtype: "f16",
      tiles: { tm: 128, tn: 128 },
    },
    {
      label: "f16 subgroup matrices, 128 x 128 tiles, double-buffered slabs",
      g: matrixGpu,
      dtype: "f16",
      tiles: { tm: 128, tn: 128 },
      double: true,
    },
    {
      label: "f16 subgroup matrices, 256 x 128 tiles, 16-deep slabs",
      g: matrixGpu,
      dtype: "f16",
      tiles: { tm: 256, tn: 128, tk: 16 },
    },
    {
      label: "f16 subgroup matrices, 128 x 256 tiles (2 x 4 subgroups of 64 x 64)",
      g: matrixGpu,
      dtype: "f16",
      tiles: { tm: 128, tn: 256 },
    },
    {
      label: "f16 subgroup matrices, 128 x 128 tiles, 64-deep slabs",
      g: matrixGpu,
      dtype: "f16",
      tiles: { tm: 128, tn: 128, tk: 64 },
    },
    { label: "f16 subgroup matrices, as planned, Dawn robustness off", g: uncheckedGpu, dtype: "f16" },
    {
      label: "f16 subgroup matrices, 256 x 128 tiles, Dawn robustness off",
      g: uncheckedGpu,
      dtype: "f16",
      tiles: { tm: 256, tn: 128 },
    },
    {
      label: "f16 subgroup matrices, 128 x 128 tiles, double-buffered slabs, Dawn robustness off",
      g: uncheckedGpu,
      dtype: "f16",
      tiles: { tm: 128, tn: 128 },
      double: true,
    },
    {
      label: "f16 subgroup matrices, per-subgroup slabs (constant load offsets)",
      g: matrixGpu,
      dtype: "f16",
      slabs: true,
    },
    {
      label: "f16 subgroup matrices, per-subgroup slabs, Dawn robustness off",
      g: uncheckedGpu,
      dtype: "f16",
      slabs: true,
    },
    {
      label: "f16 subgroup matrices, 128 x 128 tiles, per-subgroup slabs",
      g: matrixGpu,
      dtype: "f16",
      tiles: { tm: 128, tn: 128 },
      slabs: true,
    },
    { label: "f16 subgroup matrices, view slabs (16-byte slab stores)", g: matrixGpu, dtype: "f16", viewSlabs: true },
    { label: "f16 subgroup matrices, view slabs, Dawn robustness off", g: uncheckedGpu, dtype: "f16", viewSlabs: true },
    {
      label: "f16 subgroup matrices, 128 x 128 tiles, view slabs",
      g: matrixGpu,
      dtype: "f16",
      tiles: { tm: 128, tn: 128 },
      viewSlabs: true,
    },
    { label: "f16 scalar tiles", g: scalarGpu, dtype: "f16" },
    { label: "f32", g: matrixGpu, dtype: "f32" },
    { label: "f32, single slab buffer", g: matrixGpu, dtype: "f32", double: false },
    { label: "f32, double-buffered slabs", g: matrixGpu, dtype: "f32", double: true },
    {
      label: "f32, sizes read at run time (compiled for [number, n] x [n, number])",
      g: matrixGpu,
      dtype: "f32",
      sized: true,
    },
    {
      label: "f32, sizes read at run time, without 16-byte loads or stores",
      g: matrixGpu,
      dtype: "f32",
      sized: true,
      narrow: true,
    },
    { label: "f32, without 16-byte loads or stores (every size baked in)", g: matrixGpu, dtype: "f32", narrow: true },
    { label: "f32, Dawn robustness off", g: uncheckedGpu, dtype: "f32" },
    { label: "f32, double-buffered slabs, Dawn robustness off", g: uncheckedGpu, dtype: "f32", double: true },
  ];
  for (const variant of variants) {
    const { label, g, dtype, offset = 0, tiles, sized } = variant;
    const settings = settingsOf(variant);
    if (dtype === "f32" ? n > 4096 : f32Only) continue;
    const rows = n + Math.min(0, offset);
    const start = Math.max(0, offset);
    const base = tensor(g, values(rows * n + start, 1), [rows * n + start], { dtype });
    const a = new Tensor(base.storage, [rows, n], [n, 1], start, dtype);
    const b = tensor(g, values(n * n, 2), [n, n], { dtype });
    const planOptions = tiles === undefined ? {} : { tiles };
    const plan = planEinsum("ij,jk->ik", [a, b], { profile: g.profile, ...planOptions });
    const sizedPlan =
      sized === true
        ? compileSized(
            "ij,jk->ik",
            [
              [undefined, n],
              [n, undefined],
            ],
            { profile: g.profile },
          )
        : undefined;
    const compiled = settings !== undefined ? withTiles(sizedPlan?.plan ?? plan, settings) : sizedPlan;
    const options = compiled === undefined ? planOptions : { compiled };
    const tileConfig = (compiled?.plan ?? plan).steps[0]!.tiles;
    const estimatedMs = plan.totals.estimatedSeconds * 1e3;
    const row = { kind: "time", equation: "ij,jk->ik", n, label, tiles: tileConfig, estimatedMs };
    await timed(
      `ij,jk->ik ${n}^3 ${label}`,
      row,
      g,
      () => einsum("ij,jk->ik", a, b, options).destroy(),
      2 * rows * n * n,
      n * n * (dtype === "f16" ? 2 : 4),
      { note: ` (tiles ${JSON.stringify(tileConfig)}; estimated ${estimatedMs.toFixed(3)} ms)` },
    );
    base.destroy();
    b.destroy();
  }
}

// Where the planned kernels' time goes (test/support/variants `probeKernel`): each with part of every
// slab's work taken out, checked at 64 outputs against what it computes, (K / TK) x the first
// slab's product, then timed. Against the planned kernel's time: the global loads' share, and the
// slab stores' (staged once leaves the subgroup-matrix or workgroup-memory loads, the multiplies
// and the barriers).
const PROBES: readonly { probe: Probe; what: string }[] = [
  { probe: "no-global-loads", what: "probe: no global loads in the k loop" },
  { probe: "staged-once", what: "probe: slabs staged once (loads from workgroup memory, multiplies, barriers)" },
];
for (const { n, dtype, g, label } of [
  ...(f32Only
    ? []
    : [
        { n: sizes.at(-1)!, dtype: "f16" as const, g: matrixGpu, label: "f16 subgroup matrices, as planned" },
        {
          n: sizes.at(-1)!,
          dtype: "f16" as const,
          g: uncheckedGpu,
          label: "f16 subgroup matrices, as planned, Dawn robustness off",
        },
      ]),
  { n: Math.min(4096, sizes.at(-1)!), dtype: "f32" as const, g: matrixGpu, label: "f32" },
]) {
  const [da, db] = [values(n * n, 1), values(n * n, 2)];
  const a = tensor(g, da, [n, n], { dtype });
  const b = tensor(g, db, [n, n], { dtype });
  const plan = planEinsum("ij,jk->ik", [a, b], { profile: g.profile });
  const tk = plan.steps[0]!.tiles!.tk;
  const asRead = (d: Float32Array) => (dtype === "f16" ? fromHalfBits(toHalves(d)) : d); // what the GPU multiplies
  const samples = Array.from({ length: 64 }, (_, i) => (i * 1048573 + 7 * i * i) % (n * n));
  const expected = probeExpected(asRead(da), asRead(db), n, n, n, tk, samples);
  for (const { probe, what } of PROBES) {
    const full = `${label}, ${what}`;
    let compiled: CompiledEinsum | undefined; // made in check(), where a kernel the probe cannot take is a recorded failure
    const check = async () => {
      compiled = probeCompiled(compilePlan(plan), probe);
      const out = einsum("ij,jk->ik", a, b, { compiled });
      const got = await out.read();
      out.destroy();
      g.throwGpuError();
      const error = maxRelativeError(
        samples.map((i) => got[i]!),
        expected,
      );
      if (!(error <= TOLERANCE))
        throw new Error(
          `the probe computed something else than (K / TK) x the first slab's product: relative error ${error.toExponential(2)}`,
        );
      return ` (checked: error ${error.toExponential(2)})`;
    };
    const row = { kind: "time", equation: "ij,jk->ik", n, label: full, probe, tiles: plan.steps[0]!.tiles };
    await timed(
      `ij,jk->ik ${n}^3 ${full}`,
      row,
      g,
      () => einsum("ij,jk->ik", a, b, { compiled: compiled! }).destroy(),
      2 * n * n * n,
      n * n * (dtype === "f16" ? 2 : 4),
      { check },
    );
  }
  [a, b].forEach((t) => t.destroy());
}

/**
 * One einsum timed as a variant runs it (`settings` added to the planned tiles, where given), with
 * its TFLOP/s and the tiles that ran: a `kind` row of the JSON.
 */
async function timeVariant(
  kind: string,
  label: string,
  g: Gpu,
  equation: string,
  operands: readonly Tensor[],
  flops: number,
  settings?: Partial<TileConfig>,
): Promise<void> {
  const planned = planEinsum(equation, operands, { profile: g.profile });
  const compiled = settings !== undefined ? withTiles(planned, settings) : undefined;
  const plan = compiled?.plan ?? planned; // what runs: its tiles are the variant's
  const outBytes = 4 * planned.output.shape.reduce((acc, n) => acc * n, 1);
  const run = () => einsum(equation, ...operands, compiled === undefined ? {} : { compiled }).destroy();
  await timed(`${equation} ${label}`, { kind, equation, label, tiles: plan.steps[0]!.tiles }, g, run, flops, outBytes, {
    note: ` (${plan.steps.map((s) => s.strategy).join("+")}, tiles ${JSON.stringify(plan.steps[0]!.tiles)})`,
  });
}

/**
 * Times `run` on `g` (back-to-back runs, each allocating `bytesPerRun`) and records it as a row of
 * the JSON, `row` with its ms and TFLOP/s for `flops`, or with the error where it fails. `check`
 * runs first (a probe's result against what it should compute); what it returns, and `note`,
 * end the printed line.
 */
async function timed(
  title: string,
  row: Record<string, unknown>,
  g: Gpu,
  run: () => void,
  flops: number,
  bytesPerRun: number,
  options: { minSeconds?: number; note?: string; check?: () => Promise<string> } = {},
): Promise<void> {
  try {
    const checked = (await options.check?.()) ?? "";
    const ms = await measure(run, () => g.device.queue.onSubmittedWorkDone(), options.minSeconds ?? 0.5, bytesPerRun);
    g.throwGpuError();
    const tflops = flops / (ms / 1e3) / 1e12;
    console.log(`${title}: ${ms.toFixed(3)} ms = ${tflops.toFixed(1)} TFLOP/s${options.note ?? ""}${checked}`);
    results.push({ ...row, ms, tflops });
  } catch (e) {
    console.log(`${title}: failed: ${String(e).split("\n")[0]}`);
    results.push({ ...row, error: String(e) });
  }
  save();
}

if (args.quick !== true) {
  // The seed's contraction on its slice, f32 (the suite's `ijk,ikl->jl`, x = X[3:11]): what each variant gives it.
  for (const { label, g, double } of [
    { label: "f32 sliced contraction, as planned", g: matrixGpu },
    { label: "f32 sliced contraction, single slab buffer", g: matrixGpu, double: false },
    { label: "f32 sliced contraction, Dawn robustness off", g: uncheckedGpu },
    { label: "f32 sliced contraction, single slab buffer, Dawn robustness off", g: uncheckedGpu, double: false },
  ]) {
    const X = tensor(g, values(16 * 16384 * 2048, 1), [16, 16384, 2048]);
    const Y = tensor(g, values(8 * 2048 * 1024, 2), [8, 2048, 1024]);
    await timeVariant(
      "seed",
      label,
      g,
      "ijk,ikl->jl",
      [X.slice(0, 3, 11), Y],
      2 * 8 * 16384 * 2048 * 1024,
      double === undefined ? undefined : { doubleBuffer: double },
    );
    [X, Y].forEach((t) => t.destroy());
  }
  // Attention scores, f32 (the suite's `bhqd,bhkd->bhqk`): 512 MiB written for K = 64, so the
  // output's stores weigh; 16 bytes at a time against an element at a time.
  const q = tensor(matrixGpu, values(8 * 16 * 1024 * 64, 1), [8, 16, 1024, 64]);
  const k = tensor(matrixGpu, values(8 * 16 * 1024 * 64, 2), [8, 16, 1024, 64]);
  const wide = planEinsum("bhqd,bhkd->bhqk", [q, k], { profile: matrixGpu.profile }).steps[0]!.tiles?.wide ?? {
    a: false,
    b: false,
  };
  for (const { label, settings } of [
    { label: "f32 attention scores, as planned", settings: undefined },
    { label: "f32 attention scores, output stored an element at a time", settings: { wide: { ...wide, out: false } } },
  ]) {
    await timeVariant(
      "attention",
      label,
      matrixGpu,
      "bhqd,bhkd->bhqk",
      [q, k],
      2 * 8 * 16 * 1024 * 1024 * 64,
      settings,
    );
  }
  [q, k].forEach((t) => t.destroy());
}

// Wave quantization: the f32 GEMM with k = n = 4096 and m from 2048 to 4096 in steps of 128, a
// prefix of one a (each m its own kernel). With the planned 128 x 64 tiles each step adds 64
// workgroups; TFLOP/s that rise and fall with the workgroup count, rather than grow with m, say
// how many workgroups the GPU runs at once (the profile's parallelWorkgroups: 264 today, a guess).
if (args.quick !== true) {
  const n = 4096;
  const a = tensor(matrixGpu, values(n * n, 1), [n, n]);
  const b = tensor(matrixGpu, values(n * n, 2), [n, n]);
  for (let m = 2048; m <= n; m += 128) {
    const rows = a.slice(0, 0, m);
    const plan = planEinsum("ij,jk->ik", [rows, b], { profile: matrixGpu.profile });
    const t = plan.steps[0]!.tiles!;
    const workgroups = Math.ceil(m / t.tm) * Math.ceil(n / t.tn) * t.splits;
    const row = {
      kind: "waves",
      equation: "ij,jk->ik",
      m,
      n,
      k: n,
      workgroups,
      tiles: t,
      estimatedMs: plan.totals.estimatedSeconds * 1e3,
    };
    await timed(
      `ij,jk->ik ${m}x${n}x${n} waves, ${workgroups} workgroups of ${t.tm}x${t.tn}`,
      row,
      matrixGpu,
      () => einsum("ij,jk->ik", rows, b).destroy(),
      2 * m * n * n,
      m * n * 4,
      { minSeconds: 0.3 },
    );
  }
  [a, b].forEach((x) => x.destroy());
}

save();
console.log(failures === 0 ? "all f16 checks passed" : `${failures} f16 check(s) FAILED`);
scalarGpu.destroy();
uncheckedGpu.destroy();
matrixGpu.destroy();
process.exit(failures === 0 ? 0 : 1);

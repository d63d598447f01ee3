/**
 * Turns benchmark JSON into the markdown tables of bench/RESULTS.md: the suite (bench/run.ts),
 * and, given files from the same run, torch.einsum beside it (bench/peers/torch_suite.py) and the
 * seed workload against PyTorch (bench/lib/seed.ts, bench/peers/torch_seed.py):
 *
 *     node dist/bench/report.js bench/results/swiftshader/swiftshader-2026-12-03-small.json
 *     node dist/bench/report.js bench/results/h200/h200-2026-11-26-{suite,seed}-128x64x16{,-torch}.json
 *
 * the f16 and f32 kernel variants (bench/suites/matrix.ts) with cuBLAS (bench/peers/torch_f16.py)
 * and torch.einsum's suite (for the sliced contraction) from the same run:
 *
 *     node dist/bench/report.js bench/results/h200/h200-2026-11-26-f16-variants-padded-slabs-f32-128x64x16{,-torch}.json bench/results/h200/h200-2026-11-26-suite-128x64x16-torch.json
 *
 * and a tile sweep (bench/suites/tune.ts: TFLOP/s of each forced tile shape):
 *
 *     node dist/bench/report.js bench/results/h200/h200-2026-11-26-tiles-attention-4d.json
 */
import { readFileSync } from "node:fs";
import { formatBytes } from "../codegen/explain.js";
import type { TileShape } from "../codegen/tiles.js";
import type { CaseResult } from "./run.js";
import type { SeedResult } from "./lib/seed.js";
import { candidateName, type TileCandidate } from "../codegen/tiles.js";

interface TorchSuite {
  readonly device: string;
  readonly torch: string;
  readonly results: readonly {
    readonly name: string;
    readonly ms: number;
    readonly peakAboveInputsBytes: number;
    readonly alternative?: { readonly code: string; readonly ms: number; readonly peakAboveInputsBytes: number };
  }[];
}

interface TorchSeed {
  readonly device: string;
  readonly torch: string;
  readonly results: readonly {
    readonly method: string;
    readonly ms: number;
    readonly peakAboveInputsBytes: number;
    readonly minimumBytes: number;
  }[];
}

/** bench/suites/matrix.ts's JSON: the f16 checks and timings. */
interface F16Report {
  readonly adapter: string;
  readonly configs: readonly string[];
  readonly results: readonly (
    | { readonly kind: "check"; readonly ok: boolean }
    | {
        readonly kind: "time";
        readonly n: number;
        readonly label: string;
        readonly ms?: number;
        readonly tflops?: number;
        readonly estimatedMs?: number;
        readonly error?: string;
      }
    | CaseVariant
    | WavesRow
  )[];
}

/** The f32 GEMM at one m of bench/suites/matrix.ts's wave-quantization sweep. */
interface WavesRow {
  readonly kind: "waves";
  readonly m: number;
  readonly n: number;
  readonly workgroups: number;
  readonly ms?: number;
  readonly tflops?: number;
  readonly estimatedMs?: number;
  readonly error?: string;
}

/** A suite case timed under a kernel variant (bench/suites/matrix.ts). */
interface CaseVariant {
  readonly kind: "seed" | "attention";
  readonly label: string;
  readonly ms?: number;
  readonly tflops?: number;
  readonly error?: string;
}

interface TorchF16 {
  readonly torch: string;
  readonly device: string;
  readonly rows: readonly {
    readonly n: number;
    readonly dtype: string;
    readonly ms: number;
    readonly tflops: number;
  }[];
}

/** bench/suites/tune.ts's JSON: each case timed with each forced tile shape. */
interface TuneReport {
  readonly adapter: string;
  readonly date: string;
  readonly rows: readonly {
    readonly name: string;
    readonly planned: TileShape;
    readonly tiles: TileCandidate;
    readonly tflops: number;
  }[];
}

/** One row a case, one column a tile shape, in TFLOP/s; the fastest in bold. */
export function tuneTable(tune: TuneReport): string {
  const columns = [...new Set(tune.rows.map((r) => candidateName(r.tiles)))];
  const cases = [...new Set(tune.rows.map((r) => r.name))];
  return [
    `TFLOP/s of the \`direct\` kernel forced to each tile shape (bench/suites/tune.ts), ${tune.adapter}, ${tune.date.slice(0, 10)}; the fastest in bold.`,
    "",
    `| case | planned | ${columns.join(" | ")} |`,
    `| --- | --- | ${columns.map(() => "---").join(" | ")} |`,
    ...cases.map((name) => {
      const mine = tune.rows.filter((r) => r.name === name);
      const best = Math.max(...mine.map((r) => r.tflops));
      const cell = (c: string) => {
        const r = mine.find((m) => candidateName(m.tiles) === c);
        return r === undefined ? "-" : r.tflops === best ? `**${r.tflops.toFixed(1)}**` : r.tflops.toFixed(1);
      };
      return `| ${name} | ${candidateName(mine[0]!.planned)} | ${columns.map(cell).join(" | ")} |`;
    }),
  ].join("\n");
}

interface Report {
  readonly date: string;
  readonly adapter: string;
  readonly profile: string;
  readonly preset: string;
  readonly node: string;
  readonly tfjs: string;
  /** bench/run.ts `--tile-table`: the table the plans were made with. */
  readonly tileTable?: { readonly file: string; readonly adapter: string; readonly entries: readonly string[] };
  readonly results: readonly CaseResult[];
}

/** How a suite file's plans were tiled: by the profile's rule, or by a tuneTiles() table (its entries). */
function tiling(report: Report): string {
  return report.tileTable === undefined
    ? ""
    : `; planned with a tile table tuneTiles() made on ${report.tileTable.adapter} (${report.tileTable.entries.join("; ")})`;
}

export function markdown(report: Report): string {
  const peer = (p: CaseResult["loop"]) =>
    p.ms !== undefined
      ? `${p.ms.toFixed(3)} (${p.ratio!.toFixed(2)}x)`
      : p.notApplicable !== undefined || p.error === "no tf.matMul form"
        ? "n/a"
        : p.error?.startsWith("not run") === true
          ? p.error
          : `fails: ${p.error}`;
  const rows = report.results.map((r) => {
    const e = r.einsight;
    const shapes = r.shapes.map((s) => `[${s.join(",")}]`).join(" ");
    return `| \`${r.equation}\` ${r.name} | ${shapes} | ${e.strategies.join("+")} | ${e.ms.toFixed(3)} | ${e.gflops.toFixed(2)} | ${formatBytes(e.temporaryBytes)} | ${formatBytes(e.peakAboveInputsBytes)} | ${peer(r.loop)} | ${peer(r.tfjsEinsum)} | ${peer(r.tfjsMatMul)} |`;
  });
  return [
    `Adapter: ${report.adapter}; preset \`${report.preset}\`; cost-model profile \`${report.profile}\`${tiling(report)}; Node ${report.node}; tfjs ${report.tfjs}; ${report.date.slice(0, 10)}.`,
    "Peers are in ms, with how many times einsight's time they take (above 1x: einsight is faster).",
    "",
    "| contraction | shapes | einsight strategy | ms | GFLOP/s | temporaries | peak above inputs | loop kernel | tf.einsum | tf.matMul |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ...rows,
  ].join("\n");
}

/** einsight's suite beside torch.einsum on the same card: speed ratio, memory, and the cost model's estimate. */
export function torchTable(report: Report, torch: TorchSuite): string {
  const rows = report.results.map((r) => {
    const t = torch.results.find((x) => x.name === r.name);
    const tflops = (ms: number) => (r.flops / ms / 1e9).toFixed(1);
    const e = r.einsight;
    const vs =
      t === undefined
        ? "-"
        : `${t.ms.toFixed(3)} | ${tflops(t.ms)} | ${(t.ms / e.ms).toFixed(2)}x | ${formatBytes(t.peakAboveInputsBytes)}`;
    const estimated = e.estimatedMs === undefined ? "-" : e.estimatedMs.toFixed(3);
    return `| \`${r.equation}\` ${r.name} | ${e.strategies.join("+")} | ${e.ms.toFixed(3)} | ${tflops(e.ms)} | ${formatBytes(e.peakAboveInputsBytes)} | ${vs} | ${estimated} |`;
  });
  return [
    `torch ${torch.torch} on ${torch.device}, fp32, TF32 off, same card and run${tiling(report)}. Speed: torch's time over einsight's (above 1x: einsight is faster). Estimate: the cost model's prediction for the chosen plan.`,
    "",
    "| contraction | einsight strategy | einsight ms | TFLOP/s | peak above inputs | torch.einsum ms | TFLOP/s | speed vs torch | torch peak above inputs | estimated ms |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ...rows,
  ].join("\n");
}

/**
 * The cost model against the clock: every distinct plan a forced strategy gives, its estimate and
 * its measured time, the chosen one marked, and whether the choice was the fastest.
 */
export function strategyTable(report: Report): string {
  const rows = report.results
    .filter((r) => r.strategies !== undefined && r.strategies.length > 1)
    .map((r) => {
      // A file written before bench/run.ts listed mixed plans lacks the chosen one: taken from the einsight row.
      const plans = r.strategies.some((t) => t.chosen)
        ? r.strategies
        : [
            ...r.strategies,
            { steps: r.einsight.strategies, estimatedMs: r.einsight.estimatedMs, ms: r.einsight.ms, chosen: true },
          ];
      const fastest = plans.reduce((a, b) => (b.ms < a.ms ? b : a));
      const cells = plans.map(
        (t) =>
          `${t.chosen ? "**" : ""}${t.steps.join("+")}${t.chosen ? "**" : ""}: ${t.estimatedMs.toFixed(3)} / ${t.ms.toFixed(3)}`,
      );
      const verdict = fastest.chosen
        ? "yes"
        : `no: ${fastest.steps.join("+")} is ${(plans.find((t) => t.chosen)!.ms / fastest.ms).toFixed(2)}x faster`;
      return `| \`${r.equation}\` ${r.name} | ${cells.join("; ")} | ${verdict} |`;
    });
  return [
    `Each plan as estimated ms / measured ms (${report.adapter}, profile \`${report.profile}\`); the chosen plan in bold.`,
    "",
    "| contraction | plans: estimated / measured ms | chosen is fastest |",
    "| --- | --- | --- |",
    ...rows,
  ].join("\n");
}

/** The seed workload, einsight and PyTorch. */
export function seedTable(seed: SeedResult, torch: TorchSeed | undefined): string {
  const mib = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;
  const row = (who: string, ms: number, peak: number) =>
    `| ${who} | ${ms.toFixed(1)} | ${mib(peak)} | ${(peak / seed.minimumBytes).toFixed(3)}x |`;
  return [
    `Four overlapping slices X[s:s+8], s in {${seed.starts.join(", ")}}, of X [${seed.shapes.X.join(", ")}], each \`ijk,ikl->jl\` with Y [${seed.shapes.Y.join(", ")}], forward and backward into the gradients of X and Y. Minimum (the four outputs and the two gradients): ${mib(seed.minimumBytes)}. einsight on ${seed.adapter}${torch === undefined ? "" : `; torch ${torch.torch} on ${torch.device}`}.`,
    "",
    "| method | ms (forward + backward) | peak above inputs | of the minimum |",
    "| --- | --- | --- | --- |",
    row(
      `einsight (\`einsumWithBackward\`; forward ${seed.strategies.forward.join("+")}, gradients ${seed.strategies.gradX.join("+")} / ${seed.strategies.gradY.join("+")})`,
      seed.ms,
      seed.peakAboveInputsBytes,
    ),
    ...(torch?.results.map((r) =>
      row(r.method === "einsum" ? "torch.einsum" : "torch `(x @ Y).sum(0)`", r.ms, r.peakAboveInputsBytes),
    ) ?? []),
  ].join("\n");
}

/** f16 `ij,jk->ik` on each kernel, beside cuBLAS fp16 (fp32 accumulation) from the same card and run. */
export function f16Table(f16: F16Report, torch: TorchF16 | undefined, torchSuite?: TorchSuite): string {
  const checks = f16.results.filter((r) => r.kind === "check");
  const rows = f16.results.flatMap((r) => {
    if (r.kind !== "time") return [];
    const cublas = torch?.rows.find(
      (t) => t.n === r.n && t.dtype === (r.label.startsWith("f32") ? "float32" : "float16"),
    );
    const vs =
      cublas === undefined || r.ms === undefined
        ? "-"
        : `${cublas.tflops.toFixed(1)} | ${(cublas.ms / r.ms).toFixed(2)}x`;
    return [
      `| ${r.n}^3 | ${r.label} | ${r.ms === undefined ? `fails: ${r.error}` : `${r.ms.toFixed(3)} | ${r.tflops!.toFixed(1)}`} | ${r.estimatedMs?.toFixed(3) ?? "-"} | ${vs} |`,
    ];
  });
  return [
    `\`ij,jk->ik\` on ${f16.adapter}; ${checks.filter((c) => c.ok).length} of ${checks.length} f16 checks against the oracle passed. cuBLAS: torch ${torch?.torch ?? "-"} \`a @ b\` (fp16 with fp32 accumulation; fp32 with TF32 off) on ${torch?.device ?? "-"} (bench/peers/torch_f16.py; the file given says which run).`,
    "",
    "| size | kernel | ms | TFLOP/s | estimated ms | cuBLAS TFLOP/s | speed vs cuBLAS |",
    "| --- | --- | --- | --- | --- | --- | --- |",
    ...rows,
    ...caseVariants(f16, torchSuite, "seed", "seed", "The seed's sliced contraction `ijk,ikl->jl` (x = X[3:11], f32)"),
    ...caseVariants(f16, torchSuite, "attention", "attention scores", "Attention scores `bhqd,bhkd->bhqk` (f32)"),
    ...wavesTable(f16),
  ].join("\n");
}

/** The wave-quantization sweep: TFLOP/s against the workgroup count, with the cost model's estimate. */
function wavesTable(f16: F16Report): string[] {
  const rows = f16.results.filter((r): r is WavesRow => r.kind === "waves");
  if (rows.length === 0) return [];
  return [
    "",
    `\`ij,jk->ik\` in f32 with k = n = ${rows[0]!.n} and m growing (wave quantization: how many workgroups run at once), same run:`,
    "",
    "| m | workgroups | ms | TFLOP/s | estimated ms |",
    "| --- | --- | --- | --- | --- |",
    ...rows.map(
      (r) =>
        `| ${r.m} | ${r.workgroups} | ${r.ms === undefined ? `fails: ${r.error} | -` : `${r.ms.toFixed(3)} | ${r.tflops!.toFixed(1)}`} | ${r.estimatedMs?.toFixed(3) ?? "-"} |`,
    ),
  ];
}

/** One suite case's f32 variants (bench/suites/matrix.ts rows of `kind`), beside torch.einsum's time for it (the suite row named `torchName`) from the suite file given. */
function caseVariants(
  f16: F16Report,
  torchSuite: TorchSuite | undefined,
  kind: "seed" | "attention",
  torchName: string,
  title: string,
): string[] {
  const rows = f16.results.filter((r): r is CaseVariant => r.kind === kind);
  if (rows.length === 0) return [];
  const torch = torchSuite?.results.find((r) => r.name.startsWith(torchName));
  return [
    "",
    `${title}, same run; torch.einsum ${torch === undefined ? "-" : `${torch.ms.toFixed(3)} ms`} (${torchSuite?.device ?? "no torch suite file given"}):`,
    "",
    "| variant | ms | TFLOP/s | speed vs torch.einsum |",
    "| --- | --- | --- | --- |",
    ...rows.map(
      (r) =>
        `| ${r.label} | ${r.ms === undefined ? `fails: ${r.error}` : `${r.ms.toFixed(3)} | ${r.tflops!.toFixed(1)}`} | ${torch === undefined || r.ms === undefined ? "-" : `${(torch.ms / r.ms).toFixed(2)}x`} |`,
    ),
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const files = process.argv.slice(2).map((f) => JSON.parse(readFileSync(f, "utf8")) as Record<string, unknown>);
  const suite = files.find(
    (f) => Array.isArray(f.results) && (f.results as Record<string, unknown>[])[0]?.einsight !== undefined,
  ) as Report | undefined;
  const torch = files.find(
    (f) =>
      typeof f.torch === "string" &&
      Array.isArray(f.results) &&
      (f.results as Record<string, unknown>[])[0]?.equation !== undefined,
  ) as TorchSuite | undefined;
  const seed = files.find((f) => f.starts !== undefined && f.adapter !== undefined) as SeedResult | undefined;
  const torchSeed = files.find((f) => f.starts !== undefined && typeof f.torch === "string") as TorchSeed | undefined;
  if (suite !== undefined) console.log(`${markdown(suite)}\n\n${strategyTable(suite)}\n`);
  if (suite !== undefined && torch !== undefined) console.log(`${torchTable(suite, torch)}\n`);
  if (seed !== undefined) console.log(`${seedTable(seed, torchSeed)}\n`);
  const f16 = files.find((f) => typeof f.configs === "object" && f.adapter !== undefined) as F16Report | undefined;
  const torchF16 = files.find((f) => Array.isArray(f.rows) && typeof f.torch === "string") as TorchF16 | undefined;
  if (f16 !== undefined) console.log(`${f16Table(f16, torchF16, torch)}\n`);
  const tune = files.find((f) => Array.isArray(f.rows) && f.preset !== undefined && f.profile !== undefined) as
    TuneReport | undefined;
  if (tune !== undefined) console.log(`${tuneTable(tune)}\n`);
}

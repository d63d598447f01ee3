/**
 * Turns benchmark JSON into the markdown tables of bench/RESULTS.md: the suite (bench/run.ts),
 * and, given files from the same run, torch.einsum beside it (bench/torch_suite.py) and the seed
 * workload against PyTorch (bench/seed.ts, bench/torch_seed.py):
 *
 *     node dist/bench/report.js bench/results/swiftshader-small.json
 *     node dist/bench/report.js bench/results/h200-{full,torch,seed,torch-seed}.json
 */
import { readFileSync } from "node:fs";
import { formatBytes } from "../codegen/explain.js";
import type { CaseResult } from "./run.js";
import type { SeedResult } from "./seed.js";

interface TorchSuite {
  readonly device: string;
  readonly torch: string;
  readonly results: readonly { readonly name: string; readonly ms: number; readonly peakAboveInputsBytes: number; readonly alternative?: { readonly code: string; readonly ms: number; readonly peakAboveInputsBytes: number } }[];
}

interface TorchSeed {
  readonly device: string;
  readonly torch: string;
  readonly results: readonly { readonly method: string; readonly ms: number; readonly peakAboveInputsBytes: number; readonly minimumBytes: number }[];
}

interface Report {
  readonly date: string;
  readonly adapter: string;
  readonly profile: string;
  readonly preset: string;
  readonly node: string;
  readonly tfjs: string;
  readonly results: readonly CaseResult[];
}

export function markdown(report: Report): string {
  const peer = (p: CaseResult["loop"]) =>
    p.ms !== undefined ? `${p.ms.toFixed(3)} (${p.ratio!.toFixed(2)}x)` : p.notApplicable !== undefined || p.error === "no tf.matMul form" ? "n/a" : p.error?.startsWith("not run") === true ? p.error : `fails: ${p.error}`;
  const rows = report.results.map((r) => {
    const e = r.einsight;
    const shapes = r.shapes.map((s) => `[${s.join(",")}]`).join(" ");
    return `| \`${r.equation}\` ${r.name} | ${shapes} | ${e.strategies.join("+")} | ${e.ms.toFixed(3)} | ${e.gflops.toFixed(2)} | ${formatBytes(e.temporaryBytes)} | ${formatBytes(e.peakAboveInputsBytes)} | ${peer(r.loop)} | ${peer(r.tfjsEinsum)} | ${peer(r.tfjsMatMul)} |`;
  });
  return [
    `Adapter: ${report.adapter}; preset \`${report.preset}\`; cost-model profile \`${report.profile}\`; Node ${report.node}; tfjs ${report.tfjs}; ${report.date.slice(0, 10)}.`,
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
    const vs = t === undefined ? "-" : `${t.ms.toFixed(3)} | ${tflops(t.ms)} | ${(t.ms / e.ms).toFixed(2)}x | ${formatBytes(t.peakAboveInputsBytes)}`;
    const estimated = e.estimatedMs === undefined ? "-" : e.estimatedMs.toFixed(3);
    return `| \`${r.equation}\` ${r.name} | ${e.strategies.join("+")} | ${e.ms.toFixed(3)} | ${tflops(e.ms)} | ${formatBytes(e.peakAboveInputsBytes)} | ${vs} | ${estimated} |`;
  });
  return [
    `torch ${torch.torch} on ${torch.device}, fp32, TF32 off, same card and run. Speed: torch's time over einsight's (above 1x: einsight is faster). Estimate: the cost model's prediction for the chosen plan.`,
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
      const fastest = r.strategies.reduce((a, b) => (b.ms < a.ms ? b : a));
      const cells = r.strategies.map((t) => `${t.chosen ? "**" : ""}${t.steps.join("+")}${t.chosen ? "**" : ""}: ${t.estimatedMs.toFixed(3)} / ${t.ms.toFixed(3)}`);
      const verdict = fastest.chosen ? "yes" : `no: ${fastest.steps.join("+")} is ${(r.strategies.find((t) => t.chosen)!.ms / fastest.ms).toFixed(2)}x faster`;
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
  const row = (who: string, ms: number, peak: number) => `| ${who} | ${ms.toFixed(1)} | ${mib(peak)} | ${(peak / seed.minimumBytes).toFixed(3)}x |`;
  return [
    `Four overlapping slices X[s:s+8], s in {${seed.starts.join(", ")}}, of X [${seed.shapes.X.join(", ")}], each \`ijk,ikl->jl\` with Y [${seed.shapes.Y.join(", ")}], forward and backward into the gradients of X and Y. Minimum (the four outputs and the two gradients): ${mib(seed.minimumBytes)}. einsight on ${seed.adapter}${torch === undefined ? "" : `; torch ${torch.torch} on ${torch.device}`}.`,
    "",
    "| method | ms (forward + backward) | peak above inputs | of the minimum |",
    "| --- | --- | --- | --- |",
    row(`einsight (\`einsumWithBackward\`; forward ${seed.strategies.forward.join("+")}, gradients ${seed.strategies.gradX.join("+")} / ${seed.strategies.gradY.join("+")})`, seed.ms, seed.peakAboveInputsBytes),
    ...(torch?.results.map((r) => row(r.method === "einsum" ? "torch.einsum" : "torch `(x @ Y).sum(0)`", r.ms, r.peakAboveInputsBytes)) ?? []),
  ].join("\n");
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const files = process.argv.slice(2).map((f) => JSON.parse(readFileSync(f, "utf8")) as Record<string, unknown>);
  const suite = files.find((f) => Array.isArray(f.results) && (f.results as Record<string, unknown>[])[0]?.einsight !== undefined) as Report | undefined;
  const torch = files.find((f) => typeof f.torch === "string" && (f.results as Record<string, unknown>[])[0]?.equation !== undefined) as TorchSuite | undefined;
  const seed = files.find((f) => f.starts !== undefined && f.adapter !== undefined) as SeedResult | undefined;
  const torchSeed = files.find((f) => f.starts !== undefined && typeof f.torch === "string") as TorchSeed | undefined;
  if (suite !== undefined) console.log(`${markdown(suite)}\n\n${strategyTable(suite)}\n`);
  if (suite !== undefined && torch !== undefined) console.log(`${torchTable(suite, torch)}\n`);
  if (seed !== undefined) console.log(`${seedTable(seed, torchSeed)}\n`);
}

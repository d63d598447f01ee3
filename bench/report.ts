/**
 * Turns benchmark JSON (from bench/run.ts) into the markdown table of bench/RESULTS.md:
 *
 *     node dist/bench/report.js bench/results/swiftshader-small.json
 */
import { readFileSync } from "node:fs";
import { formatBytes } from "../codegen/explain.js";
import type { CaseResult } from "./run.js";

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
  const peer = (p: CaseResult["loop"]) => (p.ms !== undefined ? `${p.ms.toFixed(3)} (${p.ratio!.toFixed(2)}x)` : p.notApplicable !== undefined || p.error === "no tf.matMul form" ? "n/a" : `fails: ${p.error}`);
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

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const file of process.argv.slice(2)) console.log(`${markdown(JSON.parse(readFileSync(file, "utf8")) as Report)}\n`);
}

/**
 * How long planning takes (codegen/plan, path search included): opt_einsum's test equations and
 * chains of 2 to 12 operands, median of many runs each.
 *
 *     npm run build && node dist/bench/suites/plan.js [--json file]
 */
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { planEinsum } from "../../codegen/plan.js";
import { OPT_EINSUM_EQUATIONS, shapesFor } from "../../test/support/index.js";

const { values: args } = parseArgs({ options: { json: { type: "string" } } });
const letters = "abcdefghijklmnopqrstuvwxyz";

function timeMs(run: () => void): number {
  for (let i = 0; i < 5; i++) run();
  const times: number[] = [];
  for (let i = 0; i < 25; i++) {
    const start = performance.now();
    run();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[12]!;
}

const rows: { equation: string; operands: number; ms: number }[] = [];
for (let n = 2; n <= 12; n++) {
  const equation = `${Array.from({ length: n }, (_, i) => letters[i]! + letters[i + 1]!).join(",")}->a${letters[n]}`;
  const shapes = Array.from({ length: n }, (_, i) => ({ shape: [16 + i, 17 + i] }));
  rows.push({ equation, operands: n, ms: timeMs(() => planEinsum(equation, shapes)) });
}
for (const equation of OPT_EINSUM_EQUATIONS) {
  const shapes = shapesFor(equation).map((shape) => ({ shape }));
  rows.push({ equation, operands: shapes.length, ms: timeMs(() => planEinsum(equation, shapes)) });
}
for (const r of rows.slice(0, 11)) console.log(`chain of ${String(r.operands).padStart(2)}: ${r.ms.toFixed(3)} ms`);
const opt = rows.slice(11);
const worst = opt.reduce((a, b) => (b.ms > a.ms ? b : a));
const median = opt.map((r) => r.ms).sort((a, b) => a - b)[Math.floor(opt.length / 2)]!;
console.log(
  `opt_einsum's ${opt.length} test equations: median ${median.toFixed(3)} ms, ` +
    `slowest ${worst.ms.toFixed(3)} ms (${worst.equation}, ${worst.operands} operands)`,
);
if (args.json !== undefined)
  writeFileSync(
    args.json,
    `${JSON.stringify({ date: new Date().toISOString(), node: process.version, rows }, null, 2)}\n`,
  );

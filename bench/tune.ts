/**
 * The direct kernel's tile shapes measured on this adapter: every candidate `tiles` option on each
 * two-operand suite case, so that a device profile's tile choice (codegen/profile.ts `maxTile`)
 * comes from measurements. Prints the fastest per case and writes JSON.
 *
 *     npm run build && node dist/bench/tune.js [--preset small|full] [--json file] [--only name,name] [--tiles 128x64x16,256x64x16]
 */
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import type { TileShape } from "../codegen/cost.js";
import { planEinsum } from "../codegen/plan.js";
import { elementCount } from "../codegen/views.js";
import { gpu } from "../runtime/device.js";
import { einsum } from "../runtime/einsum.js";
import { caseOperands, measure } from "./measure.js";
import { suite, type Preset } from "./suite.js";

export const TILE_CANDIDATES: readonly TileShape[] = [
  { tm: 64, tn: 64, tk: 16 },
  { tm: 64, tn: 64, tk: 32 },
  { tm: 128, tn: 64, tk: 16 },
  { tm: 64, tn: 128, tk: 16 },
  { tm: 128, tn: 128, tk: 8 },
  { tm: 128, tn: 128, tk: 16 },
  { tm: 128, tn: 128, tk: 32 },
  { tm: 32, tn: 128, tk: 16 },
  // 16 x 8 (8 x 16) accumulators an invocation: slower than 128 x 64 x 16 on an H200 (bench/results/h200-s5-probe-tune.json)
  { tm: 256, tn: 128, tk: 8 },
  { tm: 128, tn: 256, tk: 8 },
];

const { values: args } = parseArgs({ options: { preset: { type: "string" }, json: { type: "string" }, only: { type: "string" }, tiles: { type: "string" } } });
/** --tiles: these candidates instead (tm x tn x tk, comma-separated). */
const candidates: readonly TileShape[] =
  args.tiles?.split(",").map((t) => {
    const [tm, tn, tk] = t.split("x").map(Number);
    return { tm: tm!, tn: tn!, tk: tk! };
  }) ?? TILE_CANDIDATES;
const g = await gpu();
const software = /swiftshader|fallback/i.test(g.adapterName);
const preset = (args.preset ?? (software ? "small" : "full")) as Preset;
const minSeconds = software ? 0.1 : 0.3;
console.log(`einsight tile tuning, preset ${preset}, adapter: ${g.adapterName}, profile ${g.profile.name}`);

const rows: { name: string; equation: string; planned: TileShape; tiles: TileShape; ms: number; tflops: number }[] = [];
for (const c of suite(preset).filter((c) => c.operands.length === 2 && (args.only === undefined || args.only.split(",").some((part) => c.name.includes(part))))) {
  const { bases, views } = caseOperands(g, c);
  const planned = planEinsum(c.equation, views, { profile: g.profile, strategy: "direct" }).steps[0]!.tiles!;
  const whole = planEinsum(c.equation, views, { profile: g.profile });
  const flops = whole.totals.flops;
  const outBytes = 4 * elementCount(whole.output.shape);
  const sync = () => g.device.queue.onSubmittedWorkDone();
  const line: string[] = [];
  // SwiftShader's shader compiler takes minutes over the largest unrolled kernels: those are GPU-only candidates.
  for (const tiles of candidates.filter((t) => !software || t.tm * t.tn * t.tk <= 64 * 64 * 32)) {
    const ms = await measure(() => einsum(c.equation, ...views, { strategy: "direct", tiles }).destroy(), sync, minSeconds, outBytes);
    rows.push({ name: c.name, equation: c.equation, planned: { tm: planned.tm, tn: planned.tn, tk: planned.tk }, tiles, ms, tflops: flops / ms / 1e9 });
    line.push(`${tiles.tm}x${tiles.tn}x${tiles.tk} ${ms.toFixed(3)} ms`);
  }
  g.throwGpuError();
  const mine = rows.filter((r) => r.name === c.name).sort((a, b) => a.ms - b.ms);
  console.log(`${c.name} (${c.equation}), planned ${planned.tm}x${planned.tn}x${planned.tk}; fastest ${mine[0]!.tiles.tm}x${mine[0]!.tiles.tn}x${mine[0]!.tiles.tk} at ${mine[0]!.tflops.toFixed(2)} TFLOP/s\n  ${line.join("; ")}`);
  bases.forEach((b) => b.destroy());
}
if (args.json !== undefined) {
  writeFileSync(args.json, `${JSON.stringify({ date: new Date().toISOString(), adapter: g.adapterName, profile: g.profile.name, preset, rows }, null, 2)}\n`);
  console.log(`wrote ${args.json}`);
}
g.destroy();

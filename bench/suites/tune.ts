/**
 * The direct kernel's tile shapes measured on this adapter: every candidate `tiles` option on each
 * two-operand suite case, so that a device profile's tile choice (codegen/profile.ts `maxTile`)
 * comes from measurements. Prints the fastest per case and writes JSON. Each candidate's output is
 * checked against the planned kernel's (its first 2^24 elements): a variant that computes something
 * else is reported as failed, not timed.
 *
 *     npm run build && node dist/bench/suites/tune.js [--preset small|full] [--json file] [--only name,name] [--tiles 128x64x16,128x64x16@8x16/8]
 *
 * `--tiles` takes codegen/tiles' candidate names: `@XxY[/RUN]` forces the scalar kernel's
 * workgroup layout (tiles.invocations), which the planner does not choose.
 */
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import {
  candidateName,
  parseCandidates,
  TILE_CANDIDATES,
  type TileCandidate,
  type TileShape,
} from "../../codegen/tiles.js";
import { planEinsum } from "../../codegen/plan.js";
import { elementCount } from "../../codegen/views.js";
import { gpu } from "../../runtime/index.node.js";
import { einsum } from "../../runtime/index.node.js";
import type { Tensor } from "../../runtime/tensor.js";
import { slowToCompile } from "../../runtime/tune.js";
import { maxRelativeError, withTiles } from "../../test/support/index.js";
import { caseOperands, measure } from "../lib/measure.js";
import { suite, type Preset } from "../lib/suite.js";

const { values: args } = parseArgs({
  options: {
    preset: { type: "string" },
    json: { type: "string" },
    only: { type: "string" },
    tiles: { type: "string" },
  },
});
/** --tiles: these candidates instead (comma-separated). */
const candidates: readonly TileCandidate[] =
  args.tiles === undefined ? TILE_CANDIDATES : parseCandidates(args.tiles, "--tiles");
/** Elements of each output compared with the planned kernel's. */
const CHECKED = 2 ** 24;
const g = await gpu();
const software = /swiftshader|fallback/i.test(g.adapterName);
const preset = (args.preset ?? (software ? "small" : "full")) as Preset;
const minSeconds = software ? 0.1 : 0.3;
console.log(`einsight tile tuning, preset ${preset}, adapter: ${g.adapterName}, profile ${g.profile.name}`);

const rows: {
  name: string;
  equation: string;
  planned: TileShape;
  tiles: TileCandidate;
  ms: number;
  tflops: number;
  maxError: number;
}[] = [];
const failed: string[] = [];
for (const c of suite(preset).filter(
  (c) =>
    c.operands.length === 2 && (args.only === undefined || args.only.split(",").some((part) => c.name.includes(part))),
)) {
  const { bases, views } = caseOperands(g, c);
  const planned = planEinsum(c.equation, views, { profile: g.profile, strategy: "direct" }).steps[0]!.tiles!;
  const whole = planEinsum(c.equation, views, { profile: g.profile });
  const flops = whole.totals.flops;
  const outBytes = 4 * elementCount(whole.output.shape);
  const sync = () => g.device.queue.onSubmittedWorkDone();
  const reference = await leading(einsum(c.equation, ...views, { strategy: "direct" }));
  const line: string[] = [];
  for (const tiles of candidates.filter((t) => !slowToCompile(t, g))) {
    const { invocations, ...shape } = tiles;
    const compiled = withTiles(
      planEinsum(c.equation, views, { profile: g.profile, strategy: "direct", tiles: shape }),
      invocations === undefined ? {} : { invocations },
    );
    const maxError = maxRelativeError(await leading(einsum(c.equation, ...views, { compiled })), reference);
    g.throwGpuError();
    if (!(maxError <= 1e-4)) {
      failed.push(`${c.name} ${candidateName(tiles)}`);
      line.push(`${candidateName(tiles)} WRONG (max relative error ${maxError})`);
      continue;
    }
    const ms = await measure(() => einsum(c.equation, ...views, { compiled }).destroy(), sync, minSeconds, outBytes);
    rows.push({
      name: c.name,
      equation: c.equation,
      planned: { tm: planned.tm, tn: planned.tn, tk: planned.tk },
      tiles,
      ms,
      tflops: flops / ms / 1e9,
      maxError,
    });
    line.push(`${candidateName(tiles)} ${ms.toFixed(3)} ms`);
  }
  g.throwGpuError();
  const mine = rows.filter((r) => r.name === c.name).sort((a, b) => a.ms - b.ms);
  const best =
    mine[0] === undefined ? "none" : `${candidateName(mine[0].tiles)} at ${mine[0].tflops.toFixed(2)} TFLOP/s`;
  console.log(
    `${c.name} (${c.equation}), planned ${planned.tm}x${planned.tn}x${planned.tk}; fastest ${best}\n  ${line.join("; ")}`,
  );
  bases.forEach((b) => b.destroy());
}
if (args.json !== undefined) {
  writeFileSync(
    args.json,
    `${JSON.stringify({ date: new Date().toISOString(), adapter: g.adapterName, profile: g.profile.name, preset, rows }, null, 2)}\n`,
  );
  console.log(`wrote ${args.json}`);
}
g.destroy();
if (failed.length > 0) {
  console.log(`WRONG results (not timed): ${failed.join(", ")}`);
  process.exitCode = 1;
}

/** The first CHECKED elements of an output (a leading slice: contiguous), read back; the output is freed. */
async function leading(out: Tensor): Promise<Float32Array> {
  const inner = out.shape.slice(1).reduce((a, b) => a * b, 1);
  const rows = Math.max(1, Math.floor(CHECKED / Math.max(1, inner)));
  const data = await (out.shape.length === 0 || rows >= out.shape[0]! ? out : out.slice(0, 0, rows)).read();
  out.destroy();
  return data;
}

/**
 * The benchmark suite: every case of bench/lib/suite.ts with einsight's planned strategy, and beside
 * it on the same adapter in the same run the one-thread-per-output loop kernel (what
 * onnxruntime-web's Einsum does) and tfjs-backend-webgpu's tf.einsum and tf.matMul. Prints a table
 * and writes JSON.
 *
 *     npm run bench -- [--suite main|seed] [--preset small|full] [--json file] [--only name] [--min-seconds 0.5]
 *                      [--tile-table table.json] [--einsight-only]
 *
 * `--suite seed` runs the motivating forward-and-backward workload instead (bench/lib/seed.ts).
 * `--tile-table` plans with a tile table `tuneTiles()` made (`einsight tune --out` and
 * bench/suites/table.ts `--out` write its file), as `gpu({ tileTable })` does; `--einsight-only` times einsight's plans alone (no forced
 * strategies, loop kernel or tfjs): a short second pass of the suite, with such a table.
 *
 * The preset defaults to "small" on a software adapter (SwiftShader) and "full" elsewhere. GPU
 * time is measured by queueing repetitions and waiting for the queue, never one dispatch alone.
 */
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { formatBytes } from "../codegen/explain.js";
import { STRATEGIES, type Strategy } from "../codegen/cost.js";
import { planEinsum, type Plan } from "../codegen/plan.js";
import { candidateName } from "../codegen/tiles.js";
import { elementCount } from "../codegen/views.js";
import { einsum, gpu, type EinsumOptions, type Gpu } from "../runtime/index.node.js";
import { readTileTable } from "../plugin/typescript/profile.js";
import { maxRelativeError } from "../test/support/index.js";
import { caseOperands, measure } from "./lib/measure.js";
import { runSeed } from "./lib/seed.js";
import { suite, type BenchCase, type Preset } from "./lib/suite.js";
import { tfjsOn, type TfjsPeer } from "./lib/tfjs-peer.js";

interface Timing {
  readonly ms: number;
  readonly gflops: number;
}

interface PeerResult {
  readonly ms?: number;
  /** How many times slower than einsight's planned run (above 1: einsight is faster). */
  readonly ratio?: number;
  readonly maxRelError?: number;
  readonly error?: string;
  /** Why the peer has no way to run this case at all (no tf.matMul form). */
  readonly notApplicable?: string;
}

export interface StrategyTiming {
  /** The forced strategy; undefined for the chosen plan where no forced strategy gives it. */
  readonly strategy: Strategy | undefined;
  /** The strategy of each step of the forced plan (steps that cannot run it keep their best). */
  readonly steps: readonly Strategy[];
  /** What runs, step by step (a ttgt step that copies nothing runs the direct kernel alone). */
  readonly kernels: string;
  readonly estimatedMs: number;
  readonly ms: number;
  /** Whether this is the plan einsum chooses. */
  readonly chosen: boolean;
}

export interface CaseResult {
  readonly name: string;
  readonly equation: string;
  readonly shapes: readonly (readonly number[])[];
  readonly flops: number;
  readonly einsight: Timing & {
    readonly estimatedMs: number;
    readonly strategies: readonly string[];
    readonly gbps: number;
    readonly temporaryBytes: number;
    readonly peakAboveInputsBytes: number;
  };
  readonly loop: PeerResult;
  /** Every distinct plan a forced strategy gives, estimated and measured: how the cost model's choice compares. */
  readonly strategies: readonly StrategyTiming[];
  readonly tfjsEinsum: PeerResult;
  readonly tfjsMatMul: PeerResult;
}

const { values: args } = parseArgs({
  options: {
    preset: { type: "string" },
    suite: { type: "string" },
    json: { type: "string" },
    only: { type: "string" },
    "min-seconds": { type: "string" },
    // A tile table's file (`einsight tune --out`, bench/suites/table.ts --out): plans made with it, as `gpu({ tileTable })` makes them.
    "tile-table": { type: "string" },
    // einsight's own time only: no forced strategies, loop kernel or tfjs (a second, shorter pass of the suite).
    "einsight-only": { type: "boolean" },
  },
});

const tileTable = args["tile-table"] === undefined ? undefined : readTileTable(args["tile-table"]);
const einsightOnly = args["einsight-only"] === true;
const g = await gpu({ sizedPlansAfter: Infinity, ...(tileTable === undefined ? {} : { tileTable }) }); // every size its own kernels, as timed
/** What the suite's JSON says of the tile table its plans used. */
const tableNote =
  tileTable === undefined
    ? {}
    : {
        tileTable: {
          file: args["tile-table"]!,
          adapter: tileTable.adapter,
          entries: tileTable.entries.map((e) => `${e.m}x${e.n}x${e.k}: ${candidateName(e.tiles)}`),
        },
      };
const software = /swiftshader|fallback/i.test(g.adapterName);
const preset = (args.preset ?? (software ? "small" : "full")) as Preset;
const minSeconds = Number(args["min-seconds"] ?? (software ? 0.2 : 0.5));
if (args.suite !== undefined && args.suite !== "main" && args.suite !== "seed")
  throw new Error(`--suite must be 'main' or 'seed', got '${args.suite}'.`);
if (args.suite === "seed") {
  console.log(`einsight seed benchmark, preset ${preset}, adapter: ${g.adapterName}, profile ${g.profile.name}`);
  const result = await runSeed(g, preset, minSeconds);
  if (args.json !== undefined)
    writeFileSync(
      args.json,
      `${JSON.stringify({ date: new Date().toISOString(), node: process.version, minSeconds, ...tableNote, ...result }, null, 2)}\n`,
    );
  g.destroy();
  process.exit(0);
}
const tf = einsightOnly ? "not run (--einsight-only)" : await tfjsOn(g);
console.log(
  `einsight benchmark, preset ${preset}, adapter: ${g.adapterName}, profile ${g.profile.name}${tileTable === undefined ? "" : `, tile table ${args["tile-table"]!} (${tileTable.entries.length} entries)`}`,
);
console.log(typeof tf === "string" ? `tfjs: ${tf}` : `tfjs-backend-webgpu ${tf.version} on the same device`);

const results: CaseResult[] = [];
for (const c of suite(preset).filter((c) => args.only === undefined || c.name.includes(args.only))) {
  results.push(await runCase(g, c, tf));
  printRow(results[results.length - 1]!);
}
if (args.json !== undefined) {
  const report = {
    date: new Date().toISOString(),
    adapter: g.adapterName,
    profile: g.profile.name,
    preset,
    node: process.version,
    tfjs: typeof tf === "string" ? tf : tf.version,
    minSeconds,
    ...tableNote,
    results,
  };
  writeFileSync(args.json, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`wrote ${args.json}`);
}
g.destroy();

async function runCase(g: Gpu, c: BenchCase, tf: TfjsPeer | string): Promise<CaseResult> {
  const { bases, views } = caseOperands(g, c);
  const plan: Plan = planEinsum(c.equation, views, { profile: g.profile });
  const sync = () => g.device.queue.onSubmittedWorkDone();
  const bytesPerRun = 4 * elementCount(plan.output.shape) + plan.totals.peakTemporaryBytes;
  // tf.einsum multiplies broadcast operands elementwise before it sums: one value per label combination.
  const broadcastProductBytes = 4 * Object.values(plan.sizes).reduce((a, b) => a * b, 1);
  const run = (options: EinsumOptions) => () => einsum(c.equation, ...views, options).destroy();

  g.resetStats();
  const before = g.stats().allocatedBytes;
  const reference = einsum(c.equation, ...views);
  const memory = g.stats();
  const expected = await reference.read();
  reference.destroy();
  const ms = await measure(run({}), sync, minSeconds, bytesPerRun);
  const timing = {
    ms,
    gflops: plan.totals.flops / ms / 1e6,
    gbps: (plan.totals.bytesRead + plan.totals.bytesWritten) / ms / 1e6,
  };

  const strategies: StrategyTiming[] = [];
  for (const strategy of einsightOnly ? [] : STRATEGIES) {
    const forced = planEinsum(c.equation, views, { profile: g.profile, strategy });
    const steps = forced.steps.map((s) => s.strategy);
    const chosen = kernelsOf(forced) === kernelsOf(plan);
    if (strategies.some((t) => t.kernels === kernelsOf(forced))) continue; // the same kernels as a plan measured already

    const forcedMs = chosen
      ? ms
      : await measure(
          run({ strategy }),
          sync,
          minSeconds,
          4 * elementCount(forced.output.shape) + forced.totals.peakTemporaryBytes,
        );
    strategies.push({
      strategy,
      steps,
      kernels: kernelsOf(forced),
      estimatedMs: forced.totals.estimatedSeconds * 1e3,
      ms: forcedMs,
      chosen,
    });
  }
  // A plan that mixes strategies (split-k then direct) is no forced strategy's: list it too.
  if (!strategies.some((t) => t.chosen))
    strategies.push({
      strategy: undefined,
      steps: plan.steps.map((s) => s.strategy),
      kernels: kernelsOf(plan),
      estimatedMs: plan.totals.estimatedSeconds * 1e3,
      ms,
      chosen: true,
    });

  let loop: PeerResult = { error: "not run (--einsight-only)" };
  if (!einsightOnly) {
    const loopOut = einsum(c.equation, ...views, { strategy: "loop" });
    loop = {
      ...peer(await measure(run({ strategy: "loop" }), sync, minSeconds, bytesPerRun), ms),
      maxRelError: maxRelativeError(await loopOut.read(), expected),
    };
    loopOut.destroy();
  }

  let tfjsEinsum: PeerResult = { error: typeof tf === "string" ? tf : "" };
  let tfjsMatMul: PeerResult =
    c.matMul === undefined ? { notApplicable: "no tf.matMul form" } : { error: typeof tf === "string" ? tf : "" };
  if (typeof tf !== "string") {
    const inputs = await Promise.all(views.map(async (v) => tf.upload(await v.read(), v.shape))); // tfjs has no views: contiguous copies
    const limit = g.limits.maxStorageBufferBindingSize;
    // Over the binding limit tf.einsum fails with WebGPU validation errors, and its failed allocations leave the device out of memory for what follows.
    tfjsEinsum =
      broadcastProductBytes > limit
        ? {
            error: `not run: tf.einsum would materialize the ${formatBytes(broadcastProductBytes)} broadcast product, over this adapter's ${formatBytes(limit)} binding limit`,
          }
        : await runPeer(g, tf, () => tf.einsum(c.equation, inputs), ms, expected, broadcastProductBytes);
    if (c.matMul !== undefined) {
      const form = c.matMul;
      tfjsMatMul = await runPeer(g, tf, () => tf.matMul(form, inputs[0]!, inputs[1]!), ms, expected, bytesPerRun);
    }
    tf.dispose(inputs);
  }
  bases.forEach((b) => b.destroy());
  return {
    name: c.name,
    equation: c.equation,
    shapes: views.map((v) => v.shape),
    flops: plan.totals.flops,
    einsight: {
      ...timing,
      estimatedMs: plan.totals.estimatedSeconds * 1e3,
      strategies: plan.steps.map((s) => s.strategy),
      temporaryBytes: memory.temporaryBytes,
      peakAboveInputsBytes: memory.peakBytes - before,
    },
    loop,
    strategies,
    tfjsEinsum,
    tfjsMatMul,
  };
}

async function runPeer(
  g: Gpu,
  tf: TfjsPeer,
  compute: () => ReturnType<TfjsPeer["einsum"]>,
  einsightMs: number,
  expected: Float32Array,
  bytesPerRun: number,
): Promise<PeerResult> {
  try {
    const first = compute();
    const got = await tf.read(first);
    tf.dispose([first]);
    g.throwGpuError(); // tfjs's own validation errors land on our device
    const ms = await measure(
      () => tf.dispose([compute()]),
      () => tf.sync(),
      minSeconds,
      bytesPerRun,
    );
    g.throwGpuError();
    return { ...peer(ms, einsightMs), maxRelError: maxRelativeError(got, expected) };
  } catch (e) {
    return { error: (e as Error).message.split("\n")[0]!.slice(0, 160) };
  }
}

function peer(ms: number, einsightMs: number): PeerResult {
  return { ms, ratio: ms / einsightMs };
}

/** Which kernels a plan runs, step by step: plans that run the same kernels are one plan to measure. */
function kernelsOf(plan: Plan): string {
  return plan.steps
    .map(
      (s) =>
        (s.strategy === "ttgt" && s.copies?.length === 0 ? "direct" : s.strategy) +
        (s.tiles === undefined ? "" : `(${s.tiles.tm}x${s.tiles.tn}x${s.tiles.tk}/${s.tiles.splits})`),
    )
    .join("+");
}

function printRow(r: CaseResult): void {
  const e = r.einsight;
  const vs = (p: PeerResult) =>
    p.ms !== undefined
      ? `${p.ms.toFixed(3)} ms (${p.ratio!.toFixed(2)}x)`
      : p.notApplicable !== undefined
        ? "n/a"
        : `- (${p.error})`;
  console.log(
    `\n${r.name}: ${r.equation} ${r.shapes.map((s) => `[${s.join(",")}]`).join(" ")}\n` +
      `  einsight ${e.strategies.join("+")}: ${e.ms.toFixed(3)} ms, ${e.gflops.toFixed(1)} GFLOP/s, ${e.gbps.toFixed(1)} GB/s, temporaries ${formatBytes(e.temporaryBytes)}, peak above inputs ${formatBytes(e.peakAboveInputsBytes)}\n` +
      `  loop kernel ${vs(r.loop)}; tf.einsum ${vs(r.tfjsEinsum)}; tf.matMul ${vs(r.tfjsMatMul)}`,
  );
}

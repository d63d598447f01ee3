/**
 * A same-run comparison of two builds: the planned f16 `ij,jk->ik` at 8192^3 and 4096^3 with a
 * previous build's kernels (`dist/base`) and this build's, alternating in one process (two rounds
 * each), since only figures from one run on one card compare. Both builds get the same data and
 * the same timing loop (this build's); each plans and runs with its own runtime. Make the base
 * build with
 *
 *     git worktree add dist/base-src <commit> && ln -s "$PWD/node_modules" dist/base-src/node_modules
 *     (cd dist/base-src && npx tsc -p tsconfig.build.json --outDir ../base)
 *
 * then, on the GPU machine: `AB=1 bash bench/device/run.sh OUT` (or `node dist/bench/suites/ab.js [--json file]`).
 */
import { existsSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import type * as DeviceModule from "../../runtime/device.js";
import type * as EinsumModule from "../../runtime/einsum.js";
import type * as TensorModule from "../../runtime/tensor.js";
import { values } from "../../test/support/index.js";
import { measure } from "../lib/measure.js";

/** The parts of one build's dist/ that the comparison runs. */
interface Build {
  readonly gpu: typeof DeviceModule.gpu;
  readonly einsum: typeof EinsumModule.einsum;
  readonly tensor: typeof TensorModule.tensor;
}

/** One build's runtime, from its dist/ folder (relative to this file's, dist/bench/suites/). */
async function load(root: string): Promise<Build> {
  const module = async <T>(path: string) => (await import(`${root}/${path}`)) as T;
  // builds with a `node` entry install the planner and Node's adapter there (earlier ones need nothing)
  const nodeEntry = new URL(`${root}/runtime/index.node.js`, import.meta.url);
  if (existsSync(nodeEntry)) await import(nodeEntry.href);
  return {
    gpu: (await module<typeof DeviceModule>("runtime/device.js")).gpu,
    einsum: (await module<typeof EinsumModule>("runtime/einsum.js")).einsum,
    tensor: (await module<typeof TensorModule>("runtime/tensor.js")).tensor,
  };
}

const { values: args } = parseArgs({ options: { json: { type: "string" } } });
const builds = { base: await load("../../base"), new: await load("../..") };
const rows: { n: number; build: string; round: number; ms: number; tflops: number }[] = [];
const dawnOptions = ["enable-dawn-features=allow_unsafe_apis,vulkan_enable_f16_on_nvidia"];
for (const n of [8192, 4096]) {
  for (const round of [0, 1]) {
    for (const name of ["base", "new"] as const) {
      const b = builds[name];
      const g = await b.gpu({ dawnOptions });
      const x = b.tensor(g, values(n * n, 1), [n, n], { dtype: "f16" });
      const y = b.tensor(g, values(n * n, 2), [n, n], { dtype: "f16" });
      const ms = await measure(
        () => b.einsum("ij,jk->ik", x, y).destroy(),
        () => g.device.queue.onSubmittedWorkDone(),
        0.5,
        n * n * 2,
      );
      g.throwGpuError();
      const tflops = (2 * n ** 3) / (ms / 1e3) / 1e12;
      console.log(`ab f16 ij,jk->ik ${n}^3 ${name} round ${round}: ${ms.toFixed(3)} ms = ${tflops.toFixed(1)} TFLOP/s`);
      rows.push({ n, build: name, round, ms, tflops });
      [x, y].forEach((t) => t.destroy());
      g.destroy();
    }
  }
}
if (args.json !== undefined)
  writeFileSync(args.json, JSON.stringify({ date: new Date().toISOString(), rows }, null, 1));

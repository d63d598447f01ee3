/**
 * f16 on a GPU: einsums with f16 operands checked against the oracle on subgroup matrices (tensor
 * cores) and on the scalar tiled kernels, then `ij,jk->ik` timed in f16 both ways and in f32.
 * SwiftShader has no `shader-f16`: there the script says so and stops.
 *
 *     npm run build && node dist/bench/matrix.js [--json file] [--quick]
 *
 * On NVIDIA, Dawn exposes f16 and subgroup matrices only with the toggles below (shared/device).
 */
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import type { Strategy } from "../codegen/cost.js";
import { planEinsum } from "../codegen/plan.js";
import { gpu, type Gpu } from "../runtime/device.js";
import { einsum } from "../runtime/einsum.js";
import { fromHalfBits, toHalves } from "../runtime/half.js";
import { Tensor, tensor } from "../runtime/tensor.js";
import { oracleEinsum } from "../test/oracle.js";
import { values } from "./data.js";
import { measure } from "./measure.js";

const DAWN_F16 = ["enable-dawn-features=allow_unsafe_apis,vulkan_enable_f16_on_nvidia"];
const { values: args } = parseArgs({ options: { json: { type: "string" }, quick: { type: "boolean" } } });

const matrixGpu = await gpu({ dawnOptions: DAWN_F16 });
const info = matrixGpu.device.adapterInfo as GPUAdapterInfo & { subgroupMinSize?: number; subgroupMaxSize?: number; subgroupMatrixConfigs?: Iterable<Record<string, unknown>> };
const configs = [...(info.subgroupMatrixConfigs ?? [])].map((c) => `${String(c["componentType"])}->${String(c["resultComponentType"])} ${String(c["M"])}x${String(c["N"])}x${String(c["K"])}`);
console.log(`adapter: ${matrixGpu.adapterName}; features: ${[...matrixGpu.device.features].sort().join(" ")}`);
console.log(`subgroups ${info.subgroupMinSize}-${info.subgroupMaxSize}; subgroup matrix configs: ${configs.join(", ") || "none"}; profile ${matrixGpu.profile.name}, matrix ${JSON.stringify(matrixGpu.profile.subgroupMatrix ?? null)}`);
if (!matrixGpu.device.features.has("shader-f16")) {
  console.log("This adapter has no shader-f16: f16 einsums are refused here (tensor() says so); nothing to measure.");
  process.exit(0);
}
// The same adapter without subgroup matrices: f16 on the scalar tiled kernels.
const scalarGpu = await gpu({ dawnOptions: DAWN_F16, features: ["shader-f16"] });

interface Check {
  readonly name: string;
  readonly equation: string;
  readonly shapes: readonly (readonly number[])[];
  /** Builds the operands (views) from bases of `shapes`. */
  readonly views?: (bases: readonly Tensor[]) => Tensor[];
  readonly strategy?: Strategy;
  readonly accumulate?: boolean;
}

const checks: Check[] = [
  { name: "GEMM, whole matrices", equation: "ij,jk->ik", shapes: [[256, 128], [128, 192]] },
  { name: "row slice, aligned", equation: "ij,jk->ik", shapes: [[300, 128], [128, 64]], views: ([x, y]) => [x!.slice(0, 8, 264), y!] },
  { name: "row slice, misaligned", equation: "ij,jk->ik", shapes: [[300, 128], [128, 64]], views: ([x, y]) => [x!.slice(0, 8, 264).slice(1, 4, 116), y!.slice(0, 4, 116)] },
  { name: "transposed, whole matrices", equation: "ji,jk->ik", shapes: [[128, 256], [128, 96]] },
  { name: "batched, whole matrices", equation: "bij,bjk->bik", shapes: [[3, 64, 96], [3, 96, 48]] },
  { name: "split-k, whole matrices", equation: "ij,jk->ik", shapes: [[32, 4096], [4096, 32]], strategy: "split-k" },
  { name: "GEMM with edges", equation: "ij,jk->ik", shapes: [[300, 200], [200, 260]] },
  { name: "loaded from memory (contracted j, k as one stride; k alone no 16-byte unit)", equation: "ijk,jkl->il", shapes: [[64, 4, 4], [4, 4, 64]], strategy: "direct" },
  { name: "staged, 16-byte loads (M = 264: not whole 16-row matrices)", equation: "ij,jk->ik", shapes: [[264, 200], [200, 136]], strategy: "direct" },
  { name: "staged, 16-byte loads, split-k", equation: "ij,jk->ik", shapes: [[40, 3000], [3000, 40]], strategy: "split-k" },
  { name: "transposed left", equation: "ji,jk->ik", shapes: [[200, 300], [200, 260]] },
  { name: "batched", equation: "bij,bjk->bik", shapes: [[3, 70, 90], [3, 90, 50]] },
  { name: "seed on a slice", equation: "ijk,ikl->jl", shapes: [[6, 130, 96], [4, 96, 70]], views: ([x, y]) => [x!.slice(0, 1, 5), y!] },
  { name: "attention scores", equation: "bhqd,bhkd->bhqk", shapes: [[2, 3, 128, 64], [2, 3, 128, 64]] },
  { name: "split-k", equation: "ij,jk->ik", shapes: [[40, 3000], [3000, 36]], strategy: "split-k" },
  { name: "ttgt", equation: "ji,jk->ik", shapes: [[200, 150], [200, 130]], strategy: "ttgt" },
  { name: "loop", equation: "ij,jk->ik", shapes: [[30, 20], [20, 26]], strategy: "loop" },
  { name: "outer product (vec4 stores)", equation: "i,j->ij", shapes: [[300], [256]] },
  { name: "reduction", equation: "bij->bj", shapes: [[4, 100, 60]] },
  { name: "accumulate into a view", equation: "ij,jk->ik", shapes: [[130, 70], [70, 90]], accumulate: true },
];

/** f16 rounds inputs to 11 bits and the output to 11; sums are f32. Relative to the sum of |products|. */
const TOLERANCE = 4e-3;

async function check(g: Gpu, c: Check): Promise<{ error: number; matrix: string; strategy: string }> {
  const data = c.shapes.map((s, k) => fromHalfBits(toHalves(values(s.reduce((a, b) => a * b, 1), k + 11))).slice(0, s.reduce((a, b) => a * b, 1)));
  const bases = c.shapes.map((s, k) => tensor(g, data[k]!, s, { dtype: "f16" }));
  const views = c.views?.(bases) ?? bases;
  const plan = planEinsum(c.equation, views, { profile: g.profile, ...(c.strategy === undefined ? {} : { strategy: c.strategy }) });
  const ops = views.map((v, k) => ({ data: data[k]!, shape: v.shape, strides: v.strides, offset: v.offset }));
  const expected = oracleEinsum(c.equation, ops);
  const magnitude = oracleEinsum(c.equation, ops.map((o) => ({ ...o, data: Array.from(o.data, Math.abs) })));
  let out: Tensor;
  let base: Float64Array | undefined;
  if (c.accumulate === true) {
    const start = values(expected.data.length, 99);
    out = tensor(g, start, expected.shape, { dtype: "f16" });
    base = Float64Array.from(await out.read());
    einsum(c.equation, ...views, { out, accumulate: true, ...(c.strategy === undefined ? {} : { strategy: c.strategy }) });
  } else {
    out = einsum(c.equation, ...views, { ...(c.strategy === undefined ? {} : { strategy: c.strategy }) });
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
  const staged = tiles?.wide === undefined ? "staged" : `staged, 16-byte loads of ${[tiles.wide.a ? "a" : "", tiles.wide.b ? "b" : ""].filter((x) => x !== "").join(" and ")}`;
  return { error, matrix: tiles === undefined ? "" : tiles.global === true ? "subgroup matrices from memory" : `subgroup matrices, ${staged}`, strategy: plan.steps.map((s) => s.strategy).join("+") };
}

const results: Record<string, unknown>[] = [];
let failures = 0;
for (const [label, g] of [["subgroup matrices", matrixGpu], ["scalar f16", scalarGpu]] as const) {
  for (const c of checks) {
    try {
      const r = await check(g, c);
      const ok = r.error <= TOLERANCE;
      if (!ok) failures += 1;
      console.log(`${ok ? "ok  " : "FAIL"} ${label}: ${c.name} ${c.equation} (${r.strategy}${r.matrix === "" ? "" : `, ${r.matrix}`}): error ${r.error.toExponential(2)}`);
      results.push({ kind: "check", device: label, name: c.name, equation: c.equation, ...r, ok });
    } catch (e) {
      failures += 1;
      console.log(`FAIL ${label}: ${c.name} ${c.equation}: ${String(e).split("\n")[0]}`);
      results.push({ kind: "check", device: label, name: c.name, equation: c.equation, ok: false, error: String(e) });
    }
  }
}

const sizes = args.quick === true ? [2048] : [4096, 8192];
for (const n of sizes) {
  const variants = [
    ["f16 subgroup matrices, as planned", matrixGpu, "f16", 0, undefined],
    ["f16 subgroup matrices, a with 8 rows fewer (not whole 16-row matrices)", matrixGpu, "f16", -8, undefined],
    ["f16 subgroup matrices, a starting 2 bytes in (read an element at a time)", matrixGpu, "f16", 1, undefined],
    ["f16 subgroup matrices, 64 x 64 tiles", matrixGpu, "f16", 0, { tm: 64, tn: 64 }],
    ["f16 scalar tiles", scalarGpu, "f16", 0, undefined],
    ["f32", matrixGpu, "f32", 0, undefined],
  ] as const;
  for (const [label, g, dtype, offset, tiles] of variants) {
    if (dtype === "f32" && n > 4096) continue;
    // offset > 0: a starts that many elements in; < 0: a has that many rows fewer
    const rows = n + Math.min(0, offset);
    const start = Math.max(0, offset);
    const base = tensor(g, values(rows * n + start, 1), [rows * n + start], { dtype });
    const a = new Tensor(base.storage, [rows, n], [n, 1], start, dtype);
    const b = tensor(g, values(n * n, 2), [n, n], { dtype });
    const options = tiles === undefined ? {} : { tiles };
    const plan = planEinsum("ij,jk->ik", [a, b], { profile: g.profile, ...options });
    try {
      const ms = await measure(() => einsum("ij,jk->ik", a, b, options).destroy(), () => g.device.queue.onSubmittedWorkDone(), 0.5, n * n * (dtype === "f16" ? 2 : 4));
      g.throwGpuError();
      const tflops = (2 * rows * n * n) / (ms / 1e3) / 1e12;
      console.log(`ij,jk->ik ${n}^3 ${label}: ${ms.toFixed(3)} ms = ${tflops.toFixed(1)} TFLOP/s (tiles ${JSON.stringify(plan.steps[0]!.tiles)}; estimated ${(plan.totals.estimatedSeconds * 1e3).toFixed(3)} ms)`);
      results.push({ kind: "time", equation: "ij,jk->ik", n, label, ms, tflops, tiles: plan.steps[0]!.tiles, estimatedMs: plan.totals.estimatedSeconds * 1e3 });
    } catch (e) {
      console.log(`ij,jk->ik ${n}^3 ${label}: failed: ${String(e).split("\n")[0]}`);
      results.push({ kind: "time", equation: "ij,jk->ik", n, label, error: String(e) });
    }
    base.destroy();
    b.destroy();
  }
}

if (args.json !== undefined) {
  writeFileSync(args.json, JSON.stringify({ adapter: matrixGpu.adapterName, features: [...matrixGpu.device.features].sort(), subgroups: [info.subgroupMinSize, info.subgroupMaxSize], configs, profile: matrixGpu.profile, date: new Date().toISOString().slice(0, 10), results }, null, 1));
}
console.log(failures === 0 ? "all f16 checks passed" : `${failures} f16 check(s) FAILED`);
scalarGpu.destroy();
matrixGpu.destroy();
process.exit(failures === 0 ? 0 : 1);

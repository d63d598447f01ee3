/** No hidden copies: what einsum allocates, as g.stats() counts it, against what the plan says. */
import { expect, test } from "vitest";
import { elementCount } from "../../codegen/views.js";
import { planEinsum } from "../../codegen/plan.js";
import { einsum } from "../../runtime/einsum.js";
import { tensor } from "../../runtime/tensor.js";
import { maxRelativeError, oracleEinsum } from "../support/oracle.js";
import { values } from "../support/data.js";
import { useGpu } from "./use-gpu.js";

const g = useGpu();

// Sizes where the output fills the device (SwiftShader here runs 2 workgroups at once), as the seed's
// (16384, 1024) output does on an H100: then no strategy that allocates can pay for itself.
test("the motivating contraction on a slice X[3:11], and a GEMM of two transposed views: zero temporary bytes", async () => {
  const xData = values(16 * 40 * 24, 1);
  const X = tensor(g(), xData, [16, 40, 24]);
  const yData = values(8 * 24 * 70, 2);
  const Y = tensor(g(), yData, [8, 24, 70]);
  const x = X.slice(0, 3, 11);
  const aData = values(50 * 64, 3);
  const bData = values(72 * 50, 4);
  const A = tensor(g(), aData, [50, 64]);
  const B = tensor(g(), bData, [72, 50]);
  g().resetStats();
  const before = g().stats().allocatedBytes;
  const z = einsum("ijk,ikl->jl", x, Y);
  const w = einsum("ij,jk->ik", A.transpose(), B.transpose());
  const stats = g().stats();
  expect(stats.temporaryBytes).toBe(0);
  expect(stats.allocatedBytes - before).toBe((40 * 70 + 64 * 72) * 4); // the two outputs, nothing else
  const expectedZ = oracleEinsum("ijk,ikl->jl", [
    { data: xData, shape: [8, 40, 24], offset: 3 * 40 * 24 },
    { data: yData, shape: [8, 24, 70] },
  ]);
  expect(maxRelativeError(await z.read(), expectedZ.data)).toBeLessThan(1e-4);
  const expectedW = oracleEinsum("ij,jk->ik", [
    { data: aData, shape: [64, 50], strides: [1, 64] },
    { data: bData, shape: [50, 72], strides: [1, 50] },
  ]);
  expect(maxRelativeError(await w.read(), expectedW.data)).toBeLessThan(1e-4);
});

test("memoryBudget: 0 keeps even a small output, which split-k would speed up, free of temporaries", () => {
  const X = tensor(g(), values(16 * 8 * 512, 9), [16, 8, 512]);
  const Y = tensor(g(), values(8 * 512 * 4, 10), [8, 512, 4]);
  const x = X.slice(0, 3, 11);
  // On a GPU with many compute units, one output tile and a long contraction: split-k pays.
  expect(
    planEinsum("ijk,ikl->jl", [{ shape: [8, 64, 16384] }, { shape: [8, 16384, 64] }], { profile: "nvidia-h100" })
      .steps[0]!.strategy,
  ).toBe("split-k");
  const free = planEinsum("ijk,ikl->jl", [x, Y], { profile: g().profile, memoryBudget: 0 });
  expect(free.totals.temporaryBytes).toBe(0);
  expect(free.steps[0]!.alternatives.find((a) => a.strategy === "split-k")!.reason).toMatch(
    /over the memoryBudget of 0/,
  );
  g().resetStats();
  einsum("ijk,ikl->jl", X.slice(0, 3, 11), Y, { memoryBudget: 0 }).destroy();
  expect(g().stats().temporaryBytes).toBe(0);
});

test("split-k and ttgt allocate exactly the temporaries their plan states, and free them", () => {
  const X = tensor(g(), values(8 * 24 * 200, 5), [8, 24, 200]);
  const Y = tensor(g(), values(8 * 200 * 12, 6), [8, 200, 12]);
  const x = X.transpose(1, 2); // (8, 200, 24): not GEMM-ready for 'ikj,ikl->jl'
  for (const strategy of ["split-k", "ttgt"] as const) {
    const plan = planEinsum("ikj,ikl->jl", [x, Y], { strategy, profile: g().profile });
    expect(plan.steps[0]!.strategy).toBe(strategy);
    g().resetStats();
    const before = g().stats().allocatedBytes;
    const out = einsum("ikj,ikl->jl", x, Y, { strategy });
    const stats = g().stats();
    expect(stats.temporaryBytes).toBe(plan.totals.temporaryBytes);
    expect(stats.temporaryBytes).toBeGreaterThan(0);
    expect(stats.allocatedBytes - before).toBe(24 * 12 * 4); // scratch already freed
    expect(stats.dispatches).toBe(plan.totals.dispatches);
    out.destroy();
  }
});

test("intermediates of a chain are temporaries, freed as soon as they are used", () => {
  const [a, b, c] = [
    [6, 5],
    [5, 7],
    [7, 3],
  ].map((s, k) => tensor(g(), values(elementCount(s), k + 10), s));
  g().resetStats();
  const before = g().stats().allocatedBytes;
  const plan = planEinsum("ij,jk,kl->il", [a!, b!, c!], { profile: g().profile });
  const out = einsum("ij,jk,kl->il", a!, b!, c!);
  const stats = g().stats();
  expect(plan.steps).toHaveLength(2);
  expect(stats.temporaryBytes).toBe(plan.totals.temporaryBytes);
  expect(stats.allocatedBytes - before).toBe(6 * 3 * 4);
  expect(stats.peakBytes - before).toBe(plan.totals.peakTemporaryBytes + 6 * 3 * 4);
  out.destroy();
});

test("pipelines and plans are cached: a second call compiles nothing, a slice at another offset shares the kernels", () => {
  const X = tensor(g(), values(16 * 8 * 8, 7), [16, 8, 8]);
  const Y = tensor(g(), values(4 * 8 * 8, 8), [4, 8, 8]);
  einsum("ijk,ikl->jl", X.slice(0, 0, 4), Y).destroy();
  const compiled = g().stats().pipelinesCompiled;
  for (const s of [1, 5, 12]) einsum("ijk,ikl->jl", X.slice(0, s, s + 4), Y).destroy();
  einsum("abc,acd->bd", X.slice(0, 2, 6), Y).destroy(); // other letters, same kernels
  expect(g().stats().pipelinesCompiled).toBe(compiled);
});

/**
 * How accurately the loop kernel sums: every reduction and every contraction to a small output
 * runs on it. Each result is held to the pairwise bound: |sum - exact| <= C * 2^-24 * log2(n) *
 * sum|terms| per output element, n terms, exact in float64 (the kernel's worst case is about
 * (log2(n) + 5) * 2^-24, within 2 log2(n) from n = 32 on). A serial f32 sum misses it by orders of
 * magnitude here (2^24 + 1 == 2^24). Sizes are large enough to show that and small enough for
 * SwiftShader: inputs repeat through stride-0 views where that keeps uploads small.
 */
import { describe, expect, test } from "vitest";
import { values } from "../support/data.js";
import { compileEinsum } from "../../codegen/compiled.js";
import { compileSized } from "../../codegen/sized.js";
import { emitLoopKernel } from "../../codegen/wgsl/loop.js";
import { einsum } from "../../runtime/einsum.js";
import { fromHalfBits, toHalfBits } from "../../runtime/half.js";
import { tensor, zeros, type Tensor } from "../../runtime/tensor.js";
import { oracleEinsum, type OracleOperand } from "../support/oracle.js";
import { useGpu } from "./use-gpu.js";

const g = useGpu();
const C = 2;
const U = 2 ** -24;

/**
 * The largest |got - exact| / sum|terms| over the outputs, in units of 2^-24 log2(n) (so the
 * bound is C); Infinity where a sum of no magnitude is off.
 */
function worst(got: ArrayLike<number>, exact: ArrayLike<number>, absolute: ArrayLike<number>, n: number): number {
  expect(got.length).toBe(exact.length);
  let w = 0;
  for (let i = 0; i < got.length; i++) {
    const err = Math.abs(got[i]! - exact[i]!);
    w = Math.max(w, err === 0 ? 0 : err / absolute[i]! / (U * Math.max(1, Math.log2(n))));
  }
  return w;
}

/** Runs `run`, reads its result, and checks it: logs the time and the worst error, which must be within C. */
async function timed(name: string, run: () => Tensor): Promise<{ got: Float32Array; check: (w: number) => void }> {
  const start = performance.now();
  const got = await run().read();
  const ms = performance.now() - start;
  return {
    got,
    check: (w) => {
      console.log(`${name}: ${ms.toFixed(0)} ms, worst error ${w.toPrecision(3)} x 2^-24 log2(n) of sum|terms|`);
      expect(w).toBeLessThanOrEqual(C);
    },
  };
}

/** The exact result and sum of |terms| of an einsum, in float64. */
function exactly(
  equation: string,
  operands: readonly OracleOperand[],
): { exact: Float64Array; absolute: Float64Array } {
  return {
    exact: oracleEinsum(equation, operands).data,
    absolute: oracleEinsum(
      equation,
      operands.map((op) => ({ ...op, data: Array.from(op.data, Math.abs) })),
    ).data,
  };
}

/** `n` values in [-0.75, 1.25): mixed signs with a positive mean, so serial rounding errors add up. */
const biased = (n: number, seed: number) => values(n, seed).map((v) => v + 0.25);
const f32 = Math.fround;

describe("the loop kernel's sums are pairwise-accurate", () => {
  test("i-> of 2^25 ones (a stride-0 view) is exact", async () => {
    const r = await timed("i-> 2^25 ones", () => einsum("i->", tensor(g(), [1], [1]).expand(2 ** 25)));
    r.check(0);
    expect(r.got[0]).toBe(2 ** 25);
  });

  test("i-> of 2^26 copies of 0.1", async () => {
    const n = 2 ** 26;
    const r = await timed("i-> 2^26 x 0.1", () => einsum("i->", tensor(g(), [0.1], [1]).expand(n)));
    r.check(worst(r.got, [n * f32(0.1)], [n * f32(0.1)], n));
  });

  test("ij-> of 8192 x 4096 of 0.1 (a row expanded: two summed labels)", async () => {
    const n = 8192 * 4096;
    const row = tensor(g(), new Float32Array(4096).fill(0.1), [4096]);
    const r = await timed("ij-> 8192 x 4096 x 0.1", () => einsum("ij->", row.expand(8192, 4096)));
    r.check(worst(r.got, [n * f32(0.1)], [n * f32(0.1)], n));
  });

  test("ij->i with long rows", async () => {
    const [rows, n] = [6, 2 ** 18];
    const data = values(rows * n, 3).map(Math.abs);
    const r = await timed("ij->i 6 x 2^18", () => einsum("ij->i", tensor(g(), data, [rows, n])));
    const { exact, absolute } = exactly("ij->i", [{ data, shape: [rows, n] }]);
    r.check(worst(r.got, exact, absolute, n));
  });

  test("i-> of mixed signs, bound relative to sum |x|", async () => {
    const n = 2 ** 22;
    const data = biased(n, 4);
    const r = await timed("i-> 2^22 mixed signs", () => einsum("i->", tensor(g(), data, [n])));
    const { exact, absolute } = exactly("i->", [{ data, shape: [n] }]);
    r.check(worst(r.got, exact, absolute, n));
  });

  test("i,i-> a dot product of 2^20", async () => {
    const n = 2 ** 20;
    const [a, b] = [biased(n, 5), biased(n, 6)];
    const r = await timed("i,i-> 2^20", () => einsum("i,i->", tensor(g(), a, [n]), tensor(g(), b, [n])));
    const { exact, absolute } = exactly("i,i->", [
      { data: a, shape: [n] },
      { data: b, shape: [n] },
    ]);
    r.check(worst(r.got, exact, absolute, n));
  });

  test("ij-> of a transposed slice: two summed labels whose strides do not merge", async () => {
    const [rows, cols, kept] = [2048, 1100, 1000];
    const data = values(rows * cols, 13).map(Math.abs);
    const view = tensor(g(), data, [rows, cols]).slice(1, 0, kept).transpose(); // [1000, 2048], strides [1, 1100]
    const r = await timed("ij-> transposed slice 1000 x 2048", () => einsum("ij->", view));
    const { exact, absolute } = exactly("ij->", [
      { data, shape: view.shape, strides: view.strides, offset: view.offset },
    ]);
    r.check(worst(r.got, exact, absolute, rows * kept));
  });

  test("ijk->i of a permuted view: the output label's stride between the summed ones", async () => {
    const [a, b, c] = [64, 3, 4096];
    const data = biased(a * b * c, 8);
    const view = tensor(g(), data, [c, a, b]).permute(1, 2, 0); // [64, 3, 4096], strides [3, 1, 192]
    const r = await timed("ijk->i 64 x 3 x 4096 permuted", () => einsum("ijk->i", view));
    const { exact, absolute } = exactly("ijk->i", [{ data, shape: view.shape, strides: view.strides }]);
    r.check(worst(r.got, exact, absolute, b * c));
  });

  test("ij->i accumulated into a strided out view", async () => {
    const [rows, n] = [4, 2 ** 18];
    const data = biased(rows * n, 9);
    const before = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    const base = tensor(g(), before, [10]);
    const out = base.slice(0, 1, 9, 2); // elements 1, 3, 5, 7
    const r = await timed("ij->i 4 x 2^18 accumulated into a view", () => {
      einsum("ij->i", tensor(g(), data, [rows, n]), { out, accumulate: true });
      return base;
    });
    const { exact, absolute } = exactly("ij->i", [{ data, shape: [rows, n] }]);
    const expected = before.map((v, i) => (i % 2 === 1 && i < 9 ? v + exact[(i - 1) / 2]! : v));
    const sums = before.map((v, i) => (i % 2 === 1 && i < 9 ? Math.abs(v) + absolute[(i - 1) / 2]! : 1));
    r.check(worst(r.got, expected, sums, n));
  });

  test("f16: i-> of 2^20 halves, summed in f32", async () => {
    const n = 2 ** 20;
    // The kernel every device gets: f16 loads, an f32 cascade and tree.
    const code = compileEinsum("i->", [{ shape: [n], strides: [0], dtype: "f16" }], { profile: g().profile })
      .programs[0]!.launches[0]!.kernel.code;
    expect(code).toContain("var levels: array<f32,");
    expect(code).toContain("let term = f32(in0[");
    expect(code).toContain("var<workgroup> partial: array<f32,");
    if (!g().device.features.has("shader-f16")) {
      // SwiftShader has no shader-f16: f16 tensors are refused there, with what to do.
      expect(() => tensor(g(), [0.01], [1], { dtype: "f16" })).toThrow(
        expect.objectContaining({ code: "unsupportedDtype" }),
      );
      return;
    }
    const half = fromHalfBits(new Uint16Array([toHalfBits(0.01)]))[0]!;
    const r = await timed("f16 i-> 2^20 x 0.01", () =>
      einsum("i->", tensor(g(), [0.01], [1], { dtype: "f16" }).expand(n)),
    );
    // The f16 result rounds once more, by up to half an f16 unit: 2^-11 of the sum.
    const exact = n * half;
    const slack = C * U * Math.log2(n) * exact + 2 ** -11 * exact;
    console.log(`f16 i-> 2^20 x 0.01: ${r.got[0]} against ${exact}`);
    expect(Math.abs(r.got[0]! - exact)).toBeLessThanOrEqual(slack);
  });
});

describe("the parallel reduction's edges", () => {
  test("sized at run time: one compiled i-> at 0, 5, 3000 and 2^20 terms", async () => {
    const compiled = compileSized("i->", [[undefined]], { profile: g().profile });
    g().resetStats();
    for (const n of [0, 5, 3000, 2 ** 20]) {
      const data = biased(n, 10);
      const got = await einsum("i->", tensor(g(), data, [n]), { compiled }).read();
      const { exact, absolute } = exactly("i->", [{ data, shape: [n] }]);
      expect(worst(got, exact, absolute, Math.max(1, n)), `${n} terms`).toBeLessThanOrEqual(C);
    }
    expect(g().stats().plansMade).toBe(0);
  });

  test("sized at run time with the output's size open: lanes share each row's sum, the dispatch sized per call", async () => {
    // planned for a GPU that shares long sums among lanes (SwiftShader's profile shares few)
    const compiled = compileSized("ij->i", [[undefined, 4096]], { profile: "nvidia-h100" });
    expect(compiled.plan.steps[0]!.lanes).toBe(16);
    const kernel = compiled.programs[0]!.launches[0]!.kernel;
    expect(kernel.code).toContain("workgroupBarrier");
    expect(kernel.runtimeDispatch).toEqual([{ labels: ["i"], per: 16 }]); // 16 lanes an output, 16 outputs a workgroup
    g().resetStats();
    for (const rows of [1, 37, 300]) {
      const data = biased(rows * 4096, rows);
      const got = await einsum("ij->i", tensor(g(), data, [rows, 4096]), { compiled }).read();
      const { exact, absolute } = exactly("ij->i", [{ data, shape: [rows, 4096] }]);
      expect(worst(got, exact, absolute, 4096), `${rows} rows`).toBeLessThanOrEqual(C);
    }
    expect(g().stats().plansMade).toBe(0);
  });

  test("an empty sum gives zeros, and adds nothing when accumulated", async () => {
    expect(Array.from(await einsum("ij->i", tensor(g(), [], [3, 0])).read())).toEqual([0, 0, 0]);
    const base = tensor(g(), [1, 2, 3], [3]);
    einsum("ij->i", tensor(g(), [], [3, 0]), { out: base, accumulate: true });
    expect(Array.from(await base.read())).toEqual([1, 2, 3]);
    // two summed labels, one of them empty (their flat index is split by the other's size)
    const strided = tensor(g(), new Float32Array(60), [3, 4, 5]).slice(2, 0, 0); // [3, 4, 0], strides [20, 5, 1]
    expect(Array.from(await einsum("ijk->i", strided).read())).toEqual([0, 0, 0]);
  });

  test("more workgroups than a grid row holds: outputs laid out over a 2-D dispatch", async () => {
    // A kernel emitted for at most 16 workgroups a side, run as the runtime runs a plan's kernel.
    const [rows, n] = [2000, 256];
    const data = biased(rows * n, 11);
    const kernel = emitLoopKernel(
      {
        inputs: [{ labels: ["i", "j"], strides: [n, 1] }],
        output: ["i"],
        sizes: { i: rows, j: n },
        title: "test",
        fresh: true,
        lanes: 4,
      },
      16,
    )!;
    expect(kernel.code).toContain("workgroupBarrier"); // lanes share each sum
    expect(kernel.workgroups[0]).toBe(16);
    expect(kernel.workgroups[1]).toBeGreaterThan(1);
    const input = tensor(g(), data, [rows, n]);
    const out = zeros(g(), [rows]);
    g().dispatch(kernel, [{ buffer: input.storage.buffer }, { buffer: out.storage.buffer }], [0, 0]);
    const { exact, absolute } = exactly("ij->i", [{ data, shape: [rows, n] }]);
    expect(worst(await out.read(), exact, absolute, n)).toBeLessThanOrEqual(C);
  });
});

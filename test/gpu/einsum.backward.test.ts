/**
 * Gradients on the real adapter: einsumWithBackward on random einsums over random views, each
 * gradient checked against the oracle's product-rule gradients and against finite differences,
 * both added into gradient buffers laid out like the operands' buffers and as new tensors; the
 * seed's overlapping slices adding up in one base gradient with no temporaries; `out` and
 * `accumulate`; and the errors.
 */
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { compileEinsum, compileWithGradients } from "../../codegen/compiled.js";
import { elementCount } from "../../codegen/views.js";
import { einsumWithBackward } from "../../runtime/backward.js";
import { einsum } from "../../runtime/einsum.js";
import { tensor, zeros, type Tensor } from "../../runtime/tensor.js";
import { maxRelativeError, oracleEinsum, oracleGradients, type OracleOperand } from "../support/oracle.js";
import { values } from "../support/data.js";
import { realize, scenario } from "./random-einsum.js";
import { useGpu } from "./use-gpu.js";

const g = useGpu();
const RUNS = 60;
const TOLERANCE = 1e-4;

/** sum(gradOutput * einsum(operands)) in float64. */
function loss(equation: string, operands: readonly OracleOperand[], gradOutput: ArrayLike<number>): number {
  const out = oracleEinsum(equation, operands).data;
  return out.reduce((acc, v, i) => acc + v * gradOutput[i]!, 0);
}

test(`${RUNS} random einsums over random views: gradients match the oracle and finite differences`, async () => {
  await fc.assert(
    fc.asyncProperty(scenario, fc.array(fc.nat(), { minLength: 8, maxLength: 8 }), async (sc, picks) => {
      const { equation, operands } = realize(g(), sc);
      const strategy = sc.s.strategy;
      const views = operands.map((o) => o.view);
      const { output, backward } = einsumWithBackward(equation, ...views, strategy === undefined ? {} : { strategy });
      const gData = values(elementCount(output.shape), sc.s.seed + 99);
      const gradOutput = tensor(g(), gData, output.shape);
      const made: Tensor[] = [output, gradOutput, ...operands.map((o) => o.base)];
      const oracleOps = operands.map(({ view, data }) => ({
        data,
        shape: view.shape,
        strides: view.strides,
        offset: view.offset,
      }));
      const expected = oracleGradients(equation, oracleOps, gData);

      // 1. added into buffers laid out like the operands' buffers (a view's gradient lands in its base's)
      const targets = operands.map((o) => zeros(g(), o.base.shape));
      made.push(...targets);
      const into = backward(gradOutput, targets);
      expect(into).toEqual(targets);
      for (const [k, t] of targets.entries()) {
        const got = await t.read();
        expect(
          maxRelativeError(got, expected[k]!),
          `${equation} ${strategy ?? "planned"}: gradient of operand ${k} into its base`,
        ).toBeLessThanOrEqual(TOLERANCE);
        // finite differences on two elements of the base (the loss is linear in each: exact up to rounding)
        for (const pick of picks.slice(2 * k, 2 * k + 2)) {
          const e = pick % got.length;
          const shifted = (h: number) =>
            oracleOps.map((op, j) =>
              j === k ? { ...op, data: Float64Array.from(op.data, (v, i) => (i === e ? v + h : v)) } : op,
            );
          const fd = (loss(equation, shifted(0.5), gData) - loss(equation, shifted(-0.5), gData)) / 1;
          expect(
            Math.abs(got[e]! - fd) / Math.max(1, Math.abs(fd)),
            `${equation}: d/d base ${k}[${e}]`,
          ).toBeLessThanOrEqual(TOLERANCE);
        }
      }

      // 2. as new tensors shaped like the operands (per position of the view, as torch gives for an expanded input)
      const fresh = backward(gradOutput);
      for (const [k, t] of fresh.entries()) {
        made.push(t!);
        expect(t!.shape).toEqual(views[k]!.shape);
        const dense = await views[k]!.contiguous().read();
        const reference = oracleGradients(
          equation,
          oracleOps.map((op, j) => (j === k ? { data: dense, shape: op.shape } : op)),
          gData,
        )[k]!;
        expect(
          maxRelativeError(await t!.read(), reference),
          `${equation}: new gradient of operand ${k}`,
        ).toBeLessThanOrEqual(TOLERANCE);
      }
      made.forEach((t) => t.destroy());
    }),
    { numRuns: RUNS },
  );
});

describe("the seed: overlapping slices of one X", () => {
  test("gradients of four overlapping slices add up in X's gradient, with no temporaries and no copy kept", async () => {
    const [I, J, K, L] = [16, 24, 20, 12];
    const xData = values(I * J * K, 1);
    const yData = values(8 * K * L, 2);
    const X = tensor(g(), xData, [I, J, K]);
    const Y = tensor(g(), yData, [8, K, L]);
    const starts = [0, 2, 5, 8];
    const gOut = starts.map((s) => values(J * L, 10 + s));
    const G = gOut.map((d) => tensor(g(), d, [J, L]));
    g().resetStats();
    const before = g().stats().allocatedBytes;
    const gX = zeros(g(), X.shape);
    const gY = zeros(g(), Y.shape);
    const outputs = starts.map((s, i) => {
      const { output, backward } = einsumWithBackward("ijk,ikl->jl", X.slice(0, s, s + 8), Y);
      backward(G[i]!, [gX, gY]);
      return output;
    });
    const stats = g().stats();
    expect(stats.temporaryBytes).toBe(0);
    expect(stats.peakBytes - before).toBe(4 * (I * J * K + 8 * K * L + starts.length * J * L)); // gradients + outputs: the minimum
    const wantX = new Float64Array(I * J * K);
    const wantY = new Float64Array(8 * K * L);
    starts.forEach((s, i) => {
      const [dx, dy] = oracleGradients(
        "ijk,ikl->jl",
        [
          { data: xData, shape: [8, J, K], offset: s * J * K },
          { data: yData, shape: [8, K, L] },
        ],
        gOut[i]!,
      );
      dx!.forEach((v, e) => (wantX[e]! += v));
      dy!.forEach((v, e) => (wantY[e]! += v));
    });
    expect(maxRelativeError(await gX.read(), wantX)).toBeLessThanOrEqual(TOLERANCE);
    expect(maxRelativeError(await gY.read(), wantY)).toBeLessThanOrEqual(TOLERANCE);
    [X, Y, gX, gY, ...G, ...outputs].forEach((t) => t.destroy());
  });
});

describe("out and accumulate", () => {
  test("einsum writes into a transposed view and adds into it with accumulate", async () => {
    const a = tensor(g(), values(12, 1), [3, 4]);
    const b = tensor(g(), values(20, 2), [4, 5]);
    const target = zeros(g(), [5, 3]);
    const view = target.transpose(0, 1); // [3, 5], strides [1, 3]
    expect(einsum("ij,jk->ik", a, b, { out: view })).toBe(view);
    einsum("ij,jk->ik", a, b, { out: view, accumulate: true, strategy: "loop" });
    const want = oracleEinsum("ij,jk->ik", [
      { data: values(12, 1), shape: [3, 4] },
      { data: values(20, 2), shape: [4, 5] },
    ]).data;
    expect(
      maxRelativeError(
        await view.contiguous().read(),
        want.map((v) => 2 * v),
      ),
    ).toBeLessThanOrEqual(TOLERANCE);
    [a, b, target].forEach((t) => t.destroy());
  });

  test.each(["direct", "split-k", "ttgt", "loop"] as const)(
    "accumulate through a strided view with strategy %s",
    async (strategy) => {
      const a = tensor(g(), values(6 * 300, 1), [6, 300]);
      const b = tensor(g(), values(300 * 7, 2), [300, 7]);
      const target = tensor(g(), new Float32Array(10 * 16).fill(1), [10, 16]);
      const view = target.slice(0, 2, 8).slice(1, 1, 15, 2); // [6, 7], strides [16, 2], offset 33
      einsum("ij,jk->ik", a, b, { out: view, accumulate: true, strategy });
      const want = oracleEinsum("ij,jk->ik", [
        { data: values(6 * 300, 1), shape: [6, 300] },
        { data: values(300 * 7, 2), shape: [300, 7] },
      ]).data;
      const all = await target.read();
      expect(
        maxRelativeError(
          await view.contiguous().read(),
          want.map((v) => v + 1),
        ),
      ).toBeLessThanOrEqual(TOLERANCE);
      expect(all.filter((v) => v === 1).length).toBe(160 - 42); // nothing outside the view was touched
      [a, b, target].forEach((t) => t.destroy());
    },
  );

  test("build-time compiled gradients (compileWithGradients, what the transformer inlines) make no plan at run time, into new or given gradients", async () => {
    const a = tensor(g(), values(12, 1), [3, 4]);
    const b = tensor(g(), values(20, 2), [4, 5]);
    const compiled = compileWithGradients("ij,jk->ik", [a.shape, b.shape], { profile: g().profile });
    const dOut = tensor(g(), values(15, 3), [3, 5]);
    const want = oracleGradients(
      "ij,jk->ik",
      [
        { data: values(12, 1), shape: [3, 4] },
        { data: values(20, 2), shape: [4, 5] },
      ],
      values(15, 3),
    );
    g().resetStats();
    const { output, backward } = einsumWithBackward("ij,jk->ik", a, b, { compiled });
    const [da, db] = backward(dOut);
    const gb = zeros(g(), [4, 5]);
    backward(dOut, [null, gb]);
    expect(g().stats().plansMade).toBe(0);
    expect(maxRelativeError(await da!.read(), want[0]!)).toBeLessThanOrEqual(TOLERANCE);
    expect(maxRelativeError(await db!.read(), want[1]!)).toBeLessThanOrEqual(TOLERANCE);
    expect(maxRelativeError(await gb.read(), want[1]!)).toBeLessThanOrEqual(TOLERANCE);
    // a view whose strides the build did not assume: planned at run time, still right
    const { backward: viewBackward } = einsumWithBackward("ij,jk->ik", a, b.transpose().transpose(), { compiled });
    const bt = tensor(g(), values(20, 2), [5, 4]).transpose(); // [4, 5] with strides [1, 4]
    const { backward: stridedBackward } = einsumWithBackward("ij,jk->ik", a, bt, { compiled });
    g().resetStats();
    stridedBackward(dOut);
    expect(g().stats().plansMade).toBeGreaterThan(0);
    viewBackward(dOut, [null, null]);
    [a, b, dOut, output, da!, db!, gb, bt].forEach((t) => t.destroy());
  });

  test("a compiled einsum for another equation is refused", () => {
    const a = tensor(g(), values(12, 1), [3, 4]);
    const compiled = compileEinsum("ij->ji", [a]);
    expect(() => einsum("ij->ij", a, { compiled })).toThrow(
      expect.objectContaining({
        code: "compiledMismatch",
        message: expect.stringMatching(/was compiled for "ij->ji"/) as unknown,
      }),
    );
    a.destroy();
  });

  test("refusals: overlapping out, aliasing, wrong shapes, accumulate without out", () => {
    const a = tensor(g(), values(12, 1), [3, 4]);
    const b = tensor(g(), values(20, 2), [4, 5]);
    const small = zeros(g(), [1, 5]);
    expect(() => einsum("ij,jk->ik", a, b, { out: small.expand(3, 5) })).toThrow(
      expect.objectContaining({ code: "overlappingOutput" }),
    );
    expect(() => einsum("ij,jk->ik", a, b, { out: b.slice(0, 0, 3) })).toThrow(
      expect.objectContaining({ code: "aliasedOutput" }),
    );
    expect(() => einsum("ij,jk->ik", a, b, { out: zeros(g(), [5, 3]) })).toThrow(
      /has shape \[5, 3\], but the result has shape \[3, 5\]/,
    );
    expect(() => einsum("ij,jk->ik", a, b, { accumulate: true })).toThrow(/accumulate but given no 'out'/);
    const { backward } = einsumWithBackward("ij,jk->ik", a, b);
    expect(() => backward(zeros(g(), [5, 3]))).toThrow(
      /gradient has shape \[5, 3\], but the output has shape \[3, 5\]/,
    );
    expect(() => backward(zeros(g(), [3, 5]), [a])).toThrow(expect.objectContaining({ code: "aliasedOutput" }));
    expect(() => backward(zeros(g(), [3, 5]), [zeros(g(), [2])])).toThrow(/smaller than the operand's 48-byte buffer/);
    expect(() => einsumWithBackward("ij,jk->ik", a, b, { accumulate: true })).toThrow(/takes no 'out' or 'accumulate'/);
    expect(backward(zeros(g(), [3, 5]), [null, null])).toEqual([null, null]);
  });
});

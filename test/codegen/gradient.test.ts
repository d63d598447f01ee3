/** The gradient einsums codegen/gradient derives (their values are checked on the GPU in test/gpu/einsum.backward). */
import { describe, expect, test } from "vitest";
import { gradientEinsum } from "../../codegen/gradient.js";
import { contiguousStrides } from "../../codegen/views.js";

const c = (shape: number[]) => ({ shape, strides: contiguousStrides(shape) });

describe("gradientEinsum", () => {
  test("a contraction: the output's gradient with the other operand", () => {
    const ops = [c([8, 16, 4]), c([8, 4, 5])];
    expect(gradientEinsum("ijk,ikl->jl", ops, 0, ops[0]!.strides)).toMatchObject({
      equation: "ab,cdb->cad",
      target: { shape: [8, 16, 4], strides: [64, 4, 1] },
    });
    expect(gradientEinsum("ijk,ikl->jl", ops, 1, ops[1]!.strides)).toMatchObject({
      equation: "ab,cad->cdb",
      target: { shape: [8, 4, 5] },
    });
  });

  test("a slice's gradient goes through the slice's own strides (into its base's gradient)", () => {
    const x = { shape: [8, 16, 4], strides: [64, 4, 1] };
    const d = gradientEinsum("ijk,ikl->jl", [x, c([8, 4, 5])], 0, [64, 4, 1]);
    expect(d.target).toEqual({ shape: [8, 16, 4], strides: [64, 4, 1] });
    expect(d.inputs).toEqual([
      { kind: "gradOutput" },
      { kind: "operand", index: 1, shape: [8, 4, 5], strides: [20, 5, 1] },
    ]);
  });

  test("a diagonal is written through the summed stride", () => {
    const d = gradientEinsum("ii->i", [c([3, 3])], 0, [3, 1]);
    expect(d).toMatchObject({ equation: "a->a", target: { shape: [3], strides: [4] } });
  });

  test("a label only the operand sums gets a ones view; a broadcast dimension is summed", () => {
    expect(gradientEinsum("ij->j", [c([3, 4])], 0, [4, 1])).toMatchObject({
      equation: "a,b->ba",
      inputs: [{ kind: "gradOutput" }, { kind: "ones", shape: [3] }],
    });
    // operand 0 has size 1 where operand 1 has 5: its gradient sums over that label
    const d = gradientEinsum("ij,ij->ij", [c([1, 4]), c([5, 4])], 0, [4, 1]);
    expect(d).toMatchObject({ equation: "ab,ab->b", target: { shape: [4], strides: [1] } });
    // an expanded (stride-0) view of a vector: the gradient into its buffer sums the 3 broadcast rows (ones over both labels)
    const e = gradientEinsum("ij->", [{ shape: [3, 4], strides: [0, 1] }], 0, [0, 1]);
    expect(e).toMatchObject({ equation: ",ab->b", target: { shape: [4], strides: [1] } });
  });
});

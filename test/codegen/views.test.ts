import { describe, expect, test } from "vitest";
import {
  coalesceView,
  contiguousStrides,
  diagonalView,
  expandView,
  isContiguous,
  permuteView,
  selectView,
  sliceView,
  transposeView,
  viewExtent,
  type View,
} from "../../codegen/views.js";

const base = (shape: number[]): View => ({ shape, strides: contiguousStrides(shape), offset: 0 });
/** The flat indices a view reads, row-major: what its elements are when the buffer holds 0, 1, 2, ... */
function indices(v: View): number[] {
  const out: number[] = [];
  const walk = (d: number, at: number) => {
    if (d === v.shape.length) return void out.push(at);
    for (let i = 0; i < v.shape[d]!; i++) walk(d + 1, at + i * v.strides[d]!);
  };
  walk(0, v.offset);
  return out;
}

describe("views", () => {
  test("slice: start, end, step, negative indices, clamping", () => {
    const x = base([16, 4, 5]);
    expect(sliceView(x, 0, 3, 11)).toEqual({ shape: [8, 4, 5], strides: [20, 5, 1], offset: 60 });
    expect(indices(sliceView(base([10]), 0, 1, 8, 3))).toEqual([1, 4, 7]);
    expect(indices(sliceView(base([10]), 0, -3))).toEqual([7, 8, 9]);
    expect(indices(sliceView(base([10]), 0, 8, 100))).toEqual([8, 9]);
    expect(sliceView(base([10]), 0, 7, 2).shape).toEqual([0]);
    expect(() => sliceView(base([10]), 0, 0, 5, 0)).toThrow("slice step must be a positive integer, got 0.");
  });

  test("transpose and permute", () => {
    expect(indices(transposeView(base([2, 3])))).toEqual([0, 3, 1, 4, 2, 5]);
    expect(permuteView(base([2, 3, 4]), [2, 0, 1])).toEqual({ shape: [4, 2, 3], strides: [1, 12, 4], offset: 0 });
    expect(transposeView(base([2, 3, 4]), 0, -1).shape).toEqual([4, 3, 2]);
    expect(() => permuteView(base([2, 3]), [0, 0])).toThrow("permute(0, 0) is not a permutation");
  });

  test("expand: size-1 and new leading dimensions get stride 0", () => {
    expect(expandView(base([3, 1]), [2, 3, 4])).toEqual({ shape: [2, 3, 4], strides: [0, 1, 0], offset: 0 });
    expect(expandView(base([3, 1]), [-1, 2]).shape).toEqual([3, 2]);
    expect(() => expandView(base([3, 2]), [3, 4])).toThrow("Cannot expand shape [3, 2] to [3, 4]");
  });

  test("select removes a dimension", () => {
    expect(indices(selectView(base([2, 3]), 1, -1))).toEqual([2, 5]);
    expect(() => selectView(base([2, 3]), 0, 2)).toThrow("select(0, 2) is out of range for dimension 0 of size 2.");
  });

  test("diagonal: offsets above and below, appended last", () => {
    expect(indices(diagonalView(base([3, 3])))).toEqual([0, 4, 8]);
    expect(indices(diagonalView(base([3, 4]), 1))).toEqual([1, 6, 11]);
    expect(indices(diagonalView(base([3, 4]), -1))).toEqual([4, 9]);
    expect(diagonalView(base([2, 3, 3]), 0, 1, 2)).toEqual({ shape: [2, 3], strides: [9, 4], offset: 0 });
    expect(diagonalView(base([2, 2]), 5).shape).toEqual([0]);
  });

  test("dimension errors say the valid range", () => {
    expect(() => transposeView(base([2, 3]), 0, 2)).toThrow(
      "Dimension 2 is out of range for a tensor of rank 2 (shape [2, 3]); use 0..1 or -2..-1.",
    );
    expect(() => selectView(base([]), 0, 0)).toThrow("a tensor of rank 0 (a scalar) has no dimensions");
  });

  test("contiguity, extent and coalescing", () => {
    expect(isContiguous(sliceView(base([16, 4, 5]), 0, 3, 11))).toBe(true);
    expect(isContiguous(sliceView(base([4, 5]), 1, 0, 2))).toBe(false);
    expect(isContiguous(transposeView(base([1, 5])))).toBe(true);
    expect(viewExtent(sliceView(base([16, 4, 5]), 0, 3, 11))).toEqual({ first: 60, last: 219 });
    expect(viewExtent(base([2, 0]))).toBeUndefined();
    const v = sliceView(base([6, 4, 5]), 2, 0, 2);
    expect(coalesceView(v)).toEqual({ shape: [24, 2], strides: [5, 1], offset: 0 });
    expect(indices(coalesceView(v))).toEqual(indices(v));
    expect(coalesceView(expandView(base([1, 3]), [2, 1, 3]))).toEqual({ shape: [2, 3], strides: [0, 1], offset: 0 });
  });
});

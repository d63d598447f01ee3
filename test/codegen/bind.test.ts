import { describe, expect, test } from "vitest";
import { bindShapes, classifyLabels } from "../../codegen/bind.js";

describe("bindShapes", () => {
  test("label sizes, per-label strides of a strided view, output shape", () => {
    // x = X[3:11] of a contiguous X (16, 4, 5): strides (20, 5, 1), offset 60
    const b = bindShapes("ijk,ikl->jl", [{ shape: [8, 4, 5], strides: [20, 5, 1], offset: 60 }, { shape: [8, 5, 6] }]);
    expect(b.sizes).toEqual({ i: 8, j: 4, k: 5, l: 6 });
    expect(b.operands[0]).toMatchObject({ labels: ["i", "j", "k"], strides: [20, 5, 1], offset: 60, diagonal: [] });
    expect(b.operands[1]).toMatchObject({ labels: ["i", "k", "l"], strides: [30, 6, 1], offset: 0 });
    expect(b.output).toEqual({ labels: ["j", "l"], shape: [4, 6] });
  });

  test("a repeated label strides by the sum of its dimensions' strides", () => {
    const b = bindShapes("iji->j", [{ shape: [3, 2, 3] }]);
    expect(b.operands[0]).toMatchObject({
      dims: ["i", "j", "i"],
      labels: ["i", "j"],
      strides: [6 + 1, 3],
      diagonal: ["i"],
    });
  });

  test("size-1 dimensions broadcast with stride 0", () => {
    const b = bindShapes("ij,ij->ij", [{ shape: [1, 3] }, { shape: [2, 1] }]);
    expect(b.sizes).toEqual({ i: 2, j: 3 });
    expect(b.operands[0]!.strides).toEqual([0, 1]);
    expect(b.operands[1]!.strides).toEqual([1, 0]);
  });

  test("ellipsis dimensions become labels '0', '1', ..., aligned to the right", () => {
    const b = bindShapes("...ij,...jk", [{ shape: [5, 1, 2, 3] }, { shape: [4, 3, 2] }]);
    expect(b.ellipsis).toEqual(["0", "1"]);
    expect(b.operands[0]!.dims).toEqual(["0", "1", "i", "j"]);
    expect(b.operands[1]!.dims).toEqual(["1", "j", "k"]);
    expect(b.operands[0]!.strides).toEqual([6, 0, 3, 1]);
    expect(b.output).toEqual({ labels: ["0", "1", "i", "k"], shape: [5, 4, 2, 2] });
  });

  test("errors name the operand, the label and both sizes", () => {
    expect(() => bindShapes("ij,jk->ik", [{ shape: [2, 3] }, { shape: [4, 5] }])).toThrow(
      "Label 'j' is 4 in operand 1 (dimension 0) but 3 in operand 0; a label must have one size across operands (or be 1 to broadcast).",
    );
    expect(() => bindShapes("i", [{ shape: [2, 3] }])).toThrow("Add '...' to the term");
    expect(() => bindShapes("ij", [{ shape: [2, 3], strides: [1] }])).toThrow(
      "Operand 0 has strides [1] for shape [2, 3]",
    );
    expect(() => bindShapes("ij", [{ shape: [2, 3], offset: -1 }])).toThrow("Operand 0 has offset -1");
  });
});

describe("classifyLabels", () => {
  test("batch, free, contracted and summed-in-one labels of a pair", () => {
    expect(classifyLabels(["b", "i", "k", "s"], ["b", "k", "j", "t"], ["b", "i", "j"])).toEqual({
      b: "batch",
      i: "leftFree",
      k: "contracted",
      s: "leftSummed",
      j: "rightFree",
      t: "rightSummed",
    });
  });

  test("the motivating contraction is a contraction over i and k", () => {
    expect(classifyLabels(["i", "j", "k"], ["i", "k", "l"], ["j", "l"])).toEqual({
      i: "contracted",
      j: "leftFree",
      k: "contracted",
      l: "rightFree",
    });
  });
});

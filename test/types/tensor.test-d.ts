/** Shape types of tensors and views, and what typed einsum does with them. */
import { describe, expectTypeOf, test } from "vitest";
import { einsum, einsumWithBackward, plan, tensor, type Gpu, type Tensor } from "../../runtime/index.js";

declare const g: Gpu;
declare const data: Float32Array;
declare function t<const S extends readonly number[]>(shape: S): Tensor<S>;

describe("tensor() keeps literal sizes", () => {
  test("a literal shape, with or without as const", () => {
    expectTypeOf(tensor(g, data, [16, 16384, 2048])).toEqualTypeOf<Tensor<[16, 16384, 2048]>>();
    expectTypeOf(tensor(g, data, [2, 3] as const)).toEqualTypeOf<Tensor<[2, 3]>>();
  });
  test("fits a parameter whose type leaves sizes open, readonly or not", () => {
    const rows = (x: Tensor<[number, 16]>) => x;
    const readonlyRows = (x: Tensor<readonly [number, 16]>) => x;
    rows(tensor(g, data, [5, 16]));
    readonlyRows(tensor(g, data, [5, 16]));
    // @ts-expect-error: 15 is not 16
    rows(tensor(g, data, [5, 15]));
  });
  test("a shape tsc does not know", () => {
    const shape: number[] = [2, 3];
    expectTypeOf(tensor(g, data, shape)).toEqualTypeOf<Tensor<number[]>>();
  });
});

describe("views", () => {
  const X = t([16, 16384, 2048]);
  test("slice: exact for small literal bounds, number otherwise", () => {
    expectTypeOf(X.slice(0, 3, 11)).toEqualTypeOf<Tensor<[8, 16384, 2048]>>();
    expectTypeOf(X.slice(-1, 0, 8)).toEqualTypeOf<Tensor<[16, 16384, 8]>>();
    expectTypeOf(X.slice(1, 0, 4096)).toEqualTypeOf<Tensor<[16, number, 2048]>>();
    expectTypeOf(X.slice(0, 3, 11, 2)).toEqualTypeOf<Tensor<[number, 16384, 2048]>>();
    expectTypeOf(X.slice(0, 3)).toEqualTypeOf<Tensor<[13, 16384, 2048]>>();
  });
  test("transpose and permute", () => {
    expectTypeOf(X.transpose()).toEqualTypeOf<Tensor<[16, 2048, 16384]>>();
    expectTypeOf(X.transpose(0, 2)).toEqualTypeOf<Tensor<[2048, 16384, 16]>>();
    expectTypeOf(X.permute(2, 0, 1)).toEqualTypeOf<Tensor<[2048, 16, 16384]>>();
  });
  test("expand, select, diagonal", () => {
    expectTypeOf(t([3, 1]).expand(2, -1, 4)).toEqualTypeOf<Tensor<[2, 3, 4]>>();
    expectTypeOf(X.select(1, 5)).toEqualTypeOf<Tensor<[16, 2048]>>();
    expectTypeOf(X.select(-1, 5)).toEqualTypeOf<Tensor<[16, 16384]>>();
    expectTypeOf(t([2, 5, 5]).diagonal(0, 1, 2)).toEqualTypeOf<Tensor<[2, 5]>>(); // square: its length is known
    expectTypeOf(t([5, 5]).diagonal()).toEqualTypeOf<Tensor<[5]>>();
    expectTypeOf(t([5, 5]).diagonal(1)).toEqualTypeOf<Tensor<[number]>>(); // off the main diagonal: number
    expectTypeOf(t([4, 5]).diagonal()).toEqualTypeOf<Tensor<[number]>>(); // not square: number
    expectTypeOf(t([5, 5] as number[]).diagonal()).toEqualTypeOf<Tensor<number[]>>(); // rank unknown
  });
  test("a dimension tsc cannot resolve keeps the rank, sizes unknown", () => {
    const d: number = 1;
    expectTypeOf(X.transpose(d, 0)).toEqualTypeOf<Tensor<[number, number, number]>>();
  });
});

describe("typed einsum", () => {
  const X = t([16, 16384, 2048]);
  const Y = t([8, 2048, 1024]);
  test("the motivating contraction on a slice infers its output", () => {
    expectTypeOf(einsum("ijk,ikl->jl", X.slice(0, 3, 11), Y)).toEqualTypeOf<Tensor<[16384, 1024]>>();
    expectTypeOf(einsum("ijk,ikl->jl", X.slice(0, 3, 11), Y, { strategy: "direct" })).toEqualTypeOf<
      Tensor<[16384, 1024]>
    >();
  });
  test("a size tsc cannot check is accepted and stays unknown", () => {
    expectTypeOf(einsum("ij,jk->ik", t([2, 3]), t([3, 4]).slice(1, 0, 4096))).toEqualTypeOf<Tensor<[2, number]>>();
  });
  test("a non-literal equation compiles and gives a tensor of unknown shape", () => {
    const equation: string = "ij,jk->ik";
    expectTypeOf(einsum(equation, t([2, 3]), t([3, 4]))).toEqualTypeOf<Tensor<number[]>>();
  });
  test("one of several literal equations is checked at run time, like a string", () => {
    const equation = Math.random() > 0.5 ? "ij->ji" : "ij->ij";
    expectTypeOf(einsum(equation, t([2, 3]))).toEqualTypeOf<Tensor<number[]>>();
  });
  test("a size mismatch between slices is caught", () => {
    // @ts-expect-error Label 'i' is 8 in operand 1 but 13 in an earlier operand
    einsum("ijk,ikl->jl", X.slice(0, 3), Y);
  });
});

describe("einsumWithBackward", () => {
  test("the output's shape is inferred, each gradient has its operand's shape, a bad equation is refused", () => {
    const { output, backward } = einsumWithBackward("ijk,ikl->jl", t([16, 64, 32]).slice(0, 3, 11), t([8, 32, 24]));
    expectTypeOf(output).toEqualTypeOf<Tensor<[64, 24]>>();
    const [dx, dy] = backward(output);
    expectTypeOf(dx).toEqualTypeOf<Tensor<[8, 64, 32]> | null>();
    expectTypeOf(dy).toEqualTypeOf<Tensor<readonly [8, 32, 24]> | null>();
    // @ts-expect-error: label q is in no input
    einsumWithBackward("ij,jk->iq", t([2, 3]), t([3, 4]));
  });
});

describe("equations known only at run time", () => {
  test("a template literal with a hole is a string to the types: checked at run time", () => {
    const labels: string = "ab";
    expectTypeOf(einsum(`${labels}->a`, t([2, 3]))).toEqualTypeOf<Tensor<number[]>>();
  });
});

describe("plan() checks its operands' shapes as einsum() does", () => {
  test("literal shapes and tensors", () => {
    plan("ij,jk->ik", [{ shape: [2, 3] }, { shape: [3, 4] }]);
    plan("ij,jk->ik", [t([2, 3]), t([3, 4])]);
    // @ts-expect-error Label 'j' is 4 in operand 1 but 3 in an earlier operand
    plan("ij,jk->ik", [{ shape: [2, 3] }, { shape: [4, 5] }]);
    // @ts-expect-error Operand 0 has rank 2 but its term 'ijk' needs 3 dimensions.
    plan("ijk,kl->il", [t([2, 3]), t([3, 4])]);
  });
  test("shapes tsc does not know", () => {
    const shape: number[] = [2, 3];
    plan("ijk,kl->il", [{ shape }, { shape }]);
  });
});

// einsight/tfjs's einsum at type level: tfjs types ranks (Tensor2D, ...), not sizes, so the
// equation is checked against the operands' ranks and the result has the output's rank.
import type * as tf from "@tensorflow/tfjs-core";
import { describe, expectTypeOf, test } from "vitest";
import { einsum } from "../../runtime/tfjs.js";

declare const a: tf.Tensor2D;
declare const b: tf.Tensor2D;
declare const x: tf.Tensor3D;
declare const v: tf.Tensor1D;
declare const u: tf.Tensor; // rank unknown

describe("einsight/tfjs einsum types", () => {
  test("the result has the output's rank", () => {
    expectTypeOf(einsum("ij,jk->ik", a, b)).toEqualTypeOf<tf.Tensor2D>();
    expectTypeOf(einsum("bij,bjk->bik", x, x)).toEqualTypeOf<tf.Tensor3D>();
    expectTypeOf(einsum("ij,j->i", a, v)).toEqualTypeOf<tf.Tensor1D>();
    expectTypeOf(einsum("ij->", a)).toEqualTypeOf<tf.Scalar>();
    expectTypeOf(einsum("ij,jk,kl->il", a, b, a)).toEqualTypeOf<tf.Tensor2D>();
    expectTypeOf(einsum("...ij->...ji", x)).toEqualTypeOf<tf.Tensor3D>();
  });

  test("a rank the term does not have, a bad equation, a missing operand are type errors", () => {
    // @ts-expect-error Operand 0 has rank 2 but its term 'ijk' needs 3 dimensions
    einsum("ijk,kl->il", a, b);
    // @ts-expect-error Label 'q' of the output does not appear in any input
    einsum("ij,jk->iq", a, b);
    // @ts-expect-error The equation has 2 input terms but 1 operand was given
    einsum("ij,jk->ik", a);
  });

  test("a tensor of unknown rank, and an equation known only at run time, are checked at run time", () => {
    expectTypeOf(einsum("ijk->k", u)).toEqualTypeOf<tf.Tensor1D>();
    const equation: string = "ij->ji";
    expectTypeOf(einsum(equation, a)).toEqualTypeOf<tf.Tensor>();
  });
});

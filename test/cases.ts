/**
 * The shared table of einsum cases: the runtime parser and binder, the GPU path and (later) the
 * type-level parser are all tested against it, so they cannot drift apart. Valid cases give the
 * output shape; invalid ones the error code and the `[start, end)` span in the equation.
 * Output shapes of valid cases agree with numpy 2.4's einsum (checked when the table was written);
 * where einsight differs from numpy on purpose, the case says so.
 */
import type { EinsightErrorCode } from "../codegen/errors.js";

export interface ValidCase {
  readonly equation: string;
  readonly shapes: readonly (readonly number[])[];
  readonly output: readonly number[];
  readonly note?: string;
}

export interface InvalidCase {
  readonly equation: string;
  readonly shapes: readonly (readonly number[])[];
  readonly error: EinsightErrorCode;
  readonly span: readonly [number, number];
  readonly note?: string;
}

export type Case = ValidCase | InvalidCase;

export function isValidCase(c: Case): c is ValidCase {
  return "output" in c;
}

const LETTERS_52 = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

export const cases = [
  // matrix products and friends
  {
    equation: "ij,jk->ik",
    shapes: [
      [2, 3],
      [3, 4],
    ],
    output: [2, 4],
  },
  {
    equation: "ij,jk",
    shapes: [
      [2, 3],
      [3, 4],
    ],
    output: [2, 4],
  },
  {
    equation: "ij,jk->ki",
    shapes: [
      [2, 3],
      [3, 4],
    ],
    output: [4, 2],
  },
  {
    equation: "ji,jk->ik",
    shapes: [
      [3, 2],
      [3, 4],
    ],
    output: [2, 4],
    note: "transposed GEMM",
  },
  {
    equation: "ij,kj->ik",
    shapes: [
      [2, 3],
      [4, 3],
    ],
    output: [2, 4],
  },
  {
    equation: "bij,bjk->bik",
    shapes: [
      [5, 2, 3],
      [5, 3, 4],
    ],
    output: [5, 2, 4],
  },
  {
    equation: "ijk,ikl->jl",
    shapes: [
      [8, 16, 32],
      [8, 32, 4],
    ],
    output: [16, 4],
    note: "the motivating contraction",
  },
  {
    equation: "bhqd,bhkd->bhqk",
    shapes: [
      [2, 3, 5, 4],
      [2, 3, 6, 4],
    ],
    output: [2, 3, 5, 6],
  },
  {
    equation: "bhqk,bhkd->bhqd",
    shapes: [
      [2, 3, 5, 6],
      [2, 3, 6, 4],
    ],
    output: [2, 3, 5, 4],
  },
  {
    equation: "abcd,cdef->abef",
    shapes: [
      [2, 3, 4, 5],
      [4, 5, 3, 2],
    ],
    output: [2, 3, 3, 2],
  },
  {
    equation: "ij,jk,kl->il",
    shapes: [
      [2, 3],
      [3, 4],
      [4, 5],
    ],
    output: [2, 5],
  },
  {
    equation: "ab,bc,cd,de->ae",
    shapes: [
      [2, 3],
      [3, 4],
      [4, 5],
      [5, 6],
    ],
    output: [2, 6],
  },
  {
    equation: "ab,bc,cd,de,ef,fg,gh,hi->ai",
    shapes: [
      [2, 3],
      [3, 2],
      [2, 3],
      [3, 2],
      [2, 3],
      [3, 2],
      [2, 3],
      [3, 4],
    ],
    output: [2, 4],
    note: "8 operands",
  },
  {
    equation: "ik,jkl,il->ij",
    shapes: [
      [2, 3],
      [4, 3, 5],
      [2, 5],
    ],
    output: [2, 4],
    note: "torch's bilinear example",
  },
  {
    equation: "bn,anm,bm->ba",
    shapes: [
      [2, 3],
      [4, 3, 5],
      [2, 5],
    ],
    output: [2, 4],
  },
  {
    equation: "ijkl,mip->jklmp",
    shapes: [
      [2, 3, 4, 5],
      [6, 2, 7],
    ],
    output: [3, 4, 5, 6, 7],
  },
  // no contraction: outer products, elementwise, reductions, permutations
  { equation: "i,j->ij", shapes: [[3], [4]], output: [3, 4] },
  { equation: "i,j", shapes: [[3], [4]], output: [3, 4] },
  {
    equation: "ij,ij->ij",
    shapes: [
      [2, 3],
      [2, 3],
    ],
    output: [2, 3],
  },
  {
    equation: "ij,ij->",
    shapes: [
      [2, 3],
      [2, 3],
    ],
    output: [],
  },
  { equation: "i,i->", shapes: [[5], [5]], output: [] },
  { equation: "i,i", shapes: [[5], [5]], output: [] },
  { equation: "i,i,i->i", shapes: [[4], [4], [4]], output: [4] },
  { equation: "bij->bj", shapes: [[2, 3, 4]], output: [2, 4] },
  { equation: "ij->", shapes: [[2, 3]], output: [] },
  { equation: "ijk->", shapes: [[2, 3, 4]], output: [] },
  { equation: "ij->ji", shapes: [[2, 3]], output: [3, 2] },
  { equation: "ijk->kji", shapes: [[2, 3, 4]], output: [4, 3, 2] },
  { equation: "ij", shapes: [[2, 3]], output: [2, 3] },
  { equation: "ji", shapes: [[2, 3]], output: [3, 2], note: "implicit output is sorted: ij" },
  { equation: "ba", shapes: [[2, 3]], output: [3, 2] },
  { equation: "ij->j", shapes: [[2, 3]], output: [3] },
  // diagonals (a label repeated in one operand)
  { equation: "ii->i", shapes: [[3, 3]], output: [3] },
  { equation: "ii->", shapes: [[3, 3]], output: [] },
  { equation: "ii", shapes: [[3, 3]], output: [], note: "implicit: 'i' is seen twice, so it is summed (the trace)" },
  { equation: "iij->ij", shapes: [[3, 3, 2]], output: [3, 2] },
  { equation: "aab->", shapes: [[2, 2, 3]], output: [] },
  { equation: "iji->ij", shapes: [[3, 2, 3]], output: [3, 2] },
  { equation: "ii,i->i", shapes: [[3, 3], [3]], output: [3] },
  // letter case: implicit output in character-code order, 'A'..'Z' before 'a'..'z'
  { equation: "iJ", shapes: [[2, 3]], output: [3, 2] },
  { equation: "Ji", shapes: [[2, 3]], output: [2, 3] },
  {
    equation: "bA,Ab",
    shapes: [
      [2, 3],
      [3, 2],
    ],
    output: [],
  },
  {
    equation: "aA,Ab->ab",
    shapes: [
      [2, 3],
      [3, 4],
    ],
    output: [2, 4],
  },
  {
    equation: LETTERS_52,
    shapes: [Array.from({ length: 52 }, () => 1)],
    output: Array.from({ length: 52 }, () => 1),
    note: "52 labels",
  },
  { equation: `${LETTERS_52}->`, shapes: [Array.from({ length: 52 }, () => 1)], output: [] },
  // whitespace anywhere (einsight also takes tabs and newlines, numpy only spaces)
  {
    equation: " i j , j k -> i k ",
    shapes: [
      [2, 3],
      [3, 4],
    ],
    output: [2, 4],
  },
  {
    equation: "ij ,jk",
    shapes: [
      [2, 3],
      [3, 4],
    ],
    output: [2, 4],
  },
  { equation: "i\tj->\nj", shapes: [[2, 3]], output: [3], note: "numpy refuses tabs" },
  {
    equation: "... ij , ... jk",
    shapes: [
      [2, 2, 3],
      [2, 3, 4],
    ],
    output: [2, 2, 4],
  },
  // ellipsis: broadcast dimensions
  {
    equation: "...ij,...jk->...ik",
    shapes: [
      [2, 3, 4],
      [2, 4, 5],
    ],
    output: [2, 3, 5],
  },
  {
    equation: "...ij,...jk",
    shapes: [
      [5, 1, 2, 3],
      [4, 3, 2],
    ],
    output: [5, 4, 2, 2],
  },
  { equation: "...ii->...i", shapes: [[3, 2, 2]], output: [3, 2] },
  { equation: "i...->...", shapes: [[2, 3, 4]], output: [3, 4] },
  { equation: "...", shapes: [[]], output: [] },
  { equation: "...", shapes: [[2, 3]], output: [2, 3] },
  { equation: "i...", shapes: [[2]], output: [2] },
  { equation: "i...,j...", shapes: [[2, 3], [4]], output: [3, 2, 4] },
  {
    equation: "a...b,b...c",
    shapes: [
      [2, 5, 3],
      [3, 5, 4],
    ],
    output: [5, 2, 4],
  },
  { equation: "i...j->j...i", shapes: [[2, 3, 4, 5]], output: [5, 3, 4, 2] },
  { equation: "...,...", shapes: [[2, 1], [3]], output: [2, 3] },
  {
    equation: "...i,...i->...",
    shapes: [
      [2, 1, 4],
      [3, 4],
    ],
    output: [2, 3],
  },
  {
    equation: "ij->...ij",
    shapes: [[2, 3]],
    output: [2, 3],
    note: "'...' in the output with none in the inputs is zero dimensions",
  },
  { equation: "i...i", shapes: [[2, 3, 2]], output: [3] },
  { equation: "i...->i", shapes: [[2]], output: [2], note: "no ellipsis dimensions, so none to keep" },
  {
    equation: "...ij,jk->...ik",
    shapes: [
      [2, 3],
      [3, 4],
    ],
    output: [2, 4],
  },
  // scalars (empty terms)
  { equation: "", shapes: [[]], output: [] },
  { equation: "->", shapes: [[]], output: [] },
  { equation: ",->", shapes: [[], []], output: [] },
  { equation: ",ij", shapes: [[], [2, 3]], output: [2, 3] },
  { equation: "ij,,jk", shapes: [[2, 3], [], [3, 4]], output: [2, 4] },
  // size-0 dimensions
  { equation: "ij->", shapes: [[2, 0]], output: [] },
  {
    equation: "ij,jk",
    shapes: [
      [2, 0],
      [0, 3],
    ],
    output: [2, 3],
  },
  { equation: "ij->j", shapes: [[0, 3]], output: [3] },
  { equation: "ii->", shapes: [[0, 0]], output: [] },
  { equation: "i", shapes: [[0]], output: [0] },
  {
    equation: "ij,jk->ik",
    shapes: [
      [0, 3],
      [3, 4],
    ],
    output: [0, 4],
  },
  // size-1 broadcasting of labels (numpy and torch allow it)
  { equation: "i,i", shapes: [[1], [3]], output: [] },
  { equation: "i,i->i", shapes: [[1], [3]], output: [3] },
  {
    equation: "ij,jk->ik",
    shapes: [
      [2, 1],
      [3, 4],
    ],
    output: [2, 4],
  },
  { equation: "ii,i->i", shapes: [[1, 1], [3]], output: [3] },
  {
    equation: "ij,ij->ij",
    shapes: [
      [1, 3],
      [2, 1],
    ],
    output: [2, 3],
  },

  // syntax errors
  {
    equation: "ij,jk->iq",
    shapes: [
      [2, 3],
      [3, 4],
    ],
    error: "unknownOutputLabel",
    span: [8, 9],
  },
  { equation: "ij->k", shapes: [[2, 3]], error: "unknownOutputLabel", span: [4, 5] },
  { equation: "i->ii", shapes: [[2]], error: "repeatedOutputLabel", span: [4, 5] },
  {
    equation: "ij,jk->i k i",
    shapes: [
      [2, 3],
      [3, 4],
    ],
    error: "repeatedOutputLabel",
    span: [11, 12],
  },
  { equation: "i.j", shapes: [[2, 3]], error: "invalidEllipsis", span: [1, 2] },
  { equation: "i..j", shapes: [[2, 3]], error: "invalidEllipsis", span: [1, 3] },
  { equation: "i....j", shapes: [[2, 3]], error: "invalidEllipsis", span: [1, 5] },
  { equation: "i.. .j", shapes: [[2, 3]], error: "invalidEllipsis", span: [1, 3], note: "no whitespace inside '...'" },
  { equation: "i...j...", shapes: [[2, 3]], error: "multipleEllipses", span: [5, 8] },
  { equation: "ij->......", shapes: [[2, 3]], error: "invalidEllipsis", span: [4, 10] },
  { equation: "ij->...i...", shapes: [[2, 3]], error: "multipleEllipses", span: [8, 11] },
  { equation: "ij-k", shapes: [[2, 3]], error: "invalidArrow", span: [2, 3] },
  { equation: "ij>k", shapes: [[2, 3]], error: "invalidArrow", span: [2, 3] },
  { equation: "ij- >j", shapes: [[2, 3]], error: "invalidArrow", span: [2, 3] },
  { equation: "ij->i->j", shapes: [[2, 3]], error: "multipleArrows", span: [5, 7] },
  { equation: "ij->i,j", shapes: [[2, 3]], error: "commaInOutput", span: [5, 6] },
  { equation: "i1", shapes: [[2, 3]], error: "invalidCharacter", span: [1, 2] },
  { equation: "i_j", shapes: [[2, 3]], error: "invalidCharacter", span: [1, 2] },
  {
    equation: "ij;jk",
    shapes: [
      [2, 3],
      [3, 4],
    ],
    error: "invalidCharacter",
    span: [2, 3],
  },
  { equation: "iñ", shapes: [[2, 3]], error: "invalidCharacter", span: [1, 2] },
  {
    equation: "i😀j",
    shapes: [[2, 3]],
    error: "invalidCharacter",
    span: [1, 3],
    note: "a surrogate pair is one character",
  },
  { equation: "i\u0000", shapes: [[2, 3]], error: "invalidCharacter", span: [1, 2] },
  {
    equation: "ij,jk->ik,",
    shapes: [
      [2, 3],
      [3, 4],
    ],
    error: "commaInOutput",
    span: [9, 10],
  },
  // binding errors
  { equation: "i,j", shapes: [[2]], error: "operandCount", span: [2, 3] },
  {
    equation: "ij",
    shapes: [
      [2, 3],
      [3, 4],
    ],
    error: "operandCount",
    span: [0, 2],
  },
  { equation: "", shapes: [], error: "operandCount", span: [0, 0] },
  { equation: "ij", shapes: [[2]], error: "rankMismatch", span: [0, 2] },
  { equation: "i", shapes: [[2, 3]], error: "rankMismatch", span: [0, 1] },
  { equation: "ij,jk->ik", shapes: [[2, 3], [3]], error: "rankMismatch", span: [3, 5] },
  { equation: "...ij", shapes: [[2]], error: "rankMismatch", span: [0, 5] },
  { equation: "", shapes: [[2]], error: "rankMismatch", span: [0, 0] },
  {
    equation: "ij,jk->ik",
    shapes: [
      [2, 3],
      [4, 5],
    ],
    error: "sizeMismatch",
    span: [3, 4],
  },
  { equation: "i,i", shapes: [[2], [3]], error: "sizeMismatch", span: [2, 3] },
  {
    equation: "ij,jk,kl->il",
    shapes: [
      [2, 3],
      [3, 4],
      [5, 6],
    ],
    error: "sizeMismatch",
    span: [6, 7],
  },
  { equation: "ii", shapes: [[2, 3]], error: "nonSquareDiagonal", span: [1, 2] },
  {
    equation: "ii->i",
    shapes: [[1, 3]],
    error: "nonSquareDiagonal",
    span: [1, 2],
    note: "no broadcasting inside one operand",
  },
  { equation: "iji", shapes: [[2, 3, 4]], error: "nonSquareDiagonal", span: [2, 3] },
  {
    equation: "...ij,...jk",
    shapes: [
      [5, 2, 2, 3],
      [4, 3, 2],
    ],
    error: "ellipsisMismatch",
    span: [6, 9],
  },
  { equation: "i...->i", shapes: [[2, 0, 3]], error: "missingOutputEllipsis", span: [6, 7] },
  { equation: "...,...->", shapes: [[2, 3], [3]], error: "missingOutputEllipsis", span: [9, 9] },
  {
    equation: "a...b,b...c->ac",
    shapes: [
      [2, 5, 3],
      [3, 5, 4],
    ],
    error: "missingOutputEllipsis",
    span: [13, 15],
  },
  { equation: "ij", shapes: [[2, -1]], error: "invalidShape", span: [0, 2] },
  {
    equation: "ij,jk",
    shapes: [
      [2, 3],
      [3, 1.5],
    ],
    error: "invalidShape",
    span: [3, 5],
  },
] as const satisfies readonly Case[];

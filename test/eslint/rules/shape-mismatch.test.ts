import rule from "../../../plugin/eslint/rules/shape-mismatch.js";
import { prelude, tfImport, typedFile, typedTester, untypedTester } from "../tester.js";

const filename = typedFile;

typedTester.run("shape-mismatch", rule, {
  valid: [
    { code: `${prelude}einsum("ij,jk->ik", t([2, 3]), t([3, 4]));`, filename },
    { code: `${prelude}einsum("ij,jk->ik", t([2, 1]), t([3, 4]));`, filename }, // size 1 broadcasts
    { code: `${prelude}declare const n: number;\neinsum("ij,jk->ik", t([2, 3]), t([n, 4]));`, filename }, // unknown size
    { code: `${prelude}declare const n: number;\neinsum("ii->i", t([n, 3]));`, filename }, // an unknown size may be the diagonal's 3
    { code: `${prelude}declare const u: Tensor<number[]>;\neinsum("ij,jk->ik", u, t([3, 4]));`, filename }, // unknown rank
    { code: `${prelude}einsum("...ij,...jk->...ik", t([5, 1, 2, 3]), t([4, 3, 2]));`, filename }, // '...' dimensions broadcast
    { code: `${prelude}einsum("ij,jk->ik", t([2, 3]));`, filename }, // the operand count: operands' business
  ],
  invalid: [
    {
      code: `${prelude}const X = tensor(g, new Float32Array(0), [16, 40, 24]);\nconst Y = tensor(g, new Float32Array(0), [8, 24, 70]);\neinsum("ijk,ikl->jl", X.slice(0, 3), Y);`,
      filename,
      errors: [
        {
          messageId: "sizeMismatch",
          line: 6,
          column: 13,
          endColumn: 14,
          data: {
            reason:
              "Label 'i' is 8 in operand 1 (dimension 0) but 13 in operand 0; a label must have one size across operands (or be 1 to broadcast).",
          },
        },
      ],
    },
    {
      code: `${prelude}einsum("ii", t([2, 3]));`,
      filename,
      errors: [{ messageId: "nonSquareDiagonal", line: 4, column: 10, endColumn: 11 }],
    },
    {
      code: `${prelude}einsum("jii->j", t([4, 2, 3]));`,
      filename,
      errors: [
        {
          messageId: "nonSquareDiagonal",
          line: 4,
          column: 11,
          endColumn: 12,
          data: {
            reason:
              "Operand 0 repeats label 'i' (a diagonal), so its dimensions 1 and 2 must be equal, but they are 2 and 3.",
          },
        },
      ],
    },
    {
      code: `${prelude}einsum("...ij,...jk", t([5, 2, 2, 3]), t([4, 3, 2]));`,
      filename,
      errors: [
        {
          messageId: "ellipsisMismatch",
          line: 4,
          column: 15,
          endColumn: 18,
          data: {
            reason:
              "The '...' dimensions of operand 1 (shape [4, 3, 2]) do not broadcast with operand 0: ellipsis dimension 1 is 4 here and 2 there. Sizes must match or be 1.",
          },
        },
      ],
    },
    {
      // tf.einsum's operands are bound the same way: the second 'j' is pointed at
      code: `${prelude}${tfImport}tf.einsum("ij,jk->ik", t([2, 3]), t([4, 5]));`,
      filename,
      errors: [
        {
          messageId: "sizeMismatch",
          line: 5,
          column: 15,
          endColumn: 16,
          data: {
            reason:
              "Label 'j' is 4 in operand 1 (dimension 0) but 3 in operand 0; a label must have one size across operands (or be 1 to broadcast).",
          },
        },
      ],
    },
    {
      // a known size conflicts with another known size, past an unknown one
      code: `${prelude}declare const n: number;\neinsum("ij,jk,kl->il", t([2, 3]), t([n, 4]), t([5, 6]));`,
      filename,
      errors: [{ messageId: "sizeMismatch", line: 5, column: 15, endColumn: 16 }],
    },
  ],
});

untypedTester.run("shape-mismatch without type information: nothing to compare", rule, {
  valid: [`${prelude}einsum("ij,jk->ik", t([2, 3]), t([4, 5]));`, `${prelude}einsum("ii", t([2, 3]));`],
  invalid: [],
});

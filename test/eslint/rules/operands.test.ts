import rule from "../../../plugin/eslint/rules/operands.js";
import { prelude, tfImport, typedFile, typedTester, untypedTester } from "../tester.js";

const filename = typedFile;

typedTester.run("operands", rule, {
  valid: [
    { code: `${prelude}einsum("ij,jk->ik", t([2, 3]), t([3, 4]));`, filename },
    { code: `${prelude}declare const u: Tensor<number[]>;\neinsum("ijk", u);`, filename },
    { code: `${prelude}einsum("...ij->...ji", t([7, 5, 2, 3]));`, filename }, // '...' takes the extra leading dimensions
    { code: `${prelude}einsum("ij,jk->iq", t([2, 3]));`, filename }, // does not parse: valid-equation's business
    { code: `${prelude}einsum("ij,jk->ik", t([2, 3]), t([4, 5]));`, filename }, // sizes: shape-mismatch's business
    { code: `${prelude}${tfImport}tf.einsum("ij,jk->ik", t([2, 3]), t([3, 4]));`, filename },
  ],
  invalid: [
    {
      // einsight/tfjs's einsum: the same checks on tfjs tensors' ranks
      code: `import { einsum as tfEinsum } from "einsight/tfjs";\n${prelude}tfEinsum("ijk,kl", t([2, 3]), t([3, 4]));`,
      filename,
      errors: [{ messageId: "rankMismatch", line: 5, column: 11, endColumn: 14 }],
    },
    {
      code: `${prelude}einsum("ij,jk->ik", t([2, 3]));`,
      filename,
      errors: [{ messageId: "operandCount", line: 4, column: 12, endColumn: 14 }],
    },
    {
      code: `${prelude}einsum("ijk,kl", t([2, 3]), t([3, 4]));`,
      filename,
      errors: [{ messageId: "rankMismatch", line: 4, column: 9, endColumn: 12 }],
    },
    {
      code: `${prelude}einsum("...ij->ij", t([5, 2, 3]));`,
      filename,
      errors: [{ messageId: "missingOutputEllipsis", line: 4, column: 16, endColumn: 18 }],
    },
    {
      // more operands than terms: the whole input side is pointed at
      code: `${prelude}einsum("ij->i", t([2, 3]), t([3]));`,
      filename,
      errors: [
        {
          messageId: "operandCount",
          line: 4,
          column: 9,
          endColumn: 11,
          data: {
            reason:
              "The equation has 1 input term but 2 operands were given; pass one tensor per comma-separated term.",
          },
        },
      ],
    },
    {
      code: `${prelude}einsum("ij->ji", t([2, 3, 4]));`,
      filename,
      errors: [
        {
          messageId: "rankMismatch",
          line: 4,
          column: 9,
          endColumn: 11,
          data: {
            reason:
              "Operand 0 has rank 3 (shape [2, 3, 4]) but its term 'ij' needs 2 dimensions. Add '...' to the term to broadcast over the extra leading dimensions.",
          },
        },
      ],
    },
    {
      code: `${prelude}einsum("...ijk->...kji", t([2, 3]));`,
      filename,
      errors: [
        {
          messageId: "rankMismatch",
          line: 4,
          column: 9,
          endColumn: 15,
          data: { reason: "Operand 0 has rank 2 (shape [2, 3]) but its term '...ijk' needs at least 3 dimensions." },
        },
      ],
    },
    {
      // tf.einsum's operands are checked the same way
      code: `${prelude}${tfImport}tf.einsum("ij,jk->ik", t([2, 3]), t([3]));`,
      filename,
      errors: [{ messageId: "rankMismatch", line: 5, column: 15, endColumn: 17 }],
    },
  ],
});

untypedTester.run("operands without type information: the count only", rule, {
  valid: [
    `${prelude}einsum("ijk,kl", x, y);`,
    `${prelude}einsum("...ij->ij", x);`, // the missing output '...' needs the operand's rank
    `import { einsum } from "other";\neinsum("ij,jk->ik", x);`, // not einsight's einsum
  ],
  invalid: [
    {
      code: `${prelude}einsum("ij,jk->ik", x);`,
      errors: [{ messageId: "operandCount", line: 4, column: 12, endColumn: 14 }],
    },
    {
      code: `import { einsumWithBackward } from "einsight";\neinsumWithBackward("ij,jk,kl->il", x, y);`,
      errors: [
        {
          messageId: "operandCount",
          line: 2,
          column: 27,
          endColumn: 29,
          data: {
            reason:
              "The equation has 3 input terms but 2 operands were given; pass one tensor per comma-separated term.",
          },
        },
      ],
    },
    {
      code: `${tfImport}tf.einsum("ij,jk->ik", a);`,
      errors: [{ messageId: "operandCount", line: 2, column: 15, endColumn: 17 }],
    },
  ],
});

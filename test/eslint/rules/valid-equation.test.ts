import rule from "../../../plugin/eslint/rules/valid-equation.js";
import { prelude, tfImport, untypedTester } from "../tester.js";

untypedTester.run("valid-equation", rule, {
  valid: [
    `${prelude}einsum("ij,jk->ik", t([2, 3]), t([3, 4]));`,
    `${prelude}einsum(" i j , j k ", t([2, 3]), t([3, 4]));`,
    `${prelude}einsum(equation, a, b);`, // not a literal: risky-einsum's business
    `const einsum = (e: string) => e; einsum("ij->q");`, // not einsight's einsum
    `import { einsum } from "other"; einsum("ij->q");`,
    `import * as tf from "@tensorflow/tfjs";\ntf.einsumWithBackward("ij->q", a);`, // tfjs has no such function: not checked
    `import * as tf from "@tensorflow/tfjs";\ntf.matMul(a, b);`,
    `import { einsum as tfEinsum } from "einsight/tfjs";\ntfEinsum("...ij,jk->...ik", a, b);`, // einsight/tfjs's einsum takes '...'
    `${prelude}einsum(\`ij->\${"q"}\`, a);`, // a template with a substitution has no literal value
    `${prelude}einsum("...ij,...jk->...ik", a, b);`,
    `${prelude}einsum("ii->...", a);`, // numpy: an output '...' with no input ellipsis means no dimensions
    `${tfImport}tf.einsum("ij,jk", a, b);`, // tfjs-einsum's business, not a syntax error
  ],
  invalid: [
    {
      // einsight/tfjs's einsum, on tfjs tensors, is checked as einsight's
      code: `import { einsum as tfEinsum } from "einsight/tfjs";\ntfEinsum("ij,jk->iq", a, b);`,
      errors: [{ messageId: "unknownOutputLabel", line: 2, column: 19, endColumn: 20 }],
    },
    {
      code: `${prelude}einsum("ij,jk->iq", t([2, 3]), t([3, 4]));`,
      errors: [{ messageId: "unknownOutputLabel", line: 4, column: 17, endLine: 4, endColumn: 18 }],
    },
    {
      // through an escape: \\u002c is the comma; the bad '1' is still pointed at exactly
      code: `${prelude}einsum("ij\\u002cj1", a, b);`,
      errors: [{ messageId: "invalidCharacter", line: 4, column: 18, endColumn: 19 }],
    },
    {
      code: `${prelude}einsum(\`ij,jk->i.k\`, a, b);`,
      errors: [{ messageId: "invalidEllipsis", line: 4, column: 17, endColumn: 18 }],
    },
    {
      code: `import { einsum as e } from "einsight";\ne("ij->i->j", a);`,
      errors: [{ messageId: "multipleArrows", line: 2, column: 9, endColumn: 11 }],
    },
    {
      code: `import * as E from "einsight";\nE.einsum("i...j...", a);`,
      errors: [{ messageId: "multipleEllipses", line: 2, column: 16, endColumn: 19 }],
    },
    {
      // einsumWithBackward takes the same equation
      code: `import { einsumWithBackward } from "einsight";\neinsumWithBackward("ij,jk->iq", a, b);`,
      errors: [{ messageId: "unknownOutputLabel", line: 2, column: 29, endColumn: 30 }],
    },
    {
      code: `import * as E from "einsight";\nE.einsumWithBackward("ij->i->j", a);`,
      errors: [{ messageId: "multipleArrows", line: 2, column: 28, endColumn: 30 }],
    },
    {
      code: `import * as tf from "@tensorflow/tfjs";\ntf.einsum("ij,jk->ik,", a, b);`,
      errors: [{ messageId: "commaInOutput", line: 2, column: 21, endColumn: 22 }],
    },
    {
      code: `${prelude}einsum("ij-jk", a, b);`,
      errors: [
        {
          messageId: "invalidArrow",
          line: 4,
          column: 11,
          endColumn: 12,
          data: { reason: "'-' must be followed by '>' to form '->'." },
        },
      ],
    },
    {
      code: `${prelude}einsum("ij>jk", a, b);`,
      errors: [
        {
          messageId: "invalidArrow",
          line: 4,
          column: 11,
          endColumn: 12,
          data: { reason: "'>' must follow '-' to form '->'." },
        },
      ],
    },
    {
      code: `${prelude}einsum("ij,jk->iki", a, b);`,
      errors: [
        {
          messageId: "repeatedOutputLabel",
          line: 4,
          column: 18,
          endColumn: 19,
          data: {
            reason:
              "Label 'i' appears more than once in the output (first at 7); each output label must be unique. For a diagonal, repeat the label in an input instead.",
          },
        },
      ],
    },
    {
      // a line continuation inside the string: the output label is on the next source line
      code: `${prelude}einsum("ij,\\\njk->iq", a, b);`,
      errors: [
        {
          messageId: "unknownOutputLabel",
          line: 5,
          column: 6,
          endLine: 5,
          endColumn: 7,
          data: {
            reason: "Label 'q' of the output does not appear in any input; use only labels from the inputs after '->'.",
          },
        },
      ],
    },
    {
      // a control character, written as an escape: named by its code point, the whole escape pointed at
      code: `${prelude}einsum("ij\\u0001k", a);`,
      errors: [
        {
          messageId: "invalidCharacter",
          line: 4,
          column: 11,
          endColumn: 17,
          data: {
            reason: "The control character U+0001 is not a valid einsum label; labels are the letters a-z and A-Z.",
          },
        },
      ],
    },
  ],
});

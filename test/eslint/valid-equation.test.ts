import rule from "../../plugin/eslint/rules/valid-equation.js";
import { prelude, untypedTester } from "./tester.js";

untypedTester.run("valid-equation", rule, {
  valid: [
    `${prelude}einsum("ij,jk->ik", t([2, 3]), t([3, 4]));`,
    `${prelude}einsum(" i j , j k ", t([2, 3]), t([3, 4]));`,
    `${prelude}einsum(equation, a, b);`, // not a literal: risky-einsum's business
    `const einsum = (e: string) => e; einsum("ij->q");`, // not einsight's einsum
    `import { einsum } from "other"; einsum("ij->q");`,
    `import * as tf from "@tensorflow/tfjs";\ntf.einsumWithBackward("ij->q", a);`, // tfjs has no such function: not checked
    `import * as tf from "@tensorflow/tfjs";\ntf.matMul(a, b);`,
  ],
  invalid: [
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
  ],
});

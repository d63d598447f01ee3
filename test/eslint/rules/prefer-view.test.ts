import rule from "../../../plugin/eslint/rules/prefer-view.js";
import { prelude, tfImport, typedFile, typedTester, untypedTester } from "../tester.js";

const filename = typedFile;

typedTester.run("prefer-view", rule, {
  valid: [
    { code: `${prelude}einsum("ij->ij", t([2, 3]));`, filename }, // an explicit copy
    { code: `${prelude}einsum("ij->i", t([2, 3]));`, filename },
    { code: `${prelude}einsum("ij->ji", t([2, 3]), { strategy: "loop" });`, filename },
    { code: `${prelude}einsum("ij,jk->ki", t([2, 3]), t([3, 4]));`, filename }, // two operands
    { code: `${prelude}einsum("...ij->...ji", t([5, 2, 3]));`, filename }, // '...': no view names its dimensions
    { code: `${prelude}einsum("iij->ji", t([3, 3, 2]));`, filename }, // a diagonal and a permutation at once
    { code: `${prelude}einsum("iii->i", t([3, 3, 3]));`, filename }, // diagonal() takes two dimensions
    { code: `${prelude}einsum("ii", t([3, 3]));`, filename }, // the trace: a sum, not a view
    { code: `${prelude}${tfImport}tf.einsum("ij->ji", t([2, 3]));`, filename }, // tfjs tensors have no views
    // einsight/tfjs's einsum takes tfjs tensors, which have no views
    { code: `import { einsum as tfEinsum } from "einsight/tfjs";\n${prelude}tfEinsum("ij->ji", t([2, 3]));`, filename },
    // einsumWithBackward returns { output, backward }: a view is no replacement (imported by name, as a namespace, renamed)
    {
      code: `import { einsumWithBackward } from "einsight";\n${prelude}einsumWithBackward("ij->ji", t([2, 3]));`,
      filename,
    },
    { code: `import * as E from "einsight";\n${prelude}E.einsumWithBackward("ii->i", t([3, 3]));`, filename },
    {
      code: `import { einsumWithBackward as ewb } from "einsight";\n${prelude}ewb("ijk->kij", t([2, 3, 4]));`,
      filename,
    },
  ],
  invalid: [
    {
      code: `${prelude}const x = t([2, 3]);\nconst y = einsum("ij->ji", x);`,
      filename,
      errors: [
        {
          messageId: "preferView",
          line: 5,
          column: 11,
          suggestions: [
            {
              messageId: "useView",
              data: { view: "x.transpose()" },
              output: `${prelude}const x = t([2, 3]);\nconst y = x.transpose();`,
            },
          ],
        },
      ],
    },
    {
      code: `${prelude}einsum("ijk->kij", t([2, 3, 4]));`,
      filename,
      errors: [
        {
          messageId: "preferView",
          suggestions: [
            {
              messageId: "useView",
              data: { view: "t([2, 3, 4]).permute(2, 0, 1)" },
              output: `${prelude}t([2, 3, 4]).permute(2, 0, 1);`,
            },
          ],
        },
      ],
    },
    {
      code: `${prelude}einsum("ii->i", t([3, 3]));`,
      filename,
      errors: [
        {
          messageId: "preferView",
          data: { what: "takes a diagonal", view: "t([3, 3]).diagonal()" },
          suggestions: [{ messageId: "useView", output: `${prelude}t([3, 3]).diagonal();` }],
        },
      ],
    },
    {
      // a swap of the last two dimensions of any rank is transpose(); the whole call is pointed at
      code: `${prelude}einsum("bij->bji", t([4, 2, 3]));`,
      filename,
      errors: [
        {
          messageId: "preferView",
          line: 4,
          column: 1,
          endLine: 4,
          endColumn: 33,
          data: { what: "permutes its operand's dimensions", view: "t([4, 2, 3]).transpose()" },
          suggestions: [
            {
              messageId: "useView",
              data: { view: "t([4, 2, 3]).transpose()" },
              output: `${prelude}t([4, 2, 3]).transpose();`,
            },
          ],
        },
      ],
    },
    {
      // the leading dimensions move too: a permute, not transpose()
      code: `${prelude}einsum("ijk->jik", t([2, 3, 4]));`,
      filename,
      errors: [
        {
          messageId: "preferView",
          suggestions: [
            {
              messageId: "useView",
              data: { view: "t([2, 3, 4]).permute(1, 0, 2)" },
              output: `${prelude}t([2, 3, 4]).permute(1, 0, 2);`,
            },
          ],
        },
      ],
    },
  ],
});

untypedTester.run("prefer-view without type information", rule, {
  valid: [`import { einsum } from "other";\neinsum("ij->ji", x);`],
  invalid: [
    {
      // an operand written over lines is kept as written
      code: `import * as E from "einsight";\nE.einsum("ij->ji", a\n  .slice(0, 1, 3));`,
      errors: [
        {
          messageId: "preferView",
          line: 2,
          column: 1,
          endLine: 3,
          endColumn: 19,
          suggestions: [
            { messageId: "useView", output: `import * as E from "einsight";\na\n  .slice(0, 1, 3).transpose();` },
          ],
        },
      ],
    },
  ],
});

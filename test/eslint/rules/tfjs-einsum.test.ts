import rule from "../../../plugin/eslint/rules/tfjs-einsum.js";
import { tfImport as tf, typedFile, typedTester, untypedTester } from "../tester.js";

untypedTester.run("tfjs-einsum", rule, {
  valid: [
    // einsight/tfjs's einsum takes what tf.einsum refuses
    `import { einsum } from "einsight/tfjs";\neinsum("...ij,jk,kl->...il", a, b, c);`,
    `${tf}tf.einsum("ij,jk->ik", a, b);`,
    `import { einsum } from "einsight";\neinsum("...ii", a);`,
    `${tf}tf.einsum("ij,jk->ik,", a, b);`, // does not parse: valid-equation's business
    `${tf}tf.einsum(equation, a, b);`, // not a literal: nothing to check
    `import { einsum } from "other";\neinsum("ij,jk", a, b);`,
    `import * as tfn from "@tensorflow/tfjs-node";\ntfn.einsum("ij,jk->ik", a, b);`,
    `${tf}tf.einsum("ij->ji", a);`,
  ],
  invalid: [
    { code: `${tf}tf.einsum("ij,jk", a, b);`, errors: [{ messageId: "noArrow", line: 2, column: 12, endColumn: 17 }] },
    {
      code: `${tf}tf.einsum("...ij->ij", a);`,
      errors: [{ messageId: "ellipsis", line: 2, column: 12, endColumn: 15 }],
    },
    {
      code: `${tf}tf.einsum("ij,jk,kl->il", a, b, c);`,
      errors: [{ messageId: "tooManyOperands", data: { count: "3" }, line: 2, column: 12, endColumn: 20 }],
    },
    {
      code: `import { einsum } from "@tensorflow/tfjs-core";\neinsum("iij->j", a);`,
      errors: [{ messageId: "repeatedLabel", data: { label: "i" }, line: 2, column: 10, endColumn: 11 }],
    },
    {
      // every refusal in one equation, each at its characters
      code: `${tf}tf.einsum("...ii", a);`,
      errors: [
        { messageId: "noArrow", line: 2, column: 12, endColumn: 17 },
        { messageId: "ellipsis", line: 2, column: 12, endColumn: 15 },
        { messageId: "repeatedLabel", data: { label: "i" }, line: 2, column: 16, endColumn: 17 },
      ],
    },
    {
      code: `import { einsum as e } from "@tensorflow/tfjs-node";\ne("ij,jk->ik", a, b, c);\ne("ijj->i", a);`,
      errors: [{ messageId: "repeatedLabel", data: { label: "j" }, line: 3, column: 6, endColumn: 7 }],
    },
  ],
});

const typed = `import * as tf from "@tensorflow/tfjs-core";\nimport type { Tensor } from "einsight";\ndeclare function t<const S extends readonly number[]>(shape: S): Tensor<S>;\n`;

typedTester.run("tfjs-einsum with shape types: the materialized product", rule, {
  valid: [
    {
      code: `${typed}tf.einsum("ij,jk->ik", t([64, 64]), t([64, 64]));`,
      filename: typedFile,
    },
    // the limit is an option
    {
      code: `${typed}tf.einsum("ij,jk->ik", t([1024, 1024]), t([1024, 1024]));`,
      filename: typedFile,
      options: [{ maxProductBytes: 4 * 2 ** 30 }],
    },
    // an unknown size: the product's bytes are not known before run time
    {
      code: `${typed}declare const n: number;\ntf.einsum("ij,jk->ik", t([n, 1024]), t([1024, 1024]));`,
      filename: typedFile,
    },
    // shapes that do not bind are operands' and shape-mismatch's business
    { code: `${typed}tf.einsum("ij,jk->ik", t([1024, 1024]), t([512, 1024]));`, filename: typedFile },
  ],
  invalid: [
    {
      // tf.einsum('ij,jk->ik') on 1024^3 builds the whole i*j*k product: 4 GiB (it fails on a 2 GiB binding limit)
      code: `${typed}tf.einsum("ij,jk->ik", t([1024, 1024]), t([1024, 1024]));`,
      filename: typedFile,
      errors: [{ messageId: "broadcastProduct", data: { bytes: "4.0 GiB", elements: "1073741824", limit: "256 MiB" } }],
    },
    {
      // a lower limit; the whole call is pointed at
      code: `${typed}tf.einsum("ij,jk->ik", t([64, 64]), t([64, 64]));`,
      filename: typedFile,
      options: [{ maxProductBytes: 1024 }],
      errors: [
        {
          messageId: "broadcastProduct",
          line: 4,
          column: 1,
          endLine: 4,
          endColumn: 49,
          data: { bytes: "1.0 MiB", elements: "262144", limit: "1.0 KiB" },
        },
      ],
    },
    {
      // a label of size 1 broadcasts: the product counts the larger size
      code: `${typed}tf.einsum("ij,jk->ik", t([2048, 1]), t([256, 2048]));`,
      filename: typedFile,
      errors: [{ messageId: "broadcastProduct", data: { bytes: "4.0 GiB", elements: "1073741824", limit: "256 MiB" } }],
    },
  ],
});

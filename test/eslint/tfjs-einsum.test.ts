import rule from "../../plugin/eslint/rules/tfjs-einsum.js";
import { typedFile, typedTester, untypedTester } from "./tester.js";

const tf = `import * as tf from "@tensorflow/tfjs";\n`;

untypedTester.run("tfjs-einsum", rule, {
  valid: [`${tf}tf.einsum("ij,jk->ik", a, b);`, `import { einsum } from "einsight";\neinsum("...ii", a);`],
  invalid: [
    { code: `${tf}tf.einsum("ij,jk", a, b);`, errors: [{ messageId: "noArrow", line: 2, column: 12, endColumn: 17 }] },
    { code: `${tf}tf.einsum("...ij->ij", a);`, errors: [{ messageId: "ellipsis", line: 2, column: 12, endColumn: 15 }] },
    { code: `${tf}tf.einsum("ij,jk,kl->il", a, b, c);`, errors: [{ messageId: "tooManyOperands", data: { count: "3" }, line: 2, column: 12, endColumn: 20 }] },
    { code: `import { einsum } from "@tensorflow/tfjs-core";\neinsum("iij->j", a);`, errors: [{ messageId: "repeatedLabel", data: { label: "i" }, line: 2, column: 10, endColumn: 11 }] },
  ],
});

typedTester.run("tfjs-einsum with shape types: the materialized product", rule, {
  valid: [
    {
      code: `import * as tf from "@tensorflow/tfjs-core";\nimport type { Tensor } from "einsight";\ndeclare function t<const S extends readonly number[]>(shape: S): Tensor<S>;\ntf.einsum("ij,jk->ik", t([64, 64]), t([64, 64]));`,
      filename: typedFile,
    },
  ],
  invalid: [
    {
      // tf.einsum('ij,jk->ik') on 1024^3 builds the whole i*j*k product: 4 GiB (it fails on a 2 GiB binding limit)
      code: `import * as tf from "@tensorflow/tfjs-core";\nimport type { Tensor } from "einsight";\ndeclare function t<const S extends readonly number[]>(shape: S): Tensor<S>;\ntf.einsum("ij,jk->ik", t([1024, 1024]), t([1024, 1024]));`,
      filename: typedFile,
      errors: [{ messageId: "broadcastProduct", data: { bytes: "4.0 GiB", elements: "1073741824", limit: "256 MiB" } }],
    },
  ],
});

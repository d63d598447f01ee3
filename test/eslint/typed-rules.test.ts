/** The rules that read shapes from the type checker, on typed fixtures. */
import operands from "../../plugin/eslint/rules/operands.js";
import preferView from "../../plugin/eslint/rules/prefer-view.js";
import riskyEinsum from "../../plugin/eslint/rules/risky-einsum.js";
import shapeMismatch from "../../plugin/eslint/rules/shape-mismatch.js";
import { fileURLToPath } from "node:url";
import { prelude, typedFile, typedTester, untypedTester } from "./tester.js";

const filename = typedFile;
const tileTableFile = fileURLToPath(new URL("./fixtures/tiles.json", import.meta.url));

typedTester.run("operands", operands, {
  valid: [{ code: `${prelude}einsum("ij,jk->ik", t([2, 3]), t([3, 4]));`, filename }, { code: `${prelude}declare const u: Tensor<number[]>;\neinsum("ijk", u);`, filename }],
  invalid: [
    { code: `${prelude}einsum("ij,jk->ik", t([2, 3]));`, filename, errors: [{ messageId: "operandCount", line: 4, column: 12, endColumn: 14 }] },
    { code: `${prelude}einsum("ijk,kl", t([2, 3]), t([3, 4]));`, filename, errors: [{ messageId: "rankMismatch", line: 4, column: 9, endColumn: 12 }] },
    { code: `${prelude}einsum("...ij->ij", t([5, 2, 3]));`, filename, errors: [{ messageId: "missingOutputEllipsis", line: 4, column: 16, endColumn: 18 }] },
  ],
});

untypedTester.run("operands without type information: the count only", operands, {
  valid: [`${prelude}einsum("ijk,kl", x, y);`],
  invalid: [{ code: `${prelude}einsum("ij,jk->ik", x);`, errors: [{ messageId: "operandCount", line: 4, column: 12, endColumn: 14 }] }],
});

typedTester.run("shape-mismatch", shapeMismatch, {
  valid: [
    { code: `${prelude}einsum("ij,jk->ik", t([2, 3]), t([3, 4]));`, filename },
    { code: `${prelude}einsum("ij,jk->ik", t([2, 1]), t([3, 4]));`, filename }, // size 1 broadcasts
    { code: `${prelude}declare const n: number;\neinsum("ij,jk->ik", t([2, 3]), t([n, 4]));`, filename }, // unknown size
  ],
  invalid: [
    {
      code: `${prelude}const X = tensor(g, new Float32Array(0), [16, 40, 24]);\nconst Y = tensor(g, new Float32Array(0), [8, 24, 70]);\neinsum("ijk,ikl->jl", X.slice(0, 3), Y);`,
      filename,
      errors: [{ messageId: "sizeMismatch", line: 6, column: 13, endColumn: 14, data: { reason: "Label 'i' is 8 in operand 1 (dimension 0) but 13 in operand 0; a label must have one size across operands (or be 1 to broadcast)." } }],
    },
    { code: `${prelude}einsum("ii", t([2, 3]));`, filename, errors: [{ messageId: "nonSquareDiagonal", line: 4, column: 10, endColumn: 11 }] },
    { code: `${prelude}einsum("...ij,...jk", t([5, 2, 2, 3]), t([4, 3, 2]));`, filename, errors: [{ messageId: "ellipsisMismatch", line: 4, column: 15, endColumn: 18 }] },
  ],
});

typedTester.run("risky-einsum", riskyEinsum, {
  valid: [
    // the seed: direct, no temporaries, nothing kept for backward
    { code: `${prelude}einsum("ijk,ikl->jl", t([16, 16384, 2048]).slice(0, 3, 11), t([8, 2048, 1024]));`, filename },
    // the same under a tile table measured by tuneTiles() (a file the rule reads)
    { code: `${prelude}einsum("ijk,ikl->jl", t([16, 16384, 2048]).slice(0, 3, 11), t([8, 2048, 1024]));`, filename, options: [{ profile: "nvidia-h100", tileTable: tileTableFile }] },
  ],
  invalid: [
    { code: `${prelude}declare const e: string;\neinsum(e, t([2]));`, filename, errors: [{ messageId: "nonLiteral", line: 5, column: 8 }] },
    {
      code: `${prelude}einsum("ijk,ikl->jl", t([16, 16384, 2048]).slice(0, 3, 11).transpose(), t([8, 16384, 1024]), { strategy: "ttgt" });`,
      filename,
      errors: [
        { messageId: "copiesView", data: { strategy: "ttgt", bytes: "1.0 GiB" } },
        { messageId: "temporaries" },
        { messageId: "backward" },
      ],
    },
    {
      code: `${prelude}einsum("i,j->ij", t([32768]), t([65536]));`,
      filename,
      errors: [{ messageId: "blowUp", data: { what: "an output", bytes: "8.0 GiB", inputs: "384 KiB", ratio: "21845" } }],
    },
    {
      // 2^32 outputs: past the u32 indices of GPU kernels
      code: `${prelude}einsum("i,j->ij", t([65536]), t([65536]));`,
      filename,
      errors: [{ messageId: "cannotPlan", data: { reason: "Step 1 of i,j->ij has 4294967296 output elements, more than the 2^32 - 1 that GPU kernels index (WGSL's u32); split the einsum into smaller ones." } }],
    },
    {
      code: `${prelude}einsum("ij,jk,kl->il", t([4096, 4096]), t([4096, 4096]), t([4096, 4096]));`,
      filename,
      options: [{ maxBackwardBytes: 32 * 2 ** 20 }],
      errors: [{ messageId: "backward", data: { bytes: "64.0 MiB", what: "the intermediates", limit: "32.0 MiB" } }],
    },
  ],
});

typedTester.run("prefer-view", preferView, {
  valid: [
    { code: `${prelude}einsum("ij->ij", t([2, 3]));`, filename }, // an explicit copy
    { code: `${prelude}einsum("ij->i", t([2, 3]));`, filename },
    { code: `${prelude}einsum("ij->ji", t([2, 3]), { strategy: "loop" });`, filename },
  ],
  invalid: [
    {
      code: `${prelude}const x = t([2, 3]);\nconst y = einsum("ij->ji", x);`,
      filename,
      errors: [{ messageId: "preferView", line: 5, column: 11, suggestions: [{ messageId: "useView", data: { view: "x.transpose()" }, output: `${prelude}const x = t([2, 3]);\nconst y = x.transpose();` }] }],
    },
    {
      code: `${prelude}einsum("ijk->kij", t([2, 3, 4]));`,
      filename,
      errors: [{ messageId: "preferView", suggestions: [{ messageId: "useView", data: { view: "t([2, 3, 4]).permute(2, 0, 1)" }, output: `${prelude}t([2, 3, 4]).permute(2, 0, 1);` }] }],
    },
    {
      code: `${prelude}einsum("ii->i", t([3, 3]));`,
      filename,
      errors: [{ messageId: "preferView", data: { what: "takes a diagonal", view: "t([3, 3]).diagonal()" }, suggestions: [{ messageId: "useView", output: `${prelude}t([3, 3]).diagonal();` }] }],
    },
  ],
});

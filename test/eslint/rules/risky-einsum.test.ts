import rule from "../../../plugin/eslint/rules/risky-einsum.js";
import { fixtures, prelude, typedFile, typedTester, untypedTester } from "../tester.js";

const filename = typedFile;
const tileTableFile = `${fixtures}/tiles.json`;

typedTester.run("risky-einsum", rule, {
  valid: [
    // the seed: direct, no temporaries, nothing kept for backward
    { code: `${prelude}einsum("ijk,ikl->jl", t([16, 16384, 2048]).slice(0, 3, 11), t([8, 2048, 1024]));`, filename },
    // the same under a tile table measured by tuneTiles() (a file the rule reads)
    {
      code: `${prelude}einsum("ijk,ikl->jl", t([16, 16384, 2048]).slice(0, 3, 11), t([8, 2048, 1024]));`,
      filename,
      options: [{ profile: "nvidia-h100", tileTable: tileTableFile }],
    },
    // 64 MiB of intermediates: under the default limits (64 MiB of temporaries, 256 MiB kept for backward)
    { code: `${prelude}einsum("ij,jk,kl->il", t([4096, 4096]), t([4096, 4096]), t([4096, 4096]));`, filename },
    // an output over maxOutputBytes but not much larger than its operands is no blow-up
    {
      code: `${prelude}einsum("ij,jk->ik", t([1024, 1024]), t([1024, 1024]));`,
      filename,
      options: [{ maxOutputBytes: 2 ** 20 }],
    },
    // split-k with 1 MiB of scratch: under the default 64 MiB of temporaries
    { code: `${prelude}einsum("ij,jk->ik", t([64, 65536]), t([65536, 64]), { strategy: "split-k" });`, filename },
    // shapes the types do not know are planned at run time: nothing to report before
    { code: `${prelude}declare const n: number;\neinsum("i,j->ij", t([n]), t([65536]));`, filename },
    // the equation's own errors are valid-equation's
    { code: `${prelude}einsum("i,j->iq", t([65536]), t([65536]));`, filename },
  ],
  invalid: [
    {
      code: `${prelude}declare const e: string;\neinsum(e, t([2]));`,
      filename,
      errors: [{ messageId: "nonLiteral", line: 5, column: 8 }],
    },
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
      errors: [
        { messageId: "blowUp", data: { what: "an output", bytes: "8.0 GiB", inputs: "384 KiB", ratio: "21845" } },
      ],
    },
    {
      // 2^32 outputs: past the u32 indices of GPU kernels
      code: `${prelude}einsum("i,j->ij", t([65536]), t([65536]));`,
      filename,
      errors: [
        {
          messageId: "cannotPlan",
          data: {
            reason:
              "Step 1 of i,j->ij has 4294967296 output elements, more than the 2^32 - 1 that GPU kernels index (WGSL's u32); split the einsum into smaller ones.",
          },
        },
      ],
    },
    {
      code: `${prelude}einsum("ij,jk,kl->il", t([4096, 4096]), t([4096, 4096]), t([4096, 4096]));`,
      filename,
      options: [{ maxBackwardBytes: 32 * 2 ** 20 }],
      errors: [{ messageId: "backward", data: { bytes: "64.0 MiB", what: "the intermediates", limit: "32.0 MiB" } }],
    },
    {
      // an intermediate over the limit, with the limit an option
      code: `${prelude}einsum("ij,jk,kl->il", t([4096, 4096]), t([4096, 4096]), t([4096, 4096]));`,
      filename,
      options: [{ maxTemporaryBytes: 2 ** 20 }],
      errors: [
        {
          messageId: "temporaries",
          data: { bytes: "64.0 MiB", what: "1 intermediate(s) and scratch, at the peak", limit: "1.0 MiB" },
        },
      ],
    },
    {
      // one step's scratch: split-k's partial sums, 64 x 64 floats per split; the whole call is pointed at
      code: `${prelude}einsum("ij,jk->ik", t([64, 65536]), t([65536, 64]), { strategy: "split-k" });`,
      filename,
      options: [{ maxTemporaryBytes: 1024 }],
      errors: [
        {
          messageId: "temporaries",
          line: 4,
          column: 1,
          endLine: 4,
          endColumn: 77,
          data: { bytes: "1.0 MiB", what: "'split-k' scratch", limit: "1.0 KiB" },
        },
      ],
    },
    {
      // the batch label innermost: the planner's own choice copies both operands into GEMM layout
      code: `${prelude}einsum("ijb,jkb->bik", t([512, 512, 8]), t([512, 512, 8]));`,
      filename,
      errors: [
        { messageId: "copiesView", line: 4, column: 1, endColumn: 59, data: { strategy: "ttgt", bytes: "16.0 MiB" } },
      ],
    },
    {
      // ... and read in place, neither operand has a unit stride along a free or contracted label
      code: `${prelude}einsum("ijb,jkb->bik", t([512, 512, 8]), t([512, 512, 8]), { strategy: "direct" });`,
      filename,
      errors: [
        {
          messageId: "slowAccess",
          line: 4,
          column: 1,
          endColumn: 83,
          data: {
            note: "the left operand has no unit stride along its free or contracted labels, so its loads do not coalesce",
          },
        },
        {
          messageId: "slowAccess",
          line: 4,
          column: 1,
          endColumn: 83,
          data: {
            note: "the right operand has no unit stride along its free or contracted labels, so its loads do not coalesce",
          },
        },
      ],
    },
    {
      code: `${prelude}einsum("ij,jk->ik", t([2048, 64]), t([64, 2048]));`,
      filename,
      options: [{ maxOutputBytes: 2 ** 20 }],
      errors: [{ messageId: "blowUp", data: { what: "an output", bytes: "16.0 MiB", inputs: "1.0 MiB", ratio: "16" } }],
    },
  ],
});

untypedTester.run("risky-einsum without type information: non-literal equations only", rule, {
  valid: [`${prelude}einsum("i,j->ij", t([65536]), t([65536]));`, `import { einsum } from "other";\neinsum(e, a);`],
  invalid: [
    {
      code: `${prelude}einsum(\`ij->\${"ji"}\`, a);`,
      errors: [{ messageId: "nonLiteral", line: 4, column: 8, endColumn: 21 }],
    },
    {
      code: `import { einsumWithBackward } from "einsight";\neinsumWithBackward(equation, a);`,
      errors: [{ messageId: "nonLiteral", line: 2, column: 20, endColumn: 28 }],
    },
  ],
});

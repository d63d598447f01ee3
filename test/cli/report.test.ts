/** `einsight report` on a real TypeScript project (test/cli/fixtures/report-project): every einsight einsum, planned from its types. */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { expect, test } from "vitest";
import { main } from "../../plugin/cli/main.js";
import { compiler } from "../../plugin/typescript/compiler.js";
import { scanProject } from "../../plugin/report/scan.js";

const project = fileURLToPath(new URL("./fixtures/report-project", import.meta.url));

test("finds einsight's einsums (renamed and namespace imports too, nothing else named einsum) and plans them from their types", () => {
  const report = scanProject(compiler("`einsight report`", ts), project, { profile: "nvidia-h100" });
  expect(report.files).toBe(2);
  expect(report.einsums.map((e) => `${e.file}:${e.line} ${e.status}`)).toEqual([
    "src/model.ts:13 planned",
    "src/model.ts:14 planned",
    "src/model.ts:15 sized",
    "src/model.ts:16 runtime",
    "src/other.ts:12 error",
  ]);
  const [seed, scores, namespaced, dynamic, bad] = report.einsums;
  expect(seed).toMatchObject({
    equation: "ijk,ikl->jl",
    shapes: [
      [8, 1024, 512],
      [8, 512, 256],
    ],
    column: 21,
  });
  expect(seed!.plan!.output.shape).toEqual([1024, 256]);
  // a small output for an H100: split-k's partials (5 MiB) pay for themselves; two kernels
  expect(seed!.plan!.steps.map((s) => s.strategy)).toEqual(["split-k"]);
  expect(seed!.dtype).toBe("f32"); // what the build compiles: the types carry no dtype
  expect(report.note).toMatch(/with f16 tensors the call does not use the build's plan and is planned at run time/);
  expect(seed!.plan!.totals.temporaryBytes).toBe(5 * 2 ** 20);
  expect(seed!.kernels!.map((k) => k.code.split("\n")[0])).toEqual([
    "// einsight: direct (GETT) kernel, contraction step, split-k",
    "// einsight: loop kernel, contraction step, split-k: sum of the 5 k slices: one invocation per output element",
  ]);
  expect(scores!.plan!.output.shape).toEqual([2, 4, 48, 48]);
  // rows the types leave as number: compiled with kernels that read that size at run time
  expect(namespaced).toMatchObject({
    shapes: [
      [null, 32],
      [32, 24],
    ],
    reason: "the size of 'i' is known only at run time: the kernels read it from params (costs estimated with 4096).",
  });
  expect(namespaced!.plan!.runtimeSizes).toEqual(["i"]);
  expect(namespaced!.kernels![0]!.code).toMatch(/let M = params\.size_a;/);
  expect(dynamic!.reason).toMatch(/not a string literal/);
  expect(bad!.error).toMatchObject({ code: "sizeMismatch", span: [3, 4] }); // the j of "jk"
});

test("the command prints a line per einsum and writes the HTML page; --json prints the report", () => {
  const html = path.join(mkdtempSync(path.join(tmpdir(), "einsight-report-")), "report.html");
  const { code, out } = main(["report", project, "--html", html, "--profile", "nvidia-h100"]);
  expect(code).toBe(0);
  expect(out.split("\n")[0]).toBe("5 einsum call(s) in 2 file(s), profile nvidia-h100");
  expect(out).toContain(
    'src/model.ts:13:21  "ijk,ikl->jl"  [8, 1024, 512] [8, 512, 256]  split-k, 2.1G FLOPs, 5.0 MiB temporaries, backward keeps 0 B, f32\n',
  );
  expect(out.split("\n").at(-1)).toBe(
    "Compiled for f32 operands: the types carry no dtype, so with f16 tensors the call does not use the build's plan and is planned at run time.",
  );
  expect(out).toContain(
    "src/other.ts:12:20  \"ij,jk->ik\"  [2, 3] [4, 5]  error sizeMismatch: Label 'j' is 4 in operand 1 (dimension 0) but 3 in operand 0",
  );
  const page = readFileSync(html, "utf8");
  expect(page).toContain("<code>bhqd,bhkd-&gt;bhqk</code>");
  expect(page).toContain("einsight: direct (GETT) kernel");
  expect(page).toContain("src/other.ts:12:20");
  expect(page).not.toMatch(/<code>[^<]*->/); // escaped
  const json = main(["report", path.join(project, "tsconfig.json"), "--json"]);
  expect((JSON.parse(json.out) as { einsums: unknown[] }).einsums).toHaveLength(5);
});

test("a missing project or an unknown profile is a clear error", () => {
  expect(main(["report", "/nonexistent/tsconfig.json"])).toEqual({
    code: 1,
    out: expect.stringMatching(
      /^einsight: Cannot read the TypeScript project \/nonexistent\/tsconfig\.json/,
    ) as unknown,
  });
  expect(main(["report", project, "--profile", "h9000"]).out).toMatch(/Unknown device profile 'h9000'/);
});

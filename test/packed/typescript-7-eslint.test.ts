/**
 * einsight's typed lint rules in a project on TypeScript 7, set up as typescript-eslint and
 * TypeScript document it while typescript-eslint needs TypeScript 6's API: `typescript` is
 * TypeScript 6's side-by-side package (@typescript/typescript6), which the tools that read types
 * load, and TypeScript 7 is installed beside it under another name for `tsc`. ESLint reports a
 * shape mismatch found from the types; TypeScript 7's tsc checks the same file.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { beforeAll, expect, test } from "vitest";
import { freshProject, installedVersion, runIn } from "./install.js";

const DEPENDENCIES = [
  "typescript@npm:@typescript/typescript6@6.0.2",
  "typescript-7@npm:typescript@7.0.2",
  ...["eslint", "@typescript-eslint/parser", "@typescript-eslint/utils"].map((p) => `${p}@${installedVersion(p)}`),
];

const files = {
  "tsconfig.json": JSON.stringify({
    compilerOptions: { strict: true, module: "nodenext", target: "es2022", skipLibCheck: true, noEmit: true },
    include: ["main.ts"],
  }),
  "eslint.config.js": `import parser from "@typescript-eslint/parser";
import einsight from "einsight/eslint";
export default [
  { files: ["**/*.ts"], languageOptions: { parser, parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } } },
  einsight.configs.recommended,
];
`,
  "main.ts": `import { einsum, tensor, type Gpu } from "einsight";

declare const g: Gpu;
const a = tensor(g, new Float32Array(6), [2, 3]);
const b = tensor(g, new Float32Array(20), [4, 5]);
export const c = einsum("ij,jk->ik", a, b);
`,
};

let dir: string;
beforeAll(() => {
  dir = freshProject("typescript-7-eslint", DEPENDENCIES, files);
}, 300_000);

test("installs with no peer conflict: typescript is TypeScript 6's side-by-side package, typescript-7 the native compiler", () => {
  expect(readFileSync(path.join(dir, ".install.log"), "utf8")).not.toMatch(/ERESOLVE|peer dep/i);
  const version = (name: string) =>
    (JSON.parse(readFileSync(path.join(dir, "node_modules", name, "package.json"), "utf8")) as { version: string })
      .version;
  expect(version("typescript")).toBe("6.0.2");
  expect(version("typescript-7")).toBe("7.0.2");
});

test("ESLint's einsight/shape-mismatch reports the mismatch from the types, and TypeScript 7's tsc refuses the same call", () => {
  const eslint = runIn(dir, process.execPath, [
    path.join(dir, "node_modules/eslint/bin/eslint.js"),
    "--format",
    "json",
    "main.ts",
  ]);
  const [result] = JSON.parse(eslint.stdout) as {
    messages: { ruleId: string; line: number; column: number; message: string }[];
  }[];
  expect(result!.messages.map((m) => ({ rule: m.ruleId, line: m.line, column: m.column }))).toEqual([
    { rule: "einsight/shape-mismatch", line: 6, column: 29 },
  ]);
  expect(result!.messages[0]!.message).toBe(
    "Label 'j' is 4 in operand 1 (dimension 0) but 3 in operand 0; a label must have one size across operands (or be 1 to broadcast).",
  );
  const tsc = runIn(dir, process.execPath, [
    path.join(dir, "node_modules/typescript-7/bin/tsc"),
    "-p",
    "tsconfig.json",
  ]);
  expect(tsc.stdout).toMatch(/main\.ts\(6,\d+\): error TS2345:/);
  expect(tsc.status).toBe(1);
}, 180_000);

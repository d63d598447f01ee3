/**
 * The build's compiler API (plugin/typescript/compiler): ts-morph's, which a project on TypeScript 7
 * builds with, reads the same shapes and makes the same plans and kernels as the project's own
 * TypeScript 6 on every valid case of the shared table, and serves its default library files from
 * memory; the project's TypeScript wins where it has the API.
 */
import { rmSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { afterAll, expect, test } from "vitest";
import { scanProject } from "../../plugin/report/scan.js";
import { compiler, createProgram, tsMorphCompiler } from "../../plugin/typescript/compiler.js";
import { readProject } from "../../plugin/typescript/project.js";
import { cases, isValidCase } from "../cases.js";
import { einsumCallsProject } from "../support/einsum-calls-source.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const valid = cases.filter(isValidCase).length;
const { dir } = einsumCallsProject(path.join(root, "dist/runtime/index.js"), valid, "einsight-compiler-");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("the project's TypeScript is used where it has the compiler API", () => {
  expect(compiler("`einsight report`").source).toBe(`typescript ${ts.version}`);
  expect(tsMorphCompiler().source).toMatch(/^ts-morph \(TypeScript \d+\.\d+\.\d+\)$/);
});

test("ts-morph's TypeScript finds its default library in memory: the project checks with no errors", () => {
  const morph = tsMorphCompiler();
  const program = createProgram(morph, readProject(morph.ts, dir).parsed);
  const errors = morph.ts
    .getPreEmitDiagnostics(program)
    .map((d) => morph.ts.flattenDiagnosticMessageText(d.messageText, "\n"));
  expect(errors).toEqual([]);
  expect(program.getSourceFiles().some((f) => path.basename(f.fileName).startsWith("lib.es"))).toBe(true);
});

test("ts-morph's compiler API reads the same shapes and builds the same plans and kernels as TypeScript 6 on every valid case of the table", () => {
  const six = scanProject(compiler("`einsight report`", ts), dir);
  const morph = scanProject(tsMorphCompiler(), dir);
  expect(morph.einsums).toHaveLength(valid);
  expect(morph.einsums.filter((e) => e.status === "planned").length).toBeGreaterThan(valid / 2);
  expect(morph.einsums).toEqual(six.einsums);
}, 120_000);

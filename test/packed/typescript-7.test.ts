/**
 * einsight in a project on TypeScript 7 (the native compiler, whose typescript package has no
 * compiler API): a fresh project installs it beside typescript@7.0.2 with no peer conflict and no
 * flags; TypeScript 7's tsc checks the typed einsums (an output shape inferred, an invalid equation
 * refused with einsight's sentence); TypeScript 7's API offers einsight's equation completions
 * inside a literal; each bundler plugin builds with the compiler API ts-morph brings (plans made
 * at build time: the bundle makes none); and without ts-morph the build-time front ends refuse
 * with an EinsightError naming what to install, not a TypeError.
 */
import { readFileSync, renameSync } from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { instantiationsPerCall, invalidCasesModule, messagesFromTsc, sentenceProblems } from "../types/checks.js";
import { appFiles, buildAndRun, BUNDLERS, expected } from "./app.js";
import { freshProject, installedPackages, installedVersion, runIn } from "./install.js";

/** The issue's install (npm i -D typescript@7 vite webgpu einsight), with what the build-time plugins use and the other bundlers. */
const DEPENDENCIES = [
  "typescript@7.0.2",
  `ts-morph@${installedVersion("ts-morph")}`,
  `unplugin@${installedVersion("unplugin")}`,
  `webgpu@${installedVersion("webgpu")}`,
  ...BUNDLERS.map((b) => `${b}@${installedVersion(b)}`),
];

const files = {
  ...appFiles,
  "tsconfig.json": JSON.stringify({
    compilerOptions: { strict: true, module: "nodenext", target: "es2022", skipLibCheck: true, noEmit: true },
    include: ["main.ts", "invalid.ts", "complete.ts"],
  }),
  "invalid.ts": `import { einsum, tensor, type Gpu } from "einsight";

declare const g: Gpu;
export const q = einsum("ij,jk->iq", tensor(g, new Float32Array(6), [2, 3]), tensor(g, new Float32Array(12), [3, 4]));
`,
  "complete.ts": `import { einsum, tensor, type Gpu } from "einsight";

declare const g: Gpu;
export const c = einsum("ij,jk", tensor(g, new Float32Array(6), [2, 3]), tensor(g, new Float32Array(12), [3, 4]));
`,
  // TypeScript 7's own API (a tsgo process) asked for completions at the end of "ij,jk"
  "completions.mjs": `import { readFileSync } from "node:fs";
import * as path from "node:path";
import { API } from "typescript/unstable/sync";

const file = path.resolve("complete.ts");
const position = readFileSync(file, "utf8").indexOf('"ij,jk"') + '"ij,jk'.length;
const api = new API({ cwd: process.cwd() });
try {
  const snapshot = api.updateSnapshot({ openProjects: [path.resolve("tsconfig.json")] });
  const info = snapshot.getDefaultProjectForFile(file).checker.getCompletionsAtPosition(file, position);
  console.log(JSON.stringify(info.entries.map((e) => e.name)));
} finally {
  api.close();
}
`,
  "transformer.mjs": `import { EinsightError } from "einsight";
import einsightTransformer from "einsight/transformer";
try {
  einsightTransformer({});
  console.log(JSON.stringify({ made: true }));
} catch (e) {
  console.log(JSON.stringify({ name: e.name, code: e.code, message: e.message, isEinsightError: e instanceof EinsightError }));
}
`,
};

let dir: string;
beforeAll(() => {
  dir = freshProject("typescript-7", DEPENDENCIES, files);
}, 300_000);

test("installs beside typescript@7.0.2 with no peer conflict, and none of the packages einsight's lint rules need", () => {
  const log = readFileSync(path.join(dir, ".install.log"), "utf8");
  expect(log).not.toMatch(/ERESOLVE|peer dep/i);
  expect(
    (JSON.parse(readFileSync(path.join(dir, "node_modules/typescript/package.json"), "utf8")) as { version: string })
      .version,
  ).toBe("7.0.2");
  const installed = installedPackages(dir);
  expect(installed).not.toContain("@typescript-eslint/utils");
  expect(installed).not.toContain("eslint");
  expect(installed.filter((p) => p === "typescript")).toHaveLength(1); // no TypeScript 6 pulled in beside it
});

test("TypeScript 7's tsc infers the einsums' output shapes and refuses the invalid one with einsight's sentence", () => {
  const tsc = runIn(dir, process.execPath, [path.join(dir, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.json"]);
  const output = tsc.stdout + tsc.stderr;
  // the only error: invalid.ts's equation (main.ts's annotated shapes hold)
  expect(output.match(/error TS\d+/g)).toHaveLength(1);
  expect(output).toMatch(
    /invalid\.ts\(4,25\): error TS2345: .*Label 'q' of the output does not appear in any input; use only labels from the inputs after '->'\./s,
  );
  expect(tsc.status).toBe(1); // errors, nothing to emit (noEmit)
}, 120_000);

describe("einsight's type-level tests under TypeScript 7's tsc", () => {
  const root = path.resolve(import.meta.dirname, "../..");
  const tsc7 = () => path.join(dir, "node_modules/typescript/bin/tsc");

  test("the repository checks clean: the whole case table's inferred shapes and refusals (test/types/cases.test-d.ts), the tensor and view types", () => {
    const tsc = runIn(root, process.execPath, [tsc7(), "-p", "tsconfig.json", "--noEmit"]);
    expect(tsc.stdout + tsc.stderr).toBe("");
    expect(tsc.status).toBe(0);
  }, 120_000);

  test("every invalid case's error is the runtime's sentence", () => {
    const { invalid, text } = invalidCasesModule();
    const { problems, checked, exempt } = sentenceProblems(invalid, messagesFromTsc(tsc7(), text));
    expect(problems).toEqual([]);
    expect(checked + exempt).toBe(invalid.length);
  }, 120_000);

  test("typed einsum costs at most 5,000 type instantiations per call (200 calls)", () => {
    const perCall = instantiationsPerCall(tsc7(), 200);
    console.log(`typed einsum under TypeScript 7: ${perCall.toFixed(0)} type instantiations per call`);
    expect(perCall).toBeGreaterThan(0);
    expect(perCall).toBeLessThanOrEqual(5000);
  }, 120_000);
});

test("TypeScript 7's API completes the equation inside the literal", () => {
  const completions = runIn(dir, process.execPath, ["completions.mjs"]);
  expect(completions.stderr).toBe("");
  expect(JSON.parse(completions.stdout)).toEqual(expect.arrayContaining(["ij,jk->ik"]));
}, 120_000);

describe.each(BUNDLERS)("einsight/%s under TypeScript 7, with ts-morph's compiler API", (bundler) => {
  test("builds the app with its einsums compiled; the bundle runs on WebGPU and makes no plan", () => {
    const { build, buildStatus, bundle, run } = buildAndRun(dir, bundler);
    expect(buildStatus, build).toBe(0);
    expect(bundle.match(/compiled: einsightCompiled[\w$]*/g)).toHaveLength(2);
    expect(run.stderr).toBe("");
    expect(JSON.parse(run.stdout)).toEqual(expected);
  }, 240_000);
});

test("without ts-morph, the bundler plugin, the transformer and `einsight report` refuse TypeScript 7 with an EinsightError naming what to install", () => {
  const tsMorph = path.join(dir, "node_modules/ts-morph");
  renameSync(tsMorph, `${tsMorph}.hidden`);
  try {
    const vite = runIn(dir, process.execPath, ["build.mjs", "vite"]);
    expect(vite.status).not.toBe(0);
    expect(vite.stderr).toContain(
      "EinsightError: einsight/vite plans einsums with TypeScript's compiler API, which the typescript package of version 7.0.2 does not have",
    );
    expect(vite.stderr).toContain("npm i -D ts-morph");
    expect(vite.stderr).not.toContain("TypeError");
    const transformer = runIn(dir, process.execPath, ["transformer.mjs"]);
    expect(JSON.parse(transformer.stdout)).toMatchObject({
      name: "EinsightError",
      code: "missingDependency",
      isEinsightError: true,
      message: expect.stringMatching(
        /^einsight\/transformer plans einsums with TypeScript's compiler API, which the typescript package of version 7\.0\.2 does not have .*npm i -D ts-morph/,
      ) as unknown,
    });
    const report = runIn(dir, path.join(dir, "node_modules/.bin/einsight"), ["report", "."]);
    expect(report.status).toBe(1);
    expect(report.stderr).toMatch(
      /^einsight: `einsight report` plans einsums with TypeScript's compiler API, which the typescript package of version 7\.0\.2 does not have .*npm i -D ts-morph/,
    );
  } finally {
    renameSync(`${tsMorph}.hidden`, tsMorph);
  }
}, 120_000);

test("`einsight report` plans the project's einsums with ts-morph's compiler API", () => {
  const report = runIn(dir, path.join(dir, "node_modules/.bin/einsight"), ["report", "."]);
  expect(report.stderr).toBe("");
  expect(report.stdout).toMatch(/^4 einsum call\(s\) in 3 file\(s\)/);
  expect(report.stdout).toMatch(/main\.ts:6:27 {2}"ij,jk->ik" {2}\[2, 3\] \[3, 4\] {2}loop, 48 FLOPs/);
  expect(report.stdout).toMatch(/invalid\.ts:4:18 .* error unknownOutputLabel: Label 'q'/);
}, 120_000);

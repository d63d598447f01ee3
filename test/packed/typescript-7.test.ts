/**
 * einsight with TypeScript 7 (the native compiler, whose typescript package has no compiler API):
 * a fresh project installs it beside typescript@7.0.2 with no peer conflict and no flags; TypeScript
 * 7's tsc checks the typed einsum (an output shape inferred, an invalid equation refused with
 * einsight's sentence) and compiles a module that runs an einsum on WebGPU; and the build-time
 * planners (einsight/vite, the transformer, `einsight report`), which need the compiler API, refuse
 * with an EinsightError that says to install typescript@6 for the build, not a TypeError.
 */
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { beforeAll, expect, test } from "vitest";
import { freshProject, installedPackages, installedVersion, runIn } from "./install.js";

/** The install (npm i -D typescript@7 vite webgpu einsight), with unplugin, which einsight/vite needs. */
const DEPENDENCIES = ["typescript@7.0.2", `webgpu@${installedVersion("webgpu")}`, `vite@${installedVersion("vite")}`, `unplugin@${installedVersion("unplugin")}`];

const a = [1, 2, 3, 4, 5, 6];
const b = [1, 0, 2, -1, 0, 1, 1, 2, 3, -2, 0, 1];
/** a [2, 3] times b [3, 4]. */
const product = [0, 1].flatMap((i) => [0, 1, 2, 3].map((k) => [0, 1, 2].reduce((sum, j) => sum + a[i * 3 + j]! * b[j * 4 + k]!, 0)));

const files = {
  "tsconfig.json": JSON.stringify({ compilerOptions: { strict: true, module: "nodenext", target: "es2022", skipLibCheck: true, outDir: "out" }, include: ["main.ts", "invalid.ts"] }),
  "main.ts": `import { einsum, gpu, tensor, type Tensor } from "einsight";

const g = await gpu();
const a = tensor(g, ${JSON.stringify(a)}, [2, 3]);
const b = tensor(g, ${JSON.stringify(b)}, [3, 4]);
const c: Tensor<[2, 4]> = einsum("ij,jk->ik", a, b);
// @ts-expect-error: the output is Tensor<[2, 4]> (unused, this directive is an error itself)
export const transposed: Tensor<[4, 2]> = einsum("ij,jk->ik", a, b);
console.log(JSON.stringify({ shape: c.shape, values: [...(await c.read())] }));
g.destroy();
`,
  "invalid.ts": `import { einsum, tensor, type Gpu } from "einsight";

declare const g: Gpu;
export const q = einsum("ij,jk->iq", tensor(g, new Float32Array(6), [2, 3]), tensor(g, new Float32Array(12), [3, 4]));
`,
  "vite.config.mjs": `import einsight from "einsight/vite";
export default { plugins: [einsight()], build: { lib: { entry: "main.ts", formats: ["es"] } } };
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
}, 180_000);

test("installs beside typescript@7.0.2 with no peer conflict, and none of the packages einsight's lint rules need", () => {
  const log = readFileSync(path.join(dir, ".install.log"), "utf8");
  expect(log).not.toMatch(/ERESOLVE|peer dep/i);
  expect((JSON.parse(readFileSync(path.join(dir, "node_modules/typescript/package.json"), "utf8")) as { version: string }).version).toBe("7.0.2");
  const installed = installedPackages(dir);
  expect(installed).not.toContain("@typescript-eslint/utils");
  expect(installed).not.toContain("eslint");
  expect(installed.filter((p) => p === "typescript")).toHaveLength(1); // no TypeScript 6 pulled in beside it
});

test("TypeScript 7's tsc infers the einsum's output shape, refuses the invalid one with einsight's sentence, and the module it emits runs on WebGPU", () => {
  const tsc = runIn(dir, process.execPath, [path.join(dir, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.json"]);
  const output = tsc.stdout + tsc.stderr;
  // the only error: invalid.ts's equation (main.ts's assignment and its @ts-expect-error both hold)
  expect(output.match(/error TS\d+/g)).toHaveLength(1);
  expect(output).toMatch(/invalid\.ts\(4,25\): error TS2345: .*Label 'q' of the output does not appear in any input; use only labels from the inputs after '->'\./s);
  expect(tsc.status).toBe(2); // errors, and the files emitted anyway
  expect(existsSync(path.join(dir, "out/main.js"))).toBe(true);
  const run = runIn(dir, process.execPath, ["out/main.js"]);
  expect(run.stderr).toBe("");
  expect(JSON.parse(run.stdout)).toEqual({ shape: [2, 4], values: product });
}, 120_000);

test("einsight/vite in a vite build refuses TypeScript 7 with an EinsightError that says to install typescript@6 for the build", () => {
  const vite = runIn(dir, process.execPath, [path.join(dir, "node_modules/vite/bin/vite.js"), "build"]);
  const output = vite.stdout + vite.stderr;
  expect(vite.status).not.toBe(0);
  expect(output).toContain("EinsightError: einsight/vite plans einsums with TypeScript's compiler API, which the typescript package of version 7.0.2 does not have");
  expect(output).toContain("npm i -D typescript@6");
  expect(output).not.toContain("TypeError");
}, 120_000);

test("the transformer and `einsight report` refuse TypeScript 7 the same way", () => {
  const transformer = runIn(dir, process.execPath, ["transformer.mjs"]);
  expect(JSON.parse(transformer.stdout)).toMatchObject({ name: "EinsightError", code: "missingDependency", isEinsightError: true, message: expect.stringMatching(/^einsight\/transformer plans einsums with TypeScript's compiler API, which the typescript package of version 7\.0\.2 does not have .*npm i -D typescript@6/) as unknown });
  const report = runIn(dir, path.join(dir, "node_modules/.bin/einsight"), ["report", "."]);
  expect(report.status).toBe(1);
  expect(report.stderr).toMatch(/^einsight: `einsight report` plans einsums with TypeScript's compiler API, which the typescript package of version 7\.0\.2 does not have .*npm i -D typescript@6/);
});

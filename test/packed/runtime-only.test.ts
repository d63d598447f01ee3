/**
 * einsight for the runtime alone: a fresh project with no TypeScript (`npm i einsight webgpu`)
 * installs none of the packages the build-time subpaths use (they are optional peers), runs an
 * einsum on WebGPU, and `einsight explain` works; importing einsight/eslint or einsight/vite, or
 * calling the transformer or `einsight report`, is an EinsightError that names what to install.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { beforeAll, expect, test } from "vitest";
import { freshProject, installedPackages, installedVersion, runIn } from "./install.js";

const files = {
  "run.mjs": `import { einsum, gpu, tensor } from "einsight";

const g = await gpu();
const c = einsum("ij,jk->ik", tensor(g, [1, 2, 3, 4, 5, 6], [2, 3]), tensor(g, [1, 0, 0, 1, 1, 1], [3, 2]));
console.log(JSON.stringify({ shape: c.shape, values: [...(await c.read())] }));
g.destroy();
`,
  // each subpath's first use, and what it threw
  "subpaths.mjs": `import { createRequire } from "node:module";
import { EinsightError } from "einsight";

const what = (e) => ({ name: e.name, code: e.code, message: e.message, isEinsightError: e instanceof EinsightError });
const results = {};
for (const subpath of ["einsight/eslint", "einsight/vite", "einsight/webpack", "einsight/transformer"]) {
  try {
    const { default: entry } = await import(subpath);
    if (subpath === "einsight/transformer") entry({});
    results[subpath] = "loaded";
  } catch (e) {
    results[subpath] = what(e);
  }
}
try {
  // a CommonJS ESLint config (eslint.config.cjs) loads it with require(): the "require" condition
  createRequire(import.meta.url)("einsight/eslint");
  results["require einsight/eslint"] = "loaded";
} catch (e) {
  results["require einsight/eslint"] = what(e);
}
console.log(JSON.stringify(results));
`,
};

let dir: string;
beforeAll(() => {
  dir = freshProject("runtime-only", [`webgpu@${installedVersion("webgpu")}`], files);
}, 180_000);

test("installs without TypeScript, ESLint or unplugin, and runs an einsum on WebGPU", () => {
  expect(readFileSync(path.join(dir, ".install.log"), "utf8")).not.toMatch(/ERESOLVE|peer dep/i);
  const installed = installedPackages(dir);
  for (const peer of ["typescript", "eslint", "unplugin", "@typescript-eslint/utils"])
    expect(installed).not.toContain(peer);
  expect(installed.length).toBeLessThan(10); // einsight, webgpu and webgpu's few dependencies
  const run = runIn(dir, process.execPath, ["run.mjs"]);
  expect(run.stderr).toBe("");
  expect(JSON.parse(run.stdout)).toEqual({ shape: [2, 2], values: [4, 5, 10, 11] });
}, 120_000);

test("the build-time subpaths say what to install", () => {
  const run = runIn(dir, process.execPath, ["subpaths.mjs"]);
  expect(run.stderr).toBe("");
  const results = JSON.parse(run.stdout) as Record<string, { code: string; message: string; isEinsightError: boolean }>;
  for (const result of Object.values(results))
    expect(result).toMatchObject({ code: "missingDependency", isEinsightError: true });
  expect(results["einsight/eslint"]!.message).toBe(
    "einsight/eslint needs the packages @typescript-eslint/utils and typescript, which are not installed in this project (einsight declares them optional peer dependencies, so that an install for the runtime alone leaves them out). Install them: npm i -D @typescript-eslint/utils typescript@6",
  );
  expect(results["einsight/vite"]!.message).toMatch(
    /^einsight's bundler plugin \(einsight\/vite, .*\) needs the package unplugin, which is not installed .* npm i -D unplugin$/,
  );
  expect(results["einsight/webpack"]!.message).toBe(results["einsight/vite"]!.message);
  expect(results["require einsight/eslint"]!.message).toBe(results["einsight/eslint"]!.message);
  expect(results["einsight/transformer"]!.message).toMatch(
    /^einsight\/transformer needs the package typescript, which is not installed .* npm i -D typescript@6$/,
  );
});

test("the command line explains a plan without TypeScript, and `einsight report` says to install it", () => {
  const einsight = path.join(dir, "node_modules/.bin/einsight");
  const explain = runIn(dir, einsight, ["explain", "ij,jk->ik", "--shapes", "2x3,3x4"]);
  expect(explain.status).toBe(0);
  expect(explain.stdout).toMatch(/contraction ij,jk->ik/);
  const report = runIn(dir, einsight, ["report", "."]);
  expect(report.status).toBe(1);
  expect(report.stderr).toMatch(
    /^einsight: `einsight report` needs the package typescript, which is not installed .* npm i -D typescript@6\n$/,
  );
});

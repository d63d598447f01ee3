/**
 * The bundler plugins (plugin/unplugin) on real builds: vite, rollup, esbuild and webpack each
 * bundle the transformer's fixture program (test/transformer/fixtures/app/src/main.ts) with
 * einsight's plugin; the bundle runs on the GPU in a child process, makes no plan at run time but
 * the transposed view's, and gives the same values as the ts-patch build (checked against the
 * oracle there). Then a type-only change in an imported file changes a rebuild's kernels (one
 * plugin instance, one language service, rebuilt as a watcher would), an invalid einsum fails
 * the build at file:line:column, and the build report lists every einsum.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { build as esbuild } from "esbuild";
import { rollup } from "rollup";
import { build as vite } from "vite";
import webpack from "webpack";
import { describe, expect, test } from "vitest";
import { einsightPlugin, type EinsightPluginOptions } from "../../plugin/unplugin/index.js";
import { expectedResult, type AppResult } from "../transformer/fixtures/app/expected.js";

const app = fileURLToPath(new URL("../transformer/fixtures/app", import.meta.url));
const entry = path.join(app, "src/main.ts");
const out = fileURLToPath(new URL("./.out", import.meta.url));
const EXTERNAL = ["einsight", "webgpu"];

type Bundler = (options: EinsightPluginOptions, input: string, dir: string) => Promise<void>;

/** Each bundler writes <dir>/main.mjs, an ES module for Node that imports einsight at run time. */
const bundlers: Record<string, Bundler> = {
  async vite(options, input, dir) {
    await vite({
      configFile: false,
      logLevel: "silent",
      root: path.dirname(input),
      plugins: [einsightPlugin.vite(options)],
      build: {
        ssr: input,
        outDir: dir,
        emptyOutDir: true,
        minify: false,
        rollupOptions: { external: EXTERNAL, output: { entryFileNames: "main.mjs" } },
      },
    });
  },
  async rollup(options, input, dir) {
    const bundle = await rollup({
      input,
      external: EXTERNAL,
      plugins: [einsightPlugin.rollup(options)],
      logLevel: "silent",
    });
    await bundle.write({ file: path.join(dir, "main.mjs"), format: "es" });
    await bundle.close();
  },
  async esbuild(options, input, dir) {
    await esbuild({
      entryPoints: [input],
      bundle: true,
      platform: "node",
      format: "esm",
      target: "es2022",
      external: EXTERNAL,
      outfile: path.join(dir, "main.mjs"),
      plugins: [einsightPlugin.esbuild(options)],
      logLevel: "silent",
    });
  },
  async webpack(options, input, dir) {
    const compiler = webpack({
      mode: "none",
      target: "node20",
      entry: input,
      output: { path: dir, filename: "main.mjs", module: true, chunkFormat: "module", library: { type: "module" } },
      experiments: { outputModule: true, topLevelAwait: true },
      externalsType: "module",
      externals: Object.fromEntries(EXTERNAL.map((e) => [e, e])),
      resolve: { extensions: [".ts", ".js"], extensionAlias: { ".js": [".ts", ".js"] } },
      plugins: [einsightPlugin.webpack(options)],
      infrastructureLogging: { level: "none" },
    });
    const stats = await new Promise<webpack.Stats>((resolve, reject) =>
      compiler.run((error, result) => (error ? reject(error) : resolve(result!))),
    );
    await new Promise((resolve) => compiler.close(resolve));
    if (stats.hasErrors()) throw new Error(stats.toString({ all: false, errors: true }));
  },
};

function run(file: string): AppResult {
  const r = spawnSync(process.execPath, [file], { encoding: "utf8", timeout: 120_000 });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout.trim().split("\n").pop()!) as AppResult;
}

describe.each(Object.keys(bundlers))("%s with einsight's plugin", (name) => {
  test("bundles the fixture with each literal einsum compiled; the bundle runs with no plan made at run time but the view's", async () => {
    const dir = path.join(out, name);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    await bundlers[name]!({ tsconfig: path.join(app, "tsconfig.json"), report: path.join(dir, "einsums") }, entry, dir);
    const bundle = readFileSync(path.join(dir, "main.mjs"), "utf8");
    expect(bundle.match(/compiled: einsightCompiled[\w$]*/g)).toHaveLength(5); // each a module-level constant
    expect(bundle).toContain("// einsight: loop kernel");
    // the CPU oracle's values, and no plan made at run time but the transposed view's (types carry no strides)
    expect(run(path.join(dir, "main.mjs"))).toEqual(expectedResult(1));
    // the build report: the 5 einsums of main.ts with their kernels, the last sized at run time (rows typed as number)
    const report = JSON.parse(readFileSync(path.join(dir, "einsums.json"), "utf8")) as {
      einsums: { file: string; line: number; status: string; kernels?: unknown[] }[];
    };
    expect(report.einsums.map((e) => [e.file, e.line, e.status])).toEqual([
      ["src/main.ts", 10, "planned"],
      ["src/main.ts", 11, "planned"],
      ["src/main.ts", 12, "planned"],
      ["src/main.ts", 13, "planned"],
      ["src/main.ts", 16, "sized"],
    ]);
    expect(readFileSync(path.join(dir, "einsums.html"), "utf8")).toContain("ijk,ikl-&gt;jl");
    // the kernels the build generated, the same from every bundler
    const kernels = report.einsums.flatMap((e, i) =>
      (e.kernels as { step: number; code: string }[]).map(
        (k) => `// ===== einsum ${i + 1} (src/main.ts:${e.line}), step ${k.step}\n${k.code}`,
      ),
    );
    await expect(kernels.join("\n")).toMatchFileSnapshot("./__snapshots__/app.kernels.wgsl");
  });
});

describe("rebuilds and errors", () => {
  test("a type-only change in an imported file changes the kernels of a rebuild (one plugin instance, as a watcher keeps it)", async () => {
    const dir = path.join(out, "typechange");
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(path.join(dir, "src"), { recursive: true });
    const runtime = path
      .relative(dir, fileURLToPath(new URL("../../runtime/index.ts", import.meta.url)))
      .split(path.sep)
      .join("/");
    const compilerOptions = {
      strict: true,
      target: "ES2022",
      module: "NodeNext",
      moduleResolution: "NodeNext",
      skipLibCheck: true,
      types: ["node", "@webgpu/types"],
      paths: { einsight: [runtime] },
    };
    writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions, include: ["src"] }));
    const shapes = (rows: number) =>
      `import type { Tensor } from "einsight";\nexport type Left = Tensor<[${rows}, 4]>;\n`;
    writeFileSync(path.join(dir, "src/shapes.ts"), shapes(3));
    writeFileSync(
      path.join(dir, "src/main.ts"),
      'import { einsum, type Tensor } from "einsight";\nimport type { Left } from "./shapes.js";\n\nexport function product(a: Left, b: Tensor<[4, 2]>) {\n  return einsum("ij,jk->ik", a, b);\n}\n',
    );
    const plugin = einsightPlugin.rollup({ tsconfig: path.join(dir, "tsconfig.json") });
    const buildOnce = async () => {
      const bundle = await rollup({
        input: path.join(dir, "src/main.ts"),
        external: EXTERNAL,
        plugins: [plugin],
        logLevel: "silent",
      });
      const { output } = await bundle.generate({ format: "es" });
      await bundle.close();
      return { code: output[0].code, watchFiles: bundle.watchFiles };
    };
    const first = await buildOnce();
    expect(first.code).toContain("sizes a=3 b=4 c=2");
    expect(first.watchFiles).toContain(path.join(dir, "src/shapes.ts")); // where the operand's type comes from
    writeFileSync(path.join(dir, "src/shapes.ts"), shapes(5)); // only a type changes, in another file
    const later = new Date(Date.now() + 5000);
    utimesSync(path.join(dir, "src/shapes.ts"), later, later);
    const second = await buildOnce();
    expect(second.code).toContain("sizes a=5 b=4 c=2");
    expect(second.code).not.toContain("sizes a=3");
  });

  test("an invalid einsum fails the build at file:line:column", async () => {
    const bad = path.join(app, "src/bad.ts");
    await expect(
      rollup({
        input: bad,
        external: EXTERNAL,
        plugins: [einsightPlugin.rollup({ tsconfig: path.join(app, "tsconfig.json") })],
        logLevel: "silent",
      }),
    ).rejects.toThrow(/bad\.ts:6:\d+: einsight: Label 'j' is 4 in operand 1/);
  });

  test("a tile table reaches every plan of the build and its report; an unknown profile is refused when the plugin is made", async () => {
    const dir = path.join(out, "tile-table");
    const tileTable = { adapter: "test", entries: [{ m: 64, n: 64, k: 64, tiles: { tm: 32, tn: 32, tk: 32 } }] };
    await bundlers.esbuild!(
      { tsconfig: path.join(app, "tsconfig.json"), tileTable, report: path.join(dir, "einsums") },
      entry,
      dir,
    );
    const report = JSON.parse(readFileSync(path.join(dir, "einsums.json"), "utf8")) as {
      profile: string;
      einsums: { plan?: { profile: string } }[];
    };
    expect(report.profile).toBe("generic with a tile table");
    expect(report.einsums.map((e) => e.plan?.profile)).toEqual(Array(5).fill("generic with a tile table"));
    expect(readFileSync(path.join(dir, "main.mjs"), "utf8")).toContain('"profile": "generic with a tile table"');
    expect(() => einsightPlugin.raw({ profile: "h9000" as never }, { framework: "rollup", versions: {} })).toThrow(
      /Unknown device profile 'h9000'/,
    );
  });

  test("a module outside the tsconfig's files is left to the bundler", () => {
    const plugin = einsightPlugin.raw(
      { tsconfig: path.join(app, "tsconfig.json") },
      { framework: "rollup", versions: {} },
    ) as { transformInclude: (id: string) => boolean };
    expect(plugin.transformInclude(entry)).toBe(true);
    expect(plugin.transformInclude(fileURLToPath(new URL("./bundlers.test.ts", import.meta.url)))).toBe(false);
    expect(plugin.transformInclude(path.join(app, "src/main.js"))).toBe(false);
  });
});

/**
 * One small app as a user writes it, for the fresh projects that build with einsight's bundler
 * plugins from the packed package: main.ts (typed einsums on shapes the types know, so each is
 * compiled at build time) and build.mjs, which bundles it with einsight's plugin for the bundler
 * named on its command line into out/<bundler>/main.mjs. einsight and webgpu stay external (the
 * project's installed copies).
 */
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { runIn } from "./install.js";

const a = [1, 2, 3, 4, 5, 6];
const b = [1, 0, 2, -1, 0, 1, 1, 2, 3, -2, 0, 1];
/** a [2, 3] times b [3, 4], and the column sums of a. */
export const expected = {
  shape: [2, 4],
  values: [0, 1].flatMap((i) =>
    [0, 1, 2, 3].map((k) => [0, 1, 2].reduce((sum, j) => sum + a[i * 3 + j]! * b[j * 4 + k]!, 0)),
  ),
  sums: [0, 1, 2].map((j) => a[j]! + a[3 + j]!),
  plansMade: 0,
};

export const BUNDLERS = ["vite", "rollup", "esbuild", "webpack"] as const;
export type Bundler = (typeof BUNDLERS)[number];

export const appFiles: Readonly<Record<string, string>> = {
  "tsconfig.json": JSON.stringify({
    compilerOptions: { strict: true, module: "nodenext", target: "es2022", skipLibCheck: true, noEmit: true },
    include: ["main.ts"],
  }),
  "main.ts": `import { einsum, gpu, tensor, type Tensor } from "einsight";

const g = await gpu();
const a = tensor(g, ${JSON.stringify(a)}, [2, 3]);
const b = tensor(g, ${JSON.stringify(b)}, [3, 4]);
const c: Tensor<[2, 4]> = einsum("ij,jk->ik", a, b);
const sums: Tensor<[3]> = einsum("ij->j", a);
console.log(JSON.stringify({ shape: c.shape, values: [...(await c.read())], sums: [...(await sums.read())], plansMade: g.stats().plansMade }));
g.destroy();
`,
  "build.mjs": `import * as path from "node:path";

const bundler = process.argv[2];
const input = path.resolve("main.ts");
const outDir = path.resolve("out", bundler);
const external = ["einsight", "webgpu"];
const { default: einsight } = await import(\`einsight/\${bundler}\`);
if (bundler === "vite") {
  const { build } = await import("vite");
  await build({ configFile: false, logLevel: "warn", plugins: [einsight()], build: { ssr: input, outDir, emptyOutDir: true, minify: false, rollupOptions: { external, output: { entryFileNames: "main.mjs" } } } });
} else if (bundler === "rollup") {
  const { rollup } = await import("rollup");
  const bundle = await rollup({ input, external, plugins: [einsight()] });
  await bundle.write({ file: path.join(outDir, "main.mjs"), format: "es" });
  await bundle.close();
} else if (bundler === "esbuild") {
  const { build } = await import("esbuild");
  await build({ entryPoints: [input], bundle: true, platform: "node", format: "esm", target: "es2022", external, outfile: path.join(outDir, "main.mjs"), plugins: [einsight()] });
} else {
  const { default: webpack } = await import("webpack");
  const compiler = webpack({
    mode: "none",
    target: "node20",
    entry: input,
    output: { path: outDir, filename: "main.mjs", module: true, chunkFormat: "module", library: { type: "module" } },
    experiments: { outputModule: true, topLevelAwait: true },
    externalsType: "module",
    externals: Object.fromEntries(external.map((e) => [e, e])),
    resolve: { extensions: [".ts", ".js"] },
    plugins: [einsight()],
  });
  const stats = await new Promise((resolve, reject) => compiler.run((error, result) => (error ? reject(error) : resolve(result))));
  await new Promise((resolve) => compiler.close(resolve));
  if (stats.hasErrors()) throw new Error(stats.toString({ all: false, errors: true }));
}
`,
};

/** Bundles the app in the project `dir` with `bundler` and runs the bundle: the build's output, the bundle's text, and what it printed. */
export function buildAndRun(
  dir: string,
  bundler: Bundler,
): {
  build: string;
  buildStatus: number | null;
  bundle: string;
  run: { status: number | null; stdout: string; stderr: string };
} {
  const build = runIn(dir, process.execPath, ["build.mjs", bundler], 180_000);
  const file = path.join(dir, "out", bundler, "main.mjs");
  const run = runIn(dir, process.execPath, [file]);
  const bundle = existsSync(file) ? readFileSync(file, "utf8") : "";
  return { build: build.stdout + build.stderr, buildStatus: build.status, bundle, run };
}

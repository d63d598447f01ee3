/**
 * Web pages as a user builds them with vite from the packed package, each into out/web/<name>/:
 * `precompiled` (einsight/runtime, every einsum compiled by einsight/vite), `sized` (the same with
 * one einsum compiled for a size the types leave open, fitted by einsight/sized), `jit` (einsight with
 * the plugin and one einsum whose equation the build cannot know), `no-plugin` (einsight built
 * without the plugin) and `planner-missing` (einsight/runtime without the plugin: its einsum
 * needs the planner it left out). build-web.mjs puts einsight's modules in a chunk of their own,
 * so its minified size is einsight's JavaScript, and prints what vite warned and every chunk's
 * size. Each page shows its result as JSON in <pre id="result">.
 */
import * as path from "node:path";
import { expected } from "./app.js";
import { freshProject, installedVersion, runIn } from "./install.js";

export const PAGES = ["precompiled", "sized", "jit", "no-plugin", "planner-missing"] as const;
export type Page = (typeof PAGES)[number];

const a = [1, 2, 3, 4, 5, 6];
const b = [1, 0, 2, -1, 0, 1, 1, 2, 3, -2, 0, 1];

/**
 * The page's script: app.ts's app, importing from `entry`, its column sums by `equation` of
 * `summed` (source text).
 */
const script = (
  entry: string,
  equation: string,
  summed = "a",
) => `import { einsum, gpu, tensor, type Tensor } from "${entry}";

const shown = document.getElementById("result")!;
try {
  const g = await gpu();
  const a = tensor(g, ${JSON.stringify(a)}, [2, 3]);
  const b = tensor(g, ${JSON.stringify(b)}, [3, 4]);
  const c: Tensor<[2, 4]> = einsum("ij,jk->ik", a, b);
  const sums = einsum(${equation}, ${summed});
  shown.textContent = JSON.stringify({ shape: c.shape, values: [...(await c.read())], sums: [...(await sums.read())], plansMade: g.stats().plansMade });
  g.destroy();
} catch (e) {
  shown.textContent = JSON.stringify({ error: (e as { code?: string }).code ?? String(e), message: String((e as Error).message) });
}
`;

// an equation the types cannot know: planned just in time
const RUNTIME_EQUATION = '["ij->j", "ij->i"][Number(location.hash === "#rows")]!';

const SCRIPTS: Readonly<Record<Page, string>> = {
  precompiled: script("einsight/runtime", '"ij->j"'),
  // a size the types leave open: compiled for sizes read at run time, and the build imports einsight/sized
  sized: script("einsight/runtime", '"ij->j"', "a as Tensor<[number, 3]>"),
  jit: script("einsight", RUNTIME_EQUATION),
  "no-plugin": script("einsight", '"ij->j"'),
  "planner-missing": script("einsight/runtime", '"ij->j"'),
};

/** Whether the page is built with einsight/vite. */
export const WITH_PLUGIN: Readonly<Record<Page, boolean>> = {
  precompiled: true,
  sized: true,
  jit: true,
  "no-plugin": false,
  "planner-missing": false,
};

/** What a page that runs shows: the app's values; the JIT page made one plan, the page without the plugin two. */
export const pageExpected = (page: Exclude<Page, "planner-missing">) => ({
  ...expected,
  plansMade: { precompiled: 0, sized: 0, jit: 1, "no-plugin": 2 }[page],
});

/** The packages of the web project (webgpu too: the docs suggest it for Node, and a web build must not see it). */
export const WEB_DEPENDENCIES = [
  "typescript",
  "vite",
  "unplugin",
  "webgpu",
  "esbuild",
  "rollup",
  "@rollup/plugin-node-resolve",
  "webpack",
];

/** The bundlers other than vite that build the precompiled page for the browser (bundle-web.mjs). */
export const OTHER_BUNDLERS = ["esbuild", "rollup", "webpack"] as const;
export type OtherBundler = (typeof OTHER_BUNDLERS)[number];

/** The fresh project the pages are built in (installed once per tarball), with the pages written; its folder. */
export const webProject = (): string =>
  freshProject(
    "web",
    WEB_DEPENDENCIES.map((p) => `${p}@${installedVersion(p)}`),
    webFiles,
  );

/**
 * bundle-web.mjs: the precompiled page's script bundled for the browser by esbuild, rollup (with
 * node-resolve's browser resolution) or webpack (target web), each with einsight's plugin, into
 * out/web-<bundler>/ beside an index.html; prints what the bundler warned and the modules bundled
 * (esbuild: with each module's bytes in the minified output).
 */
const BUNDLE_WEB = `import { mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";

const bundler = process.argv[2];
const input = path.resolve("web/precompiled.ts");
const outDir = path.resolve("out", "web-" + bundler);
const tsconfig = "web/tsconfig.json";
mkdirSync(outDir, { recursive: true });
writeFileSync(path.join(outDir, "index.html"), '<!doctype html><meta charset="utf-8"><pre id="result"></pre><script type="module" src="./main.js"></script>\\n');
const { default: einsight } = await import("einsight/" + bundler);
let warnings = [];
let modules = [];
let bytes = {};
if (bundler === "esbuild") {
  const { build } = await import("esbuild");
  const result = await build({ entryPoints: [input], bundle: true, platform: "browser", format: "esm", target: "es2022", minify: true, metafile: true, logLevel: "silent", outfile: path.join(outDir, "main.js"), plugins: [einsight({ tsconfig })] });
  warnings = result.warnings.map((w) => w.text);
  modules = Object.keys(result.metafile.inputs);
  bytes = Object.fromEntries(Object.values(result.metafile.outputs).flatMap((o) => Object.entries(o.inputs).map(([m, i]) => [m, i.bytesInOutput])));
} else if (bundler === "rollup") {
  const { rollup } = await import("rollup");
  const { nodeResolve } = await import("@rollup/plugin-node-resolve");
  const bundle = await rollup({ input, plugins: [einsight({ tsconfig }), nodeResolve({ browser: true })], onwarn: (w) => warnings.push(w.message) });
  const { output } = await bundle.write({ file: path.join(outDir, "main.js"), format: "es" });
  await bundle.close();
  modules = output.flatMap((o) => (o.type === "chunk" ? Object.keys(o.modules) : []));
} else {
  const { default: webpack } = await import("webpack");
  const compiler = webpack({
    mode: "production",
    target: "web",
    entry: input,
    output: { path: outDir, filename: "main.js", module: true, chunkFormat: "module" },
    experiments: { outputModule: true, topLevelAwait: true },
    resolve: { extensions: [".ts", ".js"] },
    performance: false,
    plugins: [einsight({ tsconfig })],
  });
  const stats = await new Promise((resolve, reject) => compiler.run((error, result) => (error ? reject(error) : resolve(result))));
  await new Promise((resolve) => compiler.close(resolve));
  const json = stats.toJson({ all: false, modules: true, nestedModules: true, warnings: true, errors: true });
  if (stats.hasErrors()) throw new Error(JSON.stringify(json.errors));
  warnings = (json.warnings ?? []).map((w) => w.message);
  const names = (m) => [m.name ?? "", ...(m.modules ?? []).flatMap(names)];
  modules = (json.modules ?? []).flatMap(names);
}
console.log(JSON.stringify({ warnings, modules, bytes }));
`;

export const webFiles: Readonly<Record<string, string>> = {
  "web/tsconfig.json": JSON.stringify({
    compilerOptions: {
      strict: true,
      module: "esnext",
      moduleResolution: "bundler",
      target: "es2022",
      lib: ["es2022", "dom"],
      skipLibCheck: true,
      noEmit: true,
    },
    include: ["*.ts"],
  }),
  ...Object.fromEntries(
    PAGES.flatMap((page) => [
      [`web/${page}.ts`, SCRIPTS[page]],
      [
        `web/${page}.html`,
        `<!doctype html><meta charset="utf-8"><title>${page}</title><pre id="result"></pre><script type="module" src="./${page}.ts"></script>\n`,
      ],
    ]),
  ),
  "bundle-web.mjs": BUNDLE_WEB,
  "build-web.mjs": `import { readFileSync } from "node:fs";
import * as path from "node:path";
import { gzipSync } from "node:zlib";
import { build } from "vite";

const page = process.argv[2];
const withPlugin = process.argv[3] === "plugin";
const warnings = [];
const customLogger = {
  hasWarned: false,
  info() {},
  warn(message) { warnings.push(message); },
  warnOnce(message) { warnings.push(message); },
  error(message) { warnings.push(message); },
  clearScreen() {},
  hasErrorLogged() { return false; },
};
const plugins = withPlugin ? [(await import("einsight/vite")).default({ tsconfig: "web/tsconfig.json" })] : [];
const outDir = path.resolve("out/web", page);
const built = await build({
  configFile: false,
  root: path.resolve("web"),
  base: "./",
  logLevel: "warn",
  customLogger,
  plugins,
  build: {
    outDir,
    emptyOutDir: true,
    target: "es2022",
    modulePreload: false,
    rollupOptions: {
      input: path.resolve("web", page + ".html"),
      output: { manualChunks: (id) => (id.includes("/node_modules/einsight/") ? "einsight" : undefined) },
    },
  },
});
const chunks = (Array.isArray(built) ? built : [built]).flatMap((b) => b.output).filter((o) => o.type === "chunk");
const sizes = chunks.map((c) => {
  const bytes = readFileSync(path.join(outDir, c.fileName));
  return { name: c.name, bytes: bytes.length, gzip: gzipSync(bytes).length, modules: Object.keys(c.modules).map((m) => m.slice(m.lastIndexOf("node_modules/") + 13)) };
});
console.log(JSON.stringify({ warnings, chunks: sizes }));
`,
};

/**
 * Bundles the precompiled page's script with `bundler` in the project `dir`: its warnings, the
 * modules it holds, and (esbuild) each module's bytes in the minified bundle, out/web-<bundler>/main.js.
 */
export function bundlePage(
  dir: string,
  bundler: OtherBundler,
): { status: number | null; output: string; warnings: string[]; modules: string[]; bytes: Record<string, number> } {
  const run = runIn(dir, process.execPath, ["bundle-web.mjs", bundler], 180_000);
  const last = run.stdout.trim().split("\n").pop() ?? "";
  const parsed =
    run.status === 0
      ? (JSON.parse(last) as { warnings: string[]; modules: string[]; bytes: Record<string, number> })
      : undefined;
  return {
    status: run.status,
    output: run.stdout + run.stderr,
    warnings: parsed?.warnings ?? [],
    modules: parsed?.modules ?? [],
    bytes: parsed?.bytes ?? {},
  };
}

export interface WebBuild {
  readonly status: number | null;
  readonly output: string;
  readonly warnings: readonly string[];
  readonly chunks: readonly { name: string; bytes: number; gzip: number; modules: string[] }[];
}

/** Builds one page in the project `dir`; what vite warned and each chunk's size. */
export function buildPage(dir: string, page: Page): WebBuild {
  const run = runIn(dir, process.execPath, ["build-web.mjs", page, WITH_PLUGIN[page] ? "plugin" : "none"], 180_000);
  const last = run.stdout.trim().split("\n").pop() ?? "";
  const parsed = run.status === 0 ? (JSON.parse(last) as Pick<WebBuild, "warnings" | "chunks">) : undefined;
  return {
    status: run.status,
    output: run.stdout + run.stderr,
    warnings: parsed?.warnings ?? [],
    chunks: parsed?.chunks ?? [],
  };
}

/** The built page's folder in the project `dir`. */
export const pageFolder = (dir: string, page: Page) => path.join(dir, "out/web", page);

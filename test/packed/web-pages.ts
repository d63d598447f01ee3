/**
 * Web pages as a user builds them with vite from the packed package, each into out/web/<name>/:
 * `precompiled` (einsight/runtime, every einsum compiled by einsight/vite), `jit` (einsight with
 * the plugin and one einsum whose equation the build cannot know), `no-plugin` (einsight built
 * without the plugin) and `planner-missing` (einsight/runtime without the plugin: its einsum
 * needs the planner it left out). build-web.mjs puts einsight's modules in a chunk of their own,
 * so its minified size is einsight's JavaScript, and prints what vite warned and every chunk's
 * size. Each page shows its result as JSON in <pre id="result">.
 */
import * as path from "node:path";
import { expected } from "./app.js";
import { freshProject, installedVersion, runIn } from "./install.js";

export const PAGES = ["precompiled", "jit", "no-plugin", "planner-missing"] as const;
export type Page = (typeof PAGES)[number];

const a = [1, 2, 3, 4, 5, 6];
const b = [1, 0, 2, -1, 0, 1, 1, 2, 3, -2, 0, 1];

/** The page's script: app.ts's app, importing from `entry`, its column sums by `equation` (source text). */
const script = (entry: string, equation: string) => `import { einsum, gpu, tensor, type Tensor } from "${entry}";

const shown = document.getElementById("result")!;
try {
  const g = await gpu();
  const a = tensor(g, ${JSON.stringify(a)}, [2, 3]);
  const b = tensor(g, ${JSON.stringify(b)}, [3, 4]);
  const c: Tensor<[2, 4]> = einsum("ij,jk->ik", a, b);
  const sums = einsum(${equation}, a);
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
  jit: script("einsight", RUNTIME_EQUATION),
  "no-plugin": script("einsight", '"ij->j"'),
  "planner-missing": script("einsight/runtime", '"ij->j"'),
};

/** Whether the page is built with einsight/vite. */
export const WITH_PLUGIN: Readonly<Record<Page, boolean>> = {
  precompiled: true,
  jit: true,
  "no-plugin": false,
  "planner-missing": false,
};

/** What a page that runs shows: the app's values; the JIT page made one plan, the page without the plugin two. */
export const pageExpected = (page: Exclude<Page, "planner-missing">) => ({
  ...expected,
  plansMade: { precompiled: 0, jit: 1, "no-plugin": 2 }[page],
});

/** The packages of the web project (webgpu too: the docs suggest it for Node, and a web build must not see it). */
export const WEB_DEPENDENCIES = ["typescript", "vite", "unplugin", "webgpu"];

/** The fresh project the pages are built in (installed once per tarball), with the pages written; its folder. */
export const webProject = (): string =>
  freshProject(
    "web",
    WEB_DEPENDENCIES.map((p) => `${p}@${installedVersion(p)}`),
    webFiles,
  );

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

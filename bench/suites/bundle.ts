/**
 * What einsight adds to a web page: the pages of test/packed/web-pages (the app built by vite from
 * the packed package: every einsum compiled from einsight/runtime, the same with one einsum sized
 * at run time, one einsum planned just in time, no plugin) and the size of each page's JavaScript,
 * einsight's chunk apart, minified and gzipped; and where the precompiled page's einsight bytes go
 * (per part of the runtime in esbuild's minified bundle of the page, and in string literals,
 * nearly all of them error sentences, in vite's einsight chunk). Sizes, not times: one build each.
 *
 *     npm run build && node dist/bench/suites/bundle.js [--json file]
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import ts from "typescript";
import { buildPage, bundlePage, WEB_PAGES, webProject, WITH_PLUGIN } from "../../test/support/index.js";

const { values: args } = parseArgs({ options: { json: { type: "string" } } });
const dir = webProject();
const pages = WEB_PAGES.filter((p) => p !== "planner-missing").map((page) => {
  const build = buildPage(dir, page);
  if (build.status !== 0) throw new Error(`vite build of the '${page}' page failed:\n${build.output}`);
  const sum = (key: "bytes" | "gzip", chunks = build.chunks) => chunks.reduce((n, c) => n + c[key], 0);
  const einsight = build.chunks.filter((c) => c.name === "einsight");
  const row = {
    page,
    plugin: WITH_PLUGIN[page],
    einsight: { bytes: sum("bytes", einsight), gzip: sum("gzip", einsight) },
    page_total: { bytes: sum("bytes"), gzip: sum("gzip") },
    warnings: build.warnings.length,
  };
  console.log(
    `${page}: einsight ${row.einsight.bytes} B minified (${row.einsight.gzip} B gzipped); all the page's ` +
      `JavaScript ${row.page_total.bytes} B (${row.page_total.gzip} B); vite warnings: ${row.warnings}`,
  );
  return row;
});

/** The parts of the runtime, by the modules of einsight's package each takes (the first that matches). */
const PARTS: readonly [string, RegExp][] = [
  ["the copy kernel of contiguous()", /codegen\/wgsl\//],
  ["tensors and views (uploads, read(), f16)", /runtime\/(tensor|half|describe)\.|codegen\/views\./],
  ["einsum(): checking and running compiled plans", /runtime\/(einsum|planner)|codegen\//],
  ["the device (adapter, pool, pipelines, submits, error scopes)", /runtime\//],
];
const esbuild = bundlePage(dir, "esbuild");
if (esbuild.status !== 0) throw new Error(`esbuild bundle of the precompiled page failed:\n${esbuild.output}`);
const parts: Record<string, number> = Object.fromEntries(PARTS.map(([name]) => [name, 0]));
for (const [module, bytes] of Object.entries(esbuild.bytes)) {
  const at = module.indexOf("node_modules/einsight/dist/");
  if (at < 0) continue;
  const part = PARTS.find(([, files]) => files.test(module.slice(at)))?.[0] ?? "other";
  parts[part] = (parts[part] ?? 0) + bytes;
}
// string literals counted in vite's einsight chunk of the page, which holds einsight alone
const assets = path.join(dir, "out", "web", "precompiled", "assets");
const chunk = readFileSync(
  path.join(
    assets,
    readdirSync(assets).find((f) => f.startsWith("einsight-"))!,
  ),
  "utf8",
);
const breakdown = {
  by_esbuild: { einsight: Object.values(parts).reduce((a, b) => a + b, 0), parts },
  by_vite: { einsight: chunk.length, string_literals: stringBytes(chunk) },
};
console.log(`where the precompiled page's einsight bytes go: ${JSON.stringify(breakdown)}`);

/** Bytes of string and template literal text in `code` (the page's other strings are few). */
function stringBytes(code: string): number {
  const source = ts.createSourceFile("main.js", code, ts.ScriptTarget.Latest, true);
  let bytes = 0;
  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateLiteralToken(node))
      bytes += node.getWidth();
    ts.forEachChild(node, visit);
  };
  visit(source);
  return bytes;
}

if (args.json !== undefined) {
  const result = { date: new Date().toISOString(), node: process.version, pages, precompiled_breakdown: breakdown };
  writeFileSync(args.json, `${JSON.stringify(result, null, 2)}\n`);
}

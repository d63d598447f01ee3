/**
 * What einsight adds to a web page: the pages of test/packed/web-pages (the app built by vite from
 * the packed package: every einsum compiled from einsight/runtime, the same with one einsum sized
 * at run time, one einsum planned just in time, no plugin) and the size of each page's JavaScript,
 * einsight's chunk apart, minified and gzipped. Sizes, not times: one build each.
 *
 *     npm run build && node dist/bench/suites/bundle.js [--json file]
 */
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { buildPage, WEB_PAGES, webProject, WITH_PLUGIN } from "../../test/support/index.js";

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
if (args.json !== undefined) {
  const result = { date: new Date().toISOString(), node: process.version, pages };
  writeFileSync(args.json, `${JSON.stringify(result, null, 2)}\n`);
}

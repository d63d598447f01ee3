/**
 * einsight in a web page built by vite from the packed package (test/packed/web-pages): the
 * browser bundle reaches no Node module and not the webgpu package (vite warns of neither),
 * and in headless Chromium each page shows the app's values (esbuild, rollup and webpack bundle the
 * precompiled page for the browser as well, with the same result): with einsight/runtime and every
 * einsum compiled by einsight/vite it makes no plan and ships no planner (nor einsight/sized, which
 * the build imports where it compiles a size the types leave open); one einsum whose
 * equation the build cannot know is planned just in time; without the plugin the runtime plans
 * both; and einsight/runtime without the plugin says the planner is missing and how to add it.
 */
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Browser } from "playwright-core";
import { launchChromium, serveFolder } from "../browser/chromium.js";
import {
  buildPage,
  bundlePage,
  OTHER_BUNDLERS,
  pageExpected,
  pageFolder,
  PAGES,
  webProject,
  type Page,
  type WebBuild,
} from "./web-pages.js";

let dir: string;
let browser: Browser | undefined;
const builds = new Map<Page, WebBuild>();

beforeAll(async () => {
  dir = webProject();
  for (const page of PAGES) builds.set(page, buildPage(dir, page));
  browser = await launchChromium();
}, 600_000);

afterAll(() => browser?.close());

/** What the built page shows in Chromium (its #result, as JSON). */
async function shown(page: Page): Promise<Record<string, unknown>> {
  const server = await serveFolder(pageFolder(dir, page));
  const tab = await browser!.newPage();
  try {
    await tab.goto(`${server.url}${page}.html`);
    await tab.waitForFunction(
      () => (globalThis as unknown as PageGlobals).document.getElementById("result")?.textContent !== "",
      undefined,
      {
        timeout: 60_000,
      },
    );
    return JSON.parse((await tab.textContent("#result"))!) as Record<string, unknown>;
  } finally {
    await tab.close();
    await server.close();
  }
}

/** What the page's script sees of its document. */
type PageGlobals = { document: { getElementById(id: string): { textContent: string | null } | null } };

const einsightChunk = (build: WebBuild) => build.chunks.find((c) => c.name === "einsight");

test.each(PAGES)("%s: vite builds it with no warning, and no Node module or webgpu reaches the bundle", (page) => {
  const build = builds.get(page)!;
  expect(build.status, build.output).toBe(0);
  expect(build.warnings).toEqual([]);
  const modules = build.chunks.flatMap((c) => c.modules);
  expect(modules.filter((m) => /node-adapter|\.node\.js|^webgpu\/|^node:|__vite-browser-external/.test(m))).toEqual([]);
  expect(einsightChunk(build)).toBeDefined();
});

test("every einsum compiled, from einsight/runtime: the page makes no plan and ships no planner or einsum kernel emitter", async () => {
  expect(await shown("precompiled")).toEqual(pageExpected("precompiled"));
  const modules = einsightChunk(builds.get("precompiled")!)!.modules;
  expect(modules.some((m) => m.endsWith("runtime/thin.js"))).toBe(true);
  for (const planner of [
    "runtime/jit.js",
    "runtime/sized.js",
    "runtime/device-profile.js",
    "codegen/path.js",
    "codegen/cost.js",
    "codegen/wgsl/direct.js",
    "codegen/wgsl/loop.js",
  ])
    expect(modules.filter((m) => m.endsWith(planner))).toEqual([]);
});

test("an einsum compiled for a size the types leave open: the build imports einsight/sized, and no plan is made", async () => {
  expect(await shown("sized")).toEqual(pageExpected("sized"));
  const modules = einsightChunk(builds.get("sized")!)!.modules;
  expect(modules.some((m) => m.endsWith("runtime/sized.js"))).toBe(true);
  expect(modules.filter((m) => m.endsWith("runtime/jit.js"))).toEqual([]);
});

test("one einsum the build cannot know is planned just in time, beside a compiled one", async () => {
  expect(await shown("jit")).toEqual(pageExpected("jit"));
  expect(einsightChunk(builds.get("jit")!)!.modules.some((m) => m.endsWith("runtime/jit.js"))).toBe(true);
});

test("without the plugin, einsight plans both einsums at run time", async () => {
  expect(await shown("no-plugin")).toEqual(pageExpected("no-plugin"));
});

test("einsight/runtime without the plugin: the einsum is an EinsightError naming einsight/jit", async () => {
  const result = await shown("planner-missing");
  expect(result["error"]).toBe("plannerMissing");
  expect(result["message"]).toContain('import "einsight/jit"');
  expect(result["message"]).toContain("not compiled at build time");
});

test("sizes: einsight's JavaScript in each page, minified and gzipped", () => {
  const sizes = Object.fromEntries(PAGES.map((p) => [p, einsightChunk(builds.get(p)!)!]));
  console.log(PAGES.map((p) => `${p}: einsight ${sizes[p]!.bytes} B minified, ${sizes[p]!.gzip} B gzipped`).join("\n"));
  // the planner and the emitters are most of einsight: a page of compiled einsums ships under a third of it,
  // within the budget the runtime alone is held to (bench/RESULTS.md has the figures)
  expect(sizes["precompiled"]!.bytes).toBeLessThan(sizes["no-plugin"]!.bytes / 3);
  expect(sizes["precompiled"]!.bytes).toBeLessThan(34_000);
  expect(sizes["sized"]!.bytes).toBeLessThan(sizes["precompiled"]!.bytes + 8_000); // einsight/sized, no planner
});

describe.each(OTHER_BUNDLERS)("the precompiled page bundled by %s for the browser", (bundler) => {
  test("no Node module or webgpu in the bundle, no warning, and in Chromium no plan made", async () => {
    const bundle = bundlePage(dir, bundler);
    expect(bundle.status, bundle.output).toBe(0);
    expect(bundle.warnings).toEqual([]);
    expect(bundle.modules.some((m) => m.includes("einsight/dist/runtime/einsum.js"))).toBe(true);
    expect(bundle.modules.filter((m) => /node-adapter|\.node\.js|webgpu\/|node:|runtime\/jit\.js/.test(m))).toEqual([]);
    const server = await serveFolder(path.join(dir, "out", `web-${bundler}`));
    const tab = await browser!.newPage();
    try {
      await tab.goto(server.url);
      await tab.waitForFunction(
        () => (globalThis as unknown as PageGlobals).document.getElementById("result")?.textContent !== "",
        undefined,
        { timeout: 60_000 },
      );
      expect(JSON.parse((await tab.textContent("#result"))!)).toEqual(pageExpected("precompiled"));
    } finally {
      await tab.close();
      await server.close();
    }
  }, 240_000);
});

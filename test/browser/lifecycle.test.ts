/**
 * Device lifetime in a real browser (issue: reliability): the runtime bundled for the web by
 * esbuild, in headless Chromium on WebGPU. Each script runs several times on fresh devices:
 * destroy() after an einsum that throws, with work queued, with reads pending (awaited: they
 * reject with destroyedDevice; never awaited: no unhandled rejection), and pages closed with a
 * device alive, after which the browser still runs einsums.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { afterAll, beforeAll, expect, test } from "vitest";
import type * as EinsightModule from "../../runtime/index.js";
import { launchChromium, serveFolder } from "./chromium.js";

const folder = fileURLToPath(new URL("../../dist/browser-lifecycle", import.meta.url));
let server: Awaited<ReturnType<typeof serveFolder>> | undefined;

beforeAll(async () => {
  mkdirSync(folder, { recursive: true });
  // runtime/index is the package's browser entry: it reaches no Node module
  await build({
    entryPoints: [fileURLToPath(new URL("../../runtime/index.ts", import.meta.url))],
    bundle: true,
    format: "esm",
    platform: "browser",
    outdir: folder,
    logLevel: "silent",
  });
  writeFileSync(
    `${folder}/index.html`,
    '<!doctype html><script type="module">import * as einsight from "./index.js"; globalThis.einsight = einsight;</script>',
  );
  server = await serveFolder(folder);
});

afterAll(() => server?.close());

type Einsight = typeof EinsightModule;

test("destroy() with work queued, reads pending and after errors, and pages closed with a live device", async () => {
  const browser = await launchChromium();
  try {
    const open = async () => {
      const page = await browser.newPage();
      await page.goto(server!.url);
      await page.waitForFunction(() => (globalThis as { einsight?: unknown }).einsight !== undefined);
      return page;
    };
    const page = await open();
    const results = await page.evaluate(async () => {
      const { einsum, gpu, tensor } = (globalThis as unknown as { einsight: Einsight }).einsight;
      let unhandled = 0;
      (globalThis as unknown as EventTarget).addEventListener("unhandledrejection", () => (unhandled += 1));
      const codeOf = (e: unknown) => (e as { code?: string }).code ?? String(e);
      const seen: string[] = [];
      for (let run = 0; run < 4; run++) {
        const a = await gpu();
        const equation: string = "ij,jk->ik"; // a rank-1 operand where the term says 2: refused at run time
        try {
          einsum(equation, tensor(a, [1, 2, 3, 4], [2, 2]), tensor(a, [1, 2, 3], [3]));
        } catch (e) {
          seen.push(codeOf(e));
        } finally {
          a.destroy();
        }
        const b = await gpu();
        const x = tensor(b, [1, 2, 3, 4], [2, 2]);
        einsum("ij,jk->ik", x, x); // queued, never read
        const pending = einsum("ij->i", x).read();
        void einsum("ij->j", x).read(); // never awaited
        b.destroy();
        seen.push(await pending.then(() => "resolved", codeOf));
        const c = await gpu();
        seen.push([...(await einsum("ij->", tensor(c, [1, 2, 3, 4], [2, 2])).read())].join());
        c.destroy();
      }
      await new Promise((r) => setTimeout(r, 200));
      return { seen, unhandled };
    });
    expect(results.unhandled).toBe(0);
    expect(results.seen).toEqual(new Array<string[]>(4).fill(["rankMismatch", "destroyedDevice", "10"]).flat());
    // A page closed while its device lives and work is queued: the browser goes on.
    for (let run = 0; run < 3; run++) {
      const doomed = await open();
      await doomed.evaluate(async () => {
        const { einsum, gpu, tensor } = (globalThis as unknown as { einsight: Einsight }).einsight;
        const g = await gpu();
        const x = tensor(g, new Float32Array(64 * 64).fill(1), [64, 64]);
        einsum("ij,jk->ik", x, x);
        void einsum("ij->", x).read();
      });
      await doomed.close();
    }
    const after = await page.evaluate(async () => {
      const { einsum, gpu, tensor } = (globalThis as unknown as { einsight: Einsight }).einsight;
      const g = await gpu();
      const sum = [...(await einsum("i->", tensor(g, [1, 2, 3], [3])).read())];
      g.destroy();
      return sum;
    });
    expect(after).toEqual([6]);
  } finally {
    await browser.close();
  }
}, 300_000);

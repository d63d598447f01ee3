/**
 * The example in a real browser: examples/ built for the web by vite with einsight's plugin
 * (examples/vite.config.mjs), served from a local HTTP server, and run by headless Chromium (Debian's
 * `chromium`, WebGPU on SwiftShader) driven by playwright-core. The page's own checks pass, its
 * literal attention einsums make no plan at run time, and the motivating contraction's values
 * match the CPU oracle.
 */
import { fileURLToPath } from "node:url";
import { build } from "vite";
import { afterAll, beforeAll, expect, test } from "vitest";
import { values } from "../support/data.js";
import { oracleEinsum } from "../support/oracle.js";
import { launchChromium, serveFolder } from "./chromium.js";

const web = fileURLToPath(new URL("../../dist/examples-web", import.meta.url));
let server: Awaited<ReturnType<typeof serveFolder>> | undefined;

beforeAll(async () => {
  await build({
    configFile: fileURLToPath(new URL("../../examples/vite.config.mjs", import.meta.url)),
    mode: "production",
    logLevel: "silent",
  });
  server = await serveFolder(web);
});

afterAll(() => server?.close());

interface Summary {
  readonly adapter: string;
  readonly failures: number;
  readonly plansMadeForAttention: number;
  readonly plansMadeForLengths: number;
  readonly bytesReadBetweenSteps: number;
  readonly contraction: { readonly shape: number[]; readonly first: number[]; readonly sum: number };
}

test("the example built by vite runs in headless Chromium on WebGPU and matches the oracle", async () => {
  const browser = await launchChromium();
  const logs: string[] = [];
  try {
    const page = await browser.newPage();
    page.on("console", (m) => logs.push(`${m.type()}: ${m.text()}`));
    // an exception in the page (no adapter, a failed einsum) ends the wait at once
    const failed = new Promise<never>((_, reject) =>
      page.on("pageerror", (e) => reject(new Error(`the page threw: ${e.message}\n${logs.join("\n")}`))),
    );
    await page.goto(server!.url);
    await Promise.race([
      page.waitForFunction(
        () => (globalThis as { einsightExample?: unknown }).einsightExample !== undefined,
        undefined,
        { timeout: 240_000 },
      ),
      failed,
    ]);
    const summary = (await page.evaluate(
      () => (globalThis as { einsightExample?: unknown }).einsightExample,
    )) as Summary;
    expect(summary.failures, logs.join("\n")).toBe(0);
    expect(summary.plansMadeForAttention).toBe(0); // planned at build time by the plugin
    expect(summary.plansMadeForLengths).toBe(0); // compiled at build time, sized at run time
    const X = values(16 * 96 * 32, 1);
    const expected = oracleEinsum("ijk,ikl->jl", [
      { data: X, shape: [8, 96, 32], offset: 3 * 96 * 32 },
      { data: values(8 * 32 * 80, 2), shape: [8, 32, 80] },
    ]);
    expect(summary.contraction.shape).toEqual([96, 80]);
    summary.contraction.first.forEach((v, i) =>
      expect(Math.abs(v - expected.data[i]!)).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(expected.data[i]!))),
    );
    const sum = expected.data.reduce((acc, v) => acc + v, 0);
    expect(Math.abs(summary.contraction.sum - sum)).toBeLessThanOrEqual(1e-3 * Math.max(1, Math.abs(sum)));
    // the attention block shared with tfjs-backend-webgpu on the page's device: nothing read back between its steps
    expect(summary.bytesReadBetweenSteps).toBe(0);
    expect(
      logs.some((l) =>
        /== attention on the GPU: .* 0 bytes read back to the CPU between the steps; agrees with tfjs's matMul version/.test(
          l,
        ),
      ),
    ).toBe(true);
  } finally {
    await browser.close();
  }
}, 300_000);

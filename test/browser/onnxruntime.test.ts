/**
 * einsight/onnxruntime in headless Chromium (WebGPU on SwiftShader): onnxruntime-web runs a tiny
 * MatMul model the repository writes itself (test/browser/onnxruntime/onnx-model.mjs), its output
 * stays on the GPU (`preferredOutputLocation: "gpu-buffer"`), einsight views it in place on ORT's
 * device, transposes it, and hands the result (as it is, and a strided view copied on the GPU) to
 * a second session as its input; the values match the oracle and nothing is read back between.
 */
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";
import { oracleEinsum } from "../support/oracle.js";
import { launchChromium, serveFolder } from "./chromium.js";

const root = fileURLToPath(new URL("../..", import.meta.url));

interface PageResult {
  readonly error?: string;
  readonly location: string;
  readonly bytesRead: number;
  readonly wrappedBytes: number;
  readonly viaFresh: number[];
  readonly viaView: number[];
  readonly c: number[];
}

test("an ORT session's GPU output through einsight's einsum and into a second session, on one device", async () => {
  const server = await serveFolder(root.replace(/\/$/, "")); // the page imports dist/ and onnxruntime-web's files
  const browser = await launchChromium();
  const logs: string[] = [];
  try {
    const page = await browser.newPage();
    page.on("console", (m) => logs.push(`${m.type()}: ${m.text()}`));
    await page.goto(`${server.url}${path.relative(root, path.join(root, "test/browser/onnxruntime/index.html"))}`);
    await page.waitForFunction(() => (globalThis as { einsightOrt?: unknown }).einsightOrt !== undefined, undefined, {
      timeout: 120_000,
    });
    const result = (await page.evaluate(() => (globalThis as { einsightOrt?: unknown }).einsightOrt)) as PageResult;
    expect(result.error, logs.join("\n")).toBeUndefined();
    const A = { data: [1, 2, 3, 4, 5, 6], shape: [2, 3] };
    const B = { data: [1, 0, 2, -1, 0, 1, 1, 2, 3, -2, 0, 1], shape: [3, 4] };
    const E = { data: [1, 2, 0, -1, 3, 1], shape: [2, 3] };
    const C = [...oracleEinsum("ij,jk->ik", [A, B]).data];
    const expected = [...oracleEinsum("ij,jk,il->kl", [A, B, E]).data]; // (A B)^T E
    expect(result.location).toBe("gpu-buffer");
    expect(result.c).toEqual(C);
    expect(result.viaFresh).toEqual(expected);
    expect(result.viaView).toEqual(expected);
    expect(result.bytesRead).toBe(0); // counted after both sessions ran, before the page's own read of c
    expect(result.wrappedBytes).toBeGreaterThanOrEqual(32);
  } finally {
    await browser.close();
    await server.close();
  }
}, 180_000);

/**
 * The playground as a visitor uses it: playground/ built by vite (what `npm run build:playground`
 * writes), served locally and driven in headless Chromium (WebGPU on SwiftShader). The page checks
 * code as it is typed (an invalid equation is an error at its characters, with einsight's
 * sentence), completes an equation inside the string, shows the plan on hover and as a picture
 * with the planner's strategy, runs the einsum (from the keyboard alone) on the GPU and checks it against the CPU reference, and a shared link
 * opens with the code it carries.
 */
import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";
import { build } from "vite";
import { afterAll, beforeAll, expect, test } from "vitest";
import { STRATEGIES } from "../../codegen/cost.js";
import { launchChromium, serveFolder } from "./chromium.js";

const folder = fileURLToPath(new URL("../../dist/playground", import.meta.url));
let server: Awaited<ReturnType<typeof serveFolder>> | undefined;

beforeAll(async () => {
  await build({
    configFile: fileURLToPath(new URL("../../playground/vite.config.mjs", import.meta.url)),
    logLevel: "silent",
  });
  server = await serveFolder(folder);
}, 120_000);

afterAll(() => server?.close());

const GEMM = `import { einsum, gpu, zeros } from "einsight";

const g = await gpu();
const a = zeros(g, [24, 40]);
const b = zeros(g, [40, 16]);
const c = einsum("ij,jk->ik", a, b);
`;

/** What the page's functions read of its document (the tests compile without the DOM's types). */
type PageDocument = {
  activeElement: { id: string } | null;
  getElementById(id: string): { textContent: string | null } | null;
  querySelector(selector: string): { textContent: string | null } | null;
};
/** The page's globals (the functions given to waitForFunction run in the page, where `document` is its own). */
type InPage = { document: PageDocument };

/** Replaces the editor's code as a visitor would: select all, type. */
async function typeCode(page: Page, code: string): Promise<void> {
  await page.mouse.move(0, 0); // away from any tooltip
  await page.locator(".cm-content").focus();
  await page.keyboard.press("Control+A");
  await page.keyboard.press("Delete");
  await page.keyboard.insertText(code);
}

/** The summary line once it describes `equation`. */
async function summaryFor(page: Page, equation: string): Promise<string> {
  await page.waitForFunction(
    (eq) =>
      (globalThis as unknown as InPage).document
        .getElementById("summary")
        ?.textContent?.startsWith(`einsum("${eq}")`) === true,
    equation,
    { timeout: 60_000 },
  );
  return (await page.textContent("#summary"))!;
}

test("type, see errors at their characters, complete, read the plan, run, share", async () => {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`${server!.url}index.html`);

    // the first example is checked and planned
    expect(await summaryFor(page, "ijk,ikl->jl")).toContain("compiled at build time");

    // an invalid equation: the error sits on the offending label, with einsight's sentence
    await typeCode(page, GEMM.replace('"ij,jk->ik"', '"ij,jk->iq"'));
    const error = page.locator(".cm-lintRange-error").first();
    await error.waitFor({ timeout: 60_000 });
    expect(await error.textContent()).toBe("q");
    await error.hover();
    await page.locator(".cm-tooltip-lint").waitFor({ timeout: 30_000 });
    expect(await page.textContent(".cm-tooltip-lint")).toContain(
      "Label 'q' of the output does not appear in any input",
    );

    // inside the equation string, the completions are the equations the operands allow
    const [before, after] = GEMM.split("ij,jk->ik");
    await typeCode(page, `${before}ij,jk${after}`);
    for (let i = 0; i < after!.length; i++) await page.keyboard.press("ArrowLeft"); // back to after 'ij,jk'
    await page.keyboard.press("Control+Space");
    const option = page.locator(".cm-tooltip-autocomplete li", { hasText: "ij,jk->ik" }).first();
    await option.waitFor({ timeout: 60_000 });
    await option.click();
    await page.waitForFunction(() =>
      (globalThis as unknown as InPage).document.querySelector(".cm-content")?.textContent?.includes('"ij,jk->ik"'),
    );

    // the plan picture names the planner's strategy for the einsum under the cursor
    expect(await summaryFor(page, "ij,jk->ik")).toContain("compiled at build time");
    const strategy = await page.getAttribute("[data-strategy]", "data-strategy");
    expect(STRATEGIES).toContain(strategy);
    expect(await page.textContent("#wgsl")).toContain("@compute");

    // hover on the equation: the plan, as einsight's tsserver plugin writes it
    await page.locator(".cm-content .cm-line", { hasText: "einsum(" }).locator("text=ij,jk->ik").hover();
    await page.locator(".cm-tooltip-hover").waitFor({ timeout: 30_000 });
    expect(await page.textContent(".cm-tooltip-hover")).toContain("einsum ij,jk->ik");
    await page.mouse.move(0, 0);

    // Run, keyboard only: from the editor, Shift+Tab back to the Run button, Enter
    await page.locator(".cm-content").focus();
    await page.keyboard.press("Shift+Tab");
    expect(await page.evaluate(() => (globalThis as unknown as InPage).document.activeElement?.id)).toBe("run");
    await page.keyboard.press("Enter");
    await page.locator("#run-result [data-check]").waitFor({ timeout: 120_000 });
    const check = Number(await page.getAttribute("#run-result [data-check]", "data-check"));
    expect(check).toBeLessThan(1e-4);
    expect(await page.textContent("#run-result")).toMatch(/einsight, its plan for this adapter\s*[\d.]+ ms/);

    // two einsums: the cursor at the end of the second's line describes the second, and planning for
    // another profile keeps it (and the cursor) where it is
    await typeCode(page, `${GEMM}const t = einsum("ij->ji", a);\n`);
    await page.keyboard.press("ArrowUp");
    await page.keyboard.press("End");
    await summaryFor(page, "ij->ji");
    await page.selectOption("#profile", "swiftshader");
    await page.waitForFunction(
      () =>
        (globalThis as unknown as InPage).document.querySelector("#plan")?.textContent?.includes("swiftshader") ===
        true,
    );
    expect(await summaryFor(page, "ij->ji")).toContain("[24, 40]");
    await typeCode(page, GEMM);

    // Share: the link carries the code; opened afresh, the page shows it
    await page.click("#share");
    await page.waitForFunction(
      () => ((globalThis as unknown as InPage).document.getElementById("share-link")?.textContent ?? "") !== "",
    );
    const link = (await page.textContent("#share-link"))!;
    const opened = await browser.newPage();
    await opened.goto(link);
    expect(await summaryFor(opened, "ij,jk->ik")).toContain("[24, 40], [40, 16]");
    expect(errors).toEqual([]);
  } finally {
    await browser.close();
  }
}, 300_000);

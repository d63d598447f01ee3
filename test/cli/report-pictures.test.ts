/** The report's pictures: each plan drawn with every strategy's time, the project's charts, rooflines, and the page. */
import { describe, expect, test } from "vitest";
import { formatBytes, formatSeconds } from "../../codegen/explain.js";
import { planEinsum, type Plan, type PlanOptions } from "../../codegen/plan.js";
import { PROFILES } from "../../codegen/profile.js";
import { arithmeticIntensity, einsumChart, roofline, type ChartEntry } from "../../plugin/report/charts.js";
import { reportHtml } from "../../plugin/report/html.js";
import { planPicture } from "../../plugin/report/picture.js";
import type { ProjectReport, ReportEntry } from "../../plugin/report/scan.js";

const plan = (equation: string, shapes: number[][], options: PlanOptions = {}): Plan =>
  planEinsum(
    equation,
    shapes.map((shape) => ({ shape })),
    options,
  );

const gemm = plan("ij,jk->ik", [
  [1024, 1024],
  [1024, 1024],
]);
const chain = plan("ij,jk,kl->il", [
  [64, 128],
  [128, 256],
  [256, 32],
]);
const attention = plan("bqd,bkd->bqk", [
  [8, 512, 64],
  [8, 512, 64],
]);
const outer = plan("i,j->ij", [[4096], [4096]]);
const elementwise = plan("ij,ij->ij", [
  [1024, 1024],
  [1024, 1024],
]);

/** Every element opened is closed, in order (SVG's `<x/>` closes itself; `<meta>` is void). */
function balanced(html: string): boolean {
  const open: string[] = [];
  for (const [tag, close, name, self] of html.matchAll(/<(\/?)([a-zA-Z][\w-]*)[^>]*?(\/?)>/g)) {
    if (tag.startsWith("<!") || self === "/" || name === "meta") continue;
    if (close === "") open.push(name!);
    else if (open.pop() !== name) return false;
  }
  return open.length === 0;
}

/** Each `.ep-step` element's opening tag and its HTML up to the next step (or the output). */
function stepElements(html: string): { strategy: string; body: string }[] {
  const parts = html.split(/(?=<li class="ep-stage ep-step"|<li class="ep-stage ep-output")/).slice(1, -1);
  return parts.map((body) => ({ strategy: /^<li [^>]*data-strategy="([^"]*)"/.exec(body)![1]!, body }));
}

describe("planPicture", () => {
  test.each([
    ["a GEMM", gemm],
    ["a 3-operand chain", chain],
    ["attention scores", attention],
  ])("%s: every step carries its chosen strategy, beside every alternative with its time", (_, p) => {
    const html = planPicture(p);
    expect(balanced(html)).toBe(true);
    expect(html).not.toMatch(/<script/i);
    const steps = stepElements(html);
    expect(steps.map((s) => s.strategy)).toEqual(p.steps.map((s) => s.strategy));
    p.steps.forEach((step, i) => {
      const { body } = steps[i]!;
      expect(body).toContain(`data-step="${i + 1}"`);
      expect(body).toContain(step.equation.replace(">", "&gt;"));
      // the chosen one is marked in words, on the row of its strategy
      const chosen = /<li class="ep-cand ep-cand-chosen" data-candidate="([^"]*)" data-chosen="true">(.*?)<\/li>/.exec(
        body,
      );
      expect(chosen![1]).toBe(step.strategy);
      expect(chosen![2]).toContain(">chosen<");
      expect(chosen![2]).toContain(formatSeconds(step.cost.estimatedSeconds));
      expect(step.alternatives.length).toBeGreaterThan(0);
      const rows = [...body.matchAll(/<li class="ep-cand[^"]*" data-candidate="([^"]*)"[^>]*>(.*?)<\/li>/g)];
      expect(rows.map((r) => r[1])).toEqual([step.strategy, ...step.alternatives.map((a) => a.strategy)]);
      step.alternatives.forEach((a, j) => {
        const row = rows[j + 1]![2]!;
        expect(row).toContain(`<span class="ep-cand-time">${formatSeconds(a.cost.estimatedSeconds)}</span>`);
        expect(row).not.toContain(">chosen<");
        expect(row).toMatch(/<rect class="ep-fill" [^>]*width="[\d.]+%"/); // a bar
      });
    });
    // the flow: inputs, then the steps in order, then the output
    expect(html.indexOf("ep-inputs")).toBeLessThan(html.indexOf("ep-step"));
    expect(html.lastIndexOf("ep-step")).toBeLessThan(html.indexOf("ep-output"));
    p.operands.forEach((o, k) =>
      expect(html).toContain(`data-operand="${k}"><span class="ep-name">operand ${k}</span>`),
    );
  });

  test("operands, intermediates and temporaries are written with their labels, shapes and bytes", () => {
    const html = planPicture(chain);
    expect(html).toContain('<code class="ep-labels">jk</code> <span class="ep-shape">[128, 256]</span>');
    expect(html).toContain(`<span class="ep-bytes">${formatBytes(128 * 256 * 4)}</span>`);
    const [first, second] = stepElements(html);
    expect(first!.body).toContain("reads operand 1 <code");
    expect(first!.body).toMatch(/writes an intermediate <code class="ep-labels">jl<\/code> .*\[128, 32\].*16\.0 KiB/);
    expect(first!.body).toContain("freed after step 2");
    expect(second!.body).toContain("the result of step 1");
    expect(second!.body).toContain("writes the output");
    expect(html).toContain("a backward pass keeps 16.0 KiB");
    // ttgt's copy of attention's right operand: its temporaries beside its time
    const ttgt = attention.steps[0]!.alternatives.find((a) => a.strategy === "ttgt")!;
    expect(ttgt.cost.temporaryBytes).toBe(2 ** 20);
    expect(planPicture(attention)).toMatch(/data-candidate="ttgt">.*?1\.0 MiB of temporaries/);
  });

  test("text from user code is escaped", () => {
    const step = gemm.steps[0]!;
    const crafted: Plan = {
      ...gemm,
      equation: "ij,jk-><script>alert(1)</script>",
      profile: 'generic" onload="x',
      steps: [
        {
          ...step,
          equation: "<img src=x onerror=alert(1)>",
          notes: ["<b>bold</b> & more"],
          alternatives: [{ ...step.alternatives[0]!, reason: "</li><script>" }],
        },
      ],
    };
    const html = planPicture(crafted);
    expect(html).not.toMatch(/<script|<img|<b>|onload="/);
    expect(html).toContain("ij,jk-&gt;&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(html).toContain("&lt;b&gt;bold&lt;/b&gt; &amp; more");
    expect(balanced(html)).toBe(true);
    expect(einsumChart([{ file: "<a>.ts", line: 1, equation: "<i>", plan: crafted }])).not.toMatch(/<a>|<i>|<script/);
    expect(roofline(crafted, PROFILES.generic)).not.toMatch(/<script|<img/);
  });
});

describe("einsumChart", () => {
  const ttgt = plan(
    "bqd,bkd->bqk",
    [
      [8, 512, 64],
      [8, 512, 64],
    ],
    { strategy: "ttgt" },
  );
  const entries: ChartEntry[] = [
    { file: "src/a.ts", line: 3, equation: "ij,ij->ij", plan: elementwise },
    { file: "src/a.ts", line: 9, equation: "ij,jk->ik", plan: gemm },
    { file: "src/b.ts", line: 2, equation: null, plan: undefined },
    { file: "src/b.ts", line: 5, equation: "ij,jk,kl->il", plan: chain },
    { file: "src/c.ts", line: 7, equation: "bqd,bkd->bqk", plan: ttgt },
  ];
  const html = einsumChart(entries, { href: (i) => `#e${i}` });
  const order = (kind: string) => {
    const section = new RegExp(`<section class="ep-chart ep-chart-${kind}">(.*?)</section>`).exec(html)![1]!;
    return [...section.matchAll(/data-entry="(\d+)"/g)].map((m) => Number(m[1]));
  };

  test("ranks the planned einsums by estimated time, longest first, each labelled with file:line, equation and time", () => {
    expect(balanced(html)).toBe(true);
    const byTime = order("time");
    const times = byTime.map((i) => entries[i]!.plan!.totals.estimatedSeconds);
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(byTime[0]).toBe(1); // the GEMM
    expect(new Set(byTime)).toEqual(new Set([0, 1, 3, 4]));
    for (const i of byTime) {
      const e = entries[i]!;
      expect(html).toContain(`<a href="#e${i}">${e.file}:${e.line}</a> <code class="ep-eq">`);
      expect(html).toContain(formatSeconds(e.plan!.totals.estimatedSeconds));
    }
    expect(html).toContain("ij,jk,kl-&gt;il");
    expect(html).toMatch(/Not charted[^<]*src\/b\.ts:2/);
  });

  test("ranks them by memory: peak temporaries and backward keeps, most first, with the bytes written", () => {
    expect(ttgt.totals.peakTemporaryBytes).toBe(2 ** 20);
    expect(chain.totals.backwardKeepsBytes).toBe(16 * 1024);
    expect(order("memory").slice(0, 2)).toEqual([4, 3]);
    expect(html).toMatch(/peak temporaries<\/span><svg.*?<\/svg><span class="ep-rank-value">1\.0 MiB</);
    expect(html).toMatch(/backward keeps<\/span><svg.*?<\/svg><span class="ep-rank-value">16\.0 KiB</);
  });

  test("says so when nothing is planned or nothing takes memory", () => {
    expect(einsumChart([])).toContain("No einsum has a plan.");
    expect(einsumChart([{ file: "a.ts", line: 1, equation: "ij,jk->ik", plan: gemm }])).toContain(
      "No einsum allocates temporaries",
    );
  });
});

describe("roofline", () => {
  const generic = PROFILES.generic;
  const ridge = generic.flopsPerSecond / generic.bytesPerSecond; // 4 TFLOP/s over 400 GB/s: 10 FLOP/B

  test("a big GEMM is compute-bound on the generic profile; an outer product and an elementwise product memory-bound", () => {
    expect(ridge).toBe(10);
    const big = plan("ij,jk->ik", [
      [2048, 2048],
      [2048, 2048],
    ]);
    expect(arithmeticIntensity(big.totals)).toBeGreaterThan(100); // 2n^3 FLOPs over 3 n^2 x 4 bytes
    expect(arithmeticIntensity(outer.totals)).toBeLessThan(1);
    expect(arithmeticIntensity(elementwise.totals)).toBeLessThan(1);
    const svg = roofline(big, generic);
    expect(svg).toMatch(/^<figure class="ep-roofline" data-bound="compute">/);
    expect(svg).toMatch(/Arithmetic intensity of the einsum: \d+ FLOP\/B, <strong>compute-bound<\/strong>/);
    expect(svg).toContain("ridge point 10.0 FLOP/B (4.0 TFLOP/s peak over 400.0 GB/s)");
    for (const p of [outer, elementwise]) {
      const html = roofline(p, generic);
      expect(html).toMatch(/^<figure class="ep-roofline" data-bound="memory">/);
      expect(html).toContain("<strong>memory-bound</strong>");
      expect(balanced(html)).toBe(true);
    }
  });

  test("draws a log-log SVG with the roof, the ridge and a point per step, and classifies each step", () => {
    const html = roofline(chain, generic);
    expect(balanced(html)).toBe(true);
    expect(html).toMatch(/<svg viewBox="0 0 \d+ \d+" role="img" aria-label="Roofline/);
    expect(html).toContain('<polyline class="ep-roof"');
    expect(html).toContain('<line class="ep-ridge"');
    expect(html.match(/<circle /g)).toHaveLength(chain.steps.length);
    const bounds = [...html.matchAll(/<li data-bound="(\w+)">step (\d)/g)].map((m) => [m[2], m[1]]);
    expect(bounds).toEqual(
      chain.steps.map((s, i) => [String(i + 1), arithmeticIntensity(s.cost) >= ridge ? "compute" : "memory"]),
    );
    // a step with no FLOPs (a diagonal) moves data only
    expect(roofline(plan("ii->i", [[8, 8]]), generic)).toContain("moves data only (0 FLOPs)");
  });
});

test("reportHtml shows the charts first, then each einsum's picture, roofline and WGSL, and why a call waits", () => {
  const gradient = plan("ik,jk->ij", [
    [1024, 1024],
    [1024, 1024],
  ]);
  const entry = (line: number, equation: string, p: Plan): ReportEntry => ({
    file: "src/model.ts",
    line,
    column: 5,
    equation,
    shapes: p.operands.map((o) => [...o.shape]),
    status: "planned",
    plan: p,
    dtype: "f32",
    kernels: p.steps.map((_, i) => ({ step: i + 1, code: `// kernel <${i + 1}>\n@compute fn main() {}` })),
  });
  const report: ProjectReport = {
    tsconfig: "/project/tsconfig.json",
    profile: "generic",
    files: 1,
    note: "Compiled for f32 operands.",
    einsums: [
      {
        ...entry(3, "ij,jk->ik", gemm),
        gradients: [{ operand: 0, equation: "ik,jk->ij", plan: gradient, kernels: [] }],
      },
      entry(4, "ij,jk,kl->il", chain),
      {
        file: "src/model.ts",
        line: 5,
        column: 5,
        equation: null,
        shapes: [null],
        status: "runtime",
        reason: "The equation is not a string literal.",
      },
    ],
  };
  const page = reportHtml(report);
  expect(balanced(page.replace(/<!doctype html>/, ""))).toBe(true);
  expect(page).toContain('<meta name="viewport"');
  expect(page.indexOf('<div class="ep-charts">')).toBeLessThan(page.indexOf('<table class="summary">'));
  expect(page.match(/<figure class="ep-plan">/g)).toHaveLength(3); // two einsums and a gradient
  expect(page.match(/<figure class="ep-roofline"/g)).toHaveLength(2);
  expect(page.indexOf('<section id="e0">')).toBeLessThan(page.indexOf('<figure class="ep-plan">'));
  expect(page).toContain('<a href="#e1">src/model.ts:4</a>');
  expect(page).toContain("<pre>// kernel &lt;1&gt;\n@compute fn main() {}</pre>");
  expect(page).toContain("<p>The equation is not a string literal.</p>");
  expect(page).toMatch(/Not charted[^<]*src\/model\.ts:5/);
  expect(page).toContain('<td data-label="est. time">');
  expect(page).not.toMatch(/<code>[^<]*->/); // equations escaped
});

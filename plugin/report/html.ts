/**
 * The build report as one self-contained HTML page a person reads: charts of every einsum by estimated time
 * and by memory, a summary table, then each einsum's plan as a picture, its roofline and its kernels' WGSL
 * (or why it is left to run time). Keyboard-accessible (links, details/summary) and readable from a
 * phone's width up: nothing scrolls sideways, nothing hides the numbers or the WGSL.
 */
import { explain, formatBytes, formatCount, formatSeconds } from "../../codegen/explain.js";
import type { Plan } from "../../codegen/plan-types.js";
import { PROFILES, type DeviceProfile } from "../../codegen/profile.js";
import { einsumChart, roofline } from "./charts.js";
import { escapeHtml as escape, PICTURE_CSS, planPicture } from "./picture.js";
import type { ProjectReport, ReportEntry, ReportKernel } from "./scan.js";

const STYLE =
  "body{font:15px/1.45 system-ui,sans-serif;margin:1.5em auto;padding:0 1em;max-width:80em;color:#1b1f24;" +
  "background:#fff}h1,h2,h3{line-height:1.25;overflow-wrap:anywhere}" +
  "a{color:#1a4fb5}a:focus-visible,summary:focus-visible{outline:2px solid #1a4fb5;outline-offset:2px}" +
  "table{border-collapse:collapse;width:100%}td,th{border:1px solid #b9c0ca;padding:.3em .6em;text-align:left;" +
  "vertical-align:top;overflow-wrap:break-word}th{background:#eef1f5}" +
  "pre{background:#f3f5f8;padding:.8em;white-space:pre-wrap;overflow-wrap:anywhere}" +
  "summary{cursor:pointer;font-weight:600;padding:.2em 0}section{border-top:1px solid #b9c0ca;margin-top:1.5em}" +
  ".error{color:#a00}" +
  "@media (max-width:760px){.summary thead{position:absolute;width:1px;height:1px;overflow:hidden;" +
  "clip:rect(0 0 0 0)}.summary tr,.summary td{display:block}.summary tr{border:1px solid #b9c0ca;" +
  "margin-bottom:.6em}.summary td{border:0;padding:.15em .5em}" +
  ".summary td::before{content:attr(data-label) ': ';font-weight:600}}" +
  PICTURE_CSS;
const HEADINGS = [
  "where",
  "equation",
  "shapes",
  "strategy",
  "dtype",
  "FLOPs",
  "read / written",
  "temporaries",
  "backward keeps",
  "est. time",
];
export function reportHtml(report: ProjectReport): string {
  const rows = report.einsums.map((e, i) => {
    const t = e.plan?.totals;
    const cells = [
      `<a href="#e${i}">${escape(`${e.file}:${e.line}`)}</a>`,
      `<code>${escape(e.equation ?? "(not a literal)")}</code>`,
      escape(shapesText(e)),
      e.plan !== undefined
        ? escape(e.plan.steps.map((s) => s.strategy).join(" + ")) + (e.status === "sized" ? " (sized at run time)" : "")
        : e.status === "runtime"
          ? "at run time"
          : `<span class="error">${escape(e.error!.code)}</span>`,
      e.dtype ?? "",
      t === undefined ? "" : formatCount(t.flops),
      t === undefined ? "" : `${formatBytes(t.bytesRead)} / ${formatBytes(t.bytesWritten)}`,
      t === undefined ? "" : formatBytes(t.temporaryBytes),
      t === undefined ? "" : formatBytes(t.backwardKeepsBytes),
      t === undefined ? "" : formatSeconds(t.estimatedSeconds),
    ];
    return `<tr>${cells.map((c, j) => `<td data-label="${HEADINGS[j]!}">${c}</td>`).join("")}</tr>`;
  });
  const details = report.einsums.map((e, i) => {
    const gradients = (e.gradients ?? []).map(
      (g) =>
        `<h3>gradient of operand ${g.operand}: <code>${escape(g.equation)}</code></h3>` +
        `${planPicture(g.plan)}${planText(g.plan)}${kernels(g.kernels)}`,
    );
    const body =
      e.plan !== undefined
        ? (e.reason === undefined ? "" : `<p>${escape(e.reason)}</p>`) +
          `${planPicture(e.plan)}${rooflineOf(e.plan)}${planText(e.plan)}${kernels(e.kernels!)}${gradients.join("")}`
        : e.status === "runtime"
          ? `<p>${escape(e.reason!)}</p>`
          : `<p class="error">${escape(e.error!.reason)}</p>`;
    const where = escape(`${e.file}:${e.line}:${e.column}`);
    return `<section id="e${i}"><h2>${where} <code>${escape(e.equation ?? "")}</code></h2>${body}</section>`;
  });
  const summary =
    `${report.einsums.length} einsum call(s) in ${report.files} file(s) of ${escape(report.tsconfig)}; ` +
    `costs estimated for the <code>${escape(report.profile)}</code> profile, operands assumed contiguous ` +
    `(their strides are known at run time). ${escape(report.note)}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>einsight report</title>
<style>${STYLE}</style>
</head><body>
<h1>einsight report</h1>
<p>${summary}</p>
${einsumChart(report.einsums, { href: (i) => `#e${i}` })}
<table class="summary"><thead><tr>${HEADINGS.map((h) => `<th>${h}</th>`).join("")}</tr></thead>
<tbody>${rows.join("\n")}</tbody></table>
${details.join("\n")}
</body></html>
`;
}

/** The plan as explain's table, folded: the picture above shows the same numbers. */
function planText(plan: Plan): string {
  return `<details><summary>plan as text</summary><pre>${escape(explain(plan))}</pre></details>`;
}

/** The roofline on the plan's profile (its name before " with a tile table"), where it is a known one. */
function rooflineOf(plan: Plan): string {
  const name = plan.profile.replace(/ with a tile table$/, "");
  const profile = Object.hasOwn(PROFILES, name) ? (PROFILES as Record<string, DeviceProfile>)[name] : undefined;
  return profile === undefined ? "" : roofline(plan, profile);
}

function kernels(list: readonly ReportKernel[]): string {
  return list
    .map(
      (k, j) =>
        `<details><summary>kernel ${j + 1} (step ` + `${k.step})</summary><pre>${escape(k.code)}</pre></details>`,
    )
    .join("");
}

/** The operands' shapes as the types know them: `[2, 3] [3, number]`, `?` for no shape. */
export function shapesText(e: ReportEntry): string {
  return e.shapes.map((s) => (s === null ? "?" : `[${s.map((n) => n ?? "number").join(", ")}]`)).join(" ");
}

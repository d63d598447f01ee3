/**
 * The build report as one self-contained HTML page a person reads: a summary table, then each einsum's plan and
 * kernels.
 */
import { explain, formatBytes, formatCount, formatSeconds } from "../../codegen/explain.js";
import type { ProjectReport, ReportEntry, ReportKernel } from "./scan.js";

const STYLE =
  "body{font:14px system-ui,sans-serif;margin:2em}table{border-collapse:collapse}" +
  "td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left}pre{background:#f6f6f6;padding:.8em;overflow:auto}" +
  ".error{color:#b00}";
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
    return `<tr>${cells.map((c) => `<td>${c}</td>`).join("")}</tr>`;
  });
  const details = report.einsums.map((e, i) => {
    const gradients = (e.gradients ?? []).map(
      (g) =>
        `<h3>gradient of operand ${g.operand}: <code>${escape(g.equation)}</code></h3>` +
        `<pre>${escape(explain(g.plan))}</pre>${kernels(g.kernels)}`,
    );
    const body =
      e.plan !== undefined
        ? (e.reason === undefined ? "" : `<p>${escape(e.reason)}</p>`) +
          `<pre>${escape(explain(e.plan))}</pre>${kernels(e.kernels!)}${gradients.join("")}`
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
<html lang="en"><head><meta charset="utf-8"><title>einsight report</title>
<style>${STYLE}</style>
</head><body>
<h1>einsight report</h1>
<p>${summary}</p>
<table><thead><tr>${HEADINGS.map((h) => `<th>${h}</th>`).join("")}</tr></thead>
<tbody>${rows.join("\n")}</tbody></table>
${details.join("\n")}
</body></html>
`;
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

function escape(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);
}

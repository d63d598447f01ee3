/**
 * A plan as a picture: its operands, its steps in the order they run and its output, each step with
 * the chosen strategy beside every alternative, their estimated times drawn as bars and written as
 * numbers. Pure functions from plan data to HTML fragments (no scripts, no DOM, no Node APIs), for
 * the build report and any page that shows plans. Every text taken from the plan is escaped.
 *
 * What a page may rely on: classes prefixed `ep-` (PICTURE_CSS styles them all, charts.ts's too);
 * `data-strategy` (the chosen strategy), `data-step` (1-based) and `data-kind` on each `.ep-step`;
 * `data-candidate` (a strategy) on each `.ep-cand`, with `data-chosen="true"` on the chosen one;
 * `data-operand` (0-based) on each `.ep-operand`.
 */
import type { Cost } from "../../codegen/cost.js";
import { DTYPE_BYTES } from "../../codegen/dtype.js";
import { describeTiles, formatBytes, formatCount, formatSeconds } from "../../codegen/explain.js";
import type { Plan, PlanStep } from "../../codegen/plan-types.js";

const ENTITIES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** The text as HTML text or a quoted attribute value: `& < > " '` escaped. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

const CHOSEN_FILL = "#1d4ed8";
const OTHER_FILL = "#5b6472";

/**
 * A horizontal bar: an SVG track whose filled share is `fraction` (0 to 1) of its width, hidden from
 * assistive technology (the number written beside it says the same). Coloured without CSS too.
 */
export function barSvg(
  fraction: number,
  options: { readonly highlight?: boolean; readonly fill?: string } = {},
): string {
  const share = fraction > 0 ? Math.min(100, Math.max(0.5, fraction * 100)) : 0;
  const cls = options.fill ?? (options.highlight === true ? "ep-fill ep-fill-chosen" : "ep-fill");
  const colour = options.highlight === true ? CHOSEN_FILL : OTHER_FILL;
  return (
    `<svg class="ep-track" width="100%" height="12" aria-hidden="true" focusable="false">` +
    `<rect class="ep-track-bg" x="0" y="0" width="100%" height="12" rx="2" fill="#e4e7ec"></rect>` +
    `<rect class="${cls}" x="0" y="0" width="${share.toFixed(2)}%" height="12" rx="2" fill="${colour}"></rect></svg>`
  );
}

/** `[1024, 1024]`; `[]` for a scalar. */
export function shapeText(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}

function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function elementBytes(plan: Plan): number {
  return DTYPE_BYTES[plan.dtype] ?? 4;
}

/** Each operand's labels as the equation writes them (`ij`), else as its first step reads them. */
function operandTerms(plan: Plan): string[] {
  const inputs = (plan.equation.split("->")[0] ?? "").split(",").map((t) => t.trim());
  return plan.operands.map((_, k) => {
    if (inputs.length === plan.operands.length) return inputs[k]!;
    const read = plan.steps.flatMap((s) => s.inputs).find((i) => "operand" in i.ref && i.ref.operand === k);
    return read === undefined ? "" : read.labels.join("");
  });
}

/**
 * The plan as an HTML fragment: a `<figure class="ep-plan">` whose caption names the einsum, its
 * profile, dtype and totals, then a flow (`ol.ep-flow`) from the inputs through every step to the
 * output, each stage saying in words what it reads and writes.
 */
export function planPicture(plan: Plan): string {
  const terms = operandTerms(plan);
  const bytes = elementBytes(plan);
  const operands = plan.operands.map(
    (o, k) =>
      `<li class="ep-operand" data-operand="${k}"><span class="ep-name">operand ${k}</span> ` +
      `<code class="ep-labels">${escapeHtml(terms[k]!)}</code> <span class="ep-shape">${shapeText(o.shape)}</span> ` +
      `<span class="ep-bytes">${formatBytes(elementCount(o.shape) * (DTYPE_BYTES[o.dtype] ?? bytes))}</span></li>`,
  );
  const inputs =
    `<li class="ep-stage ep-inputs"><p class="ep-stage-title">Inputs</p>` +
    `<ul class="ep-operands">${operands.join("")}</ul></li>`;
  const steps = plan.steps.map((_, i) => stepHtml(plan, i, terms));
  const out = plan.output;
  const flags = [
    out.accumulate ? "added into the existing values" : "",
    out.view === true ? "written into the caller's view" : "",
  ].filter((f) => f !== "");
  const output =
    `<li class="ep-stage ep-output">${fromLine(`step ${plan.steps.length} writes it`)}` +
    `<p class="ep-stage-title">Output</p><p><code class="ep-labels">${escapeHtml(out.labels.join(""))}</code> ` +
    `<span class="ep-shape">${shapeText(out.shape)}</span> ` +
    `<span class="ep-bytes">${formatBytes(elementCount(out.shape) * bytes)}</span>` +
    `${flags.length === 0 ? "" : ` (${flags.join(", ")})`}</p></li>`;
  return (
    `<figure class="ep-plan">${caption(plan)}` +
    `<ol class="ep-flow">${inputs}${steps.join("")}${output}</ol>${totalsLine(plan)}</figure>`
  );
}

function caption(plan: Plan): string {
  const extras = [
    plan.memoryBudget === null ? "" : `memory budget ${formatBytes(plan.memoryBudget)}`,
    plan.strategy === null ? "" : `'${escapeHtml(plan.strategy)}' forced`,
    (plan.runtimeSizes ?? []).length === 0
      ? ""
      : `costs at nominal sizes of ${plan.runtimeSizes!.map((l) => `'${escapeHtml(l)}'`).join(", ")} ` +
        `(known at run time)`,
  ].filter((e) => e !== "");
  return (
    `<figcaption class="ep-caption">einsum <code class="ep-eq">${escapeHtml(plan.equation)}</code> ` +
    `<span class="ep-meta">${plan.steps.length} step(s), ${escapeHtml(plan.dtype)}, profile ` +
    `${escapeHtml(plan.profile)}${extras.map((e) => `, ${e}`).join("")}; estimated ` +
    `<strong>${formatSeconds(plan.totals.estimatedSeconds)}</strong></span></figcaption>`
  );
}

function totalsLine(plan: Plan): string {
  const t = plan.totals;
  return (
    `<p class="ep-totals">In all: ${formatCount(t.flops)} FLOPs, ${formatBytes(t.bytesRead)} read, ` +
    `${formatBytes(t.bytesWritten)} written, ${formatBytes(t.temporaryBytes)} of temporaries (peak ` +
    `${formatBytes(t.peakTemporaryBytes)}), ${t.dispatches} dispatch(es), estimated ` +
    `${formatSeconds(t.estimatedSeconds)}; a backward pass keeps ${formatBytes(t.backwardKeepsBytes)} ` +
    `beyond the operands.</p>`
  );
}

function fromLine(words: string): string {
  return `<p class="ep-from"><span class="ep-arrow" aria-hidden="true">&#8595;</span> ${words}</p>`;
}

/** One step as a stage of the flow: what it reads, how it runs, what it writes, and its strategies. */
function stepHtml(plan: Plan, i: number, terms: readonly string[]): string {
  const step = plan.steps[i]!;
  const last = i === plan.steps.length - 1;
  const reads = step.inputs
    .map((input) =>
      "operand" in input.ref
        ? `operand ${input.ref.operand} <code class="ep-labels">${escapeHtml(terms[input.ref.operand] ?? "")}</code>`
        : `the result of step ${input.ref.step + 1} ` +
          `<code class="ep-labels">${escapeHtml(input.labels.join(""))}</code>`,
    )
    .join(" and ");
  const freedBy = plan.steps.findIndex((s) => s.frees.includes(i));
  const lifetime = last ? "" : freedBy < 0 ? " (kept to the end)" : `, freed after step ${freedBy + 1}`;
  const resultBytes = formatBytes(elementCount(step.output.shape) * elementBytes(plan));
  const c = step.cost;
  const temporaries =
    c.temporaryBytes > 0
      ? `${formatBytes(c.temporaryBytes)} of temporaries` +
        (step.copies !== undefined && step.copies.length > 0 ? ` (copies of input ${step.copies.join(" and ")})` : "")
      : "no temporaries";
  const freed = step.frees.map((s) => `step ${s + 1}'s result`).join(" and ");
  const strategy = escapeHtml(step.strategy);
  return (
    `<li class="ep-stage ep-step" data-step="${i + 1}" data-kind="${escapeHtml(step.kind)}" ` +
    `data-strategy="${strategy}">${fromLine(`reads ${reads}`)}` +
    `<p class="ep-step-head"><span class="ep-step-no">Step ${i + 1}</span> ` +
    `<span class="ep-kind">${escapeHtml(step.kind)}</span> ` +
    `<code class="ep-eq">${escapeHtml(step.equation)}</code></p>` +
    `<p class="ep-run">runs as <strong class="ep-strategy">${strategy}</strong> (chosen), estimated ` +
    `<strong>${formatSeconds(c.estimatedSeconds)}</strong>` +
    `${step.tiles === undefined ? "" : `; ${escapeHtml(describeTiles(step.tiles))}`}</p>` +
    `<p class="ep-result">writes ${last ? "the output" : "an intermediate"} ` +
    `<code class="ep-labels">${escapeHtml(step.output.labels.join(""))}</code> ` +
    `<span class="ep-shape">${shapeText(step.output.shape)}</span> <span class="ep-bytes">${resultBytes}</span>` +
    `${lifetime}</p>` +
    `<p class="ep-temps">${temporaries}; ${formatCount(c.flops)} FLOPs, ${formatBytes(c.bytesRead)} read, ` +
    `${formatBytes(c.bytesWritten)} written, ${c.dispatches} dispatch(es)` +
    `${freed === "" ? "" : `; then frees ${freed}`}</p>` +
    `${candidates(step, i)}${notes(step)}</li>`
  );
}

/** The chosen strategy and every alternative, each a bar of its estimated time with the time written beside it. */
function candidates(step: PlanStep, i: number): string {
  const rows: { strategy: string; cost: Cost; reason: string; chosen: boolean }[] = [
    { strategy: step.strategy, cost: step.cost, reason: "", chosen: true },
    ...step.alternatives.map((a) => ({ strategy: a.strategy, cost: a.cost, reason: a.reason, chosen: false })),
  ];
  const longest = Math.max(...rows.map((r) => r.cost.estimatedSeconds));
  const chosenTime = step.cost.estimatedSeconds;
  const items = rows.map((r) => {
    const t = r.cost.estimatedSeconds;
    const strategy = escapeHtml(r.strategy);
    const words = [
      r.chosen || !(chosenTime > 0) || r.reason.includes("x the chosen")
        ? ""
        : `${(t / chosenTime).toFixed(2)}x the chosen time`,
      r.cost.temporaryBytes > 0 ? `${formatBytes(r.cost.temporaryBytes)} of temporaries` : "",
      escapeHtml(r.reason),
    ].filter((w) => w !== "");
    return (
      `<li class="ep-cand${r.chosen ? " ep-cand-chosen" : ""}" data-candidate="${strategy}"` +
      `${r.chosen ? ' data-chosen="true"' : ""}><span class="ep-cand-name">${strategy}` +
      `${r.chosen ? ' <strong class="ep-mark">chosen</strong>' : ""}</span>` +
      `${barSvg(longest > 0 ? t / longest : 0, { highlight: r.chosen })}` +
      `<span class="ep-cand-time">${formatSeconds(t)}</span>` +
      `${words.length === 0 ? "" : `<span class="ep-cand-note">${words.join("; ")}</span>`}</li>`
    );
  });
  const label = `Estimated time of each strategy for step ${i + 1}`;
  return `<ul class="ep-cands" aria-label="${label}">${items.join("")}</ul>`;
}

function notes(step: PlanStep): string {
  if (step.notes.length === 0) return "";
  return `<ul class="ep-notes">${step.notes.map((n) => `<li>note: ${escapeHtml(n)}</li>`).join("")}</ul>`;
}

/**
 * The styles of every `ep-` fragment (plan pictures, charts, rooflines): light, high-contrast,
 * scoped to `ep-` classes, wrapping at any width from a 390 px phone up (nothing scrolls sideways).
 */
export const PICTURE_CSS = [
  ".ep-plan,.ep-charts,.ep-roofline{--ep-ink:#1b1f24;--ep-muted:#454b54;--ep-line:#b9c0ca;",
  "--ep-chosen:#1d4ed8;--ep-other:#5b6472;--ep-soft:#f3f5f8;color:var(--ep-ink);margin:1em 0;",
  "max-width:100%;min-width:0;overflow-wrap:anywhere;line-height:1.45}",
  ".ep-plan code,.ep-charts code,.ep-roofline code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;",
  "font-size:.95em;background:#eef1f5;border-radius:3px;padding:0 .25em;overflow-wrap:anywhere}",
  ".ep-plan p,.ep-charts p,.ep-roofline p{margin:.25em 0}",
  ".ep-caption{font-weight:600;margin-bottom:.5em}.ep-meta{font-weight:400;color:var(--ep-muted)}",
  ".ep-flow{list-style:none;margin:0;padding:0;display:flex;flex-direction:column;gap:.4em}",
  ".ep-stage{border:1px solid var(--ep-line);border-radius:6px;padding:.5em .8em;background:var(--ep-soft)}",
  ".ep-step{background:#fff;border-left:5px solid var(--ep-chosen)}",
  ".ep-stage-title,.ep-step-head{font-weight:600}.ep-step-no{margin-right:.3em}",
  ".ep-kind{color:var(--ep-muted);font-weight:400}",
  ".ep-from{color:var(--ep-muted)}.ep-arrow{color:var(--ep-chosen);font-weight:700;font-size:1.15em}",
  ".ep-operands{list-style:none;margin:.3em 0 0;padding:0;display:flex;flex-wrap:wrap;gap:.4em}",
  ".ep-operand{border:1px solid var(--ep-line);border-radius:4px;padding:.15em .5em;background:#fff}",
  ".ep-name{font-weight:600}.ep-shape,.ep-bytes{white-space:nowrap}",
  ".ep-cands{list-style:none;margin:.5em 0 .2em;padding:0;display:flex;flex-direction:column;gap:.4em}",
  ".ep-cand{display:grid;grid-template-columns:9em minmax(3em,1fr) 6.5em;",
  "gap:.1em .6em;align-items:center}",
  ".ep-cand-time{font-variant-numeric:tabular-nums;text-align:right}",
  ".ep-cand-chosen .ep-cand-time{font-weight:700}",
  ".ep-cand-note{grid-column:1/-1;color:var(--ep-muted);font-size:.9em}",
  ".ep-mark{background:var(--ep-chosen);color:#fff;border-radius:3px;padding:0 .35em;font-size:.85em}",
  ".ep-track{display:block;width:100%;height:12px;min-width:0}",
  ".ep-track-bg{fill:#e4e7ec}.ep-fill{fill:var(--ep-other)}.ep-fill-chosen{fill:var(--ep-chosen)}",
  ".ep-fill-temp{fill:#b45309}.ep-fill-back{fill:#6d28d9}",
  ".ep-notes{margin:.3em 0 0;padding-left:1.2em;color:var(--ep-muted)}",
  ".ep-totals{color:var(--ep-muted);margin-top:.5em}",
  ".ep-chart-pair{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,26em),1fr));gap:1em}",
  ".ep-chart{border:1px solid var(--ep-line);border-radius:6px;padding:.6em .8em;min-width:0}",
  ".ep-chart-title{font-weight:600}.ep-chart-none{color:var(--ep-muted)}",
  ".ep-ranks{list-style:none;margin:.4em 0 0;padding:0;display:flex;flex-direction:column;gap:.5em}",
  ".ep-rank{display:grid;grid-template-columns:minmax(3em,1fr) 6.5em;gap:.1em .6em;",
  "align-items:center}",
  ".ep-rank-label{grid-column:1/-1}.ep-rank-value{font-variant-numeric:tabular-nums;text-align:right}",
  ".ep-chart-memory .ep-rank{grid-template-columns:9.5em minmax(3em,1fr) 5.5em}",
  ".ep-rank-what{color:var(--ep-muted);white-space:nowrap}",
  ".ep-rank a{color:#1a4fb5}.ep-rank a:focus-visible{outline:2px solid #1a4fb5;outline-offset:2px}",
  ".ep-roofline svg{display:block;width:100%;max-width:640px;height:auto}",
  ".ep-roofline .ep-axis{stroke:#454b54;fill:none}.ep-roofline .ep-grid{stroke:#dde1e7;fill:none}",
  ".ep-roofline .ep-roof{stroke:var(--ep-chosen);stroke-width:2.5;fill:none}",
  ".ep-roofline .ep-ridge{stroke:#b45309;stroke-dasharray:4 3;fill:none}",
  ".ep-roofline text{fill:#1b1f24;font:12px system-ui,sans-serif}",
  ".ep-roof-points{margin:.3em 0 0;padding-left:1.2em}",
  "@media (max-width:480px){.ep-cand{grid-template-columns:1fr max-content}",
  ".ep-cand .ep-track{grid-column:1/-1;grid-row:2}.ep-stage{padding:.45em .55em}}",
].join("");

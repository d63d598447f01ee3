/**
 * A project's einsums as charts (ranked by estimated time and by memory) and one plan's roofline.
 * Pure functions from report data to HTML fragments (no scripts, no DOM, no Node APIs); every text
 * taken from the data is escaped, and every bar's number is written beside it. Styled by PICTURE_CSS.
 */
import type { Cost } from "../../codegen/cost.js";
import { formatBytes, formatCount, formatSeconds } from "../../codegen/explain.js";
import type { Plan } from "../../codegen/plan-types.js";
import type { DeviceProfile } from "../../codegen/profile.js";
import { barSvg, escapeHtml } from "./picture.js";
import type { ReportEntry } from "./scan.js";

/** What the charts read of a report entry; entries without a plan are listed as not charted. */
export type ChartEntry = Pick<ReportEntry, "file" | "line" | "equation" | "plan">;

export interface ChartOptions {
  /** The link of the entry at `index` of the list given (say to its section), or none. */
  readonly href?: (index: number) => string | undefined;
}

/**
 * Two charts in a `div.ep-charts`: every planned entry ranked by estimated time (`.ep-chart-time`),
 * and by memory (`.ep-chart-memory`: peak temporaries and what a backward pass keeps, the larger
 * first), each row an `li.ep-rank` with `data-entry` (its index in `entries`), its file:line,
 * equation, bar and number. Ties keep the entries' order.
 */
export function einsumChart(entries: readonly ChartEntry[], options: ChartOptions = {}): string {
  const planned = entries.flatMap((e, index) => (e.plan === undefined ? [] : [{ e, plan: e.plan, index }]));
  const byTime = [...planned].sort((a, b) => b.plan.totals.estimatedSeconds - a.plan.totals.estimatedSeconds);
  const memory = (p: Plan) => Math.max(p.totals.peakTemporaryBytes, p.totals.backwardKeepsBytes);
  const byMemory = [...planned].sort(
    (a, b) => memory(b.plan) - memory(a.plan) || b.plan.totals.temporaryBytes - a.plan.totals.temporaryBytes,
  );
  const longest = byTime[0]?.plan.totals.estimatedSeconds ?? 0;
  const most = byMemory.length === 0 ? 0 : memory(byMemory[0]!.plan);
  const label = (e: ChartEntry, index: number, plan: Plan) => {
    const where = escapeHtml(`${e.file}:${e.line}`);
    const link = options.href?.(index);
    const nominal = (plan.runtimeSizes ?? []).length > 0 ? " (at nominal sizes)" : "";
    return (
      `<span class="ep-rank-label">${link === undefined ? where : `<a href="${escapeHtml(link)}">${where}</a>`} ` +
      `<code class="ep-eq">${escapeHtml(e.equation ?? plan.equation)}</code>${nominal}</span>`
    );
  };
  const timeRows = byTime.map(({ e, plan, index }) => {
    const t = plan.totals.estimatedSeconds;
    return (
      `<li class="ep-rank" data-entry="${index}">${label(e, index, plan)}` +
      `${barSvg(longest > 0 ? t / longest : 0, { highlight: true })}` +
      `<span class="ep-rank-value">${formatSeconds(t)}</span></li>`
    );
  });
  const memoryRows = byMemory.map(({ e, plan, index }) => {
    const t = plan.totals;
    const bar = (bytes: number, fill: string, what: string) =>
      `<span class="ep-rank-what">${what}</span>${barSvg(most > 0 ? bytes / most : 0, { fill })}` +
      `<span class="ep-rank-value">${formatBytes(bytes)}</span>`;
    return (
      `<li class="ep-rank" data-entry="${index}">${label(e, index, plan)}` +
      `${bar(t.peakTemporaryBytes, "ep-fill-temp", "peak temporaries")}` +
      `${bar(t.backwardKeepsBytes, "ep-fill-back", "backward keeps")}</li>`
    );
  });
  const unplanned = entries.filter((e) => e.plan === undefined).map((e) => escapeHtml(`${e.file}:${e.line}`));
  return (
    `<div class="ep-charts"><div class="ep-chart-pair">` +
    chart("time", "Estimated time, longest first", timeRows, planned.length === 0 ? "No einsum has a plan." : "") +
    chart(
      "memory",
      "Memory: peak temporaries and what a backward pass keeps, most first",
      memoryRows,
      planned.length === 0
        ? "No einsum has a plan."
        : most === 0
          ? "No einsum allocates temporaries or keeps memory for a backward pass."
          : "",
    ) +
    `</div>` +
    (unplanned.length === 0
      ? ""
      : `<p class="ep-chart-none">Not charted (no build-time plan: left to run time, or an error): ` +
        `${unplanned.join(", ")}.</p>`) +
    `</div>`
  );
}

function chart(kind: string, title: string, rows: readonly string[], empty: string): string {
  const body = empty !== "" ? `<p>${empty}</p>` : `<ol class="ep-ranks">${rows.join("")}</ol>`;
  return `<section class="ep-chart ep-chart-${kind}"><p class="ep-chart-title">${title}</p>${body}</section>`;
}

/** FLOPs per byte the kernels move (`bytesRead + bytesWritten` of the cost model); 0 where nothing moves. */
export function arithmeticIntensity(cost: Pick<Cost, "flops" | "bytesRead" | "bytesWritten">): number {
  const bytes = cost.bytesRead + cost.bytesWritten;
  return bytes > 0 ? cost.flops / bytes : 0;
}

/** The FLOP rate a plan's roof stands at: subgroup matrices' where a step runs on them and the profile has them. */
function peakOf(plan: Plan, profile: DeviceProfile): { rate: number; what: string } {
  const matrix = plan.steps.some((s) => s.tiles !== undefined && s.tiles.kind !== "scalar");
  return matrix && profile.matrixFlopsPerSecond !== undefined
    ? { rate: profile.matrixFlopsPerSecond, what: "subgroup-matrix" }
    : { rate: profile.flopsPerSecond, what: "peak" };
}

interface RoofPoint {
  readonly label: string;
  readonly words: string;
  readonly intensity: number;
}

/**
 * The plan's roofline on the profile: a `figure.ep-roofline` with `data-bound` ("memory" or
 * "compute", the einsum's) holding a log-log SVG of attainable FLOP/s against arithmetic intensity
 * (the roof, the ridge point, the einsum and each step on the roof at its intensity), a line
 * stating the intensity, the ridge and the bound, and a list with each step's (`li[data-bound]`).
 * Memory-bound: intensity below the ridge (peak FLOP/s over bytes per second).
 */
export function roofline(plan: Plan, profile: DeviceProfile): string {
  const peak = peakOf(plan, profile);
  const ridge = peak.rate / profile.bytesPerSecond;
  const bound = (x: number) => (x >= ridge ? "compute" : "memory");
  const total = arithmeticIntensity(plan.totals);
  const steps: RoofPoint[] = plan.steps.map((s, i) => ({
    label: String(i + 1),
    words: `step ${i + 1} (${s.kind} <code>${escapeHtml(s.equation)}</code>, ${escapeHtml(s.strategy)})`,
    intensity: arithmeticIntensity(s.cost),
  }));
  const points: RoofPoint[] = [
    { label: "einsum", words: "the einsum", intensity: total },
    ...(steps.length > 1 ? steps : []),
  ];
  const rate = (n: number, unit: string) => `${formatCount(n).replace(/([kMGT])$/, " $1")}${unit}`;
  const ridgeText =
    `ridge point ${intensityText(ridge)} FLOP/B (${rate(peak.rate, "FLOP/s")} ${peak.what} over ` +
    `${rate(profile.bytesPerSecond, "B/s")})`;
  const state = (x: number) =>
    x > 0
      ? `${intensityText(x)} FLOP/B, <strong>${bound(x)}-bound</strong>`
      : `moves data only (0 FLOPs), <strong>memory-bound</strong>`;
  const list = steps.map(
    (p) => `<li data-bound="${p.intensity > 0 ? bound(p.intensity) : "memory"}">${p.words}: ${state(p.intensity)}</li>`,
  );
  const summary =
    `Arithmetic intensity of the einsum: ${state(total)} on ${escapeHtml(profile.name)}; ${ridgeText}. ` +
    `Bytes are what the chosen kernels move (cost model), so a kernel without reuse shows low intensity.`;
  return (
    `<figure class="ep-roofline" data-bound="${total > 0 ? bound(total) : "memory"}">` +
    rooflineSvg({ points, peak: peak.rate, bandwidth: profile.bytesPerSecond, ridge }) +
    `<figcaption><p class="ep-roof-text">${summary}</p>` +
    `<ul class="ep-roof-points">${list.join("")}</ul></figcaption></figure>`
  );
}

/** `170`, `12.5`, `0.17`: an intensity with two or three significant digits. */
function intensityText(x: number): string {
  return x >= 100 ? x.toFixed(0) : x >= 1 ? x.toFixed(1) : x.toPrecision(2);
}

const W = 480;
const H = 300;
const M = { left: 58, right: 14, top: 14, bottom: 42 };

/** The roofline's log-log axes, decades from `lo` to `hi` (powers of ten), mapped into the plot box. */
interface Axes {
  readonly x: (v: number) => number;
  readonly y: (v: number) => number;
  readonly xs: readonly number[];
  readonly ys: readonly number[];
}

function axes(xValues: readonly number[], yLow: number, yHigh: number): Axes {
  const xlo = Math.floor(Math.log10(Math.min(...xValues))) - 1;
  const xhi = Math.max(xlo + 3, Math.ceil(Math.log10(Math.max(...xValues))) + 1);
  const ylo = Math.floor(Math.log10(yLow));
  const yhi = Math.max(ylo + 2, Math.ceil(Math.log10(yHigh * 1.5)));
  const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, k) => a + k);
  return {
    x: (v) => M.left + ((Math.log10(v) - xlo) / (xhi - xlo)) * (W - M.left - M.right),
    y: (v) => H - M.bottom - ((Math.log10(v) - ylo) / (yhi - ylo)) * (H - M.top - M.bottom),
    xs: range(xlo, xhi),
    ys: range(ylo, yhi),
  };
}

function decade(k: number): string {
  if (k < 0) return (10 ** k).toFixed(-k);
  const units = ["", "k", "M", "G", "T", "P", "E"];
  const unit = Math.min(Math.floor(k / 3), units.length - 1);
  return `${10 ** (k - unit * 3)}${units[unit]}`;
}

/** The SVG of a roofline: decade grid, the roof (bandwidth slope up to the ridge, then the peak), points on it. */
function rooflineSvg(o: { points: readonly RoofPoint[]; peak: number; bandwidth: number; ridge: number }): string {
  const shown = o.points.filter((p) => p.intensity > 0 && Number.isFinite(p.intensity));
  const xValues = [o.ridge, ...shown.map((p) => p.intensity)];
  const attain = (x: number) => Math.min(o.peak, x * o.bandwidth);
  const first = 10 ** (Math.floor(Math.log10(Math.min(...xValues))) - 1);
  const a = axes(xValues, attain(first), o.peak);
  const [x0, x1] = [10 ** a.xs[0]!, 10 ** a.xs.at(-1)!];
  const [y0] = [10 ** a.ys[0]!];
  const start = Math.max(x0, y0 / o.bandwidth);
  const f = (n: number) => n.toFixed(1);
  const grid = [
    ...a.xs.map(
      (k) =>
        `<line class="ep-grid" x1="${f(a.x(10 ** k))}" y1="${M.top}" x2="${f(a.x(10 ** k))}" y2="${H - M.bottom}"/>`,
    ),
    ...a.ys.map(
      (k) =>
        `<line class="ep-grid" x1="${M.left}" y1="${f(a.y(10 ** k))}" x2="${W - M.right}" y2="${f(a.y(10 ** k))}"/>`,
    ),
  ];
  const ticks = [
    ...a.xs.map(
      (k) => `<text x="${f(a.x(10 ** k))}" y="${H - M.bottom + 15}" text-anchor="middle">${decade(k)}</text>`,
    ),
    ...a.ys.map((k) => `<text x="${M.left - 6}" y="${f(a.y(10 ** k) + 4)}" text-anchor="end">${decade(k)}</text>`),
  ];
  const roof =
    `<polyline class="ep-roof" fill="none" stroke="#1d4ed8" stroke-width="2.5" points="` +
    `${f(a.x(start))},${f(a.y(attain(start)))} ${f(a.x(o.ridge))},${f(a.y(o.peak))} ${f(a.x(x1))},${f(a.y(o.peak))}"/>`;
  const ridge =
    `<line class="ep-ridge" stroke="#b45309" stroke-dasharray="4 3" x1="${f(a.x(o.ridge))}" y1="${f(a.y(o.peak))}" ` +
    `x2="${f(a.x(o.ridge))}" y2="${H - M.bottom}"/>` +
    `<text x="${f(a.x(o.ridge) + 4)}" y="${H - M.bottom - 6}">ridge</text>`;
  const dots = shown.map((p, i) => {
    const [cx, cy] = [a.x(p.intensity), a.y(attain(p.intensity))];
    const mark =
      p.label === "einsum"
        ? `<rect x="${f(cx - 5)}" y="${f(cy - 5)}" width="10" height="10" fill="#b45309"/>`
        : `<circle cx="${f(cx)}" cy="${f(cy)}" r="4.5" fill="#1b1f24"/>`;
    return `${mark}<text x="${f(cx + 7)}" y="${f(cy + 14 + (i % 2) * 11)}">${escapeHtml(p.label)}</text>`;
  });
  const axesLines =
    `<path class="ep-axis" fill="none" stroke="#454b54" d="M${M.left},${M.top}V${H - M.bottom}H${W - M.right}"/>` +
    `<text x="${(M.left + W - M.right) / 2}" y="${H - 6}" text-anchor="middle">FLOPs per byte moved</text>` +
    `<text x="14" y="${(M.top + H - M.bottom) / 2}" text-anchor="middle" ` +
    `transform="rotate(-90 14 ${(M.top + H - M.bottom) / 2})">attainable FLOP/s</text>`;
  const title = "Roofline: attainable FLOP/s against arithmetic intensity, log-log";
  return (
    `<svg viewBox="0 0 ${W} ${H}" role="img" aria-label="${title}" font-family="system-ui,sans-serif" ` +
    `font-size="12"><title>${title}</title>${grid.join("")}${ticks.join("")}${axesLines}${roof}${ridge}` +
    `${dots.join("")}</svg>`
  );
}

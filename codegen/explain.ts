/** A plan as text a person reads: each step, the chosen strategy and every alternative with why it lost. */
import type { Cost } from "./cost.js";
import type { TileConfig } from "./tile-config.js";
import type { Plan } from "./plan-types.js";

export function explain(plan: Plan): string {
  const shapes = plan.operands.map((o) => `[${o.shape.join(", ")}]`).join(" ");
  const lines = [
    `einsum ${plan.equation}   ${shapes} -> [${plan.output.shape.join(", ")}]   profile ${plan.profile}` +
      (plan.memoryBudget === null ? "" : `, memoryBudget ${formatBytes(plan.memoryBudget)}`) +
      (plan.strategy === null ? "" : `, forced '${plan.strategy}'`),
  ];
  plan.steps.forEach((step, i) => {
    const tiles = step.tiles === undefined ? "" : ` ${describeTiles(step.tiles)}`;
    const from = step.inputs
      .map((input) => ("operand" in input.ref ? `operand ${input.ref.operand}` : `step ${input.ref.step + 1}`))
      .join(", ");
    lines.push(
      "",
      `step ${i + 1}: ${step.kind} ${step.equation} (${from}) -> ` +
        `${i === plan.steps.length - 1 ? "output" : "intermediate"} [${step.output.shape.join(", ")}]: ` +
        `'${step.strategy}'${tiles}`,
    );
    const rows = [
      ["strategy", "FLOPs", "read", "written", "temporaries", "est. time", ""],
      row(step.strategy, step.cost, "chosen"),
      ...step.alternatives.map((a) => row(a.strategy, a.cost, a.reason)),
    ];
    lines.push(...table(rows).map((l) => `  ${l}`));
    for (const note of step.notes) lines.push(`  note: ${note}`);
  });
  const t = plan.totals;
  lines.push(
    "",
    `total: ${formatCount(t.flops)} FLOPs, ${formatBytes(t.bytesRead)} read, ` +
      `${formatBytes(t.bytesWritten)} written, ${formatBytes(t.temporaryBytes)} of temporaries (peak ` +
      `${formatBytes(t.peakTemporaryBytes)}), ${t.dispatches} dispatch(es), estimated ` +
      `${formatSeconds(t.estimatedSeconds)}; backward keeps ${formatBytes(t.backwardKeepsBytes)} ` +
      `beyond the operands`,
  );
  return lines.join("\n");
}

/**
 * What a tiled kernel does, in a few words: "tiles 128x64x16, 16-byte loads of a and b and
 * stores", "tiles 256x128x32 on 16x16x16 subgroup matrices, 16-byte loads of a and b".
 */
export function describeTiles(t: TileConfig): string {
  const read = t.wide?.a === true ? (t.wide.b ? "a and b" : "a") : t.wide?.b === true ? "b" : undefined;
  const stores = t.wide?.out === true;
  const loads =
    read !== undefined ? `16-byte loads of ${read}${stores ? " and stores" : ""}` : stores ? "16-byte stores" : "";
  const matrix =
    t.kind === "scalar"
      ? ""
      : ` on ${t.matrix.m}x${t.matrix.n}x${t.matrix.k} subgroup ` +
        `matrices${t.kind === "matrix-global" ? " loaded from memory" : ""}`;
  const parts = [
    `tiles ${t.tm}x${t.tn}x${t.tk}${matrix}`,
    t.splits > 1 ? `${t.splits} k slices` : "",
    loads,
    t.doubleBuffer === true ? "double-buffered slabs" : "",
    t.subgroupSlabs === true ? "per-subgroup slabs" : t.viewSlabs === true ? "view slabs" : "",
    t.invocations === undefined
      ? ""
      : `${t.invocations.x}x${t.invocations.y} ` +
        `invocations${t.invocations.run === undefined ? "" : ` in runs of ${t.invocations.run}`}`,
  ];
  return parts.filter((p) => p !== "").join(", ");
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u += 1;
  }
  return `${v.toFixed(v >= 100 ? 0 : 1)} ${units[u]}`;
}

export function formatCount(n: number): string {
  for (const [size, unit] of [
    [1e12, "T"],
    [1e9, "G"],
    [1e6, "M"],
    [1e3, "k"],
  ] as const)
    if (n >= size) return `${(n / size).toFixed(1)}${unit}`;
  return String(n);
}

function row(strategy: string, c: Cost, why: string): string[] {
  return [
    strategy,
    formatCount(c.flops),
    formatBytes(c.bytesRead),
    formatBytes(c.bytesWritten),
    formatBytes(c.temporaryBytes),
    formatSeconds(c.estimatedSeconds),
    why,
  ];
}

function table(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((r) => r[col]!.length)));
  return rows.map((r) =>
    r
      .map((cell, col) => (col === r.length - 1 ? cell : cell.padEnd(widths[col]!)))
      .join("  ")
      .trimEnd(),
  );
}

/** `1.25 s`, `3.500 ms`, `12.0 us`: an estimated time as plans and reports print it. */
export function formatSeconds(s: number): string {
  if (s >= 1) return `${s.toFixed(2)} s`;
  if (s >= 1e-3) return `${(s * 1e3).toFixed(3)} ms`;
  return `${(s * 1e6).toFixed(1)} us`;
}

import { formatSeconds } from "./plan.js";
export function explain(plan) {
    const shapes = plan.operands.map((o) => `[${o.shape.join(", ")}]`).join(" ");
    const lines = [
        `einsum ${plan.equation}   ${shapes} -> [${plan.output.shape.join(", ")}]   profile ${plan.profile}` +
            (plan.memoryBudget === null ? "" : `, memoryBudget ${formatBytes(plan.memoryBudget)}`) +
            (plan.strategy === null ? "" : `, forced '${plan.strategy}'`),
    ];
    plan.steps.forEach((step, i) => {
        const tiles = step.tiles === undefined ? "" : ` tiles ${step.tiles.tm}x${step.tiles.tn}x${step.tiles.tk}${step.tiles.splits > 1 ? `, ${step.tiles.splits} k slices` : ""}`;
        const from = step.inputs.map((input) => ("operand" in input.ref ? `operand ${input.ref.operand}` : `step ${input.ref.step + 1}`)).join(", ");
        lines.push("", `step ${i + 1}: ${step.kind} ${step.equation} (${from}) -> ${i === plan.steps.length - 1 ? "output" : "intermediate"} [${step.output.shape.join(", ")}]: '${step.strategy}'${tiles}`);
        const rows = [
            ["strategy", "FLOPs", "read", "written", "temporaries", "est. time", ""],
            row(step.strategy, step.cost, "chosen"),
            ...step.alternatives.map((a) => row(a.strategy, a.cost, a.reason)),
        ];
        lines.push(...table(rows).map((l) => `  ${l}`));
        for (const note of step.notes)
            lines.push(`  note: ${note}`);
    });
    const t = plan.totals;
    lines.push("", `total: ${formatCount(t.flops)} FLOPs, ${formatBytes(t.bytesRead)} read, ${formatBytes(t.bytesWritten)} written, ${formatBytes(t.temporaryBytes)} of temporaries (peak ${formatBytes(t.peakTemporaryBytes)}), ${t.dispatches} dispatch(es), estimated ${formatSeconds(t.estimatedSeconds)}; backward keeps ${formatBytes(t.backwardKeepsBytes)} beyond the operands`);
    return lines.join("\n");
}
export function formatBytes(n) {
    if (n < 1024)
        return `${n} B`;
    const units = ["KiB", "MiB", "GiB", "TiB"];
    let v = n / 1024;
    let u = 0;
    while (v >= 1024 && u < units.length - 1) {
        v /= 1024;
        u += 1;
    }
    return `${v.toFixed(v >= 100 ? 0 : 1)} ${units[u]}`;
}
export function formatCount(n) {
    for (const [size, unit] of [[1e12, "T"], [1e9, "G"], [1e6, "M"], [1e3, "k"]])
        if (n >= size)
            return `${(n / size).toFixed(1)}${unit}`;
    return String(n);
}
function row(strategy, c, why) {
    return [strategy, formatCount(c.flops), formatBytes(c.bytesRead), formatBytes(c.bytesWritten), formatBytes(c.temporaryBytes), formatSeconds(c.estimatedSeconds), why];
}
function table(rows) {
    const widths = rows[0].map((_, col) => Math.max(...rows.map((r) => r[col].length)));
    return rows.map((r) => r.map((cell, col) => (col === r.length - 1 ? cell : cell.padEnd(widths[col]))).join("  ").trimEnd());
}

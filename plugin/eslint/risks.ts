/**
 * What einsight/risky-einsum warns about in a plan, with the plan's numbers: temporaries, copies of
 * views, outputs that blow up, memory kept for backward, slow access. Pure, so that a page (the
 * playground) shows the same warnings the lint rule reports.
 */
import { formatBytes } from "../../codegen/explain.js";
import { stepOutputBytes, type Plan } from "../../codegen/plan.js";
import type { ProfileName } from "../../codegen/profile.js";
import { elementCount } from "../../codegen/views.js";

const MiB = 2 ** 20;

export interface RiskyEinsumOptions {
  maxTemporaryBytes?: number;
  maxOutputBytes?: number;
  maxBackwardBytes?: number;
  profile?: ProfileName;
  /** A tile table measured on the device by `tuneTiles()` (its JSON file): plans take their tiles from it. */
  tileTable?: string;
}

/** The rule's default limits. */
export const RISK_DEFAULTS = { maxTemporaryBytes: 64 * MiB, maxOutputBytes: 1024 * MiB, maxBackwardBytes: 256 * MiB };

/** The warnings' sentences, with {{placeholders}} (ESLint's message format). */
export const RISK_MESSAGES = {
  temporaries: "This einsum allocates {{bytes}} of temporaries ({{what}}), more than {{limit}}.",
  copiesView:
    "'{{strategy}}' copies {{bytes}} of operands into GEMM layout before multiplying; 'direct' reads " +
    "them in place and copies nothing.",
  blowUp: "This einsum makes {{what}} of {{bytes}} from {{inputs}} of operands ({{ratio}}x their size).",
  backward:
    "A backward pass through this einsum would keep {{bytes}} alive beyond its operands ({{what}}), " +
    "more than {{limit}}.",
  slowAccess: "The cost model rates this einsum's memory access slow: {{note}}.",
} as const;

export type RiskId = keyof typeof RISK_MESSAGES;

export interface Risk {
  readonly messageId: RiskId;
  readonly data: Record<string, string>;
}

/** A warning as its sentence. */
export function riskSentence(risk: Risk): string {
  return RISK_MESSAGES[risk.messageId].replace(/\{\{(\w+)\}\}/g, (_, key: string) => risk.data[key] ?? "");
}

export function risks(plan: Plan, o: RiskyEinsumOptions): Risk[] {
  const out: Risk[] = [];
  const t = plan.totals;
  const inputs = plan.operands.reduce((acc, op) => acc + elementCount(op.shape) * 4, 0);
  const copies = plan.steps.filter((s) => s.strategy === "ttgt" && (s.copies?.length ?? 0) > 0);
  if (copies.length > 0)
    out.push({
      messageId: "copiesView",
      data: { strategy: "ttgt", bytes: formatBytes(copies.reduce((a, s) => a + s.cost.temporaryBytes, 0)) },
    });
  if (t.peakTemporaryBytes > (o.maxTemporaryBytes ?? Infinity)) {
    const what =
      plan.steps.length > 1
        ? `${plan.steps.length - 1} intermediate(s) and scratch, at the peak`
        : `'${plan.steps[0]!.strategy}' scratch`;
    out.push({
      messageId: "temporaries",
      data: { bytes: formatBytes(t.peakTemporaryBytes), what, limit: formatBytes(o.maxTemporaryBytes!) },
    });
  }
  plan.steps.forEach((step, i) => {
    const bytes = stepOutputBytes(step, plan.dtype);
    if (bytes > (o.maxOutputBytes ?? Infinity) && bytes > 4 * inputs) {
      const what = i === plan.steps.length - 1 ? "an output" : `an intermediate (step ${i + 1})`;
      out.push({
        messageId: "blowUp",
        data: {
          what,
          bytes: formatBytes(bytes),
          inputs: formatBytes(inputs),
          ratio: (bytes / Math.max(inputs, 1)).toFixed(0),
        },
      });
    }
    for (const note of step.notes.filter((n) => n.includes("do not coalesce")))
      out.push({ messageId: "slowAccess", data: { note } });
  });
  if (t.backwardKeepsBytes > (o.maxBackwardBytes ?? Infinity)) {
    out.push({
      messageId: "backward",
      data: {
        bytes: formatBytes(t.backwardKeepsBytes),
        what: copies.length > 0 ? "ttgt's copies" : "the intermediates",
        limit: formatBytes(o.maxBackwardBytes!),
      },
    });
  }
  return out;
}

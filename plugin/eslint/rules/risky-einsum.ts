/**
 * einsight/risky-einsum: einsums whose plan is costly in ways a reader cannot see, each reported
 * with its numbers from codegen/plan: temporaries, copies of views, blown-up outputs, memory a
 * backward pass would keep, slow access patterns, and equations that cannot be planned before run
 * time. Needs type information for the shapes (without it, only non-literal equations are reported).
 * Each call is planned as the build plans it (plugin/typescript `planCall`: the shapes the types
 * know and the plan options the call writes as literals); a call the build leaves to run time (an
 * `out` view, options not all literals) is planned with the literal ones, as einsum() will plan it.
 */
import ts from "typescript";
import { formatBytes } from "../../../codegen/explain.js";
import { stepOutputBytes, type Plan } from "../../../codegen/plan.js";
import { elementCount } from "../../../codegen/views.js";
import { PROFILES, type ProfileName } from "../../../codegen/profile.js";
import { createRule } from "../create-rule.js";
import { onEinsumCall, typedEinsumCall } from "../einsum-calls.js";
import { equationSource } from "../equation-source.js";
import { planCall } from "../../typescript/einsum-calls.js";
import { buildProfile } from "../../typescript/profile.js";

const MiB = 2 ** 20;

/** Errors the planner raises for shapes that bind fine: no order within the budget, indices past u32. */
const PLANNING_CODES: ReadonlySet<string> = new Set(["memoryBudget", "indexRange"]);

export interface RiskyEinsumOptions {
  maxTemporaryBytes?: number;
  maxOutputBytes?: number;
  maxBackwardBytes?: number;
  profile?: ProfileName;
  /** A tile table measured on the device by `tuneTiles()` (its JSON file): plans take their tiles from it. */
  tileTable?: string;
}

type MessageIds = "nonLiteral" | "cannotPlan" | "temporaries" | "copiesView" | "blowUp" | "backward" | "slowAccess";

export default createRule<[RiskyEinsumOptions], MessageIds>({
  name: "risky-einsum",
  meta: {
    type: "suggestion",
    docs: {
      description:
        "Warn about einsums whose plan allocates, copies, blows up or reads slowly, with the plan's " + "numbers",
      recommended: "warn",
      requiresTypeChecking: true,
    },
    schema: [
      {
        type: "object",
        additionalProperties: false,
        properties: {
          maxTemporaryBytes: {
            type: "number",
            minimum: 0,
            description: "Temporaries (scratch, intermediates) above this many bytes are reported.",
          },
          maxOutputBytes: {
            type: "number",
            minimum: 0,
            description:
              "An output or intermediate above this many bytes, and much larger than the inputs, is reported.",
          },
          maxBackwardBytes: {
            type: "number",
            minimum: 0,
            description: "Memory a backward pass would keep beyond the operands, above this many bytes, is reported.",
          },
          profile: {
            type: "string",
            enum: Object.keys(PROFILES),
            description: "The device profile plans are costed for.",
          },
          tileTable: {
            type: "string",
            description:
              "A tile table measured on the device by tuneTiles() (a JSON file, relative to the working " + "folder).",
          },
        },
      },
    ],
    messages: {
      nonLiteral: "The equation is not a string literal, so einsight cannot check it or plan it before run time.",
      cannotPlan: "einsight cannot run this einsum: {{reason}}",
      temporaries: "This einsum allocates {{bytes}} of temporaries ({{what}}), more than {{limit}}.",
      copiesView:
        "'{{strategy}}' copies {{bytes}} of operands into GEMM layout before multiplying; 'direct' reads " +
        "them in place and copies nothing.",
      blowUp: "This einsum makes {{what}} of {{bytes}} from {{inputs}} of operands ({{ratio}}x their size).",
      backward:
        "A backward pass through this einsum would keep {{bytes}} alive beyond its operands ({{what}}), " +
        "more than {{limit}}.",
      slowAccess: "The cost model rates this einsum's memory access slow: {{note}}.",
    },
  },
  defaultOptions: [
    { maxTemporaryBytes: 64 * MiB, maxOutputBytes: 1024 * MiB, maxBackwardBytes: 256 * MiB, profile: "generic" },
  ],
  create(context, [options]) {
    const profile =
      buildProfile({
        ...(options.profile === undefined ? {} : { profile: options.profile }),
        ...(options.tileTable === undefined ? {} : { tileTable: options.tileTable }),
      }) ?? "generic";
    return onEinsumCall(context, ["einsight"], (call) => {
      if (call.equation === undefined) return;
      const source = equationSource(call.equation);
      if (source === undefined) return context.report({ node: call.equation, messageId: "nonLiteral" });
      const typed = typedEinsumCall(context, call.node);
      const planned = typed === undefined ? undefined : planCall(ts, typed.checker, typed.call, { profile });
      // Planning refused it for its size (the other rules report equation and shape errors).
      if (planned?.kind === "error" && PLANNING_CODES.has(planned.error.code))
        return context.report({ node: call.node, messageId: "cannotPlan", data: { reason: planned.error.reason } });
      if (planned?.kind !== "planned") return; // shapes not fully known
      for (const report of risks(planned.plan, options)) context.report({ node: call.node, ...report });
    });
  },
});

function risks(plan: Plan, o: RiskyEinsumOptions): { messageId: MessageIds; data: Record<string, string> }[] {
  const out: { messageId: MessageIds; data: Record<string, string> }[] = [];
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

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
import { PROFILES } from "../../../codegen/profile.js";
import { createRule } from "../create-rule.js";
import { onEinsumCall, typedEinsumCall } from "../einsum-calls.js";
import { equationSource } from "../equation-source.js";
import { planCall } from "../../typescript/einsum-calls.js";
import { buildProfile } from "../../typescript/profile.js";
import { RISK_DEFAULTS, RISK_MESSAGES, risks, type RiskId, type RiskyEinsumOptions } from "../risks.js";

export type { RiskyEinsumOptions } from "../risks.js";

const NON_LITERAL = "The equation is not a string literal, so einsight cannot check it or plan it before run time.";
const CANNOT_PLAN = "einsight cannot run this einsum: {{reason}}";

/** Errors the planner raises for shapes that bind fine: no order within the budget, indices past u32. */
const PLANNING_CODES: ReadonlySet<string> = new Set(["memoryBudget", "indexRange"]);

type MessageIds = "nonLiteral" | "cannotPlan" | RiskId;

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
    messages: { ...RISK_MESSAGES, nonLiteral: NON_LITERAL, cannotPlan: CANNOT_PLAN },
  },
  defaultOptions: [{ ...RISK_DEFAULTS, profile: "generic" }],
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

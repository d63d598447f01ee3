/**
 * einsight/operands: operand count and ranks against the equation (ranks from the type checker when linting with
 * types).
 */
import { bindError, tryParse } from "../bind-types.js";
import { createRule } from "../create-rule.js";
import { onEinsumCall, operandShapes } from "../einsum-calls.js";
import { equationSource, spanLocation } from "../equation-source.js";

type MessageIds = "operandCount" | "rankMismatch" | "missingOutputEllipsis";

export default createRule<[], MessageIds>({
  name: "operands",
  meta: {
    type: "problem",
    docs: {
      description: "Check the number of einsum operands and their ranks against the equation",
      recommended: "error",
    },
    schema: [],
    messages: { operandCount: "{{reason}}", rankMismatch: "{{reason}}", missingOutputEllipsis: "{{reason}}" },
  },
  defaultOptions: [],
  create(context) {
    return onEinsumCall(context, ["einsight", "tfjs", "einsight/tfjs"], (call) => {
      const source = call.equation === undefined ? undefined : equationSource(call.equation);
      const eq = source === undefined ? undefined : tryParse(source.text);
      if (source === undefined || eq === undefined) return; // valid-equation reports syntax
      const shapes = operandShapes(context, call.operands) ?? call.operands.map(() => undefined);
      const error = bindError(eq, shapes);
      if (
        error?.span === undefined ||
        !(error.code === "operandCount" || error.code === "rankMismatch" || error.code === "missingOutputEllipsis")
      )
        return;
      context.report({
        loc: spanLocation(source, context.sourceCode, error.span),
        messageId: error.code,
        data: { reason: error.reason },
      });
    });
  },
});

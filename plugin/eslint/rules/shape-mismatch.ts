/** einsight/shape-mismatch: a label bound to different literal sizes, naming both operands (needs type information). */
import { bindError, isFullyKnown, tryParse } from "../bind-types.js";
import { createRule } from "../create-rule.js";
import { onEinsumCall, operandShapes } from "../einsum-calls.js";
import { equationSource, spanLocation } from "../equation-source.js";

type MessageIds = "sizeMismatch" | "nonSquareDiagonal" | "ellipsisMismatch";

export default createRule<[], MessageIds>({
  name: "shape-mismatch",
  meta: {
    type: "problem",
    docs: {
      description: "Report einsum labels bound to different sizes by the operands' shape types",
      recommended: "error",
      requiresTypeChecking: true,
    },
    schema: [],
    messages: { sizeMismatch: "{{reason}}", nonSquareDiagonal: "{{reason}}", ellipsisMismatch: "{{reason}}" },
  },
  defaultOptions: [],
  create(context) {
    return onEinsumCall(context, ["einsight", "tfjs", "einsight/tfjs"], (call) => {
      const source = call.equation === undefined ? undefined : equationSource(call.equation);
      const eq = source === undefined ? undefined : tryParse(source.text);
      const shapes = operandShapes(context, call.operands);
      if (source === undefined || eq === undefined || shapes === undefined) return;
      const error = bindError(eq, shapes);
      if (
        error?.span === undefined ||
        !(error.code === "sizeMismatch" || error.code === "nonSquareDiagonal" || error.code === "ellipsisMismatch")
      )
        return;
      // An unknown size stands in as 1: fine for broadcasting, not for a diagonal's squareness.
      if (error.code === "nonSquareDiagonal" && !isFullyKnown(shapes)) return;
      context.report({
        loc: spanLocation(source, context.sourceCode, error.span),
        messageId: error.code,
        data: { reason: error.reason },
      });
    });
  },
});

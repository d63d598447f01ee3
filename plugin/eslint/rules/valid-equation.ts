/** einsight/valid-equation: syntax and label errors in an einsum equation, at the exact characters. */
import { EinsightError, type EinsightErrorCode } from "../../../codegen/errors.js";
import { parseEquation } from "../../../codegen/equation.js";
import { createRule } from "../create-rule.js";
import { onEinsumCall } from "../einsum-calls.js";
import { equationSource, spanLocation } from "../equation-source.js";

const CODES = [
  "invalidCharacter",
  "invalidArrow",
  "multipleArrows",
  "invalidEllipsis",
  "multipleEllipses",
  "commaInOutput",
  "unknownOutputLabel",
  "repeatedOutputLabel",
] as const satisfies readonly EinsightErrorCode[];
type MessageIds = (typeof CODES)[number];

export default createRule<[], MessageIds>({
  name: "valid-equation",
  meta: {
    type: "problem",
    docs: {
      description: "Report syntax and label errors in einsum equations at the exact characters",
      recommended: "error",
    },
    schema: [],
    messages: Object.fromEntries(CODES.map((c) => [c, "{{reason}}"])) as Record<MessageIds, string>,
  },
  defaultOptions: [],
  create(context) {
    return onEinsumCall(context, ["einsight", "tfjs", "einsight/tfjs"], (call) => {
      const source = call.equation === undefined ? undefined : equationSource(call.equation);
      if (source === undefined) return;
      try {
        parseEquation(source.text);
      } catch (e) {
        if (!(e instanceof EinsightError) || e.span === undefined || !(CODES as readonly string[]).includes(e.code))
          throw e;
        context.report({
          loc: spanLocation(source, context.sourceCode, e.span),
          messageId: e.code as MessageIds,
          data: { reason: e.reason },
        });
      }
    });
  },
});

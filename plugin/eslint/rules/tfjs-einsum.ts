/**
 * einsight/tfjs-einsum: what TensorFlow.js's tf.einsum (4.x) refuses at run time, reported at
 * the exact characters before it runs (no '->', '...', more than two operands, a label repeated
 * in one operand), and the memory it takes: tfjs materializes the whole broadcast product of its
 * operands, whose bytes are reported when the operands' shape types are literal.
 */
import { ELLIPSIS } from "../../../codegen/equation.js";
import { formatBytes } from "../../../codegen/explain.js";
import { boundSizes, isFullyKnown, tryParse } from "../bind-types.js";
import { elementCount } from "../../../codegen/views.js";
import { createRule } from "../create-rule.js";
import { onEinsumCall, operandShapes } from "../einsum-calls.js";
import { equationSource, spanLocation } from "../equation-source.js";

const MiB = 2 ** 20;

type MessageIds = "noArrow" | "ellipsis" | "tooManyOperands" | "repeatedLabel" | "broadcastProduct";

export default createRule<[{ maxProductBytes?: number }], MessageIds>({
  name: "tfjs-einsum",
  meta: {
    type: "problem",
    docs: {
      description: "Report what TensorFlow.js's tf.einsum refuses at run time, and the memory it materializes",
      recommended: "error",
    },
    schema: [
      {
        type: "object",
        additionalProperties: false,
        properties: {
          maxProductBytes: {
            type: "number",
            minimum: 0,
            description: "Report a materialized broadcast product above this many bytes.",
          },
        },
      },
    ],
    messages: {
      noArrow:
        "tf.einsum needs an explicit output: write '->' and the output labels (einsight and numpy accept " +
        "the implicit form).",
      ellipsis: "tf.einsum does not support '...'; write every dimension's label.",
      tooManyOperands:
        "tf.einsum takes at most two operands, and this equation has {{count}}; contract them pairwise, " +
        "or use einsight.",
      repeatedLabel:
        "tf.einsum does not support a label repeated in one operand ('{{label}}', a diagonal); take the " +
        "diagonal first.",
      broadcastProduct:
        "tf.einsum materializes the whole broadcast product of its operands here: {{bytes}} " +
        "({{elements}} elements), more than {{limit}}.",
    },
  },
  defaultOptions: [{ maxProductBytes: 256 * MiB }],
  create(context, [options]) {
    return onEinsumCall(context, ["tfjs"], (call) => {
      const source = call.equation === undefined ? undefined : equationSource(call.equation);
      const eq = source === undefined ? undefined : tryParse(source.text);
      if (source === undefined || eq === undefined) return;
      const at = (span: readonly [number, number]) => spanLocation(source, context.sourceCode, span);
      if (!eq.explicit) context.report({ loc: at([0, source.text.length]), messageId: "noArrow" });
      eq.inputs.forEach((term) => {
        term.labels.forEach((label, i) => {
          if (label === ELLIPSIS) context.report({ loc: at(term.spans[i]!), messageId: "ellipsis" });
          else if (term.labels.indexOf(label) < i)
            context.report({ loc: at(term.spans[i]!), messageId: "repeatedLabel", data: { label } });
        });
      });
      if (eq.inputs.length > 2)
        context.report({
          loc: at([eq.inputs[0]!.span[0], eq.inputs[eq.inputs.length - 1]!.span[1]]),
          messageId: "tooManyOperands",
          data: { count: String(eq.inputs.length) },
        });
      const shapes = operandShapes(context, call.operands);
      if (shapes === undefined || !isFullyKnown(shapes) || shapes.length !== eq.inputs.length) return;
      const sizes = boundSizes(eq, shapes);
      if (sizes === undefined) return; // operands and shape-mismatch report what does not bind
      const elements = elementCount(Object.values(sizes));
      if (elements * 4 > (options.maxProductBytes ?? Infinity)) {
        context.report({
          node: call.node,
          messageId: "broadcastProduct",
          data: {
            bytes: formatBytes(elements * 4),
            elements: String(elements),
            limit: formatBytes(options.maxProductBytes!),
          },
        });
      }
    });
  },
});

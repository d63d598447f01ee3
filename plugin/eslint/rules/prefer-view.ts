/**
 * einsight/prefer-view: an einsum that only permutes its operand's dimensions or takes a diagonal,
 * where a view does the same with no kernel and no copy. Offered as a suggestion, not an autofix:
 * a view shares its operand's buffer (destroying one destroys the other), an einsum's result does not.
 */
import { ELLIPSIS } from "../../../codegen/equation.js";
import { tryParse } from "../bind-types.js";
import { createRule } from "../create-rule.js";
import { onEinsumCall } from "../einsum-calls.js";
import { equationSource } from "../equation-source.js";

type MessageIds = "preferView" | "useView";

export default createRule<[], MessageIds>({
  name: "prefer-view",
  meta: {
    type: "suggestion",
    hasSuggestions: true,
    docs: {
      description: "Prefer a view to an einsum that only permutes dimensions or takes a diagonal",
      recommended: "warn",
    },
    schema: [],
    messages: {
      preferView: "This einsum only {{what}}; `{{view}}` does the same as a view, with no kernel and no copy.",
      useView: "Use the view `{{view}}` (it shares the operand's buffer).",
    },
  },
  defaultOptions: [],
  create(context) {
    return onEinsumCall(context, ["einsight"], (call) => {
      const source = call.equation === undefined ? undefined : equationSource(call.equation);
      const eq = source === undefined ? undefined : tryParse(source.text);
      // einsumWithBackward returns { output, backward }, which a view is not
      if (
        call.name !== "einsum" ||
        eq === undefined ||
        eq.inputs.length !== 1 ||
        call.operands.length !== 1 ||
        call.options !== undefined
      )
        return;
      const input = eq.inputs[0]!.labels;
      const output = eq.output.labels;
      if (input.includes(ELLIPSIS) || output.includes(ELLIPSIS)) return;
      const operand = context.sourceCode.getText(call.operands[0]);
      const found = viewFor(input, output);
      if (found === undefined) return;
      const view = `${operand}${found.method}`;
      context.report({
        node: call.node,
        messageId: "preferView",
        data: { what: found.what, view },
        suggest: [{ messageId: "useView", data: { view }, fix: (fixer) => fixer.replaceText(call.node, view) }],
      });
    });
  },
});

/** The view call that equals `input->output`, when there is one. */
function viewFor(input: readonly string[], output: readonly string[]): { method: string; what: string } | undefined {
  const distinct = new Set(input).size === input.length;
  if (distinct && output.length === input.length && output.every((l) => input.includes(l))) {
    const order = output.map((l) => input.indexOf(l));
    if (order.every((d, i) => d === i)) return undefined; // an identity einsum is a copy, which may be the point
    const isSwapOfLastTwo =
      order.length >= 2 && order.slice(0, -2).every((d, i) => d === i) && order[order.length - 2] === order.length - 1;
    return {
      method: isSwapOfLastTwo ? ".transpose()" : `.permute(${order.join(", ")})`,
      what: "permutes its operand's dimensions",
    };
  }
  if (input.length === 2 && input[0] === input[1] && output.length === 1 && output[0] === input[0])
    return { method: ".diagonal()", what: "takes a diagonal" };
  return undefined;
}

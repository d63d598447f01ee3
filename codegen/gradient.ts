/**
 * The gradient of an einsum with respect to one operand is itself an einsum: the output's
 * gradient and every other operand, contracted over every label the operand lacks. This module
 * derives that einsum (pure, so the runtime and a build-time transformer derive the same one) and
 * the view of the gradient buffer it is added into:
 * - a label repeated in the operand (a diagonal, `ii`) is written through the summed stride, so
 *   only the diagonal receives gradient;
 * - a label the operand broadcasts (size-1 dimension, stride 0) is summed, as numpy and torch do;
 * - a label found only in the operand and summed there (`ij->j` for `i`) gets the same gradient at
 *   every index: the einsum takes a stride-0 view of a single 1.0 over it ("ones"), so nothing is
 *   materialized (the same view sums a broadcast label found nowhere else).
 * The operands are taken as the views they are: backward keeps no copy of them. An operand with no
 * elements has an empty gradient and no gradient einsum (a size-0 label would be dropped here as a
 * size-1 one is): the caller skips it.
 */
import { bindShapes, type OperandLayout } from "./bind.js";
import { parseEquation, type Equation } from "./equation.js";

/** What to pass as one operand of the gradient einsum. */
export type GradientInput =
  | { readonly kind: "gradOutput" }
  /**
   * Operand `index` of the forward einsum, as a view of its buffer relative to its offset (one dimension per
   * distinct label).
   */
  | {
      readonly kind: "operand";
      readonly index: number;
      readonly shape: readonly number[];
      readonly strides: readonly number[];
    }
  /** A stride-0 view of one 1.0 with this shape. */
  | { readonly kind: "ones"; readonly shape: readonly number[] };

export interface GradientEinsum {
  readonly equation: string;
  readonly inputs: readonly GradientInput[];
  /**
   * The forward einsum's label behind each dimension of each input and of the target (ellipsis dimensions as "0",
   * "1", ...).
   */
  readonly labels: { readonly inputs: readonly (readonly string[])[]; readonly target: readonly string[] };
  /** Where the gradient is added: a view of the gradient buffer relative to the operand's offset there. */
  readonly target: { readonly shape: readonly number[]; readonly strides: readonly number[] };
}

const LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

/**
 * The einsum that adds d(loss)/d(operand `wrt`) into a gradient buffer in which that operand's
 * dimensions have strides `targetStrides` (the operand's own strides when the gradient buffer is
 * laid out like the operand's buffer; contiguous ones for a fresh gradient tensor).
 */
export function gradientEinsum(
  equation: string | Equation,
  operands: readonly OperandLayout[],
  wrt: number,
  targetStrides: readonly number[],
): GradientEinsum {
  const eq = typeof equation === "string" ? parseEquation(equation) : equation;
  const binding = bindShapes(eq, operands);
  const asTarget = operands.map((op, k) => (k === wrt ? { shape: op.shape, strides: targetStrides } : op));
  const target = bindShapes(eq, asTarget).operands[wrt]!;
  const size = (l: string) => binding.sizes[l]!;
  const kept = target.labels.map((l, i) => ({ l, s: target.strides[i]! })).filter((t) => t.s !== 0 && size(t.l) > 1);

  const others = binding.operands.map((op, index) => ({ op, index })).filter((o) => o.index !== wrt);
  const present = new Set([...binding.output.labels, ...others.flatMap((o) => o.op.labels)]);
  // Labels only the operand has: kept ones get the same gradient at every index, dropped (broadcast)
  // ones sum it size-many times; either way a ones view supplies the label.
  const lonely = target.labels.filter((l) => size(l) > 1 && !present.has(l));

  const letters = new Map<string, string>();
  const letter = (l: string) => {
    if (!letters.has(l)) letters.set(l, LETTERS[letters.size]!); // at most 52 labels: the parser's limit
    return letters.get(l)!;
  };
  const term = (labels: readonly string[]) => labels.map(letter).join("");
  const inputs: GradientInput[] = [{ kind: "gradOutput" }];
  const labels = [binding.output.labels];
  for (const { op, index } of others) {
    inputs.push({ kind: "operand", index, shape: op.labels.map(size), strides: op.strides });
    labels.push(op.labels);
  }
  if (lonely.length > 0) {
    inputs.push({ kind: "ones", shape: lonely.map(size) });
    labels.push(lonely);
  }
  const targetLabels = kept.map((t) => t.l);
  return {
    equation: `${labels.map(term).join(",")}->${term(targetLabels)}`,
    inputs,
    target: { shape: targetLabels.map(size), strides: kept.map((t) => t.s) },
    labels: { inputs: labels, target: targetLabels },
  };
}

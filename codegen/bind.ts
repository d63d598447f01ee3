/**
 * Binds operand shapes and strides to a parsed equation: the size of every label (with numpy's
 * size-1 broadcasting), the ellipsis dimensions, each operand's stride per label (a repeated label,
 * i.e. a diagonal, strides by the sum of its dimensions' strides), and the output shape.
 *
 * Ellipsis dimensions become labels of their own, the digits "0", "1", ... counted from the left of
 * the broadcast ellipsis shape; an operand with fewer ellipsis dimensions aligns to the right, as in
 * numpy broadcasting. Later stages treat them exactly like letters.
 */
import { ELLIPSIS, parseEquation, type Equation, type Term } from "./equation.js";
import { bindOperand, bindSizes, isEllipsisLabel, type BoundOperand } from "./bind-dims.js";
import { EinsightError, type Span } from "./errors.js";
import { contiguousStrides, isIndex, isStrideList } from "./views.js";

/** What a caller knows about one operand: a view of a flat buffer, in elements. */
export interface OperandLayout {
  readonly shape: readonly number[];
  /** Per-dimension strides in elements; contiguous row-major when absent. */
  readonly strides?: readonly number[] | undefined;
  /** Offset of element [0, ..., 0] in elements; 0 when absent. */
  readonly offset?: number | undefined;
}

export interface Binding {
  readonly equation: Equation;
  /** Size of every label, ellipsis labels included. */
  readonly sizes: Readonly<Record<string, number>>;
  /** The ellipsis labels, outermost first; empty when no operand has ellipsis dimensions. */
  readonly ellipsis: readonly string[];
  readonly operands: readonly BoundOperand[];
  readonly output: { readonly labels: readonly string[]; readonly shape: readonly number[] };
}

export { isEllipsisLabel, type BoundOperand } from "./bind-dims.js";

/** The class of a label in one pairwise contraction step, as torch and TCCG name them. */
export type LabelClass = "batch" | "leftFree" | "rightFree" | "contracted" | "leftSummed" | "rightSummed";

/**
 * The label of every dimension of operands of the given shapes, ellipsis dimensions expanded as
 * `bindShapes` names them, before any size is known (a size may be `undefined`): for plans made
 * before some sizes are known (codegen/sized). Checks the operand count and each rank.
 */
export function dimensionLabels(
  equation: string | Equation,
  shapes: readonly (readonly (number | undefined)[])[],
): string[][] {
  const eq = typeof equation === "string" ? parseEquation(equation) : equation;
  checkOperandCount(eq, shapes.length);
  shapes.forEach((shape, k) =>
    checkRank(
      eq,
      k,
      shape.map((n) => n ?? "number"),
    ),
  );
  const ellipsisRank = Math.max(0, ...shapes.map((s, k) => s.length - explicitCount(eq.inputs[k]!)));
  return shapes.map((s, k) => expandDims(eq, k, s.length, ellipsisRank));
}

/** Parses (when given a string) and binds in one call. */
export function bindShapes(equation: string | Equation, operands: readonly OperandLayout[]): Binding {
  const eq = typeof equation === "string" ? parseEquation(equation) : equation;
  checkOperandCount(eq, operands.length);
  const layouts = operands.map((op, k) => checkLayout(eq, k, op));
  const ellipsisRank = Math.max(0, ...layouts.map((l, k) => l.shape.length - explicitCount(eq.inputs[k]!)));
  const ellipsis = Array.from({ length: ellipsisRank }, (_, k) => String(k));
  const dims = layouts.map((l, k) => expandDims(eq, k, l.shape.length, ellipsisRank));
  const sizes = bindSizes(
    dims,
    layouts.map((l) => l.shape),
    (code, k, d, reason) => fail(eq, code, dimSpan(eq, k, dims[k]!, d), reason),
  );
  const bound = layouts.map((l, k) => bindOperand(l, dims[k]!, sizes));
  const outLabels = expandOutput(eq, ellipsis);
  return {
    equation: eq,
    sizes,
    ellipsis,
    operands: bound,
    output: { labels: outLabels, shape: outLabels.map((l) => sizes[l]!) },
  };
}

/**
 * Classes the labels of a pairwise step: `left` and `right` are the operands' labels, `keep` the
 * labels needed after the step (the output's, plus those of operands not yet contracted).
 */
export function classifyLabels(
  left: readonly string[],
  right: readonly string[],
  keep: Iterable<string>,
): Record<string, LabelClass> {
  const kept = new Set(keep);
  const inRight = new Set(right);
  const classes: Record<string, LabelClass> = {};
  for (const l of left) {
    if (inRight.has(l)) classes[l] = kept.has(l) ? "batch" : "contracted";
    else classes[l] = kept.has(l) ? "leftFree" : "leftSummed";
  }
  for (const l of right) {
    if (!(l in classes)) classes[l] = kept.has(l) ? "rightFree" : "rightSummed";
  }
  return classes;
}

function explicitCount(term: Term): number {
  return term.labels.filter((l) => l !== ELLIPSIS).length;
}

function fail(eq: Equation, code: ConstructorParameters<typeof EinsightError>[0], span: Span, reason: string): never {
  throw new EinsightError(code, reason, { span, equation: eq.source });
}

function checkOperandCount(eq: Equation, given: number): void {
  const want = eq.inputs.length;
  if (given === want) return;
  const s = (n: number) => (n === 1 ? "" : "s");
  const reason =
    `The equation has ${want} input term${s(want)} but ${given} operand${s(given)} ` +
    `${given === 1 ? "was" : "were"} given; pass one tensor per comma-separated term.`;
  const missing = eq.inputs[given];
  const lastInput = eq.inputs[want - 1]!;
  const span: Span = missing !== undefined ? missing.span : [eq.inputs[0]!.span[0], lastInput.span[1]];
  fail(eq, "operandCount", span, reason);
}

function checkLayout(eq: Equation, k: number, op: OperandLayout): Required<OperandLayout> {
  const term = eq.inputs[k]!;
  const shape = op?.shape;
  if (!Array.isArray(shape) || !shape.every(isIndex)) {
    fail(
      eq,
      "invalidShape",
      term.span,
      `Operand ${k} has shape ${show(shape)}; a shape is an array of non-negative integers.`,
    );
  }
  const strides = op.strides ?? contiguousStrides(shape);
  if (!isStrideList(strides, shape.length)) {
    fail(
      eq,
      "invalidStrides",
      term.span,
      `Operand ${k} has strides ${show(strides)} for shape ${show(shape)}; give one non-negative ` +
        `integer stride (in elements) per dimension.`,
    );
  }
  const offset = op.offset ?? 0;
  if (!isIndex(offset)) {
    fail(
      eq,
      "invalidStrides",
      term.span,
      `Operand ${k} has offset ${show(offset)}; an offset is a non-negative integer number of elements.`,
    );
  }
  checkRank(eq, k, shape);
  return { shape, strides, offset };
}

/** That operand `k`'s rank fits its term (`shape` as it is shown in the error). */
function checkRank(eq: Equation, k: number, shape: readonly (number | string)[]): void {
  const term = eq.inputs[k]!;
  const n = explicitCount(term);
  const hasEllipsis = term.labels.includes(ELLIPSIS);
  if (hasEllipsis ? shape.length < n : shape.length !== n) {
    const want = hasEllipsis ? `at least ${n} dimensions` : `${n} dimension${n === 1 ? "" : "s"}`;
    const fix =
      hasEllipsis || shape.length < n ? "" : " Add '...' to the term to broadcast over the extra leading dimensions.";
    fail(
      eq,
      "rankMismatch",
      term.span,
      `Operand ${k} has rank ${shape.length} (shape ${show(shape)}) but its term ` +
        `'${term.labels.join("")}' needs ${want}.${fix}`,
    );
  }
}

/** The label of each dimension of operand `k`, its ellipsis expanded to the rightmost ellipsis labels. */
function expandDims(eq: Equation, k: number, rank: number, ellipsisRank: number): string[] {
  const term = eq.inputs[k]!;
  const e = rank - explicitCount(term);
  const out: string[] = [];
  for (const l of term.labels) {
    if (l !== ELLIPSIS) out.push(l);
    else for (let d = ellipsisRank - e; d < ellipsisRank; d++) out.push(String(d));
  }
  return out;
}

/** Where dimension `d` of operand `k` was written in the equation (its ellipsis for ellipsis dims). */
function dimSpan(eq: Equation, k: number, dims: readonly string[], d: number): Span {
  const term = eq.inputs[k]!;
  const label = dims[d]!;
  if (isEllipsisLabel(label)) return term.spans[term.labels.indexOf(ELLIPSIS)]!;
  const nth = dims.slice(0, d).filter((l) => l === label).length;
  const positions = term.labels.flatMap((l, i) => (l === label ? [i] : []));
  return term.spans[positions[nth]!]!;
}

function expandOutput(eq: Equation, ellipsis: readonly string[]): string[] {
  const out = eq.output.labels.flatMap((l) => (l === ELLIPSIS ? ellipsis : [l]));
  if (ellipsis.length > 0 && !eq.output.labels.includes(ELLIPSIS)) {
    fail(
      eq,
      "missingOutputEllipsis",
      eq.output.span,
      `The inputs have ${ellipsis.length} '...' dimension${ellipsis.length === 1 ? "" : "s"} but the ` +
        `output has no '...'; write '...' in the output to keep them (numpy does not sum them away).`,
    );
  }
  return out;
}

function show(v: unknown): string {
  return Array.isArray(v) ? `[${v.join(", ")}]` : String(v);
}

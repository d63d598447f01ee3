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

export interface BoundOperand {
  /** Label of each dimension, ellipsis dimensions expanded. */
  readonly dims: readonly string[];
  /** Distinct labels in first-appearance order. */
  readonly labels: readonly string[];
  /** Element stride per entry of `labels`: 0 where the operand broadcasts, summed for diagonals. */
  readonly strides: readonly number[];
  readonly offset: number;
  /** Labels written more than once in this operand. */
  readonly diagonal: readonly string[];
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

/** The class of a label in one pairwise contraction step, as torch and TCCG name them. */
export type LabelClass = "batch" | "leftFree" | "rightFree" | "contracted" | "leftSummed" | "rightSummed";

export function isEllipsisLabel(label: string): boolean {
  return label >= "0" && label <= "9";
}

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
  const sizes = bindSizes(eq, layouts, dims);
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

function bindSizes(
  eq: Equation,
  layouts: readonly Required<OperandLayout>[],
  dims: readonly string[][],
): Record<string, number> {
  const sizes: Record<string, number> = {};
  const from: Record<string, number> = {}; // which operand fixed a size > 1
  layouts.forEach((layout, k) => {
    const own = operandSizes(eq, k, layout.shape, dims[k]!);
    for (const [label, [size, d]] of own) {
      const known = sizes[label];
      if (known === undefined || known === 1) {
        sizes[label] = size;
        if (size !== 1) from[label] = k;
      } else if (size !== 1 && size !== known) {
        const span = dimSpan(eq, k, dims[k]!, d);
        if (isEllipsisLabel(label)) {
          fail(
            eq,
            "ellipsisMismatch",
            span,
            `The '...' dimensions of operand ${k} (shape ${show(layout.shape)}) do not broadcast with ` +
              `operand ${from[label]}: ellipsis dimension ${label} is ${size} here and ${known} there. Sizes ` +
              `must match or be 1.`,
          );
        }
        fail(
          eq,
          "sizeMismatch",
          span,
          `Label '${label}' is ${size} in operand ${k} (dimension ${d}) but ${known} in operand ` +
            `${from[label]}; a label must have one size across operands (or be 1 to broadcast).`,
        );
      }
    }
  });
  return sizes;
}

/** Size of each label within one operand, checking that repeated labels (diagonals) are square. */
function operandSizes(
  eq: Equation,
  k: number,
  shape: readonly number[],
  dims: readonly string[],
): Map<string, [number, number]> {
  const own = new Map<string, [number, number]>();
  dims.forEach((label, d) => {
    const size = shape[d]!;
    const first = own.get(label);
    if (first === undefined) own.set(label, [size, d]);
    else if (first[0] !== size) {
      fail(
        eq,
        "nonSquareDiagonal",
        dimSpan(eq, k, dims, d),
        `Operand ${k} repeats label '${label}' (a diagonal), so its dimensions ${first[1]} and ${d} must ` +
          `be equal, but they are ${first[0]} and ${size}.`,
      );
    }
  });
  return own;
}

function bindOperand(
  layout: Required<OperandLayout>,
  dims: readonly string[],
  sizes: Record<string, number>,
): BoundOperand {
  const labels = [...new Set(dims)];
  const strides = labels.map((label) => {
    let stride = 0;
    dims.forEach((l, d) => {
      if (l === label) stride += layout.shape[d] === 1 && sizes[label] !== 1 ? 0 : layout.strides[d]!;
    });
    return stride;
  });
  const diagonal = labels.filter((l) => dims.indexOf(l) !== dims.lastIndexOf(l));
  return { dims, labels, strides, offset: layout.offset, diagonal };
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

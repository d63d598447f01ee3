/**
 * Binding shapes to labels that are already known per dimension: the size of every label (with
 * numpy's size-1 broadcasting; a repeated label, a diagonal, must be square) and each operand's
 * stride per label. codegen/bind gets the labels from the parsed equation and reports errors at
 * their characters; a compiled einsum carries them (`CompiledEinsum.dims`), so the runtime fits
 * it to a call's sizes without the parser (codegen/sized).
 */
import { EinsightError } from "./errors.js";

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

/** An operand's view as it is bound: every field given. */
export interface Layout {
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
}

/** How a size error is raised: where dimension `d` of operand `k` was written, if that is known. */
export type SizeFailure = (
  code: "sizeMismatch" | "ellipsisMismatch" | "nonSquareDiagonal",
  k: number,
  d: number,
  reason: string,
) => never;

/** Ellipsis dimensions are labels of their own: the digits "0", "1", ... */
export function isEllipsisLabel(label: string): boolean {
  return label >= "0" && label <= "9";
}

/** The size of every label of operands of these shapes, whose dimensions have labels `dims`. */
export function bindSizes(
  dims: readonly (readonly string[])[],
  shapes: readonly (readonly number[])[],
  fail: SizeFailure,
): Record<string, number> {
  const sizes: Record<string, number> = {};
  const from: Record<string, number> = {}; // which operand fixed a size > 1
  shapes.forEach((shape, k) => {
    const own = operandSizes(k, shape, dims[k]!, fail);
    for (const [label, [size, d]] of own) {
      const known = sizes[label];
      if (known === undefined || known === 1) {
        sizes[label] = size;
        if (size !== 1) from[label] = k;
      } else if (size !== 1 && size !== known) {
        if (isEllipsisLabel(label)) {
          fail(
            "ellipsisMismatch",
            k,
            d,
            `The '...' dimensions of operand ${k} (shape ${show(shape)}) do not broadcast with ` +
              `operand ${from[label]}: ellipsis dimension ${label} is ${size} here and ${known} there. Sizes ` +
              `must match or be 1.`,
          );
        }
        fail(
          "sizeMismatch",
          k,
          d,
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
  k: number,
  shape: readonly number[],
  dims: readonly string[],
  fail: SizeFailure,
): Map<string, [number, number]> {
  const own = new Map<string, [number, number]>();
  dims.forEach((label, d) => {
    const size = shape[d]!;
    const first = own.get(label);
    if (first === undefined) own.set(label, [size, d]);
    else if (first[0] !== size) {
      fail(
        "nonSquareDiagonal",
        k,
        d,
        `Operand ${k} repeats label '${label}' (a diagonal), so its dimensions ${first[1]} and ${d} must ` +
          `be equal, but they are ${first[0]} and ${size}.`,
      );
    }
  });
  return own;
}

/** One operand bound: its distinct labels and its stride per label. */
export function bindOperand(layout: Layout, dims: readonly string[], sizes: Record<string, number>): BoundOperand {
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

/**
 * A compiled einsum's binding for a call: the sizes, each operand bound, and the output's shape,
 * from the labels the build recorded (`inputs` per operand dimension, `output`). Size errors name
 * the operand and dimension; the equation's characters are the build's to show.
 */
export function bindLabels(
  labels: { readonly inputs: readonly (readonly string[])[]; readonly output: readonly string[] },
  layouts: readonly Layout[],
  equation: string,
): { sizes: Record<string, number>; operands: BoundOperand[]; output: { shape: number[] } } {
  const sizes = bindSizes(
    labels.inputs,
    layouts.map((l) => l.shape),
    (code, _k, _d, reason) => {
      throw new EinsightError(code, `${reason} (einsum "${equation}")`);
    },
  );
  return {
    sizes,
    operands: layouts.map((l, k) => bindOperand(l, labels.inputs[k]!, sizes)),
    output: { shape: labels.output.map((l) => sizes[l]!) },
  };
}

function show(v: readonly number[]): string {
  return `[${v.join(", ")}]`;
}

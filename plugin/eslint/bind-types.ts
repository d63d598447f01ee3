/**
 * Binding an equation to the shapes the type checker knows, through codegen/bind: a size the types
 * do not know stands in as 1, which broadcasts against anything, so only real conflicts between
 * known sizes are reported; an operand of unknown rank stands in with the rank its term needs.
 */
import { bindShapes } from "../../codegen/bind.js";
import { ELLIPSIS, parseEquation, type Equation } from "../../codegen/equation.js";
import { EinsightError } from "../../codegen/errors.js";

export type KnownShape = readonly (number | undefined)[] | undefined;

/** The EinsightError binding raises for these shapes, if any. */
export function bindError(eq: Equation, shapes: readonly KnownShape[]): EinsightError | undefined {
  const layouts = shapes.map((shape, k) => ({
    shape:
      shape === undefined
        ? (eq.inputs[k]?.labels.filter((l) => l !== ELLIPSIS).map(() => 1) ?? [])
        : shape.map((n) => n ?? 1),
  }));
  try {
    bindShapes(eq, layouts);
    return undefined;
  } catch (e) {
    if (e instanceof EinsightError) return e;
    throw e;
  }
}

export function isFullyKnown(shapes: readonly KnownShape[]): shapes is readonly (readonly number[])[] {
  return shapes.every((s) => s !== undefined && !s.includes(undefined));
}

/** The label sizes of fully known shapes, through codegen/bind; `undefined` when they do not bind. */
export function boundSizes(
  eq: Equation,
  shapes: readonly (readonly number[])[],
): Readonly<Record<string, number>> | undefined {
  try {
    return bindShapes(
      eq,
      shapes.map((shape) => ({ shape })),
    ).sizes;
  } catch (e) {
    if (e instanceof EinsightError) return undefined;
    throw e;
  }
}

/** The parsed equation, or `undefined` when it does not parse (valid-equation reports that). */
export function tryParse(text: string): Equation | undefined {
  try {
    return parseEquation(text);
  } catch (e) {
    if (e instanceof EinsightError) return undefined;
    throw e;
  }
}

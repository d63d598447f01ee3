/**
 * Binding an equation to the shapes the type checker knows, through codegen/bind: a size the types
 * do not know stands in as 1, which broadcasts against anything, so only real conflicts between
 * known sizes are reported; an operand of unknown rank stands in with the rank its term needs.
 */
import { bindShapes } from "../../codegen/bind.js";
import { ELLIPSIS, type Equation } from "../../codegen/equation.js";
import { EinsightError } from "../../codegen/errors.js";

export type KnownShape = readonly (number | undefined)[] | undefined;

/** The EinsightError binding raises for these shapes, if any. */
export function bindError(eq: Equation, shapes: readonly KnownShape[]): EinsightError | undefined {
  const layouts = shapes.map((shape, k) => ({ shape: shape === undefined ? eq.inputs[k]?.labels.filter((l) => l !== ELLIPSIS).map(() => 1) ?? [] : shape.map((n) => n ?? 1) }));
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

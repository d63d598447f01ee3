/**
 * Typed einsum: the equation checked and the output shape inferred by `tsc` for a literal equation
 * (runtime/types/equation.ts and bind.ts mirror codegen/equation.ts and codegen/bind.ts); a
 * non-literal `string` equation compiles and gives a tensor of unknown shape.
 */
import type { BindShapes, Shape } from "./bind.js";
import type { EinsumTypeError, ParseEquation, ParsedEquation } from "./equation.js";

export type { EinsumTypeError, ParsedEquation, ParseEquation } from "./equation.js";
export type { BindShapes, Shape } from "./bind.js";

/** The output shape of einsum `E` on operands of shapes `Shapes`, or the first error, as tsc sees it. */
export type EinsumShape<E extends string, Shapes extends readonly Shape[]> = string extends E
  ? number[]
  : ParseEquation<E> extends infer P
    ? P extends ParsedEquation
      ? BindShapes<P, Shapes>
      : P
    : never;

/** `unknown` (no constraint) for a valid equation, else the error whose sentence tsc prints. */
export type CheckEinsum<E extends string, Shapes extends readonly Shape[]> = EinsumShape<E, Shapes> extends infer R ? (R extends EinsumTypeError<string> ? R : unknown) : never;

/** The output shape, for the return type: never an error (the argument carries that). */
export type EinsumOutput<E extends string, Shapes extends readonly Shape[]> = EinsumShape<E, Shapes> extends infer R extends Shape ? R : number[];

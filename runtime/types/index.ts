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
export type EinsumShape<E extends string, Shapes extends readonly Shape[]> =
  IsPattern<E> extends true
    ? number[] // `string`, or a template with a hole such as `${string}->a`: known at run time only
    : IsUnion<E> extends true
      ? number[] // one of several literal equations: checked at run time, like a string
      : ParseEquation<E> extends infer P
        ? P extends ParsedEquation
          ? BindShapes<P, Shapes>
          : P
        : never;

/**
 * Whether `E` is `string` or a template literal type with a hole (`${string}->a`): a record keyed by it needs no
 * property.
 */
type IsPattern<E extends string> = Record<never, never> extends Record<E, 1> ? true : false;

type IsUnion<T, All = T> = T extends unknown ? ([All] extends [T] ? false : true) : never;

/** `unknown` (no constraint) for a valid equation, else the error whose sentence tsc prints. */
export type CheckEinsum<E extends string, Shapes extends readonly Shape[]> =
  EinsumShape<E, Shapes> extends infer R ? (R extends EinsumTypeError<string> ? R : unknown) : never;

/** The output shape, for the return type: never an error (the argument carries that). */
export type EinsumOutput<E extends string, Shapes extends readonly Shape[]> =
  EinsumShape<E, Shapes> extends infer R extends Shape ? R : number[];

/**
 * What the editor offers for an equation typed so far: its completion (below) when that differs
 * from it and is valid for these operands. A completion never equals the argument, so an invalid
 * equation is still rejected.
 */
export type EinsumCompletions<E extends string, Shapes extends readonly Shape[]> =
  EquationCompletions<E> extends infer C extends string
    ? C extends E
      ? never
      : CheckEinsum<C, Shapes> extends EinsumTypeError<string>
        ? never
        : C
    : never;

/**
 * What the editor offers while the equation is typed: the equation completed with numpy's default
 * (implicit) output after "->", or the output typed so far completed with the labels it lacks.
 * A parameter typed `E | EquationCompletions<E>` makes the language service list these.
 */
export type EquationCompletions<E extends string> =
  IsPattern<E> extends true
    ? never
    : E extends `${infer Inputs}->${infer Typed}`
      ? ParseEquation<Inputs> extends ParsedEquation<string[][], infer Out>
        ? `${Inputs}->${Typed}${JoinLabels<Out, Typed>}`
        : never
      : ParseEquation<E> extends ParsedEquation<string[][], infer Out>
        ? `${E}->${JoinLabels<Out, "">}`
        : never;

/** The labels not yet in `Typed`, joined. */
type JoinLabels<Labels extends string[], Typed extends string, Out extends string = ""> = Labels extends [
  infer H extends string,
  ...infer Rest extends string[],
]
  ? JoinLabels<Rest, Typed, Typed extends `${string}${H}${string}` ? Out : `${Out}${H}`>
  : Out;

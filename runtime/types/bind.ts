/**
 * Binding shapes at type level, a mirror of codegen/bind.ts: operand count, ranks, one size per
 * label (size-1 broadcasting; `number` is a size tsc does not know and matches anything),
 * square diagonals, ellipsis broadcasting, and the output shape. Sizes are tracked as a union of
 * [label, size] pairs, which keeps instantiations per call low.
 */
import type { EinsumTypeError, ParsedEquation } from "./equation.js";

export type Shape = readonly number[];

/** The output shape of `P` applied to operands of shapes `Shapes`, or the first error. */
export type BindShapes<
  P extends ParsedEquation,
  Shapes extends readonly Shape[],
> = P["inputs"]["length"] extends Shapes["length"]
  ? BindAll<P["inputs"], Shapes, [], never, []> extends infer R
    ? IsError<R> extends true
      ? R
      : R extends { sizes: infer Sizes extends [string, number]; ellipsis: infer Ell }
        ? OutputShape<P["output"], Sizes, Ell>
        : never
    : never
  : EinsumTypeError<OperandCountSentence<P["inputs"]["length"], Shapes["length"]>>;

/** Whether a step's result is an error (a union of size pairs, possibly empty, is not). */
type IsError<R> = [R] extends [never] ? false : [R] extends [EinsumTypeError<string>] ? true : false;

type Plural<N extends number> = N extends 1 ? "" : "s";

type BindAll<
  Terms extends string[][],
  Shapes extends readonly Shape[],
  K extends unknown[],
  Sizes extends [string, number],
  Ell,
> = Terms extends [infer T extends string[], ...infer TRest extends string[][]]
  ? Shapes extends readonly [infer S extends Shape, ...infer SRest extends readonly Shape[]]
    ? OperandDims<T, S, K["length"]> extends infer D
      ? IsError<D> extends true
        ? D
        : D extends { pairs: infer Pairs extends [string, number][]; ellipsis: infer E }
          ? MergePairs<Pairs, Sizes, never, K["length"]> extends infer M
            ? IsError<M> extends true
              ? M
              : [M] extends [[string, number]]
                ? Broadcast<Ell, E, K["length"]> extends infer B
                  ? IsError<B> extends true
                    ? B
                    : BindAll<TRest, SRest, [...K, unknown], M, B>
                  : never
                : never
            : never
          : never
      : never
    : never
  : { sizes: Sizes; ellipsis: Ell };

/**
 * Each dimension's label paired with its size, and the operand's ellipsis dimensions ("unknown" for a shape of
 * unknown rank).
 */
type OperandDims<Term extends string[], S extends Shape, K extends number> =
  BadSize<S> extends [infer N extends number]
    ? EinsumTypeError<`Operand ${K} has a size ${N}; a shape is an array of non-negative integers.`>
    : number extends S["length"]
      ? { pairs: UnknownPairs<Term>; ellipsis: "..." extends Term[number] ? "unknown" : [] }
      : SplitAtEllipsis<Term> extends [infer Before extends string[], infer After extends string[]]
        ? ZipFront<Before, S> extends [infer Front extends [string, number][], infer Rest extends Shape]
          ? ZipBack<After, Rest> extends [infer Back extends [string, number][], infer Middle extends Shape]
            ? { pairs: [...Front, ...Back]; ellipsis: Middle }
            : RankError<Term, S, K>
          : RankError<Term, S, K>
        : Term["length"] extends S["length"]
          ? ZipFront<Term, S> extends [infer Pairs extends [string, number][], readonly []]
            ? { pairs: Pairs; ellipsis: [] }
            : RankError<Term, S, K>
          : RankError<Term, S, K>;

/** `[size]` of the first literal size that is negative or not an integer, else `[]`. */
type BadSize<S extends Shape> = S extends readonly [infer N extends number, ...infer Rest extends Shape]
  ? `${N}` extends `-${string}` | `${string}.${string}`
    ? [N]
    : BadSize<Rest>
  : [];

/** `[labels before "...", labels after]`, or "none" for a term without an ellipsis. */
type SplitAtEllipsis<Term extends string[], Before extends string[] = []> = Term extends [
  infer H extends string,
  ...infer Rest extends string[],
]
  ? H extends "..."
    ? [Before, Rest]
    : SplitAtEllipsis<Rest, [...Before, H]>
  : "none";

// Resolved through `infer` so that tsc prints the sentence, not the alias.
/**
 * Resolved inside a conditional, so that tsc shows the sentence (`EinsumTypeError<"Operand 0 has rank 2 ...">`),
 * not this alias.
 */
type RankError<Term extends string[], S extends Shape, K extends number> = (
  "..." extends Term[number] ? "more" : Term["length"]
) extends infer Need extends string | number
  ? EinsumTypeError<`Operand ${K} has rank ${S["length"]} but its term '${Join<Term>}' ${Needs<Need>}.`>
  : never;

type UnknownPairs<Term extends string[]> = { [I in keyof Term]: [Term[I], number] } extends infer P extends [
  string,
  number,
][]
  ? P
  : never;

type ZipFront<Labels extends string[], S extends Shape, Out extends [string, number][] = []> = Labels extends [
  infer L extends string,
  ...infer LRest extends string[],
]
  ? S extends readonly [infer N extends number, ...infer SRest extends Shape]
    ? ZipFront<LRest, SRest, [...Out, [L, N]]>
    : "too short"
  : [Out, S];

type ZipBack<Labels extends string[], S extends Shape, Out extends [string, number][] = []> = Labels extends [
  ...infer LRest extends string[],
  infer L extends string,
]
  ? S extends readonly [...infer SRest extends Shape, infer N extends number]
    ? ZipBack<LRest, SRest, [[L, N], ...Out]>
    : "too short"
  : [Out, S];

/**
 * Adds one operand's pairs to the sizes: within the operand a repeated label (a diagonal) must
 * have equal sizes; across operands sizes must match or be 1.
 */
type MergePairs<
  Pairs extends [string, number][],
  Sizes extends [string, number],
  Own extends [string, number],
  K extends number,
> = Pairs extends [[infer L extends string, infer N extends number], ...infer Rest extends [string, number][]]
  ? SizeOf<Own, L> extends [infer D extends number]
    ? IsConflict<D, N, false> extends true
      ? EinsumTypeError<`Operand ${K} repeats label '${L}' (a diagonal), ${MustBeEqual} ${D} and ${N}.`>
      : MergePairs<Rest, Sizes, Own, K>
    : SizeOf<Sizes, L> extends [infer E extends number]
      ? IsConflict<E, N, true> extends true
        ? EinsumTypeError<`Label '${L}' is ${N} in operand ${K} but ${E} in an earlier operand; ${OneSize}`>
        : MergePairs<Rest, Exclude<Sizes, [L, number]> | [L, Combine<E, N>], Own | [L, N], K>
      : MergePairs<Rest, Sizes | [L, N], Own | [L, N], K>
  : Sizes;

/** `[size]` of label `L` in a union of pairs, or `[]` when it has none. */
type SizeOf<Pairs extends [string, number], L extends string> = [Extract<Pairs, [L, number]>] extends [never]
  ? []
  : [Extract<Pairs, [L, number]>[1]];

/** Two known sizes that differ (and, where broadcasting is allowed, neither is 1). */
type IsConflict<A extends number, B extends number, Broadcasting extends boolean> = number extends A
  ? false
  : number extends B
    ? false
    : [A] extends [B]
      ? false
      : Broadcasting extends true
        ? A extends 1
          ? false
          : B extends 1
            ? false
            : true
        : true;

/** The size two compatible sizes bind to: the known one, the one that is not 1. */
type Combine<A extends number, B extends number> = number extends A ? B : number extends B ? A : A extends 1 ? B : A;

/** numpy broadcasting of two ellipsis shapes, aligned to the right. */
type Broadcast<A, B, K extends number> = A extends "unknown"
  ? "unknown"
  : B extends "unknown"
    ? "unknown"
    : A extends Shape
      ? B extends Shape
        ? BroadcastTuples<A, B, K, []>
        : never
      : B;

type BroadcastTuples<A extends Shape, B extends Shape, K extends number, Out extends number[]> = A extends readonly [
  ...infer A0 extends Shape,
  infer a extends number,
]
  ? B extends readonly [...infer B0 extends Shape, infer b extends number]
    ? IsConflict<a, b, true> extends true
      ? EinsumTypeError<`The '...' dimensions of operand ${K} ${NoBroadcast} ${b} there and ${a} before. ${MatchOrOne}`>
      : BroadcastTuples<A0, B0, K, [Combine<a, b>, ...Out]>
    : [...A, ...Out]
  : [...B, ...Out];

type OutputShape<Output extends string[], Sizes extends [string, number], Ell> = "..." extends Output[number]
  ? Ell extends "unknown"
    ? number[]
    : Ell extends Shape
      ? MapOutput<Output, Sizes, Ell>
      : never
  : Ell extends readonly [unknown, ...unknown[]]
    ? EinsumTypeError<`The inputs have '...' dimensions but the output has no '...'; ${KeepEllipsis}`>
    : MapOutput<Output, Sizes, []>;

type MapOutput<
  Output extends string[],
  Sizes extends [string, number],
  Ell extends Shape,
  Out extends number[] = [],
> = Output extends [infer L extends string, ...infer Rest extends string[]]
  ? MapOutput<Rest, Sizes, Ell, L extends "..." ? [...Out, ...Ell] : [...Out, ...SizeOf<Sizes, L>]>
  : Out;

type Join<T extends string[], Out extends string = ""> = T extends [infer H extends string, ...infer R extends string[]]
  ? Join<R, `${Out}${H}`>
  : Out;

// Pieces of the sentences above, as the runtime says them (codegen/bind): named so that no line runs
// past the formatter's width. Each resolves to a string literal, so tsc shows the whole sentence.
type OperandCountSentence<
  T extends number,
  G extends number,
> = `The equation has ${T} input term${Plural<T>} but ${G} operand${Plural<G>} ${WasWere<G>} given; ${OnePerTerm}`;
type WasWere<N extends number> = N extends 1 ? "was" : "were";
type OnePerTerm = "pass one tensor per comma-separated term.";
type Needs<N extends string | number> = `needs ${N} dimension${N extends 1 ? "" : "s"}`;
type MustBeEqual = "so those dimensions must be equal, but they are";
type OneSize = "a label must have one size across operands (or be 1 to broadcast).";
type NoBroadcast = "do not broadcast with the operands before it: a dimension is";
type MatchOrOne = "Sizes must match or be 1.";
type KeepEllipsis = "write '...' in the output to keep them (numpy does not sum them away).";

/**
 * Shape types of the views (codegen/views.ts at type level): what `slice`, `transpose`, `permute`,
 * `expand`, `select` and `diagonal` make of a `Tensor<S>`'s shape tuple. Literal dimensions
 * (negative ones too) give exact shapes; anything tsc cannot know becomes `number`, and a shape
 * of unknown rank stays `number[]`.
 */
import type { Shape } from "./bind.js";

/** `S` with dimension `D` cut to `End - Start` when all three are small literals, else `number`. */
export type SliceShape<
  S extends Shape,
  D extends number,
  Start extends number | undefined,
  End extends number | undefined,
  Step extends number | undefined,
> =
  Index<S, D> extends [infer I extends number]
    ? Replace<
        S,
        I,
        SliceLength<
          S[I],
          Start extends number ? Start : 0,
          End extends number ? End : S[I],
          Step extends number ? Step : 1
        >
      >
    : SameRank<S>;

export type TransposeShape<S extends Shape, D0 extends number, D1 extends number> =
  Index<S, D0> extends [infer A extends number]
    ? Index<S, D1> extends [infer B extends number]
      ? Replace<Replace<S, A, S[B]>, B, S[A]>
      : SameRank<S>
    : SameRank<S>;

export type PermuteShape<S extends Shape, Dims extends readonly number[]> = number extends S["length"]
  ? number[]
  : { -readonly [K in keyof Dims]: Index<S, Dims[K]> extends [infer I extends number] ? S[I] : number };

/** `New` with each -1 replaced by the size it keeps (aligned to the right, as expand does). */
export type ExpandShape<S extends Shape, New extends readonly number[]> = number extends S["length"]
  ? { -readonly [K in keyof New]: New[K] extends -1 ? number : New[K] }
  : KeepSizes<New, S, []>;

export type SelectShape<S extends Shape, D extends number> =
  Index<S, D> extends [infer I extends number] ? Remove<S, I> : number[];

/**
 * The diagonal's length is known where the offset is a literal 0 and the two sizes are the same
 * literal (a square diagonal); otherwise it is `number`.
 */
export type DiagonalShape<S extends Shape, D1 extends number, D2 extends number, Offset extends number = 0> =
  Index<S, D1> extends [infer A extends number]
    ? Index<S, D2> extends [infer B extends number]
      ? [
          ...Remove<Remove<S, Max<A, B>>, Min<A, B>>,
          [Offset, S[A], S[B]] extends [0, S[B], S[A]] ? (number extends S[A] ? number : S[A]) : number,
        ]
      : number[]
    : number[];

type SameRank<S extends Shape> = number extends S["length"] ? number[] : { -readonly [K in keyof S]: number };

/** `[index]` of literal dimension `D` of a tuple `S` (negative counts from the end), or `[]`. */
type Index<S extends Shape, D extends number> = number extends S["length"]
  ? []
  : number extends D
    ? []
    : `${D}` extends `-${infer K extends number}`
      ? S extends readonly [...infer Front, ...Tuple<K>]
        ? [Front["length"]]
        : []
      : `${D}` extends keyof S & `${number}`
        ? [D]
        : [];

type Replace<S extends Shape, I extends number, V extends number> = {
  -readonly [K in keyof S]: K extends `${I}` ? V : S[K];
};

type Remove<S extends Shape, I extends number, Out extends number[] = []> = S extends readonly [
  infer H extends number,
  ...infer Rest extends Shape,
]
  ? Out["length"] extends I
    ? [...Out, ...Rest]
    : Remove<Rest, I, [...Out, H]>
  : Out;

type KeepSizes<New extends readonly number[], S extends Shape, Out extends number[]> = New extends readonly [
  ...infer Front extends number[],
  infer N extends number,
]
  ? S extends readonly [...infer SFront extends Shape, infer Have extends number]
    ? KeepSizes<Front, SFront, [N extends -1 ? Have : N, ...Out]>
    : KeepSizes<Front, [], [N extends -1 ? number : N, ...Out]>
  : Out;

/** Small literal arithmetic through tuple lengths (sizes below 1000; beyond, `number`). */
type SliceLength<Size extends number, Start extends number, End extends number, Step extends number> = [
  IsSmall<Start>,
  IsSmall<End>,
  Step,
] extends [true, true, 1]
  ? `${Start}${End}` extends `${string}-${string}`
    ? number
    : // a size of 1000 or more exceeds any small end
      (IsSmall<Size> extends true ? Lte<End, Size> : number extends Size ? false : true) extends true
      ? Lte<Start, End> extends true
        ? Subtract<End, Start>
        : 0
      : number
  : number;

/** A literal of at most three characters (0..999): small enough to count with tuples. */
type IsSmall<N extends number> = number extends N
  ? false
  : `${N}` extends `${infer _A}${infer _B}${infer _C}${infer _D}${infer _Rest}`
    ? false
    : true;
type Tuple<N extends number, Out extends unknown[] = []> = Out["length"] extends N ? Out : Tuple<N, [...Out, unknown]>;
type Subtract<A extends number, B extends number> =
  Tuple<A> extends [...Tuple<B>, ...infer Rest] ? Rest["length"] : never;
type Lte<A extends number, B extends number> = Tuple<B> extends [...Tuple<A>, ...unknown[]] ? true : false;
type Max<A extends number, B extends number> = Lte<A, B> extends true ? B : A;
type Min<A extends number, B extends number> = Lte<A, B> extends true ? A : B;

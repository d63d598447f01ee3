/**
 * The einsum grammar at type level: a template-literal mirror of codegen/equation.ts, so that
 * `tsc` rejects a bad literal equation and knows its terms. Tested against the same case table
 * (test/cases.ts) as the runtime parser. One pass over the characters: whitespace skipped, letters
 * and "..." collected per term, output labels checked as they are read, and the labels seen once
 * tracked for numpy's implicit output.
 */

export type Lower =
  | "a"
  | "b"
  | "c"
  | "d"
  | "e"
  | "f"
  | "g"
  | "h"
  | "i"
  | "j"
  | "k"
  | "l"
  | "m"
  | "n"
  | "o"
  | "p"
  | "q"
  | "r"
  | "s"
  | "t"
  | "u"
  | "v"
  | "w"
  | "x"
  | "y"
  | "z";
export type Upper = Uppercase<Lower>;
export type Letter = Lower | Upper;
type Whitespace = " " | "\t" | "\n" | "\r";

/** A parse failure: the sentence a person reads in tsc's message. */
export interface EinsumTypeError<Message extends string> {
  readonly einsumError: Message;
}

/** A parsed equation: each term's labels ("..." for an ellipsis), and the output's. */
export interface ParsedEquation<Inputs extends string[][] = string[][], Output extends string[] = string[]> {
  readonly inputs: Inputs;
  readonly output: Output;
}

/** The dots `S` starts with. */
type DotRun<S extends string, Run extends string = ""> = S extends `.${infer Rest}` ? DotRun<Rest, `${Run}.`> : Run;

export type ParseEquation<E extends string> = Scan<E, [], [], false, never, never, never>;

/**
 * State: the current term, the finished input terms, whether "->" was read, the labels seen in
 * the inputs, those seen more than once, and the output labels read so far.
 */
type Scan<
  S extends string,
  Term extends string[],
  Terms extends string[][],
  InOutput extends boolean,
  Seen extends string,
  Twice extends string,
  OutSeen extends string,
> = S extends `${infer C}${infer Rest}`
  ? C extends Whitespace
    ? Scan<Rest, Term, Terms, InOutput, Seen, Twice, OutSeen>
    : C extends Letter
      ? InOutput extends true
        ? [C] extends [OutSeen]
          ? EinsumTypeError<`Label '${C}' appears more than once in the output; each output label must be unique.`>
          : [C] extends [Seen]
            ? Scan<Rest, [...Term, C], Terms, InOutput, Seen, Twice, OutSeen | C>
            : EinsumTypeError<`Label '${C}' of the output does not appear in any input; ${OnlyInputLabels}`>
        : Scan<Rest, [...Term, C], Terms, InOutput, Seen | C, [C] extends [Seen] ? Twice | C : Twice, OutSeen>
      : C extends "."
        ? DotRun<S> extends "..."
          ? "..." extends Term[number]
            ? EinsumTypeError<`${TermName<InOutput, Terms["length"]>} has a second '...'; ${OneEllipsis}`>
            : S extends `...${infer After}`
              ? Scan<After, [...Term, "..."], Terms, InOutput, Seen, Twice, OutSeen>
              : never
          : EinsumTypeError<`'${DotRun<S>}' is not an ellipsis: ${ThreeDots}`>
        : C extends ","
          ? InOutput extends true
            ? EinsumTypeError<"The output after '->' is one term and cannot contain ','; einsum has a single output.">
            : Scan<Rest, [], [...Terms, Term], false, Seen, Twice, OutSeen>
          : C extends "-"
            ? Rest extends `>${infer After}`
              ? InOutput extends true
                ? EinsumTypeError<"The equation has a second '->'; write '->' once, before the output.">
                : Scan<After, [], [...Terms, Term], true, Seen, Twice, OutSeen>
              : EinsumTypeError<"'-' must be followed by '>' to form '->'.">
            : C extends ">"
              ? EinsumTypeError<"'>' must follow '-' to form '->'.">
              : EinsumTypeError<`'${C}' is not a valid einsum label; labels are the letters a-z and A-Z.`>
  : InOutput extends true
    ? ParsedEquation<Terms, Term>
    : ImplicitOutput<[...Terms, Term], Exclude<Seen, Twice>> extends infer Output extends string[]
      ? ParsedEquation<[...Terms, Term], Output>
      : never;

/** numpy's implicit output: "..." first if any input has it, then the labels seen once in character-code order. */
type ImplicitOutput<Terms extends string[][], Once extends string> =
  HasEllipsis<Terms> extends true ? ["...", ...PickInOrder<Alphabet, Once>] : PickInOrder<Alphabet, Once>;

type HasEllipsis<Terms extends string[][]> = Terms extends [infer T extends string[], ...infer Rest extends string[][]]
  ? "..." extends T[number]
    ? true
    : HasEllipsis<Rest>
  : false;

type Alphabet = [
  "A",
  "B",
  "C",
  "D",
  "E",
  "F",
  "G",
  "H",
  "I",
  "J",
  "K",
  "L",
  "M",
  "N",
  "O",
  "P",
  "Q",
  "R",
  "S",
  "T",
  "U",
  "V",
  "W",
  "X",
  "Y",
  "Z",
  "a",
  "b",
  "c",
  "d",
  "e",
  "f",
  "g",
  "h",
  "i",
  "j",
  "k",
  "l",
  "m",
  "n",
  "o",
  "p",
  "q",
  "r",
  "s",
  "t",
  "u",
  "v",
  "w",
  "x",
  "y",
  "z",
];

type PickInOrder<Order extends string[], Keep extends string, Out extends string[] = []> = [Keep] extends [never]
  ? Out
  : Order extends [infer H extends string, ...infer T extends string[]]
    ? [H] extends [Keep]
      ? PickInOrder<T, Exclude<Keep, H>, [...Out, H]>
      : PickInOrder<T, Keep, Out>
    : Out;

// Pieces of the sentences above, as the runtime says them (codegen/equation): named so that no line
// runs past the formatter's width. Each resolves to a string literal, so tsc shows the whole sentence.
type OnlyInputLabels = "use only labels from the inputs after '->'.";
type TermName<InOutput extends boolean, N extends number> = InOutput extends true ? "The output" : `Operand ${N}`;
type OneEllipsis = "a term may have at most one ellipsis.";
type ThreeDots = "write exactly three dots '...' for broadcast dimensions.";

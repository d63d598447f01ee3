/**
 * Parses an einsum equation in numpy's grammar:
 *
 *     equation := term ("," term)* ("->" term)?      whitespace anywhere, except inside "->" and "..."
 *     term     := (letter | "...")*                  letters a-zA-Z, at most one "..." per term
 *
 * Without "->" the output is implicit: the labels seen exactly once, in character-code order
 * (so 'A'..'Z' before 'a'..'z'), after the ellipsis dimensions if any term has "...".
 * Every error carries the `[start, end)` span of the offending characters in the original string.
 */
import { EinsightError, type EinsightErrorCode, type Span } from "./errors.js";

export const ELLIPSIS = "...";

export interface Term {
  /** Letters and at most one `ELLIPSIS`, in written order. */
  readonly labels: readonly string[];
  /** Span of each entry of `labels` in the source. */
  readonly spans: readonly Span[];
  /** Span of the whole term; zero-width for an empty term or an implicit output. */
  readonly span: Span;
}

export interface Equation {
  readonly source: string;
  readonly inputs: readonly Term[];
  readonly output: Term;
  /** Whether the output was written after "->" (numpy's explicit mode). */
  readonly explicit: boolean;
}

export function parseEquation(source: string): Equation {
  if (typeof source !== "string") {
    throw new EinsightError("invalidCharacter", `The equation must be a string, got ${typeof source}.`);
  }
  const terms = scanTerms(source);
  const inputs = terms.inputs;
  const output = terms.output ?? implicitOutput(inputs, source.length);
  if (terms.output !== undefined) checkOutput(source, inputs, terms.output);
  return { source, inputs, output, explicit: terms.output !== undefined };
}

/** True when `c` is one einsum label: an ASCII letter. */
export function isLabel(c: string): boolean {
  return c.length === 1 && ((c >= "a" && c <= "z") || (c >= "A" && c <= "Z"));
}

/** The equation written back canonically: no whitespace, explicit output. */
export function formatEquation(eq: Equation): string {
  const term = (t: Term) => t.labels.join("");
  return `${eq.inputs.map(term).join(",")}->${term(eq.output)}`;
}

interface Scanned {
  inputs: Term[];
  output: Term | undefined;
}

class TermBuilder {
  labels: string[] = [];
  spans: Span[] = [];
  start: number;
  end: number;
  constructor(at: number) {
    this.start = at;
    this.end = at;
  }
  add(label: string, span: Span): void {
    if (this.labels.length === 0) this.start = span[0];
    this.labels.push(label);
    this.spans.push(span);
    this.end = span[1];
  }
  build(): Term {
    return { labels: this.labels, spans: this.spans, span: [this.start, this.end] };
  }
}

function scanTerms(source: string): Scanned {
  const inputs: Term[] = [];
  let output: Term | undefined;
  let term = new TermBuilder(0);
  let arrowAt = -1;
  const fail = (code: EinsightErrorCode, span: Span, reason: string): never => {
    throw new EinsightError(code, reason, { span, equation: source });
  };
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    if (isLabel(c)) {
      term.add(c, [i, i + 1]);
      i += 1;
    } else if (/\s/.test(c)) {
      i += 1;
    } else if (c === ".") {
      const run = dotRun(source, i);
      if (run !== 3) {
        fail(
          "invalidEllipsis",
          [i, i + run],
          `'${".".repeat(run)}' is not an ellipsis: write exactly three dots '...' for broadcast ` + `dimensions.`,
        );
      }
      const prior = term.labels.indexOf(ELLIPSIS);
      if (prior >= 0) {
        const where = arrowAt >= 0 ? "The output" : `Operand ${inputs.length}`;
        fail("multipleEllipses", [i, i + 3], `${where} has a second '...'; a term may have at most one ellipsis.`);
      }
      term.add(ELLIPSIS, [i, i + 3]);
      i += 3;
    } else if (c === ",") {
      if (arrowAt >= 0) {
        fail(
          "commaInOutput",
          [i, i + 1],
          "The output after '->' is one term and cannot contain ','; einsum has a single output.",
        );
      }
      inputs.push(term.build());
      term = new TermBuilder(i + 1);
      i += 1;
    } else if (c === "-" && source[i + 1] === ">") {
      if (arrowAt >= 0) {
        fail(
          "multipleArrows",
          [i, i + 2],
          `The equation has a second '->' (the first is at ${arrowAt}); write '->' once, before the output.`,
        );
      }
      arrowAt = i;
      inputs.push(term.build());
      term = new TermBuilder(i + 2);
      i += 2;
    } else if (c === "-" || c === ">") {
      const reason = c === "-" ? "'-' must be followed by '>' to form '->'." : "'>' must follow '-' to form '->'.";
      fail("invalidArrow", [i, i + 1], reason);
    } else {
      const char = String.fromCodePoint(source.codePointAt(i)!);
      fail(
        "invalidCharacter",
        [i, i + char.length],
        `${describeChar(char)} is not a valid einsum label; labels are the letters a-z and A-Z.`,
      );
    }
  }
  if (arrowAt >= 0) output = term.build();
  else inputs.push(term.build());
  return { inputs, output };
}

function dotRun(source: string, at: number): number {
  let n = 0;
  while (source[at + n] === ".") n += 1;
  return n;
}

function describeChar(c: string): string {
  const code = c.codePointAt(0)!;
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
  return code < 0x20 || code === 0x7f ? `The control character ${hex}` : `'${c}' (${hex})`;
}

function checkOutput(source: string, inputs: readonly Term[], output: Term): void {
  const seen = new Map<string, number>();
  const inInputs = new Set(inputs.flatMap((t) => t.labels));
  output.labels.forEach((label, k) => {
    const span = output.spans[k]!;
    if (label === ELLIPSIS) return; // numpy: '...' in the output with no input ellipsis means zero dims
    const first = seen.get(label);
    if (first !== undefined) {
      throw new EinsightError(
        "repeatedOutputLabel",
        `Label '${label}' appears more than once in the output (first at ${first}); each output label ` +
          `must be unique. For a diagonal, repeat the label in an input instead.`,
        { span, equation: source },
      );
    }
    seen.set(label, span[0]);
    if (!inInputs.has(label)) {
      throw new EinsightError(
        "unknownOutputLabel",
        `Label '${label}' of the output does not appear in any input; use only labels from the inputs ` + `after '->'.`,
        { span, equation: source },
      );
    }
  });
}

function implicitOutput(inputs: readonly Term[], end: number): Term {
  const counts = new Map<string, number>();
  for (const t of inputs) for (const l of t.labels) counts.set(l, (counts.get(l) ?? 0) + 1);
  const once = [...counts].filter(([l, n]) => n === 1 && l !== ELLIPSIS).map(([l]) => l);
  once.sort((a, b) => a.charCodeAt(0) - b.charCodeAt(0));
  const labels = counts.has(ELLIPSIS) ? [ELLIPSIS, ...once] : once;
  const at: Span = [end, end];
  return { labels, spans: labels.map(() => at), span: at };
}

/** Property tests: no input crashes or hangs the parser, and valid equations round-trip. */
import fc from "fast-check";
import { expect, test } from "vitest";
import { formatEquation, parseEquation } from "../../codegen/equation.js";
import { EinsightError } from "../../codegen/errors.js";

const RUNS = 10_000;

function parsesOrRaises(source: string): boolean {
  try {
    const eq = parseEquation(source);
    return eq.inputs.length >= 1;
  } catch (e) {
    if (!(e instanceof EinsightError)) throw e;
    const [start, end] = e.span!;
    return 0 <= start && start <= end && end <= source.length && e.equation === source;
  }
}

/** Mostly the grammar's own characters, so that random strings get deep into the parser. */
const nearlyEquations = fc.string({
  unit: fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom("i", "j", "k", "A", "z", ",", "-", ">", ".", " ", "->", "...") },
    { weight: 1, arbitrary: fc.string({ unit: "grapheme", minLength: 1, maxLength: 1 }) },
  ),
  maxLength: 40,
});

test(`${RUNS} strings of grammar characters parse or raise EinsightError with a span inside the string`, () => {
  fc.assert(fc.property(nearlyEquations, parsesOrRaises), { numRuns: RUNS });
});

test(`${RUNS} arbitrary unicode strings parse or raise EinsightError`, () => {
  fc.assert(fc.property(fc.string({ unit: "binary", maxLength: 60 }), parsesOrRaises), { numRuns: RUNS });
});

test("an equation of 50,001 terms parses (a quadratic parser would hit the test timeout)", () => {
  const long = `${"ab,".repeat(50_000)}ab`;
  expect(parseEquation(long).inputs.length).toBe(50_001);
});

const label = fc.constantFrom(..."abcdefgXYZ");
const term = fc.tuple(fc.array(label, { maxLength: 4 }), fc.boolean(), fc.nat(4)).map(([labels, dots, at]) => {
  const out = [...labels];
  if (dots) out.splice(Math.min(at, out.length), 0, "...");
  return out;
});

test("random valid equations parse, and their canonical form parses to the same thing", () => {
  const equation = fc.array(term, { minLength: 1, maxLength: 5 }).chain((inputs) => {
    const seen = [...new Set(inputs.flat().filter((l) => l !== "..."))];
    const outLabels = fc
      .subarray(seen)
      .chain((ls) => fc.shuffledSubarray(ls, { minLength: ls.length, maxLength: ls.length }));
    return fc.record({
      inputs: fc.constant(inputs),
      output: fc.option(outLabels.map((ls) => (inputs.some((t) => t.includes("...")) ? ["...", ...ls] : ls))),
      spaces: fc.boolean(),
    });
  });
  fc.assert(
    fc.property(equation, ({ inputs, output, spaces }) => {
      const sep = spaces ? " " : "";
      const text =
        inputs.map((t) => t.join(sep)).join(`${sep},${sep}`) +
        (output === null ? "" : `${sep}->${sep}${output.join(sep)}`);
      const eq = parseEquation(text);
      expect(eq.inputs.map((t) => t.labels)).toEqual(inputs);
      if (output !== null) expect(eq.output.labels).toEqual(output);
      const again = parseEquation(formatEquation(eq));
      expect(again.inputs.map((t) => t.labels)).toEqual(inputs);
      expect(again.output.labels).toEqual(eq.output.labels);
    }),
    { numRuns: 2_000 },
  );
});

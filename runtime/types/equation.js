/**
 * The einsum grammar at type level: a template-literal mirror of codegen/equation.ts, so that
 * `tsc` rejects a bad literal equation and knows its terms. Tested against the same case table
 * (test/cases.ts) as the runtime parser. One pass over the characters: whitespace skipped, letters
 * and "..." collected per term, output labels checked as they are read, and the labels seen once
 * tracked for numpy's implicit output.
 */
export {};

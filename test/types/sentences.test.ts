/**
 * Every type error of the case table is a sentence: tsc's message for each invalid case names
 * `EinsumTypeError<"...">`, never a helper type (a rank error once showed
 * `RankErrorOf<["i", "j", "k"], [2, 3], 0>`), and it states the runtime's facts for the same call:
 * every number and quoted label in it is in the runtime's `reason` too (which may say more: where
 * in the string, the shape, the code point). (Under TypeScript 7: test/packed/typescript-7.test.ts.)
 */
import { expect, test } from "vitest";
import { invalidCasesModule, messagesFromTsc, sentenceProblems, TSC_6 } from "./checks.js";

test("tsc's message for every invalid case of the table is the runtime's sentence", () => {
  const { invalid, text } = invalidCasesModule();
  const { problems, checked, exempt } = sentenceProblems(invalid, messagesFromTsc(TSC_6, text));
  expect(problems).toEqual([]);
  expect(checked + exempt).toBe(invalid.length);
  expect(exempt).toBeLessThanOrEqual(3);
  expect(checked).toBeGreaterThan(30);
}, 120_000);

/** docs/errors.md lists every error code einsight declares, and nothing else. */
import { expect, test } from "vitest";
import { declaredErrorCodes, documentedErrorCodes } from "../error-codes.js";

test("every EinsightErrorCode is documented in docs/errors.md, and every documented code exists", () => {
  const declared = declaredErrorCodes();
  const documented = documentedErrorCodes();
  expect(declared.size).toBeGreaterThan(30);
  expect([...declared].filter((c) => !documented.has(c))).toEqual([]);
  expect([...documented].filter((c) => !declared.has(c))).toEqual([]);
});

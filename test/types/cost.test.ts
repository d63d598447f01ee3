/**
 * What typed einsum costs the type checker: `tsc --extendedDiagnostics` on a file of 200 einsum
 * calls with literal equations (cycling through the shared table's valid cases) against the same
 * 200 calls with the equations typed `string`. Instantiation counts are deterministic, so this
 * bounds them: at most 5,000 per call. (TypeScript 7's count: test/packed/typescript-7.test.ts.)
 */
import { expect, test } from "vitest";
import { instantiationsPerCall, TSC_6 } from "./checks.js";

const CALLS = 200;

test(`typed einsum costs at most 5,000 type instantiations per call (${CALLS} calls)`, () => {
  const perCall = instantiationsPerCall(TSC_6, CALLS);
  console.log(`typed einsum: ${perCall.toFixed(0)} type instantiations per call`);
  expect(perCall).toBeGreaterThan(0);
  expect(perCall).toBeLessThanOrEqual(5000);
}, 120_000);

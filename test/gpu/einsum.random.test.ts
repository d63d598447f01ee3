/**
 * Random einsums on the real adapter against the oracle: random equations of up to 4 operands
 * (diagonals, ellipses, implicit and explicit outputs, size-1 broadcasting), each operand a random
 * view (permuted storage, slices with offsets and steps, expanded dimensions), planned freely or
 * with a strategy forced.
 */
import fc from "fast-check";
import { expect, test } from "vitest";
import { einsum } from "../../runtime/einsum.js";
import { maxRelativeError, oracleEinsum } from "../support/oracle.js";
import { realize, scenario } from "./random-einsum.js";
import { useGpu } from "./use-gpu.js";

const g = useGpu();
const RUNS = 200;

test(`${RUNS} random einsums over random views match the oracle`, async () => {
  await fc.assert(
    fc.asyncProperty(scenario, async (sc) => {
      const { equation, operands } = realize(g(), sc);
      const strategy = sc.s.strategy;
      const expected = oracleEinsum(
        equation,
        operands.map(({ view, data }) => ({ data, shape: view.shape, strides: view.strides, offset: view.offset })),
      );
      const result = einsum(equation, ...operands.map((o) => o.view), strategy === undefined ? {} : { strategy });
      expect(result.shape).toEqual(expected.shape);
      const error = maxRelativeError(await result.read(), expected.data);
      [result, ...operands.map((o) => o.base)].forEach((t) => t.destroy());
      expect(error, `${equation} ${strategy ?? "planned"}`).toBeLessThanOrEqual(1e-4);
    }),
    { numRuns: RUNS },
  );
});

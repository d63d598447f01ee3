/** Every valid case of the shared table on the real adapter, planned freely and with each strategy forced, against the oracle. */
import { describe, expect, test } from "vitest";
import { STRATEGIES, type Strategy } from "../../codegen/cost.js";
import { elementCount } from "../../codegen/views.js";
import { einsum } from "../../runtime/einsum.js";
import { tensor } from "../../runtime/tensor.js";
import { cases, isValidCase, type Case } from "../cases.js";
import { maxRelativeError, oracleEinsum } from "../support/oracle.js";
import { values } from "../support/data.js";
import { useGpu } from "./use-gpu.js";

const g = useGpu();
const table: readonly Case[] = cases;
const TOLERANCE = 1e-4;

for (const strategy of [undefined, ...STRATEGIES] as (Strategy | undefined)[]) {
  describe(`einsum on every valid case, strategy ${strategy ?? "planned"}`, () => {
    for (const c of table.filter(isValidCase)) {
      test(`${JSON.stringify(c.equation)} ${JSON.stringify(c.shapes)}`, async () => {
        const data = c.shapes.map((s, k) => values(elementCount(s), k + 1));
        const ops = c.shapes.map((s, k) => tensor(g(), data[k]!, s));
        const out = einsum(c.equation, ...ops, strategy === undefined ? {} : { strategy });
        expect(out.shape).toEqual(c.output);
        const expected = oracleEinsum(
          c.equation,
          c.shapes.map((shape, k) => ({ data: data[k]!, shape })),
        );
        expect(maxRelativeError(await out.read(), expected.data)).toBeLessThanOrEqual(TOLERANCE);
        out.destroy();
        ops.forEach((t) => t.destroy());
      });
    }
  });
}

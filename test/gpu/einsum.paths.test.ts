/** opt_einsum's many-operand test equations, planned along their optimal paths, on the GPU against the oracle. */
import { describe, expect, test } from "vitest";
import { values } from "../support/data.js";
import { elementCount } from "../../codegen/views.js";
import { einsum } from "../../runtime/einsum.js";
import { tensor } from "../../runtime/tensor.js";
import { OPT_EINSUM_EQUATIONS } from "../support/opt-einsum-equations.js";
import { maxRelativeError, oracleEinsum } from "../support/oracle.js";
import { useGpu } from "./use-gpu.js";

const g = useGpu();
const small = (label: string) => 2 + (label.charCodeAt(0) % 2); // 2 or 3: the oracle loops over every label

describe("opt_einsum's test equations on the GPU", () => {
  for (const equation of OPT_EINSUM_EQUATIONS) {
    test(equation, async () => {
      const shapes = equation
        .split("->")[0]!
        .split(",")
        .map((term) => [...term].map(small));
      const data = shapes.map((s, k) => values(elementCount(s), k + 1));
      const out = einsum(equation, ...shapes.map((s, k) => tensor(g(), data[k]!, s)));
      const expected = oracleEinsum(
        equation,
        shapes.map((shape, k) => ({ data: data[k]!, shape })),
      );
      expect(out.shape).toEqual(expected.shape);
      expect(maxRelativeError(await out.read(), expected.data)).toBeLessThanOrEqual(1e-4);
    });
  }
});

import { describe, expect, test } from "vitest";
import { bindShapes } from "../../codegen/bind.js";
import { choosePairs, pathCost, stepCost } from "../../codegen/path.js";
import { planEinsum } from "../../codegen/plan.js";
import { OPT_EINSUM_EQUATIONS, shapesFor } from "../opt-einsum-equations.js";

/** The optimum over every pairwise order, by brute force: the reference the planner must meet. */
function exhaustive(operands: readonly (readonly string[])[], output: readonly string[], sizes: Record<string, number>): number {
  if (operands.length < 2) return 0;
  let best = Infinity;
  for (let i = 0; i < operands.length; i++) {
    for (let j = i + 1; j < operands.length; j++) {
      const others = operands.filter((_, k) => k !== i && k !== j);
      const outside = new Set([...output, ...others.flat()]);
      const result = [...new Set([...operands[i]!, ...operands[j]!])].filter((l) => outside.has(l));
      best = Math.min(best, stepCost(operands[i]!, operands[j]!, result, sizes) + exhaustive([...others, result], output, sizes));
    }
  }
  return best;
}

function problem(equation: string) {
  const b = bindShapes(equation, shapesFor(equation).map((shape) => ({ shape })));
  return { operands: b.operands.map((o) => o.labels), output: b.output.labels, sizes: b.sizes };
}

describe("contraction paths on opt_einsum's test equations", () => {
  for (const equation of OPT_EINSUM_EQUATIONS.filter((e) => e.split("->")[0]!.split(",").length >= 3)) {
    test(`${equation}: the planned order costs exactly the exhaustive optimum`, () => {
      const { operands, output, sizes } = problem(equation);
      expect(pathCost(operands, output, sizes)).toBe(exhaustive(operands, output, sizes));
    });
  }
});

test("choosePairs turns the best tree into steps over a shrinking list", () => {
  const steps = choosePairs([["i", "j"], ["j", "k"], ["k", "l"]], ["i", "l"], { i: 4096, j: 256, k: 4096, l: 64 });
  expect(steps).toEqual([
    { left: 1, right: 2, keep: ["i", "l", "j"], last: false },
    { left: 0, right: 1, keep: ["i", "l"], last: true },
  ]);
});

test("a memory budget no order fits: the error names the smallest budget that would", () => {
  const shapes = [{ shape: [64, 8] }, { shape: [8, 64] }, { shape: [64, 8] }];
  // Any order makes one intermediate: 8 x 8 (256 bytes) at best, 64 x 64 at worst.
  expect(planEinsum("ij,jk,kl->il", shapes, { memoryBudget: 256 }).steps[0]!.equation).toBe("jk,kl->jl");
  expect(() => planEinsum("ij,jk,kl->il", shapes, { memoryBudget: 255 })).toThrow(
    expect.objectContaining({ code: "memoryBudget", message: "No contraction order keeps every intermediate within the memoryBudget of 255 bytes; the smallest budget any order fits is 256 bytes." }),
  );
});

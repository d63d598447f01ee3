import { describe, expect, test } from "vitest";
import { bindShapes } from "../../codegen/bind.js";
import { choosePairs, pathCost, stepCost, type PairChoice } from "../../codegen/path.js";
import { planEinsum } from "../../codegen/plan.js";
import { OPT_EINSUM_EQUATIONS, shapesFor } from "../support/opt-einsum-equations.js";

/** The optimum over every pairwise order, by brute force: the reference the planner must meet. */
function exhaustive(
  operands: readonly (readonly string[])[],
  output: readonly string[],
  sizes: Record<string, number>,
): number {
  if (operands.length < 2) return 0;
  let best = Infinity;
  for (let i = 0; i < operands.length; i++) {
    for (let j = i + 1; j < operands.length; j++) {
      const others = operands.filter((_, k) => k !== i && k !== j);
      const outside = new Set([...output, ...others.flat()]);
      const result = [...new Set([...operands[i]!, ...operands[j]!])].filter((l) => outside.has(l));
      best = Math.min(
        best,
        stepCost(operands[i]!, operands[j]!, result, sizes) + exhaustive([...others, result], output, sizes),
      );
    }
  }
  return best;
}

function problem(equation: string) {
  const b = bindShapes(
    equation,
    shapesFor(equation).map((shape) => ({ shape })),
  );
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
  const steps = choosePairs(
    [
      ["i", "j"],
      ["j", "k"],
      ["k", "l"],
    ],
    ["i", "l"],
    { i: 4096, j: 256, k: 4096, l: 64 },
  );
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
    expect.objectContaining({
      code: "memoryBudget",
      message:
        "No contraction order keeps every intermediate within the memoryBudget of 255 bytes; the smallest budget any order fits is 256 bytes.",
    }),
  );
});

// Many operands and many labels: pair lists checked step by step and evaluated on the CPU.

type Labels = readonly (readonly string[])[];

interface Tensor {
  readonly labels: readonly string[];
  /** Row-major over `labels`. */
  readonly data: Float64Array;
}

/** A deterministic generator of numbers in [0, 1). */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function tensor(labels: readonly string[], sizes: Record<string, number>, value: (k: number) => number): Tensor {
  const count = labels.reduce((p, l) => p * sizes[l]!, 1);
  return { labels, data: Float64Array.from({ length: count }, (_, k) => value(k)) };
}

/** Σ over every label of `a` and `b` not in `result` of a·b: one pairwise step, by brute force. */
function contract(a: Tensor, b: Tensor, result: readonly string[], sizes: Record<string, number>): Tensor {
  const all = [...new Set([...a.labels, ...b.labels, ...result])];
  const out = new Float64Array(result.reduce((p, l) => p * sizes[l]!, 1));
  const index = new Map<string, number>(all.map((l) => [l, 0]));
  const offset = (labels: readonly string[]) => labels.reduce((o, l) => o * sizes[l]! + index.get(l)!, 0);
  const total = all.reduce((p, l) => p * sizes[l]!, 1);
  for (let k = 0; k < total; k++) {
    let rest = k;
    for (let d = all.length - 1; d >= 0; d--) {
      index.set(all[d]!, rest % sizes[all[d]!]!);
      rest = Math.floor(rest / sizes[all[d]!]!);
    }
    out[offset(result)]! += a.data[offset(a.labels)]! * b.data[offset(b.labels)]!;
  }
  return { labels: result, data: out };
}

/**
 * Replays a pair list over the shrinking list of operands, checking every step against the
 * contract of `PairChoice`: indices in range, `last` on the final step only, and `keep` exactly the
 * output's labels plus those every other list entry holds. Each result keeps the labels of the pair
 * that `keep` names (the final one, the output), as the planner does; `onStep` gets each step's
 * list indices and the labels it makes, before the list shrinks.
 */
function replay(
  operands: Labels,
  output: readonly string[],
  steps: readonly PairChoice[],
  onStep?: (a: number, b: number, result: readonly string[]) => void,
): void {
  const items = operands.map((o) => [...o]);
  expect(steps).toHaveLength(operands.length - 1);
  steps.forEach((step, s) => {
    expect(Number.isInteger(step.left) && Number.isInteger(step.right)).toBe(true);
    expect(0 <= step.left && step.left < step.right && step.right < items.length).toBe(true);
    expect(step.last).toBe(s === steps.length - 1);
    const needed = new Set([...output, ...items.filter((_, k) => k !== step.left && k !== step.right).flat()]);
    expect(new Set(step.keep)).toEqual(needed);
    const kept = new Set(step.keep);
    const result = step.last
      ? [...output]
      : [...new Set([...items[step.left]!, ...items[step.right]!])].filter((l) => kept.has(l));
    onStep?.(step.left, step.right, result);
    items.splice(step.right, 1);
    items[step.left] = result;
  });
}

/** The einsum evaluated along a pair list (checked by `replay`). */
function evaluate(
  operands: Labels,
  output: readonly string[],
  sizes: Record<string, number>,
  data: readonly Tensor[],
  steps: readonly PairChoice[],
): Tensor {
  const items = [...data];
  replay(operands, output, steps, (a, b, result) => {
    const t = contract(items[a]!, items[b]!, result, sizes);
    items.splice(b, 1);
    items[a] = t;
  });
  return items[0]!;
}

/** A valid pair list that always contracts the first two entries: an order independent of the planner's. */
function leftToRight(operands: Labels, output: readonly string[]): PairChoice[] {
  const items = operands.map((o) => [...o]);
  const steps: PairChoice[] = [];
  while (items.length > 1) {
    const keep = [...new Set([...output, ...items.slice(2).flat()])];
    steps.push({ left: 0, right: 1, keep, last: items.length === 2 });
    const result =
      items.length === 2 ? [...output] : [...new Set([...items[0]!, ...items[1]!])].filter((l) => keep.includes(l));
    items.splice(0, 2, result);
  }
  return steps;
}

function expectClose(actual: Tensor, expected: Tensor): void {
  expect(actual.labels).toEqual(expected.labels);
  const scale = Math.max(1e-300, ...expected.data.map(Math.abs));
  actual.data.forEach((x, k) => expect(Math.abs(x - expected.data[k]!) / scale).toBeLessThan(1e-9));
}

/** `L0 L1, L1 L2, ..., L(n-1) Ln -> L0 Ln` */
function chain(n: number, size = 2) {
  const labels = Array.from({ length: n + 1 }, (_, k) => `L${k}`);
  const operands = Array.from({ length: n }, (_, k) => [labels[k]!, labels[k + 1]!]);
  return { operands, output: [labels[0]!, labels[n]!], sizes: Object.fromEntries(labels.map((l) => [l, size])) };
}

function matmul(a: Float64Array, b: Float64Array, m: number): Float64Array {
  const c = new Float64Array(m * m);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < m; j++) for (let k = 0; k < m; k++) c[i * m + j]! += a[i * m + k]! * b[k * m + j]!;
  return c;
}

describe("orders for more operands than a 32-bit set holds", () => {
  test.each([40, 64])("%i operands a,a,...->a: the product of all, elementwise", (n) => {
    const operands = Array.from({ length: n }, () => ["a"]);
    const sizes = { a: 3 };
    const next = random(n);
    const data = operands.map((o) => tensor(o, sizes, () => 0.5 + next()));
    const steps = choosePairs(operands, ["a"], sizes);
    const expected = tensor(["a"], sizes, (k) => data.reduce((p, t) => p * t.data[k]!, 1));
    expectClose(evaluate(operands, ["a"], sizes, data, steps), expected);
  });

  test.each([40, 51])("a chain of %i 2 x 2 matrices: their product", (n) => {
    const { operands, output, sizes } = chain(n);
    const next = random(n + 1);
    const data = operands.map((o) => tensor(o, sizes, () => 2 * next() - 1));
    const steps = choosePairs(operands, output, sizes);
    const product = data.slice(1).reduce((p, t) => matmul(p, t.data, 2), data[0]!.data);
    expectClose(evaluate(operands, output, sizes, data, steps), { labels: output, data: product });
  });

  test("40 operands of a sparse network: the same result as contracting left to right", () => {
    const next = random(40);
    const labels = Array.from({ length: 50 }, (_, k) => `x${k}`);
    // Each operand holds its own label and two of its neighbours' (a ring), so every order stays small.
    const operands = Array.from({ length: 40 }, (_, k) => [
      ...new Set([labels[k]!, labels[(k + 1) % 40]!, labels[40 + (k % 10)]!]),
    ]);
    const output = [labels[0]!, labels[45]!];
    const sizes = Object.fromEntries(labels.map((l) => [l, 2]));
    const data = operands.map((o) => tensor(o, sizes, () => 2 * next() - 1));
    const steps = choosePairs(operands, output, sizes);
    expectClose(
      evaluate(operands, output, sizes, data, steps),
      evaluate(operands, output, sizes, data, leftToRight(operands, output)),
    );
  });
});

describe("more labels than a double's mantissa holds", () => {
  // 60 labels of size 2 on a ring: operand k holds labels pk..pk+p (wrapping), p = 60 / n, so neighbours share one.
  const ring = (n: number) => {
    const labels = Array.from({ length: 60 }, (_, k) => `y${k}`);
    const per = 60 / n;
    const operands = Array.from({ length: n }, (_, k) =>
      Array.from({ length: per + 1 }, (_, j) => labels[(per * k + j) % 60]!),
    );
    return { operands, output: [labels[1]!, labels[per + 1]!], sizes: Object.fromEntries(labels.map((l) => [l, 2])) };
  };

  test.each([12, 20])("60 labels on %i operands: no memoryBudget error, the same result as left to right", (n) => {
    const { operands, output, sizes } = ring(n);
    const next = random(n);
    const data = operands.map((o) => tensor(o, sizes, () => 2 * next() - 1));
    const steps = choosePairs(operands, output, sizes);
    expectClose(
      evaluate(operands, output, sizes, data, steps),
      evaluate(operands, output, sizes, data, leftToRight(operands, output)),
    );
    // The cost the planner reports is the cost of the order it returns.
    const items = operands.map((o) => [...o]);
    let cost = 0;
    replay(operands, output, steps, (a, b, result) => {
      cost += stepCost(items[a]!, items[b]!, result, sizes);
      items.splice(b, 1);
      items[a] = [...result];
    });
    expect(pathCost(operands, output, sizes)).toBe(cost);
  });

  test("60 ellipsis dimensions plan like letters", () => {
    const shape = Array.from({ length: 60 }, (_, k) => (k % 7 === 0 ? 2 : 1));
    const plan = planEinsum("...,...->...", [{ shape }, { shape }]);
    expect(plan.steps).toHaveLength(1);
    expect(plan.output.shape).toEqual(shape);
  });
});

describe("greedy planning of a thousand operands", () => {
  const within = (ms: number, f: () => PairChoice[]) => {
    const start = performance.now();
    const steps = f();
    const took = performance.now() - start;
    expect(took).toBeLessThan(ms);
    return steps;
  };

  test("a chain of 1,000 rotations in under a second: their product", () => {
    const { operands, output, sizes } = chain(1000);
    const angles = operands.map((_, k) => Math.sin(k) + 0.1);
    const data = angles.map((t, k) => ({
      labels: operands[k]!,
      data: Float64Array.of(Math.cos(t), -Math.sin(t), Math.sin(t), Math.cos(t)),
    }));
    const steps = within(1000, () => choosePairs(operands, output, sizes));
    const t = angles.reduce((s, x) => s + x, 0);
    expectClose(evaluate(operands, output, sizes, data, steps), {
      labels: output,
      data: Float64Array.of(Math.cos(t), -Math.sin(t), Math.sin(t), Math.cos(t)),
    });
  });

  test("1,000 operands sharing one label in under a second", () => {
    const operands = Array.from({ length: 1000 }, () => ["a"]);
    const steps = within(1000, () => choosePairs(operands, ["a"], { a: 4 }));
    replay(operands, ["a"], steps);
  });
});

describe("memoryBudget on the greedy path", () => {
  const { operands, output, sizes } = chain(40, 4);

  test("no order fits: the memoryBudget error", () => {
    // Every intermediate but the last holds two labels of size 4: 64 bytes.
    expect(() => choosePairs(operands, output, sizes, 63)).toThrow(
      expect.objectContaining({
        code: "memoryBudget",
        message:
          "No contraction order keeps every intermediate within the memoryBudget of 63 bytes; raise memoryBudget.",
      }),
    );
  });

  test("every intermediate of the order within the budget", () => {
    // Fits only orders that never make a three-label intermediate: a chain never needs one.
    const steps = choosePairs(operands, output, sizes, 64);
    replay(operands, output, steps, (_a, _b, result) =>
      expect(result.reduce((p, l) => p * sizes[l]!, 4)).toBeLessThanOrEqual(64),
    );
  });
});

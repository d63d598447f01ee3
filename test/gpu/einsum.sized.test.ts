/**
 * Einsums compiled before all their sizes are known (codegen/sized, what the transformer inlines
 * for `Tensor<[number, 64]>`): one compiled einsum runs at many sizes, against the oracle, with no
 * plan made at run time; the guard refuses sizes the build knew otherwise, naming them.
 */
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { values } from "../support/data.js";
import { compileSized, compileSizedWithGradients, NOMINAL_SIZE } from "../../codegen/sized.js";
import type { Strategy } from "../../codegen/cost.js";
import { elementCount } from "../../codegen/views.js";
import { einsumWithBackward } from "../../runtime/backward.js";
import { einsum } from "../../runtime/einsum.js";
import { tensor, Tensor, zeros } from "../../runtime/tensor.js";
import { maxRelativeError, oracleEinsum, oracleGradients } from "../support/oracle.js";
import { realize, scenario } from "./random-einsum.js";
import { useGpu } from "./use-gpu.js";

const g = useGpu();

interface SizedCase {
  readonly equation: string;
  /** What the build knows: `undefined` where a type says `number`. */
  readonly known: readonly (readonly (number | undefined)[])[];
  /** Shapes the compiled einsum runs with, each call. */
  readonly runs: readonly (readonly (readonly number[])[])[];
  readonly strategy?: Strategy;
}

const u = undefined;
const CASES: readonly SizedCase[] = [
  {
    equation: "ij,jk->ik",
    known: [
      [u, 64],
      [64, u],
    ],
    runs: [
      [
        [37, 64],
        [64, 130],
      ],
      [
        [1, 64],
        [64, 1],
      ],
      [
        [200, 64],
        [64, 5],
      ],
      [
        [0, 64],
        [64, 9],
      ],
    ],
  },
  {
    equation: "ij,jk->ik",
    known: [
      [32, u],
      [u, 48],
    ],
    runs: [
      [
        [32, 100],
        [100, 48],
      ],
      [
        [32, 1],
        [1, 48],
      ],
      [
        [32, 0],
        [0, 48],
      ],
    ],
  },
  {
    equation: "bij,bjk->bik",
    known: [
      [u, u, 16],
      [u, 16, 8],
    ],
    runs: [
      [
        [3, 70, 16],
        [3, 16, 8],
      ],
      [
        [1, 5, 16],
        [1, 16, 8],
      ],
    ],
  },
  {
    equation: "ij,j->i",
    known: [[u, u], [u]],
    runs: [
      [[33, 65], [65]],
      [[300, 7], [7]],
    ],
  },
  {
    equation: "i,j->ij",
    known: [[u], [u]],
    runs: [
      [[5], [7]],
      [[130], [3]],
    ],
  },
  { equation: "ijk->ki", known: [[u, 4, u]], runs: [[[3, 4, 5]], [[6, 4, 1]]] },
  { equation: "ii->i", known: [[u, u]], runs: [[[9, 9]], [[1, 1]]] },
  {
    equation: "ij,jk,kl->il",
    known: [
      [u, 8],
      [8, u],
      [u, 6],
    ],
    runs: [
      [
        [5, 8],
        [8, 11],
        [11, 6],
      ],
      [
        [40, 8],
        [8, 3],
        [3, 6],
      ],
    ],
  },
  {
    equation: "...ij,jk->...ik",
    known: [
      [u, u, 4],
      [4, u],
    ],
    runs: [
      [
        [2, 3, 4],
        [4, 5],
      ],
      [
        [6, 1, 4],
        [4, 2],
      ],
    ],
  },
  {
    equation: "ij,jk->ik",
    known: [
      [u, u],
      [u, u],
    ],
    runs: [
      [
        [20, 30],
        [30, 10],
      ],
    ],
    strategy: "loop",
  },
];

describe("einsums sized at run time", () => {
  for (const c of CASES) {
    test(`${c.equation} known as ${JSON.stringify(c.known)}${c.strategy === undefined ? "" : `, ${c.strategy}`}`, async () => {
      const compiled = compileSized(c.equation, c.known, {
        profile: g().profile,
        ...(c.strategy === undefined ? {} : { strategy: c.strategy }),
      });
      expect(compiled.plan.runtimeSizes?.length ?? 0).toBeGreaterThan(0);
      for (const shapes of c.runs) {
        const data = shapes.map((s, k) => values(elementCount(s), k + 1));
        g().resetStats();
        const out = einsum(c.equation, ...shapes.map((s, k) => tensor(g(), data[k]!, s)), { compiled });
        expect(g().stats().plansMade).toBe(0);
        const expected = oracleEinsum(
          c.equation,
          shapes.map((shape, k) => ({ data: data[k]!, shape })),
        );
        expect(out.shape).toEqual(expected.shape);
        expect(maxRelativeError(await out.read(), expected.data)).toBeLessThanOrEqual(1e-4);
      }
    });
  }

  test("the kernels read the sizes the build did not know from params, and bake in those it did", () => {
    const compiled = compileSized(
      "ij,jk->ik",
      [
        [undefined, 64],
        [64, undefined],
      ],
      { profile: g().profile },
    );
    const code = compiled.programs[0]!.launches[0]!.kernel.code;
    expect(compiled.plan.runtimeSizes).toEqual(["i", "k"]);
    expect(code).toMatch(/sizes a=\? b=64 c=\?/);
    expect(code).toMatch(/let M = params\.size_a;/);
    expect(code).toMatch(/let N = params\.size_c;/);
    expect(code).toMatch(/const K: u32 = 64u;/);
    expect(code).not.toMatch(new RegExp(`const [MN]: u32 = ${NOMINAL_SIZE}u`));
    expect(compiled.programs[0]!.launches[0]!.kernel.runtimeDispatch).toBeDefined();
  });

  test("16-byte loads chosen at nominal sizes; a call whose sizes or starts break them runs the same tiles read an element at a time, made once, with no plan made", async () => {
    const compiled = compileSized(
      "ij,jk->ik",
      [
        [u, 72],
        [72, u],
      ],
      { profile: g().profile },
    );
    expect(compiled.plan.steps[0]!.tiles!.wide).toEqual({ a: true, b: true, out: true });
    expect(compiled.programs[0]!.launches[0]!.kernel.code).toMatch(/var<storage, read> b: array<vec4<f32>>;/);
    const run = async (a: Tensor, b: Tensor, aData: Float32Array, bData: Float32Array) => {
      const out = einsum("ij,jk->ik", a, b, { compiled });
      const expected = oracleEinsum("ij,jk->ik", [
        { data: aData, shape: a.shape },
        { data: bData, shape: b.shape },
      ]);
      expect(
        maxRelativeError(await out.read(), expected.data),
        `[${a.shape.join(", ")}] x [${b.shape.join(", ")}]`,
      ).toBeLessThanOrEqual(1e-4);
      out.destroy();
    };
    const matrix = (rows: number, cols: number, seed: number) => {
      const data = values(rows * cols, seed);
      return { t: tensor(g(), data, [rows, cols]), data };
    };
    // K = 72: no other test here compiles these kernels, so the pipeline counts are this test's
    g().resetStats();
    const a = matrix(37, 72, 1);
    await run(a.t, matrix(72, 132, 2).t, a.data, values(72 * 132, 2)); // N = 132: whole 16-byte units, the compiled kernels
    expect(g().stats().pipelinesCompiled).toBe(1);
    await run(a.t, matrix(72, 130, 3).t, a.data, values(72 * 130, 3)); // rows of 130: b's loads cannot be 16 bytes
    expect(g().stats().pipelinesCompiled).toBe(2);
    await run(a.t, matrix(72, 6, 4).t, a.data, values(72 * 6, 4)); // the same narrow kernels, any size
    // a starting one element into its buffer: contiguous, but not 16-byte aligned
    const base = values(37 * 72 + 1, 5);
    const shifted = new Tensor(tensor(g(), base, [37 * 72 + 1]).storage, [37, 72], [72, 1], 1, "f32");
    await run(shifted, matrix(72, 132, 6).t, base.subarray(1), values(72 * 132, 6));
    expect(g().stats().pipelinesCompiled).toBe(2);
    expect(g().stats().plansMade).toBe(0);
  });

  test("a call with an empty operand or output runs the narrow kernels (an empty binding cannot be read as vec4s) and gives zeros or nothing", async () => {
    const compiled = compileSized(
      "ij,jk->ik",
      [
        [64, u],
        [u, 64],
      ],
      { profile: g().profile },
    );
    expect(compiled.plan.steps[0]!.tiles!.wide).toMatchObject({ a: true, b: true });
    const zero = einsum(
      "ij,jk->ik",
      tensor(g(), new Float32Array(0), [64, 0]),
      tensor(g(), new Float32Array(0), [0, 64]),
      { compiled },
    );
    expect([...(await zero.read())].every((v) => v === 0)).toBe(true);
    const rows = compileSized(
      "ij,jk->ik",
      [
        [u, 72],
        [72, 64],
      ],
      { profile: g().profile },
    );
    const none = einsum(
      "ij,jk->ik",
      tensor(g(), new Float32Array(0), [0, 72]),
      tensor(g(), values(72 * 64, 1), [72, 64]),
      { compiled: rows },
    );
    expect(none.shape).toEqual([0, 64]);
    expect((await none.read()).length).toBe(0);
    g().throwGpuError();
    expect(g().stats().plansMade).toBe(0);
  });

  test("a forced strategy that needs every size at build time is refused with its reason, and the cheapest other runs instead", () => {
    // a long contraction into a small output: split-k's case, were its sizes known
    const compiled = compileSized(
      "ij,jk->ik",
      [
        [32, undefined],
        [undefined, 32],
      ],
      { strategy: "split-k" },
    );
    const step = compiled.plan.steps[0]!;
    expect(["direct", "loop"]).toContain(step.strategy);
    expect(step.alternatives.find((a) => a.strategy === "split-k")?.reason).toMatch(/need every size at build time/);
    expect(step.alternatives.find((a) => a.strategy === "ttgt")?.reason).toMatch(/need every size at build time/);
    expect(step.notes).toEqual([
      "'split-k' needs every size at build time, and some are known only at run time; chose by cost",
    ]);
  });

  test("many sizes left open share a bounded nominal size, so that the nominal strides stay exact", () => {
    const compiled = compileSized("abcdefg,g->a", [[u, u, u, u, u, u, u], [u]]);
    const sizes = Object.values(compiled.plan.sizes);
    expect(sizes.reduce((acc, n) => acc * n, 1)).toBeLessThanOrEqual(2 ** 40);
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(2); // 1 would read as broadcasting
    expect(
      compileSized("ij,jk->ik", [
        [u, u],
        [u, u],
      ]).plan.sizes,
    ).toEqual({ i: NOMINAL_SIZE, j: NOMINAL_SIZE, k: NOMINAL_SIZE });
  });

  test("a size the build knew that differs is an error naming the operand, dimension and label", () => {
    const compiled = compileSized("ij,jk->ik", [
      [undefined, 64],
      [64, undefined],
    ]);
    const a = tensor(g(), values(5 * 32, 1), [5, 32]);
    const b = tensor(g(), values(32 * 3, 2), [32, 3]);
    expect(() => einsum("ij,jk->ik", a, b, { compiled })).toThrow(
      expect.objectContaining({
        code: "compiledMismatch",
        message: expect.stringMatching(
          /operand 0 with dimension 1 \(label 'j'\) of size 64, but got 32 \(shape \[5, 32\]\)/,
        ) as unknown,
      }),
    );
    const c = tensor(g(), values(5 * 64 * 2, 1), [5, 64, 2]);
    const untyped: string = "ij,jk->ik"; // the types would refuse a rank-3 operand at compile time
    expect(() => einsum(untyped, c, b, { compiled })).toThrow(
      expect.objectContaining({
        code: "compiledMismatch",
        message: expect.stringMatching(/operand 0 of rank 2 but got shape \[5, 64, 2\]/) as unknown,
      }),
    );
  });

  test("a view the build did not assume is planned just in time, and right", async () => {
    const compiled = compileSized("ij,jk->ik", [
      [undefined, 8],
      [8, undefined],
    ]);
    const data = values(8 * 6, 3);
    const bt = tensor(g(), data, [6, 8]).transpose(); // [8, 6], strides [1, 8]
    const a = tensor(g(), values(4 * 8, 1), [4, 8]);
    g().resetStats();
    const out = einsum("ij,jk->ik", a, bt, { compiled });
    expect(g().stats().plansMade).toBe(1);
    const expected = oracleEinsum("ij,jk->ik", [
      { data: values(4 * 8, 1), shape: [4, 8] },
      { data, shape: [8, 6], strides: [1, 8] },
    ]);
    expect(maxRelativeError(await out.read(), expected.data)).toBeLessThanOrEqual(1e-4);
  });

  test("random einsums with random sizes left to run time match the oracle", async () => {
    let sized = 0;
    const runs = 80;
    await fc.assert(
      fc.asyncProperty(scenario, fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }), async (sc, unknown) => {
        const { equation, operands } = realize(g(), sc);
        const shapes = operands.map((o) => o.view.shape);
        const data = shapes.map((s, k) => values(elementCount(s), k + 7));
        let n = 0;
        const known = shapes.map((s) => s.map((size) => (unknown[n++ % unknown.length] === true ? undefined : size)));
        const strategy = sc.s.strategy === "loop" || sc.s.strategy === "direct" ? sc.s.strategy : undefined;
        const compiled = compileSized(equation, known, {
          profile: g().profile,
          ...(strategy === undefined ? {} : { strategy }),
        });
        const tensors = shapes.map((s, k) => tensor(g(), data[k]!, s));
        g().resetStats();
        const result = einsum(equation, ...tensors, { compiled });
        if (g().stats().plansMade === 0 && compiled.plan.runtimeSizes !== undefined) sized += 1;
        const expected = oracleEinsum(
          equation,
          shapes.map((shape, k) => ({ data: data[k]!, shape })),
        );
        expect(result.shape).toEqual(expected.shape);
        const error = maxRelativeError(await result.read(), expected.data);
        [result, ...tensors, ...operands.map((o) => o.base)].forEach((t) => t.destroy());
        expect(error, `${equation} known as ${JSON.stringify(known)}`).toBeLessThanOrEqual(1e-4);
      }),
      { numRuns: runs },
    );
    // Most of them ran sized at run time (the rest fell back where a size 1 changed which strides broadcast).
    expect(sized).toBeGreaterThan(runs * 0.4);
  });
});

describe("einsumWithBackward sized at run time", () => {
  // Each run: operand views of base buffers (as `[base shape, view]`), the output gradient into new
  // tensors and, added, into gradients laid out like the bases; `sized`: whether every einsum ran
  // the compiled kernels (a size of 1 can drop a label from a gradient einsum: planned just in time).
  const X = (shape: number[], view?: (t: Tensor) => Tensor) => ({ shape, view: view ?? ((t: Tensor) => t) });
  const cases = [
    {
      equation: "ij,jk->ik",
      known: [
        [u, 8],
        [8, u],
      ],
      runs: [
        [X([5, 8]), X([8, 7])],
        [X([33, 8]), X([8, 3])],
      ],
      sized: true,
    },
    {
      equation: "ij,jk->ik",
      known: [
        [u, 8],
        [8, u],
      ],
      runs: [[X([4, 8]), X([8, 1])]],
      sized: false,
    },
    // the seed's shape of problem on slices: outer (contiguous strides) and middle (other strides, same 0s and 1s)
    {
      equation: "ijk,ikl->jl",
      known: [
        [u, u, 4],
        [u, 4, 6],
      ],
      runs: [
        [X([5, 7, 4], (t) => t.slice(0, 1, 4)), X([3, 4, 6])],
        [X([3, 10, 4], (t) => t.slice(1, 2, 7)), X([3, 4, 6])],
      ],
      sized: true,
    },
  ] as const;
  test.each(cases)("$equation known as $known", async ({ equation, known, runs, sized }) => {
    const compiled = compileSizedWithGradients(equation, known, { profile: g().profile });
    expect(compiled.gradients).toHaveLength(2);
    for (const run of runs) {
      const data = run.map((o, k) => values(elementCount(o.shape), k + 3));
      const bases = run.map((o, k) => tensor(g(), data[k]!, o.shape));
      const views = run.map((o, k) => o.view(bases[k]!));
      g().resetStats();
      const { output, backward } = einsumWithBackward(equation as string, ...views, { compiled });
      const dOutData = values(elementCount(output.shape), 9);
      const dOut = tensor(g(), dOutData, output.shape);
      const fresh = backward(dOut);
      const into = bases.map((b) => zeros(g(), b.shape));
      backward(dOut, into);
      if (sized) expect(g().stats().plansMade).toBe(0);
      else expect(g().stats().plansMade).toBeGreaterThan(0);
      const oracleOps = views.map((v, k) => ({ data: data[k]!, shape: v.shape, strides: v.strides, offset: v.offset }));
      expect(maxRelativeError(await output.read(), oracleEinsum(equation, oracleOps).data)).toBeLessThanOrEqual(1e-4);
      const want = oracleGradients(equation, oracleOps, dOutData);
      for (const [k, v] of views.entries()) {
        expect(
          maxRelativeError(await into[k]!.read(), want[k]!),
          `gradient ${k} into its base's layout`,
        ).toBeLessThanOrEqual(1e-4);
        const wantView = oracleEinsum(
          `${"abcdefgh".slice(0, v.shape.length)}->${"abcdefgh".slice(0, v.shape.length)}`,
          [{ data: want[k]!, shape: v.shape, strides: v.strides, offset: v.offset }],
        ).data;
        expect(maxRelativeError(await fresh[k]!.read(), wantView), `gradient ${k} as a new tensor`).toBeLessThanOrEqual(
          1e-4,
        );
      }
      [...bases, ...into, dOut, output, ...fresh.map((t) => t!)].forEach((t) => t.destroy());
    }
  });
});

test("einsumWithBackward summing over a size of 0, compiled sized or planned: an empty gradient makes no einsum, the other is zeros", async () => {
  const compiled = compileSizedWithGradients("ij,jk->ik", [
    [undefined, undefined],
    [undefined, undefined],
  ]);
  for (const options of [{ compiled }, {}]) {
    const a = tensor(g(), [], [0, 4]);
    const b = tensor(g(), values(16, 1), [4, 4]);
    const { output, backward } = einsumWithBackward("ij,jk->ik", a, b, options);
    expect(output.shape).toEqual([0, 4]);
    const [da] = backward(tensor(g(), [], [0, 4]));
    expect(da!.shape).toEqual([0, 4]);
    // a's gradient goes into a view of a larger buffer: an empty gradient writes none of it
    const base = tensor(g(), [7, 7, 7, 7], [4]);
    const [, db] = backward(tensor(g(), [], [0, 4]), [new Tensor(base.storage, [0, 4], [4, 1], 0), undefined]);
    expect([...(await base.read())]).toEqual([7, 7, 7, 7]);
    expect([...(await db!.read())]).toEqual(new Array(16).fill(0)); // the sum over i has no terms
  }
});

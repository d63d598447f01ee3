/**
 * Random pairwise contractions on the tiled kernels against the oracle, at sizes the small random
 * einsums (einsum.random.test.ts, sizes 1-4) never reach: edges of 16-128 tiles, many slabs,
 * split-k, 16-byte loads and stores where sizes, strides and starts allow them and element ones
 * where one of them does not, workgroup layouts, `out` views (with and without `accumulate`),
 * and plans sized at run time called with other sizes. Every element of an `out` view's buffer
 * outside the view must be left as it was.
 */
import fc from "fast-check";
import { expect, test } from "vitest";
import { compilePlan } from "../../codegen/compiled.js";
import type { Strategy } from "../../codegen/cost.js";
import { planEinsum } from "../../codegen/plan.js";
import { compileSized } from "../../codegen/sized.js";
import { contiguousStrides, elementCount } from "../../codegen/views.js";
import { einsum } from "../../runtime/einsum.js";
import { Tensor, tensor } from "../../runtime/tensor.js";
import { values } from "../support/data.js";
import { maxRelativeError, oracleEinsum } from "../support/oracle.js";
import { useGpu } from "./use-gpu.js";

const g = useGpu();
const RUNS = Number(process.env["TILED_RUNS"] ?? 48);

/** Sizes of a group's first label (edges of every tile side, whole vec4s and not) and of a second one. */
const FIRST = [1, 3, 4, 8, 16, 17, 32, 33, 64, 65, 100];
const SECOND = [1, 2, 3, 4, 8];
const K_FIRST = [1, 4, 7, 16, 33, 64, 100, 129, 256, 300];
/** Tiles the planner may be forced to (the H100 profile's 128 x 64 x 16 among them), or none. */
const TILES = [
  undefined,
  { tm: 16, tn: 16, tk: 16 },
  { tm: 32, tn: 32, tk: 8 },
  { tm: 64, tn: 64, tk: 16 },
  { tm: 128, tn: 64, tk: 16 },
  { tm: 64, tn: 128, tk: 8 },
  { tm: 32, tn: 64, tk: 32 },
];
/**
 * Workgroup layouts a profile may name (planned only where the tiles divide among them). Fewer
 * invocations than 256 come with the 8-deep tiles the bench times them on: SwiftShader takes
 * minutes (and gigabytes) to compile a kernel with 16 loads an operand per invocation.
 */
const LAYOUTS = [
  undefined,
  { invocations: { x: 16, y: 16, run: 8 } },
  { invocations: { x: 8, y: 16 }, tiles: { tm: 128, tn: 64, tk: 8 } },
  { invocations: { x: 8, y: 16, run: 4 }, tiles: { tm: 128, tn: 64, tk: 8 } },
  { invocations: { x: 8, y: 8 }, tiles: { tm: 64, tn: 64, tk: 8 } },
];

/** How an operand (or the output) lies in its buffer: storage order, padding of each stored dimension, and where it starts. */
const layout = fc.record({
  order: fc.array(fc.nat(), { minLength: 5, maxLength: 5 }),
  pads: fc.array(fc.constantFrom(0, 0, 0, 1, 4), { minLength: 5, maxLength: 5 }),
  offset: fc.constantFrom(0, 0, 1, 2, 4, 8),
});

const scenario = fc
  .record({
    counts: fc.record({
      batch: fc.integer({ min: 0, max: 1 }),
      m: fc.integer({ min: 1, max: 2 }),
      n: fc.integer({ min: 1, max: 2 }),
      k: fc.integer({ min: 1, max: 2 }),
    }),
    batch: fc.integer({ min: 1, max: 3 }),
    first: fc.record({ m: fc.constantFrom(...FIRST), n: fc.constantFrom(...FIRST), k: fc.constantFrom(...K_FIRST) }),
    second: fc.record({ m: fc.constantFrom(...SECOND), n: fc.constantFrom(...SECOND), k: fc.constantFrom(...SECOND) }),
    orders: fc.array(fc.array(fc.nat(), { minLength: 7, maxLength: 7 }), { minLength: 3, maxLength: 3 }),
    layouts: fc.array(layout, { minLength: 3, maxLength: 3 }),
    strategy: fc.constantFrom<Strategy | undefined>(undefined, "direct", "direct", "split-k", "ttgt"),
    tiles: fc.constantFrom(...TILES),
    layout: fc.constantFrom(...LAYOUTS),
    output: fc.constantFrom("fresh", "view", "accumulate"),
    /** Compiled with the m and n sizes left to run time (nominal 64) and called with these. */
    sized: fc.boolean(),
  })
  .filter((s) => {
    const size = (group: "m" | "n" | "k") => s.first[group] * (s.counts[group] === 2 ? s.second[group] : 1);
    return (
      size("m") <= 300 &&
      size("n") <= 300 &&
      size("k") <= 1200 &&
      s.batch ** s.counts.batch * size("m") * size("n") * size("k") <= 3e6
    );
  });

type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

/** The equation's labels by group, their sizes, and the three terms in random orders. */
function shapeOf(s: Scenario) {
  const groups = {
    batch: ["b"].slice(0, s.counts.batch),
    m: ["i", "j"].slice(0, s.counts.m),
    n: ["p", "q"].slice(0, s.counts.n),
    k: ["k", "l"].slice(0, s.counts.k),
  };
  const size: Record<string, number> = {
    b: s.batch,
    i: s.first.m,
    j: s.second.m,
    p: s.first.n,
    q: s.second.n,
    k: s.first.k,
    l: s.second.k,
  };
  const shuffle = (labels: string[], order: readonly number[]) =>
    labels
      .map((l, i) => ({ l, o: order[i]! }))
      .sort((x, y) => x.o - y.o)
      .map((e) => e.l);
  const terms = [
    shuffle([...groups.batch, ...groups.m, ...groups.k], s.orders[0]!),
    shuffle([...groups.batch, ...groups.k, ...groups.n], s.orders[1]!),
    shuffle([...groups.batch, ...groups.m, ...groups.n], s.orders[2]!),
  ];
  return { terms, size, equation: `${terms[0]!.join("")},${terms[1]!.join("")}->${terms[2]!.join("")}` };
}

/** A view of `shape` in a buffer of its own: dimensions stored in `order` (or as they are), each padded, starting `offset` elements in. */
function placed(shape: readonly number[], l: Scenario["layouts"][number], keepOrder: boolean, seed: number) {
  const rank = shape.length;
  const perm = [...Array(rank).keys()].sort((x, y) => (keepOrder ? x - y : l.order[x]! - l.order[y]! || x - y)); // perm[s]: the view dim stored s-th
  const stored = perm.map((d, s) => shape[d]! + l.pads[s]!);
  const storedStrides = contiguousStrides(stored);
  const strides = shape.map((_, d) => storedStrides[perm.indexOf(d)]!);
  const data = values(l.offset + elementCount(stored), seed);
  const base = tensor(g(), data, [data.length]);
  return { view: new Tensor(base.storage, shape, strides, l.offset), base, data };
}

test(`${RUNS} random contractions on the tiled kernels (edges, slabs, split-k, 16-byte and element accesses, layouts, out views, sizes read at run time) match the oracle`, async () => {
  let used = 0; // calls that ran the plan made here, not one planned just in time
  const seen = { wideLoads: 0, wideStores: 0, layouts: 0, splitK: 0, sized: 0 }; // among those, what their kernels did
  await fc.assert(
    fc.asyncProperty(scenario, async (s) => {
      const { terms, size, equation } = shapeOf(s);
      const shapes = terms.map((t) => t.map((l) => size[l]!));
      const sized = s.sized && s.strategy !== "split-k" && s.strategy !== "ttgt"; // sizes read at run time: direct or loop only
      // A plan sized at run time fits views whose unit strides are where the contiguous ones were.
      const [a, b] = [0, 1].map((k) => placed(shapes[k]!, s.layouts[k]!, sized, 11 * k + 1));
      const out = s.output === "fresh" ? undefined : placed(shapes[2]!, s.layouts[2]!, sized, 7);
      const accumulate = s.output === "accumulate";
      const profile = { ...g().profile, ...(s.layout === undefined ? {} : { invocations: s.layout.invocations }) };
      const tiles = s.layout?.tiles ?? s.tiles;
      const options = {
        ...(s.strategy === undefined ? {} : { strategy: s.strategy }),
        ...(tiles === undefined ? {} : { tiles }),
        profile,
        accumulate,
      };
      // Sized: i and p left to run time; an out view is compiled as a contiguous one at the nominal sizes.
      const typed = shapes
        .slice(0, 2)
        .map((sh, k) => sh.map((n, d) => (["i", "p"].includes(terms[k]![d]!) ? undefined : n)));
      const nominal = () => contiguousStrides(compileSized(equation, typed, options).plan.output.shape);
      const compiled = sized
        ? compileSized(equation, typed, { ...options, ...(out === undefined ? {} : { outputStrides: nominal() }) })
        : compilePlan(
            planEinsum(equation, [a!.view, b!.view], {
              ...options,
              ...(out === undefined ? {} : { outputStrides: out.view.strides, outputOffset: out.view.offset }),
            }),
          );
      const before = g().stats().plansMade;
      const result = einsum(equation, a!.view, b!.view, {
        compiled,
        ...(out === undefined ? {} : { out: out.view, accumulate }),
      });
      if (g().stats().plansMade === before) {
        used += 1;
        const tiled = compiled.plan.steps.flatMap((step) => (step.tiles === undefined ? [] : [step.tiles]));
        if (tiled.some((t) => t.wide?.a === true || t.wide?.b === true)) seen.wideLoads += 1;
        if (tiled.some((t) => t.wide?.out === true)) seen.wideStores += 1;
        if (tiled.some((t) => t.invocations !== undefined)) seen.layouts += 1;
        if (compiled.plan.steps.some((step) => step.strategy === "split-k")) seen.splitK += 1;
        if (sized) seen.sized += 1;
      }
      const expected = oracleEinsum(
        equation,
        [a!, b!].map(({ view, data }) => ({ data, shape: view.shape, strides: view.strides, offset: view.offset })),
      );
      const what = `${equation} sizes ${JSON.stringify(size)} ${s.strategy ?? "planned"} tiles ${JSON.stringify(tiles ?? "planned")} layout ${JSON.stringify(s.layout?.invocations ?? "default")} ${s.output}${sized ? " sized" : ""} starts ${[a!, b!, ...(out === undefined ? [] : [out])].map((o) => o.view.offset).join(",")}`;
      if (out === undefined) {
        expect(maxRelativeError(await result.read(), expected.data), what).toBeLessThanOrEqual(1e-4);
      } else {
        // The whole buffer: the view holds the result (plus what it held, with accumulate), the rest is untouched.
        const want = Float64Array.from(out.data);
        const strides = out.view.strides;
        expected.data.forEach((v, flat) => {
          let at = out.view.offset;
          let rest = flat;
          for (let d = shapes[2]!.length - 1; d >= 0; d--) {
            at += (rest % shapes[2]![d]!) * strides[d]!;
            rest = Math.floor(rest / shapes[2]![d]!);
          }
          want[at] = (accumulate ? out.data[at]! : 0) + v;
        });
        expect(maxRelativeError(await out.base.read(), want), what).toBeLessThanOrEqual(1e-4);
      }
      [a!, b!, ...(out === undefined ? [] : [out])].forEach((o) => o.base.destroy());
      if (out === undefined) result.destroy();
    }),
    { numRuns: RUNS },
  );
  // Most calls run the plan made for them (the rest fall back to planning just in time, also checked).
  expect(used).toBeGreaterThan(RUNS / 2);
  // ... and the paths this test is for were taken (16-byte stores too, in about one run in six).
  expect(seen.wideLoads * seen.layouts * seen.sized).toBeGreaterThan(0);
}, 600_000);

/**
 * Random einsums for the GPU tests: equations of up to 4 operands (diagonals, ellipses, implicit and
 * explicit outputs, size-1 broadcasting), each operand a random view (permuted storage, slices with
 * offsets and steps, expanded dimensions), with a strategy to force or not.
 */
import fc from "fast-check";
import { expect } from "vitest";
import { STRATEGIES } from "../../codegen/cost.js";
import { elementCount } from "../../codegen/views.js";
import type { Gpu } from "../../runtime/device.js";
import { tensor, type Tensor } from "../../runtime/tensor.js";
import { values } from "../support/data.js";

/** How one dimension of an operand is stored: its own size, a slice of a longer one, or a size-1 dimension expanded. */
type DimLayout =
  | { readonly kind: "plain" }
  | { readonly kind: "slice"; readonly start: number; readonly step: number }
  | { readonly kind: "expand" };

const dimLayout: fc.Arbitrary<DimLayout> = fc.oneof(
  { weight: 3, arbitrary: fc.constant({ kind: "plain" as const }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("slice" as const),
      start: fc.integer({ min: 0, max: 2 }),
      step: fc.integer({ min: 1, max: 2 }),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: "expand" as const }) },
);

export const scenario = fc
  .record({
    labels: fc.shuffledSubarray([..."abcdefg"], { minLength: 1, maxLength: 5 }),
    sizes: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 7, maxLength: 7 }),
    ellipsis: fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 2 }),
    operands: fc.integer({ min: 1, max: 4 }),
    seed: fc.nat(),
    strategy: fc.constantFrom(undefined, ...STRATEGIES),
  })
  .chain((s) =>
    fc.record({
      s: fc.constant(s),
      terms: fc.array(
        fc.record({
          labels: fc
            .subarray(s.labels, { maxLength: Math.min(4, s.labels.length) })
            .chain((ls) => (ls.length > 0 ? fc.constantFrom(ls, [...ls, ls[0]!]) : fc.constant(ls))), // sometimes a diagonal
          ellipsisDims: fc.integer({ min: 0, max: s.ellipsis.length }),
          ellipsisOnes: fc.boolean(), // broadcast: the operand's ellipsis dims are size 1
          layouts: fc.array(dimLayout, { minLength: 8, maxLength: 8 }),
          order: fc.array(fc.nat(), { minLength: 8, maxLength: 8 }),
        }),
        { minLength: s.operands, maxLength: s.operands },
      ),
      explicit: fc.boolean(),
      outOrder: fc.array(fc.nat(), { minLength: 8, maxLength: 8 }),
    }),
  );

export type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

export interface RandomOperand {
  readonly view: Tensor;
  /** The buffer the view lives in, and its values (row-major in the buffer's own shape). */
  readonly base: Tensor;
  readonly data: Float32Array;
}

/** The scenario's equation, and its operands made on `g` (destroy each `base` after). */
export function realize(
  g: Gpu,
  { s, terms, explicit, outOrder }: Scenario,
): { equation: string; operands: RandomOperand[] } {
  const size = (l: string) => s.sizes["abcdefg".indexOf(l)]!;
  const useEllipsis = s.ellipsis.length > 0 && terms.some((t) => t.ellipsisDims > 0);
  const texts = terms.map((t) => (useEllipsis && t.ellipsisDims > 0 ? `...${t.labels.join("")}` : t.labels.join("")));
  const seen = [...new Set(terms.flatMap((t) => t.labels))];
  const out = seen
    .filter((_, i) => outOrder[i]! % 2 === 0)
    .sort((x, y) => outOrder[seen.indexOf(x)]! - outOrder[seen.indexOf(y)]!);
  const equation = explicit ? `${texts.join(",")}->${useEllipsis ? "..." : ""}${out.join("")}` : texts.join(",");
  const operands = terms.map((t, k) => {
    const ell =
      useEllipsis && t.ellipsisDims > 0
        ? s.ellipsis.slice(s.ellipsis.length - t.ellipsisDims).map((n) => (t.ellipsisOnes ? 1 : n))
        : [];
    const shape = [...ell, ...t.labels.map(size)];
    return makeView(g, shape, t.layouts, t.order, s.seed + k);
  });
  return { equation, operands };
}

/** A view of `shape` over a fresh buffer, stored in a permuted order, sliced and expanded as `layouts` say. */
function makeView(
  g: Gpu,
  shape: readonly number[],
  layouts: readonly DimLayout[],
  order: readonly number[],
  seed: number,
): RandomOperand {
  const rank = shape.length;
  const plain: DimLayout = { kind: "plain" };
  const dims = shape.map((n, d) => ({ n, layout: n > 1 ? layouts[d]! : plain }));
  const physical = dims.map(({ n, layout }) =>
    layout.kind === "slice" ? layout.start + n * layout.step + 1 : layout.kind === "expand" ? 1 : n,
  );
  const perm = [...Array(rank).keys()].sort((x, y) => order[x]! - order[y]! || x - y); // storage order
  const stored = perm.map((d) => physical[d]!);
  const data = values(elementCount(stored), seed);
  const base = tensor(g, data, stored);
  let view: Tensor = base.permute(...perm.map((_, d) => perm.indexOf(d)));
  dims.forEach(({ n, layout }, d) => {
    if (layout.kind === "slice") view = view.slice(d, layout.start, layout.start + n * layout.step, layout.step);
  });
  if (dims.some((d) => d.layout.kind === "expand")) view = view.expand(...shape);
  expect(view.shape).toEqual(shape);
  return { view, base, data };
}

/**
 * The first generated kernel end to end: any strided view materialized into a new contiguous tensor
 * on the GPU, checked against the CPU oracle (an identity einsum over the same view).
 */
import fc from "fast-check";
import { expect, test } from "vitest";
import { contiguousStrides, elementCount } from "../../codegen/views.js";
import { Tensor, tensor } from "../../runtime/tensor.js";
import { oracleEinsum } from "../support/oracle.js";
import { useGpu } from "./use-gpu.js";

const g = useGpu();

/** One view step with parameters in [0, 1), scaled to whatever is valid for the tensor at hand. */
type Step = readonly [kind: number, a: number, b: number, c: number];

function applyStep(t: Tensor, [kind, a, b, c]: Step): Tensor {
  const r = t.rank;
  const pick = (u: number, n: number) => Math.floor(u * n);
  switch (r === 0 ? 3 : kind) {
    case 0: {
      const dim = pick(a, r);
      const n = t.shape[dim]!;
      return t.slice(dim, pick(b, n + 1), n, 1 + pick(c, 3));
    }
    case 1:
      return t.transpose(pick(a, r), pick(b, r));
    case 2: {
      const order = [...t.shape.keys()].sort((x, y) => Math.sin(x * 7 + a * 13) - Math.sin(y * 7 + a * 13));
      return t.permute(...order);
    }
    case 3:
      return t.expand(
        ...(r === 0 || a < 0.5 ? [1 + pick(b, 3), ...t.shape] : t.shape.map((n) => (n === 1 ? 1 + pick(c, 3) : n))),
      );
    case 4:
      return t.shape[pick(a, r)]! > 0 && r > 1 ? t.select(pick(a, r), pick(b, t.shape[pick(a, r)]!)) : t;
    default:
      return r >= 2 ? t.diagonal(pick(c, 3) - 1, 0, r - 1) : t;
  }
}

const labels = (rank: number) => "abcdefghijklmnop".slice(0, rank);

test("random view chains materialize exactly (contiguous() and read() against the oracle)", async () => {
  const scenario = fc.record({
    shape: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 0, maxLength: 4 }),
    pad: fc.integer({ min: 0, max: 300 }), // elements before the tensor's data: unaligned windows
    steps: fc.array(
      fc.tuple(
        fc.nat(5),
        fc.double({ min: 0, max: 0.999, noNaN: true }),
        fc.double({ min: 0, max: 0.999, noNaN: true }),
        fc.double({ min: 0, max: 0.999, noNaN: true }),
      ),
      { maxLength: 5 },
    ),
  });
  await fc.assert(
    fc.asyncProperty(scenario, async ({ shape, pad, steps }) => {
      const n = elementCount(shape);
      const data = Float32Array.from({ length: pad + n }, (_, i) => (i * 37) % 101);
      const padded = tensor(g(), data, [pad + n]);
      let view: Tensor = new Tensor(padded.storage, shape, contiguousStrides(shape), pad);
      for (const step of steps) view = applyStep(view, step);
      const l = labels(view.rank);
      const expected = oracleEinsum(`${l}->${l}`, [
        { data, shape: view.shape, strides: view.strides, offset: view.offset },
      ]);
      const copy = view.contiguous();
      expect(copy.shape).toEqual(view.shape);
      expect([...(await copy.read())]).toEqual([...expected.data]);
      expect([...(await view.read())]).toEqual([...expected.data]);
      padded.destroy();
    }),
    { numRuns: 150 },
  );
});

test("a transposed slice deep inside a buffer: the kernel binds an aligned window, not the whole buffer", async () => {
  const data = Float32Array.from({ length: 4000 }, (_, i) => i);
  const x = tensor(g(), data, [40, 100]);
  const v = x.slice(0, 13, 17).slice(1, 1, 100, 7).transpose(); // offset 1301: not a multiple of 64 elements
  const expected = oracleEinsum("ab->ab", [{ data, shape: v.shape, strides: v.strides, offset: v.offset }]);
  const copy = v.contiguous();
  expect(copy.strides).toEqual([4, 1]);
  expect([...(await copy.read())]).toEqual([...expected.data]);
});

test("views of rank 18 that no dimension merges, two copied in one submit: each copy reads its own params", async () => {
  const shape = new Array<number>(18).fill(2);
  const data = (seed: number) => Float32Array.from({ length: 2 ** 18 }, (_, i) => ((i * 7 + seed) % 13) - 6);
  const order = shape.map((_, d) => 17 - d); // strides rising: nothing coalesces, a size and a stride each
  const [x, y] = [1, 2].map((seed) => tensor(g(), data(seed), shape).permute(...order));
  const [cx, cy] = g().batch(() => [x!.contiguous(), y!.contiguous()]);
  for (const [copy, seed] of [
    [cx, 1],
    [cy, 2],
  ] as const) {
    const want = oracleEinsum("abcdefghijklmnopqr->rqponmlkjihgfedcba", [{ data: data(seed), shape }]);
    expect([...(await copy.read())]).toEqual([...want.data]);
  }
});

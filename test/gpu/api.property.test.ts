/**
 * The public API under random use (issue: reliability): sequences of tensor creation (some
 * invalid), views (some invalid), einsums (random and garbage equations, forced strategies, `out`
 * and `accumulate`), reads, destroys of tensors and of the device. Every call either does what a
 * model predicts (reads equal to the float64 oracle; views with the model's shape) or throws an
 * EinsightError whose code docs/errors.md documents, and the one the model expects; never anything
 * else, and never a GPU error left behind. API_RUNS sets the number of sequences (default 40).
 */
import fc from "fast-check";
import { expect, test } from "vitest";
import { EinsightError } from "../../codegen/errors.js";
import {
  contiguousStrides,
  diagonalView,
  elementCount,
  expandView,
  isContiguous,
  permuteView,
  selectView,
  sliceView,
  transposeView,
  type View,
} from "../../codegen/views.js";
import { gpu, type Gpu } from "../../runtime/device.js";
import { einsum } from "../../runtime/einsum.js";
import { tensor, zeros, type Tensor } from "../../runtime/tensor.js";
import { documentedErrorCodes } from "../error-codes.js";
import { oracleEinsum } from "../support/oracle.js";

const documented = documentedErrorCodes();
/** What the runs exercised: asserted at the end, so that a generator gone trivial fails the test. */
const seen = {
  steps: 0,
  runs: 0,
  einsums: 0,
  einsumErrors: 0,
  reads: 0,
  views: 0,
  viewErrors: 0,
  destroyed: 0,
  outs: 0,
};

/** A buffer's values as the model knows them, and whether it was destroyed. */
interface Base {
  readonly data: Float64Array;
  destroyed: boolean;
}
interface Entry {
  readonly t: Tensor;
  readonly base: Base;
  readonly view: View;
}
interface World {
  readonly g: Gpu;
  readonly entries: Entry[];
  deviceDestroyed: boolean;
  readonly log: string[];
}

const int = (min: number, max: number) => fc.integer({ min, max });
const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });

const viewOp = fc.oneof(
  fc.record({
    op: fc.constant("slice" as const),
    dim: int(-2, 2),
    start: maybe(int(-4, 4)),
    end: maybe(int(-4, 4)),
    step: maybe(int(0, 2)),
  }),
  fc.record({ op: fc.constant("transpose" as const), d0: int(-2, 2), d1: int(-2, 2) }),
  fc.record({
    op: fc.constant("permute" as const),
    dims: fc.oneof(
      fc.shuffledSubarray([0, 1, 2], { minLength: 0, maxLength: 3 }),
      fc.array(int(-1, 3), { maxLength: 4 }),
    ),
  }),
  fc.record({ op: fc.constant("expand" as const), shape: fc.array(int(-1, 4), { maxLength: 4 }) }),
  fc.record({ op: fc.constant("select" as const), dim: int(-2, 2), index: int(-3, 3) }),
  fc.record({ op: fc.constant("diagonal" as const), offset: int(-1, 1), d1: int(-2, 2), d2: int(-2, 2) }),
  fc.constant({ op: "contiguous" as const }),
);

const step = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("tensor" as const),
      shape: fc.array(int(0, 4), { maxLength: 3 }),
      bad: fc.constantFrom("none", "none", "none", "shape", "data"),
    }),
  },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("view" as const), pick: fc.nat(), op: viewOp }) },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant("einsum" as const),
      picks: fc.array(fc.nat(), { minLength: 1, maxLength: 3 }),
      letters: fc.array(fc.nat(), { minLength: 12, maxLength: 12 }),
      ellipsis: fc.boolean(),
      output: fc.constantFrom("implicit", "explicit", "explicit", "garbage"),
      outOrder: fc.array(fc.nat(), { minLength: 8, maxLength: 8 }),
      garbage: fc.string({ unit: fc.constantFrom(..."ab,->. 1"), maxLength: 8 }),
      strategy: fc.constantFrom(undefined, "direct", "split-k", "ttgt", "loop"),
      out: fc.constantFrom("none", "none", "out", "accumulate"),
    }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("read" as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("destroy" as const), pick: fc.nat() }) },
);
type Step = typeof step extends fc.Arbitrary<infer T> ? T : never;

const sequence = fc.record({
  steps: fc.array(step, { minLength: 6, maxLength: 30, size: "max" }),
  // Mostly never: a destroyed device makes every later step the same error.
  destroyDeviceAt: fc.oneof(
    { weight: 3, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.nat({ max: 30 }) },
  ),
  seed: fc.nat(),
});

test("random use of the public API: the oracle's numbers or a documented EinsightError, nothing else", async () => {
  await fc.assert(
    fc.asyncProperty(sequence, async ({ steps, destroyDeviceAt, seed }) => {
      const world: World = { g: await gpu(), entries: [], deviceDestroyed: false, log: [] };
      seen.runs += 1;
      let random = seed;
      const value = () => ((random = (random * 1103515245 + 12345) % 2 ** 31) % 7) - 3; // small integers: exact in f32
      try {
        for (const [i, s] of steps.entries()) {
          if (i === destroyDeviceAt) {
            world.g.destroy();
            world.deviceDestroyed = true;
            world.log.push("g.destroy()");
          }
          seen.steps += 1;
          await perform(world, s, value);
        }
        if (!world.deviceDestroyed) world.g.throwGpuError(); // nothing the GPU refused along the way
      } catch (e) {
        throw new Error(`${String(e)}\n  after: ${world.log.join("; ")}`, { cause: e });
      } finally {
        world.g.destroy();
      }
    }),
    { numRuns: Number(process.env["API_RUNS"] ?? 40) },
  );
  console.log("api property test:", seen);
  expect(seen.einsums).toBeGreaterThan(20);
  expect(seen.einsumErrors).toBeGreaterThan(5);
  expect(seen.reads).toBeGreaterThan(20);
  expect(seen.views).toBeGreaterThan(3);
  expect(seen.viewErrors).toBeGreaterThan(5);
  expect(seen.destroyed).toBeGreaterThan(0);
  expect(seen.outs).toBeGreaterThan(3);
}, 600_000);

/** Runs one step and checks it against the model. */
async function perform(world: World, s: Step, value: () => number): Promise<void> {
  const { entries } = world;
  const pick = (n: number) => entries[n % entries.length]!;
  switch (s.kind) {
    case "tensor": {
      const shape = s.bad === "shape" ? [...s.shape, -1] : s.shape;
      const count = elementCount(s.shape);
      const data = Array.from({ length: s.bad === "data" ? count + 1 : count }, value);
      world.log.push(`tensor(${JSON.stringify(data)}, ${JSON.stringify(shape)})`);
      const expected = world.deviceDestroyed
        ? "destroyedDevice"
        : s.bad === "shape"
          ? "invalidShape"
          : s.bad === "data"
            ? "invalidData"
            : undefined;
      const t = outcome(() => tensor(world.g, data, shape), expected);
      if (t !== undefined)
        entries.push({
          t,
          base: { data: Float64Array.from(data), destroyed: false },
          view: { shape: t.shape, strides: contiguousStrides(shape), offset: 0 },
        });
      return;
    }
    case "view": {
      if (entries.length === 0) return;
      const e = pick(s.pick);
      world.log.push(`view ${JSON.stringify(s.op)} of [${e.view.shape.join(", ")}]`);
      const model = modelView(e.view, s.op);
      const expected = unusable(world, e) ?? (model instanceof EinsightError ? model.code : undefined);
      const t = outcome(() => applyView(e.t, s.op), expected);
      if (t === undefined || model instanceof EinsightError) {
        seen.viewErrors += 1;
        return;
      }
      seen.views += 1;
      if (s.op.op === "contiguous") {
        expect(t.shape).toEqual(e.view.shape);
        if (isContiguous(e.view)) expect(t).toBe(e.t);
        else
          entries.push({
            t,
            base: { data: gatherView(e.base.data, e.view), destroyed: false },
            view: { shape: t.shape, strides: contiguousStrides(t.shape), offset: 0 },
          });
        return;
      }
      expect({ shape: t.shape, strides: t.strides, offset: t.offset }).toEqual({
        shape: model.shape,
        strides: model.strides,
        offset: model.offset,
      });
      entries.push({ t, base: e.base, view: model });
      return;
    }
    case "einsum":
      return performEinsum(world, s, value);
    case "read": {
      if (entries.length === 0) return;
      const e = pick(s.pick);
      world.log.push(`read [${e.view.shape.join(", ")}]`);
      const expected = unusable(world, e);
      const values = await outcomeAsync(() => e.t.read(), expected);
      if (values === undefined) seen.destroyed += 1;
      else expectClose(values, gatherView(e.base.data, e.view), gatherView(e.base.data.map(Math.abs), e.view));
      seen.reads += 1;
      return;
    }
    case "destroy": {
      if (entries.length === 0) return;
      const e = pick(s.pick);
      world.log.push(`destroy [${e.view.shape.join(", ")}]`);
      e.t.destroy(); // destroying twice, or after the device, is fine
      e.base.destroyed = true;
      return;
    }
  }
}

async function performEinsum(world: World, s: Extract<Step, { kind: "einsum" }>, value: () => number): Promise<void> {
  if (world.entries.length === 0) return;
  const operands = s.picks.map((n) => world.entries[n % world.entries.length]!);
  const equation = s.output === "garbage" ? s.garbage : randomEquation(operands, s);
  const options = s.strategy === undefined ? {} : { strategy: s.strategy };
  world.log.push(
    `einsum("${equation}", ${operands.map((e) => `[${e.view.shape.join(", ")}]`).join(", ")}, ${JSON.stringify({ ...options, out: s.out })})`,
  );
  const oracle = attempt(() =>
    oracleEinsum(
      equation,
      operands.map((e) => ({ data: e.base.data, ...e.view })),
    ),
  );
  const blocked = world.deviceDestroyed
    ? "destroyedDevice"
    : operands.some((e) => e.base.destroyed)
      ? "destroyedTensor"
      : undefined;
  const expected = blocked ?? (oracle instanceof EinsightError ? oracle.code : undefined);
  if (oracle instanceof Error && !(oracle instanceof EinsightError)) throw oracle;
  const magnitude =
    oracle instanceof Error
      ? undefined
      : oracleEinsum(
          equation,
          operands.map((e) => ({ data: e.base.data.map(Math.abs), ...e.view })),
        ).data;
  let out: Tensor | undefined;
  let prior = new Float64Array(0);
  if (s.out !== "none" && expected === undefined && !(oracle instanceof Error)) {
    prior = Float64Array.from({ length: elementCount(oracle.shape) }, s.out === "accumulate" ? value : () => 0);
    out = s.out === "accumulate" ? tensor(world.g, prior, oracle.shape) : zeros(world.g, oracle.shape);
  }
  const call = () =>
    einsum(equation, ...operands.map((e) => e.t), {
      ...options,
      ...(out === undefined ? {} : { out, accumulate: s.out === "accumulate" }),
    });
  const result = outcome(call, expected);
  if (result === undefined || oracle instanceof Error) {
    seen.einsumErrors += 1;
    return;
  }
  seen.einsums += 1;
  if (out !== undefined) seen.outs += 1;
  const want = oracle.data.map((v, k) => v + (prior[k] ?? 0));
  expect(result.shape).toEqual(oracle.shape);
  expectClose(
    await result.read(),
    want,
    magnitude!.map((v, k) => v + Math.abs(prior[k] ?? 0)),
  );
  world.entries.push({
    t: result,
    base: { data: want, destroyed: false },
    view: { shape: result.shape, strides: result.strides, offset: result.offset },
  });
}

/** An equation for the operands' shapes: a letter per size (two to choose from), sometimes another; `...` for leading dims. */
function randomEquation(operands: readonly Entry[], s: Extract<Step, { kind: "einsum" }>): string {
  let n = 0;
  const letter = (size: number) => {
    const r = s.letters[n++ % s.letters.length]!;
    return r % 9 === 0 ? "abcdefghij"[r % 10]! : "abcdefghij"[Math.min(size, 4) * 2 + (r % 2)]!;
  };
  const terms = operands.map((e) => {
    const rank = e.view.shape.length;
    const lead = s.ellipsis && rank > 0 ? 1 : 0;
    return `${lead > 0 ? "..." : ""}${e.view.shape.slice(lead).map(letter).join("")}`;
  });
  if (s.output === "implicit") return terms.join(",");
  const seen = [...new Set(terms.join("").replace(/\./g, ""))];
  const out = seen
    .filter((_, i) => s.outOrder[i % 8]! % 2 === 0)
    .sort((x, y) => s.outOrder[seen.indexOf(x) % 8]! - s.outOrder[seen.indexOf(y) % 8]!);
  return `${terms.join(",")}->${s.ellipsis ? "..." : ""}${out.join("")}`;
}

type ViewOp = typeof viewOp extends fc.Arbitrary<infer T> ? T : never;

function applyView(t: Tensor, op: ViewOp): Tensor {
  switch (op.op) {
    case "slice":
      return t.slice(op.dim, op.start, op.end, op.step);
    case "transpose":
      return t.transpose(op.d0, op.d1);
    case "permute":
      return t.permute(...op.dims);
    case "expand":
      return t.expand(...op.shape);
    case "select":
      return t.select(op.dim, op.index);
    case "diagonal":
      return t.diagonal(op.offset, op.d1, op.d2);
    case "contiguous":
      return t.contiguous();
  }
}

/** The view the model expects, or the error it expects. */
function modelView(v: View, op: ViewOp): View | EinsightError {
  const r = attempt((): View => {
    switch (op.op) {
      case "slice":
        return sliceView(v, op.dim, op.start, op.end, op.step);
      case "transpose":
        return transposeView(v, op.d0, op.d1);
      case "permute":
        return permuteView(v, op.dims);
      case "expand":
        return expandView(v, op.shape);
      case "select":
        return selectView(v, op.dim, op.index);
      case "diagonal":
        return diagonalView(v, op.offset, op.d1, op.d2);
      case "contiguous":
        return v;
    }
  });
  if (r instanceof Error && !(r instanceof EinsightError)) throw r;
  return r;
}

/** The code a call on `e` must raise whatever it is: the device or the tensor is gone. */
function unusable(world: World, e: Entry): string | undefined {
  return world.deviceDestroyed ? "destroyedDevice" : e.base.destroyed ? "destroyedTensor" : undefined;
}

function attempt<T>(f: () => T): T | Error {
  try {
    return f();
  } catch (e) {
    return e instanceof Error ? e : new Error(String(e));
  }
}

/** The call's value where no error is expected; where one is, that it is an EinsightError of that documented code. */
function outcome<T>(f: () => T, expected: string | undefined): T | undefined {
  const r = attempt(f);
  return judge(r, expected);
}

async function outcomeAsync<T>(f: () => Promise<T>, expected: string | undefined): Promise<T | undefined> {
  let r: T | Error;
  try {
    r = await f();
  } catch (e) {
    r = e instanceof Error ? e : new Error(String(e));
  }
  return judge(r, expected);
}

function judge<T>(r: T | Error, expected: string | undefined): T | undefined {
  if (r instanceof Error) {
    if (!(r instanceof EinsightError)) throw new Error(`a raw ${r.name} reached the user: ${r.message}`, { cause: r });
    expect(documented.has(r.code), `code '${r.code}' is not in docs/errors.md`).toBe(true);
    expect(r.code, r.message).toBe(expected ?? "(no error)");
    return undefined;
  }
  expect(expected, "the call succeeded where the model expected an error").toBeUndefined();
  return r;
}

/** float32 results against float64: within a few roundings of the sum of the terms' magnitudes. */
function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, magnitude: ArrayLike<number>): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const tolerance = 4 * 2 ** -24 * (magnitude[i]! + 1);
    if (!(Math.abs(got[i]! - want[i]!) <= tolerance))
      expect.fail(`element ${i}: got ${got[i]}, want ${want[i]} (within ${tolerance})`);
  }
}

/** The elements of view `v` of `data`, row-major. */
function gatherView(data: Float64Array, v: View): Float64Array {
  const out = new Float64Array(elementCount(v.shape));
  const index = new Array<number>(v.shape.length).fill(0);
  for (let i = 0; i < out.length; i++) {
    out[i] = data[v.offset + index.reduce((at, x, d) => at + x * v.strides[d]!, 0)]!;
    for (let d = v.shape.length - 1; d >= 0; d--) {
      if (++index[d]! < v.shape[d]!) break;
      index[d] = 0;
    }
  }
  return out;
}

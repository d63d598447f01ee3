/**
 * einsight/tfjs's einsum on tfjs tensors of the webgpu backend (on einsight's test device):
 * forward values against tf.einsum where tfjs can run the case and against the oracle where it
 * cannot (three operands, '...', repeated labels, a product past the device's buffer limit); gradients through tf.grad against the oracle's;
 * a few optimizer steps of a tiny model whose layers are einsums, the loss going down and tfjs's
 * tensor count steady; misuse is an EinsightError.
 */
import type * as TfCore from "@tensorflow/tfjs-core";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { beforeAll, describe, expect, test } from "vitest";
import { EinsightError } from "../../codegen/errors.js";
import { buildCall, einsumCalls } from "../../plugin/typescript/einsum-calls.js";
import { einsum } from "../../runtime/tfjs.js";
import { oracleEinsum, oracleGradients } from "../support/oracle.js";
import { tfjsOnDevice } from "../support/tfjs.js";
import { useGpu } from "./use-gpu.js";

const g = useGpu();
let tf: typeof TfCore;
beforeAll(async () => {
  ({ tf } = await tfjsOnDevice(g().device));
  await import("@tensorflow/tfjs-core/dist/register_all_gradients.js"); // tf.sum's, tf.mean's... (the tfjs package registers them)
  tf.env().set("WEBGPU_CPU_FORWARD", false);
});

/** Small distinct values for a shape. */
const values = (shape: readonly number[], seed: number) =>
  Array.from({ length: shape.reduce((n, d) => n * d, 1) }, (_, i) => (((i * 7 + seed * 3) % 11) - 5) / 4);
const close = (got: ArrayLike<number>, want: ArrayLike<number>) => {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) expect(got[i]!).toBeCloseTo(want[i]!, 4);
};

const CASES: readonly { equation: string; shapes: number[][]; tfjs: boolean }[] = [
  {
    equation: "ij,jk->ik",
    shapes: [
      [3, 4],
      [4, 5],
    ],
    tfjs: true,
  },
  {
    equation: "bij,bjk->bik",
    shapes: [
      [2, 3, 4],
      [2, 4, 3],
    ],
    tfjs: true,
  },
  { equation: "ij->ji", shapes: [[3, 5]], tfjs: true },
  {
    equation: "ij,ij->",
    shapes: [
      [3, 4],
      [3, 4],
    ],
    tfjs: true,
  },
  {
    equation: "ij,jk,kl->il",
    shapes: [
      [2, 3],
      [3, 4],
      [4, 2],
    ],
    tfjs: false,
  }, // three operands
  {
    equation: "...ij,...jk->...ik",
    shapes: [
      [2, 2, 3],
      [2, 3, 2],
    ],
    tfjs: false,
  }, // '...'
  { equation: "ii->i", shapes: [[4, 4]], tfjs: false }, // a repeated label
  {
    equation: "bii,bi->b",
    shapes: [
      [2, 3, 3],
      [2, 3],
    ],
    tfjs: false,
  },
];

describe("forward", () => {
  for (const c of CASES) {
    test(`${c.equation} ${JSON.stringify(c.shapes)}: the oracle's values${c.tfjs ? ", and tf.einsum's" : ""}`, async () => {
      const data = c.shapes.map((s, k) => values(s, k));
      const inputs = c.shapes.map((s, k) => tf.tensor(data[k]!, s));
      const out = einsum(c.equation, ...inputs);
      const want = oracleEinsum(
        c.equation,
        c.shapes.map((shape, k) => ({ data: data[k]!, shape })),
      );
      expect(out.shape).toEqual([...want.shape]);
      close(await out.data(), want.data);
      if (c.tfjs) close(await out.data(), await tf.einsum(c.equation, ...inputs).data());
      tf.dispose([...inputs, out]);
    });
  }
});

describe("gradients through tf.grad", () => {
  for (const c of CASES.filter((c) => c.equation !== "ij,ij->")) {
    test(`${c.equation}: each operand's gradient is the oracle's`, async () => {
      const data = c.shapes.map((s, k) => values(s, k));
      const inputs = c.shapes.map((s, k) => tf.tensor(data[k]!, s));
      const outShape = oracleEinsum(
        c.equation,
        c.shapes.map((shape, k) => ({ data: data[k]!, shape })),
      ).shape;
      const dy = values(outShape, 9);
      const weights = tf.tensor(dy, [...outShape]);
      // d/dx sum(einsum(...) * weights): the output's gradient is `weights`
      const grads = tf.grads((...xs: TfCore.Tensor[]) => tf.sum(tf.mul(einsum(c.equation, ...xs), weights)))(inputs);
      const want = oracleGradients(
        c.equation,
        c.shapes.map((shape, k) => ({ data: data[k]!, shape })),
        dy,
      );
      for (let k = 0; k < inputs.length; k++) {
        expect(grads[k]!.shape).toEqual(c.shapes[k]);
        close(await grads[k]!.data(), want[k]!);
      }
      tf.dispose([...inputs, weights, ...grads]);
    });
  }
});

test("past tfjs's binding limit: a product larger than the device's maxBufferSize, where tf.einsum returns zeros, gives tf.matMul's values and gradients", async () => {
  // tf.einsum multiplies the broadcast operands into one [m, k, n] tensor before summing; past
  // maxBufferSize that buffer is invalid and tf.einsum reads back zeros (Dawn logs a validation
  // error). einsight never builds the product.
  const [m, n] = [512, 512];
  const k = Math.ceil(g().limits.maxBufferSize / (m * n * 4)) + 16;
  expect(m * k * n * 4).toBeGreaterThan(g().limits.maxBufferSize);
  const a = tf.randomUniform([m, k], -1, 1, "float32", 1);
  const b = tf.randomUniform([k, n], -1, 1, "float32", 2);
  const w = tf.randomUniform([m, n], -1, 1, "float32", 3);
  const out = einsum("ij,jk->ik", a, b);
  const want = tf.matMul(a, b);
  const got = await out.data();
  const expected = await want.data();
  const scale = Math.sqrt(k); // sums of k terms of size < 1
  for (let i = 0; i < expected.length; i += 997) expect(Math.abs(got[i]! - expected[i]!)).toBeLessThan(1e-4 * scale);
  const [da, db] = tf.grads((x: TfCore.Tensor, y: TfCore.Tensor) => tf.sum(tf.mul(einsum("ij,jk->ik", x, y), w)))([
    a,
    b,
  ]);
  const [wantA, wantB] = [tf.matMul(w, b, false, true), tf.matMul(a, w, true, false)];
  for (const [mine, theirs] of [
    [da!, wantA],
    [db!, wantB],
  ] as const) {
    expect(mine.shape).toEqual(theirs.shape);
    const [x, y] = [await mine.data(), await theirs.data()];
    for (let i = 0; i < y.length; i += 997) expect(Math.abs(x[i]! - y[i]!)).toBeLessThan(1e-4 * Math.sqrt(m));
  }
  tf.dispose([a, b, w, out, want, da!, db!, wantA, wantB]);
}, 120_000);

test("an optimizer trains a tiny model of einsum layers: the loss goes down, tfjs's tensor count stays", async () => {
  const x = tf.tensor(values([8, 4], 1), [8, 4]);
  const target = tf.tensor(values([8, 3], 2), [8, 3]);
  const w1 = tf.variable(tf.mul(tf.tensor(values([4, 6], 3), [4, 6]), 0.3));
  const w2 = tf.variable(tf.mul(tf.tensor(values([6, 3], 4), [6, 3]), 0.3));
  const optimizer = tf.train.sgd(0.05);
  const losses: number[] = [];
  const counts: number[] = [];
  for (let step = 0; step < 6; step++) {
    const cost = optimizer.minimize(() => {
      const hidden = tf.tanh(einsum("bi,ih->bh", x, w1));
      const out = einsum("bh,ho->bo", hidden, w2);
      return tf.mean(tf.square(tf.sub(out, target)));
    }, true)!;
    losses.push((await cost.data())[0]!);
    cost.dispose();
    counts.push(tf.memory().numTensors);
  }
  expect(losses[losses.length - 1]!).toBeLessThan(losses[0]!);
  losses.slice(1).forEach((l, i) => expect(l).toBeLessThan(losses[i]!));
  expect(new Set(counts.slice(1)).size).toBe(1);
  tf.dispose([x, target, w1, w2]);
  optimizer.dispose();
});

test("misuse: an invalid equation and operands that are not tfjs tensors are EinsightErrors", () => {
  const a = tf.tensor([1, 2, 3, 4], [2, 2]);
  const error = (run: () => unknown) => {
    try {
      run();
    } catch (e) {
      return e instanceof EinsightError ? e.code : `not an EinsightError: ${String(e)}`;
    }
    return "no error";
  };
  // @ts-expect-error the types refuse it too: "Label 'q' of the output does not appear in any input"
  expect(error(() => einsum("ij,jk->iq", a, a))).toBe("unknownOutputLabel");
  expect(error(() => einsum("ij->ji", [1, 2] as unknown as TfCore.Tensor))).toBe("invalidOperand");
  // @ts-expect-error the types refuse it too: "The equation has 2 input terms but 1 operand was given"
  expect(error(() => einsum("ij,jk->ik", a))).toBe("operandCount");
  a.dispose();
});

test("edges: size-0 operands give zeros, and a refused operand leaves no tfjs tensor behind", async () => {
  const big = einsum("ij,jk->ik", tf.ones([2, 3]), tf.ones([3, 3])); // leaves a 24-byte result in the pool
  const empty = einsum("ij,jk->ik", tf.zeros([2, 0]), tf.zeros([0, 3]));
  expect([...(await empty.data())]).toEqual([0, 0, 0, 0, 0, 0]);
  tf.dispose([big, empty]);
  const before = tf.memory().numTensors;
  const a = tf.tensor([1, 2], [2]);
  const ints = tf.tensor([1, 2], [2], "int32");
  expect(() => einsum("i,i->", a, ints)).toThrow(EinsightError);
  tf.dispose([a, ints]);
  expect(tf.memory().numTensors).toBe(before);
});

test("a literal einsum of einsight/tfjs is compiled at build time from tfjs's ranks (sizes read at run time), and the call runs it", async () => {
  // what the transformer and the bundler plugins see: tfjs's rank types, through the compiler API
  const root = fileURLToPath(new URL("../..", import.meta.url));
  const file = path.join(root, "test/gpu/tfjs-build.ts"); // virtual: only this program sees it
  const text = [
    'import type * as tf from "@tensorflow/tfjs-core";',
    `import { einsum } from ${JSON.stringify(path.join(root, "runtime/tfjs.js"))};`,
    "declare const a: tf.Tensor2D;",
    "declare const b: tf.Tensor2D;",
    'export const c = einsum("ij,jk->ik", a, b);',
  ].join("\n");
  const options: ts.CompilerOptions = {
    strict: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    skipLibCheck: true,
    noEmit: true,
    types: ["@webgpu/types"],
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, language, ...rest) =>
    name === file ? ts.createSourceFile(name, text, language) : getSourceFile(name, language, ...rest);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => name === file || fileExists(name);
  const program = ts.createProgram([file], options, host);
  const calls = einsumCalls(ts, program.getTypeChecker(), program.getSourceFile(file)!);
  expect(calls).toHaveLength(1);
  const built = buildCall(ts, program.getTypeChecker(), calls[0]!);
  expect(built.kind).toBe("sized");
  if (built.kind !== "sized") return;
  const x = tf.tensor(values([2, 3], 1), [2, 3]);
  const y = tf.tensor(values([3, 4], 2), [3, 4]);
  const run = einsum as unknown as (equation: string, ...args: unknown[]) => TfCore.Tensor; // the build's extra argument
  const out = run("ij,jk->ik", x, y, { compiled: built.compiled });
  const want = oracleEinsum("ij,jk->ik", [
    { data: values([2, 3], 1), shape: [2, 3] },
    { data: values([3, 4], 2), shape: [3, 4] },
  ]);
  close(await out.data(), want.data);
  // the build's plan is the one consulted: operands of another rank are refused, naming the compiled one
  const z = tf.tensor(values([2, 3, 3], 3), [2, 3, 3]);
  expect(() => run("ij,jk->ik", z, y, { compiled: built.compiled })).toThrow(
    expect.objectContaining({ code: "compiledMismatch" }) as Error,
  );
  tf.dispose([x, y, z, out]);
});

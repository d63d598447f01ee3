/**
 * einsight/tfjs on one device shared with tfjs-backend-webgpu: tfjs tensors viewed in place
 * (fromTfjs) and einsight results handed to tfjs (toTfjs), with tfjs ops recorded before and after
 * einsight's in one queue and no flush in the test's code; tfjs's memory does not grow; misuse is
 * an EinsightError.
 */
import type * as TfCore from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, test } from "vitest";
import { EinsightError } from "../../codegen/errors.js";
import { gpu } from "../../runtime/device.js";
import { einsum } from "../../runtime/einsum.js";
import { tensor } from "../../runtime/tensor.js";
import { fromGpuBuffer } from "../../runtime/gpu-buffer.js";
import { fromTfjs, toTfjs } from "../../runtime/tfjs.js";
import { oracleEinsum } from "../support/oracle.js";
import { tfjsOnDevice } from "../support/tfjs.js";
import { useGpu } from "./use-gpu.js";

const g = useGpu();
let tf: typeof TfCore;
beforeAll(async () => {
  ({ tf } = await tfjsOnDevice(g().device));
  tf.env().set("WEBGPU_CPU_FORWARD", false); // small ops on the GPU too: what these tests share is GPU data
});

const arange = (n: number, from = 0) => Array.from({ length: n }, (_, i) => from + i);
const oracle = (equation: string, ...operands: { data: readonly number[]; shape: readonly number[] }[]) => [
  ...oracleEinsum(equation, operands).data,
];

describe("fromTfjs: a tfjs tensor read in place", () => {
  test("the output of tfjs ops still recorded, not submitted, is what einsight reads", async () => {
    const x = tf.tensor(arange(6), [2, 3]);
    const y = tf.add(tf.mul(x, 2), 1); // recorded in tfjs's open pass
    const view = fromTfjs(g(), y);
    expect(view.shape).toEqual([2, 3]);
    const b = tensor(g(), arange(12), [3, 4]);
    const c = einsum("ij,jk->ik", view, b);
    const yValues = arange(6).map((v) => 2 * v + 1);
    expect([...(await c.read())]).toEqual(
      oracle("ij,jk->ik", { data: yValues, shape: [2, 3] }, { data: arange(12), shape: [3, 4] }),
    );
    tf.dispose([x, y]);
    view.destroy();
  });

  test("the view keeps the tfjs data alive after the tensor is disposed, and gives it back when destroyed", async () => {
    const before = tf.memory().numTensors;
    const t = tf.tensor([1, 2, 3, 4], [2, 2]);
    const view = fromTfjs(g(), t);
    t.dispose();
    expect([...(await einsum("ij->ji", view).read())]).toEqual([1, 3, 2, 4]);
    expect(g().stats().wrappedBytes).toBeGreaterThanOrEqual(16);
    view.destroy();
    expect(tf.memory().numTensors).toBe(before);
  });

  test("einsight writes into a tfjs tensor (out), and a tfjs op recorded later reads what it wrote", async () => {
    const z = tf.zeros([2, 2]);
    const a = tensor(g(), [1, 2, 3, 4], [2, 2]);
    einsum("ij->ji", a, { out: fromTfjs(g(), z) }).destroy();
    const after = tf.add(z, 10);
    expect([...(await after.data())]).toEqual([11, 13, 12, 14]);
    tf.dispose([z, after]);
  });
});

describe("toTfjs: an einsight result in tfjs", () => {
  test("a tfjs op on the result sees its values, a strided view is made dense on the GPU first, and nothing is read back", async () => {
    const a = tensor(g(), arange(6), [2, 3]);
    const scores = einsum("ij,kj->ik", a, a);
    const readBefore = g().stats().bytesRead;
    const t = toTfjs(scores);
    const soft = tf.softmax(t);
    const transposed = toTfjs(a.transpose()); // not contiguous: copied on the GPU
    expect(g().stats().bytesRead).toBe(readBefore);
    const s = oracle("ij,kj->ik", { data: arange(6), shape: [2, 3] }, { data: arange(6), shape: [2, 3] });
    const expected = [0, 1].flatMap((i) => {
      const row = s.slice(i * 2, i * 2 + 2);
      const max = Math.max(...row);
      const e = row.map((v) => Math.exp(v - max));
      return e.map((v) => v / (e[0]! + e[1]!));
    });
    const got = [...(await soft.data())];
    got.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 5));
    expect([...(await transposed.data())]).toEqual([0, 3, 1, 4, 2, 5]);
    // the copy is tfjs's own: destroying einsight's tensor leaves it intact
    scores.destroy();
    expect([...(await t.data())]).toEqual(s);
    tf.dispose([t, soft, transposed]);
  });

  test("zeroCopy hands tfjs einsight's buffer itself", async () => {
    const a = tensor(g(), [1, 2, 3, 4], [4]);
    const t = toTfjs(a, { zeroCopy: true });
    einsum("i->i", tensor(g(), [5, 6, 7, 8], [4]), { out: a }); // written after: tfjs reads the same buffer
    expect([...(await t.data())]).toEqual([5, 6, 7, 8]);
    t.dispose();
    a.destroy();
  });
});

test("a tiny two-layer model's steps alternate tfjs and einsight with tfjs's tensor count steady", async () => {
  const w1 = tensor(
    g(),
    arange(12).map((v) => v / 10),
    [3, 4],
  );
  const w2 = tensor(
    g(),
    arange(8).map((v) => v / 10 - 0.3),
    [4, 2],
  );
  const counts: number[] = [];
  for (let step = 0; step < 3; step++) {
    const input = tf.tensor(
      arange(6).map((v) => v + step),
      [2, 3],
    );
    const inputView = fromTfjs(g(), input);
    const projected = einsum("bi,ih->bh", inputView, w1);
    const handed = toTfjs(projected);
    const hidden = tf.relu(handed);
    const view = fromTfjs(g(), hidden);
    const out = einsum("bh,ho->bo", view, w2);
    const values = [...(await out.read())];
    const h = oracle(
      "bi,ih->bh",
      { data: arange(6).map((v) => v + step), shape: [2, 3] },
      { data: arange(12).map((v) => v / 10), shape: [3, 4] },
    ).map((v) => Math.max(v, 0));
    oracle(
      "bh,ho->bo",
      { data: h, shape: [2, 4] },
      { data: arange(8).map((v) => v / 10 - 0.3), shape: [4, 2] },
    ).forEach((v, i) => expect(values[i]).toBeCloseTo(v, 4));
    tf.dispose([input, handed, hidden]);
    [inputView, projected, view, out].forEach((t) => t.destroy());
    counts.push(tf.memory().numTensors);
  }
  expect(new Set(counts).size).toBe(1);
});

describe("misuse", () => {
  const code = (run: () => unknown) => {
    try {
      run();
    } catch (e) {
      if (e instanceof EinsightError) return e.code;
      throw e;
    }
    return "no error";
  };

  test("int32, disposed, non-tensors, and a Gpu on another device", async () => {
    const ints = tf.tensor([1, 2], [2], "int32");
    expect(code(() => fromTfjs(g(), ints))).toBe("unsupportedDtype");
    const gone = tf.tensor([1, 2], [2]);
    gone.dispose();
    expect(code(() => fromTfjs(g(), gone))).toBe("destroyedTensor");
    expect(code(() => fromTfjs(g(), [1, 2] as unknown as TfCore.Tensor))).toBe("invalidOperand");
    expect(code(() => toTfjs(tensor(g(), [1], [1]).expand(2) as never))).toBe("no error");
    const other = await gpu();
    const t = tf.tensor([1, 2], [2]);
    expect(code(() => fromTfjs(other, t))).toBe("mixedDevices");
    expect(code(() => toTfjs(tensor(other, [1, 2], [2])))).toBe("mixedDevices");
    other.destroy();
    tf.dispose([ints, t]);
  });
});

describe("what tfjs caches, and what it reads later", () => {
  test("a tfjs tensor read to the CPU, then written by einsight (out), reads einsight's values", async () => {
    const z = tf.zeros([2, 2]);
    expect([...(await z.data())]).toEqual([0, 0, 0, 0]); // tfjs now keeps the values on the CPU
    einsum("ij->ji", tensor(g(), [1, 2, 3, 4], [2, 2]), { out: fromTfjs(g(), z) }).destroy();
    expect([...(await z.data())]).toEqual([1, 3, 2, 4]);
    z.dispose();
  });

  test("with zeroCopy, a tfjs op recorded before einsight writes the lent buffer reads the old values", async () => {
    const a = tensor(g(), [1, 2, 3, 4], [4]);
    const t = toTfjs(a, { zeroCopy: true });
    const doubled = tf.mul(t, 2); // recorded, not yet submitted
    einsum("i->i", tensor(g(), [10, 20, 30, 40], [4]), { out: a });
    expect([...(await doubled.data())]).toEqual([2, 4, 6, 8]);
    expect([...(await tf.mul(t, 1).data())]).toEqual([10, 20, 30, 40]);
    tf.dispose([t, doubled]);
    a.destroy();
  });

  test("a buffer without COPY_SRC is copied for tfjs rather than refused", async () => {
    const buffer = g().device.createBuffer({ size: 16, usage: 0x80 | 0x8 });
    g().device.queue.writeBuffer(buffer, 0, new Float32Array([1, 2, 3, 4]));
    const t = toTfjs(fromGpuBuffer(g(), buffer, [4]));
    expect([...(await t.data())]).toEqual([1, 2, 3, 4]);
    t.dispose();
    buffer.destroy();
  });
});

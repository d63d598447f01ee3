/**
 * GPU buffers einsight did not make (fromGpuBuffer): read and written in place with offsets and
 * strided views, handed out by gpuBuffer/byteOffset/strides, never destroyed or pooled by einsight,
 * counted apart; each misuse an EinsightError; `using` frees tensors and GPUs.
 */
import { describe, expect, test } from "vitest";
import { EinsightError } from "../../codegen/errors.js";
import { gpu } from "../../runtime/device.js";
import { einsum } from "../../runtime/einsum.js";
import { fromGpuBuffer } from "../../runtime/gpu-buffer.js";
import { tensor } from "../../runtime/tensor.js";
import { oracleEinsum } from "../support/oracle.js";
import { useGpu } from "./use-gpu.js";

const g = useGpu();
const Usage = { MAP_READ: 0x1, MAP_WRITE: 0x2, COPY_SRC: 0x4, COPY_DST: 0x8, STORAGE: 0x80 } as const;
const arange = (n: number, from = 0) => Array.from({ length: n }, (_, i) => from + i);

/** A buffer of the application's own with `values` (f32) written at byte `offset`. */
function appBuffer(
  values: readonly number[],
  bytes: number,
  offset = 0,
  usage: number = Usage.STORAGE | Usage.COPY_SRC | Usage.COPY_DST,
): GPUBuffer {
  const buffer = g().device.createBuffer({ size: bytes, usage, label: "app buffer" });
  if (values.length > 0) g().device.queue.writeBuffer(buffer, offset, new Float32Array(values));
  return buffer;
}

/** The whole buffer read back with the application's own WebGPU code (not einsight's read()). */
async function readRaw(buffer: GPUBuffer): Promise<number[]> {
  const device = g().device;
  const staging = device.createBuffer({ size: buffer.size, usage: Usage.MAP_READ | Usage.COPY_DST });
  const encoder = device.createCommandEncoder();
  encoder.copyBufferToBuffer(buffer, 0, staging, 0, buffer.size);
  device.queue.submit([encoder.finish()]);
  await staging.mapAsync(0x1);
  const values = [...new Float32Array(staging.getMappedRange().slice(0))];
  staging.destroy();
  return values;
}

function thrown(run: () => unknown): EinsightError {
  try {
    run();
  } catch (e) {
    if (e instanceof EinsightError) return e;
    throw e;
  }
  throw new Error("expected an EinsightError");
}

describe("buffers in", () => {
  test("a view with an offset and strides is read in place by an einsum", async () => {
    // [2, 3] stored transposed (column-major) from byte 16 of a 64-byte buffer
    const a = [1, 2, 3, 4, 5, 6];
    const columnMajor = [0, 1, 2].flatMap((j) => [0, 1].map((i) => a[i * 3 + j]!));
    const buffer = appBuffer(columnMajor, 64, 16);
    const before = g().stats();
    const x = fromGpuBuffer(g(), buffer, [2, 3], { offset: 16, strides: [1, 2] });
    expect(x.shape).toEqual([2, 3]);
    expect(g().stats().allocatedBytes).toBe(before.allocatedBytes);
    expect(g().stats().wrappedBytes - before.wrappedBytes).toBe(64);
    expect([...(await x.read())]).toEqual(a);
    const b = tensor(g(), arange(12), [3, 4]);
    const c = einsum("ij,jk->ik", x, b);
    expect([...(await c.read())]).toEqual([
      ...oracleEinsum("ij,jk->ik", [
        { data: a, shape: [2, 3] },
        { data: arange(12), shape: [3, 4] },
      ]).data,
    ]);
    // views of it are views too: its transpose, a slice
    expect([...(await x.transpose().slice(0, 1).read())]).toEqual([2, 5, 3, 6]);
    x.destroy();
    expect(g().stats().wrappedBytes).toBe(before.wrappedBytes);
    // einsight let go of the buffer without destroying it: the application still reads it
    expect((await readRaw(buffer)).slice(4, 10)).toEqual(columnMajor);
    buffer.destroy();
  });

  test("f16 views take an offset in whole 2-byte elements", () => {
    if (!g().device.features.has("shader-f16")) {
      expect(thrown(() => fromGpuBuffer(g(), appBuffer([], 16), [2], { dtype: "f16" })).code).toBe("unsupportedDtype");
      return;
    }
    const t = fromGpuBuffer(g(), appBuffer([], 16), [3], { dtype: "f16", offset: 2 });
    expect(t.byteOffset).toBe(2);
  });
});

describe("buffers out", () => {
  test("einsum writes into a buffer the application owns (out), touching only the view's elements", async () => {
    const buffer = appBuffer(Array<number>(16).fill(-1), 64);
    const out = fromGpuBuffer(g(), buffer, [2, 2], { offset: 8, strides: [4, 1] });
    const a = tensor(g(), [1, 2, 3, 4, 5, 6], [2, 3]);
    const b = tensor(g(), [1, 0, 0, 1, 1, 1], [3, 2]);
    const c = einsum("ij,jk->ik", a, b, { out });
    expect(c).toBe(out);
    const raw = await readRaw(buffer);
    const expected = Array<number>(16).fill(-1);
    [4, 5, 10, 11].forEach((v, i) => (expected[2 + Math.floor(i / 2) * 4 + (i % 2)] = v));
    expect(raw).toEqual(expected);
    out.destroy();
    buffer.destroy();
  });

  test("a result says where its elements are: another library reads them in place at gpuBuffer, byteOffset, strides", async () => {
    const a = tensor(g(), arange(24), [2, 3, 4]);
    const view = a.permute(2, 0, 1).select(0, 1); // [2, 3], elements 1, 5, 9, ... of the buffer
    expect(view.gpuBuffer).toBe(a.gpuBuffer);
    expect(view.byteOffset).toBe(4);
    expect(view.strides).toEqual([12, 4]);
    expect(view.isContiguous).toBe(false);
    expect(a.isContiguous).toBe(true);
    const raw = await readRaw(view.gpuBuffer);
    const values = [0, 1].flatMap((i) =>
      [0, 1, 2].map((j) => raw[view.byteOffset / 4 + i * view.strides[0]! + j * view.strides[1]!]!),
    );
    expect(values).toEqual([...(await view.read())]);
    expect(values).toEqual([1, 5, 9, 13, 17, 21]);
  });
});

describe("ownership", () => {
  test("on a device the application made, destroying einsight's Gpu leaves the device and the wrapped buffer alive", async () => {
    const owner = await gpu();
    const shared = await gpu({ device: owner.device });
    const buffer = owner.device.createBuffer({ size: 16, usage: Usage.STORAGE | Usage.COPY_SRC | Usage.COPY_DST });
    owner.device.queue.writeBuffer(buffer, 0, new Float32Array([1, 2, 3, 4]));
    const t = fromGpuBuffer(shared, buffer, [4]);
    expect([...(await einsum("i->", t).read())]).toEqual([10]);
    shared.destroy();
    // still the application's: einsight on the owner's side reads it
    expect([...(await fromGpuBuffer(owner, buffer, [4]).read())]).toEqual([1, 2, 3, 4]);
    owner.destroy();
  });

  test("`using` destroys a tensor, and a Gpu, at the end of the scope", async () => {
    let kept: ReturnType<typeof tensor> | undefined;
    {
      using t = tensor(g(), [1, 2], [2]);
      kept = t;
      expect(t.destroyed).toBe(false);
    }
    expect(kept.destroyed).toBe(true);
    let outer: Awaited<ReturnType<typeof gpu>> | undefined;
    {
      await using _ = { [Symbol.asyncDispose]: () => Promise.resolve() }; // an async scope beside it
      using scoped = await gpu();
      outer = scoped;
    }
    expect(outer.destroyed).toBe(true);
  });
});

describe("misuse is an EinsightError before anything reaches the GPU", () => {
  test.each([
    ["not a buffer", () => fromGpuBuffer(g(), {} as GPUBuffer, [2]), "invalidBuffer", /expected a GPUBuffer, got/],
    [
      "no STORAGE usage",
      () => fromGpuBuffer(g(), appBuffer([], 16, 0, Usage.COPY_SRC | Usage.COPY_DST), [4]),
      "invalidBuffer",
      /has no STORAGE usage/,
    ],
    [
      "mapped",
      () =>
        fromGpuBuffer(g(), g().device.createBuffer({ size: 16, usage: Usage.STORAGE, mappedAtCreation: true }), [4]),
      "invalidBuffer",
      /the buffer is mapped; unmap it/,
    ],
    [
      "an offset inside an element",
      () => fromGpuBuffer(g(), appBuffer([], 32), [2], { offset: 6 }),
      "invalidBuffer",
      /offset 6 is not a whole number of f32 elements/,
    ],
    [
      "past the end",
      () => fromGpuBuffer(g(), appBuffer([], 32), [2, 4], { offset: 4 }),
      "invalidBuffer",
      /reaches byte 36, past the end of the 32-byte buffer/,
    ],
    [
      "strides past the end",
      () => fromGpuBuffer(g(), appBuffer([], 32), [2, 2], { strides: [7, 1] }),
      "invalidBuffer",
      /strides \[7, 1\] from byte 0 reaches byte 36, past the end/,
    ],
    [
      "strides of the wrong rank",
      () => fromGpuBuffer(g(), appBuffer([], 32), [2, 2], { strides: [1] }),
      "invalidStrides",
      /strides \[1\] must be 2 non-negative whole numbers/,
    ],
    ["a bad shape", () => fromGpuBuffer(g(), appBuffer([], 32), [2, -1]), "invalidShape", /shape/],
  ])("%s", (_, run, code, message) => {
    const error = thrown(run);
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
  });

  test("two views of one buffer are one buffer: out may not share it with an operand", () => {
    const buffer = appBuffer(arange(8), 32);
    const error = thrown(() =>
      einsum("i->i", fromGpuBuffer(g(), buffer, [4]), { out: fromGpuBuffer(g(), buffer, [4], { offset: 16 }) }),
    );
    expect(error.code).toBe("aliasedOutput");
  });

  test("read() of a buffer without COPY_SRC says so", async () => {
    const t = fromGpuBuffer(g(), appBuffer([1, 2], 8, 0, Usage.STORAGE | Usage.COPY_DST), [2]);
    await expect(t.read()).rejects.toMatchObject({
      code: "invalidBuffer",
      message: expect.stringMatching(/no COPY_SRC usage/) as unknown,
    });
    // an einsum reads it on the GPU, and its result reads back
    expect([...(await einsum("i->i", t).read())]).toEqual([1, 2]);
  });

  test("a buffer of another device, and one destroyed while in use, are reported by the next call as invalidBuffer", async () => {
    const other = await gpu();
    const foreign = other.device.createBuffer({ size: 16, usage: Usage.STORAGE | Usage.COPY_SRC });
    const t = fromGpuBuffer(g(), foreign, [4]);
    await expect(einsum("i->", t).read()).rejects.toMatchObject({
      code: "invalidBuffer",
      message: expect.stringMatching(/A GPU buffer of another device was used/) as unknown,
    });
    other.destroy();
    const gone = appBuffer([1, 2, 3, 4], 16);
    const v = fromGpuBuffer(g(), gone, [4]);
    gone.destroy();
    await expect(einsum("i->", v).read()).rejects.toMatchObject({
      code: "invalidBuffer",
      message: expect.stringMatching(/destroyed while einsight still used it/) as unknown,
    });
    // the Gpu goes on working
    expect([...(await einsum("i->", tensor(g(), [1, 2], [2])).read())]).toEqual([3]);
  });
});

describe("edges", () => {
  test("an empty view of a 0-byte buffer is an empty tensor of einsight's own, and sums to zeros", async () => {
    const empty = g().device.createBuffer({ size: 0, usage: Usage.STORAGE | Usage.COPY_SRC });
    const before = g().stats().wrappedBytes;
    const a = fromGpuBuffer(g(), empty, [2, 0]);
    expect(g().stats().wrappedBytes).toBe(before);
    const b = tensor(g(), [], [0, 3]);
    expect([...(await einsum("ij,jk->ik", a, b).read())]).toEqual([0, 0, 0, 0, 0, 0]);
    empty.destroy();
  });

  test("the GPU's errors belong to the Gpu whose work caused them, and the next einsum raises them", async () => {
    const owner = await gpu();
    const first = await gpu({ device: owner.device });
    const second = await gpu({ device: owner.device });
    const other = await gpu();
    const foreign = other.device.createBuffer({ size: 16, usage: Usage.STORAGE | Usage.COPY_SRC });
    einsum("i->", fromGpuBuffer(first, foreign, [4]));
    await owner.device.queue.onSubmittedWorkDone();
    // the second Gpu on the same device goes on working: the error is not its own
    expect([...(await einsum("i->", tensor(second, [1, 2], [2])).read())]).toEqual([3]);
    // the first raises it at its next call
    expect(() => einsum("i->", tensor(first, [1, 2], [2]))).toThrow(/A GPU buffer of another device was used/);
    [first, second, owner, other].forEach((x) => x.destroy());
  });
});

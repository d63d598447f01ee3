/** Tensors and views on the real adapter: data round trips, views read without copies, errors, stats. */
import { describe, expect, test } from "vitest";
import { gpu } from "../../runtime/device.js";
import { tensor } from "../../runtime/tensor.js";
import { useGpu } from "./use-gpu.js";

const g = useGpu();
const arange = (n: number, from = 0) => Array.from({ length: n }, (_, i) => from + i);

describe("tensor and read", () => {
  test("round trip, shape, strides and stats", async () => {
    const before = g().stats().allocatedBytes;
    const t = tensor(g(), arange(6), [2, 3]);
    expect(t.shape).toEqual([2, 3]);
    expect(t.strides).toEqual([3, 1]);
    expect(t.size).toBe(6);
    expect(g().stats().allocatedBytes - before).toBe(24);
    expect([...(await t.read())]).toEqual(arange(6));
    t.destroy();
    expect(g().stats().allocatedBytes).toBe(before);
  });

  test("scalars and size-0 tensors", async () => {
    expect([...(await tensor(g(), [7], []).read())]).toEqual([7]);
    const empty = tensor(g(), [], [3, 0]);
    expect(empty.size).toBe(0);
    expect([...(await empty.read())]).toEqual([]);
    expect([...(await empty.contiguous().read())]).toEqual([]);
  });

  test("views read their own elements and share the buffer (no copy, no dispatch)", async () => {
    const x = tensor(g(), arange(24), [2, 3, 4]);
    const stats = g().stats();
    expect([...(await x.slice(2, 1, 4, 2).read())]).toEqual([1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23]);
    expect([...(await x.select(0, 1).transpose().read())]).toEqual([12, 16, 20, 13, 17, 21, 14, 18, 22, 15, 19, 23]);
    expect([...(await x.permute(2, 0, 1).select(0, 0).read())]).toEqual([0, 4, 8, 12, 16, 20]);
    expect([...(await x.select(2, 0).diagonal(0, 0, 1).read())]).toEqual([0, 16]);
    expect([...(await tensor(g(), [1, 2], [2, 1]).expand(3, 2, 2).read())]).toEqual([
      1, 1, 2, 2, 1, 1, 2, 2, 1, 1, 2, 2,
    ]);
    expect(x.slice(0, 1).storage).toBe(x.storage);
    const after = g().stats();
    expect(after.dispatches).toBe(stats.dispatches);
    expect(after.temporaryBytes).toBe(0);
  });

  test("contiguous() of a contiguous view is the view itself", () => {
    const x = tensor(g(), arange(24), [2, 3, 4]);
    const dispatches = g().stats().dispatches;
    const s = x.slice(0, 1, 2);
    expect(s.contiguous()).toBe(s);
    expect(g().stats().dispatches).toBe(dispatches);
  });

  test("identical views share one pipeline", async () => {
    const x = tensor(g(), arange(24), [2, 3, 4]);
    const y = tensor(g(), arange(24, 100), [2, 3, 4]);
    await x.transpose().contiguous().read();
    const compiled = g().stats().pipelinesCompiled;
    expect([...(await y.transpose().contiguous().read())].slice(0, 4)).toEqual([100, 104, 108, 101]);
    expect(g().stats().pipelinesCompiled).toBe(compiled);
  });
});

describe("bad input is an EinsightError with a code", () => {
  test("data that does not fit the shape", () => {
    expect(() => tensor(g(), [1, 2, 3], [2, 2])).toThrow(
      expect.objectContaining({
        code: "invalidData",
        message: "tensor(): shape [2, 2] has 4 elements but data has 3.",
      }),
    );
    expect(() => tensor(g(), [1], [-1])).toThrow(expect.objectContaining({ code: "invalidShape" }));
  });

  test("a destroyed tensor and its views", async () => {
    const x = tensor(g(), arange(4), [2, 2]);
    const v = x.transpose();
    x.destroy();
    await expect(v.read()).rejects.toMatchObject({ code: "destroyedTensor" });
    expect(() => v.contiguous()).toThrow(expect.objectContaining({ code: "destroyedTensor" }));
    expect(() => x.slice(0, 0, 1)).toThrow(expect.objectContaining({ code: "destroyedTensor" }));
    x.destroy(); // twice is fine
  });

  test("a destroyed device", async () => {
    const own = await gpu();
    const x = tensor(own, arange(4), [2, 2]);
    own.destroy();
    expect(own.stats().allocatedBytes).toBe(0);
    await expect(x.read()).rejects.toMatchObject({ code: "destroyedDevice" });
    expect(() => tensor(own, [1], [1])).toThrow(expect.objectContaining({ code: "destroyedDevice" }));
  });

  test("a device passed in stays the caller's", async () => {
    const own = await gpu();
    const wrapped = await gpu({ device: own.device });
    // Dawn (webgpu 0.6.2) has WGSL's buffer_view, and the profile of a device einsight made says so;
    // of a device made by the caller in Node, einsight cannot ask, so it assumes none
    expect(own.profile.bufferViews).toBe(true);
    expect(wrapped.profile.bufferViews).toBeUndefined();
    const x = tensor(wrapped, [1, 2], [2]);
    wrapped.destroy();
    expect(own.device.queue).toBeDefined();
    expect([...(await tensor(own, [3], [1]).read())]).toEqual([3]);
    await expect(x.read()).rejects.toMatchObject({ code: "destroyedDevice" });
    own.destroy();
  });
});

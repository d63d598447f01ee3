/** The buffer pool: freed buffers are reused by size, zeros() clears a reused one, the limit and trim() hold. */
import { afterAll, beforeAll, expect, test } from "vitest";
import { gpu, type Gpu } from "../../runtime/device.js";
import { einsum } from "../../runtime/einsum.js";
import { tensor, zeros } from "../../runtime/tensor.js";
import { useGpu } from "./use-gpu.js";

const g = useGpu();

test("a freed buffer is reused for the next allocation of its size, outside allocatedBytes", async () => {
  const a = tensor(g(), [1, 2, 3, 4], [4]);
  const buffer = a.storage.buffer;
  a.destroy();
  expect(g().stats().pooledBytes).toBeGreaterThanOrEqual(16);
  const before = g().stats().allocatedBytes;
  const b = tensor(g(), [5, 6, 7, 8], [2, 2]);
  expect(b.storage.buffer).toBe(buffer);
  expect(g().stats().allocatedBytes).toBe(before + 16);
  expect(Array.from(await b.read())).toEqual([5, 6, 7, 8]);
  b.destroy();
  const z = zeros(g(), [4]); // reuses the buffer that held 5..8, cleared
  expect(z.storage.buffer).toBe(buffer);
  expect(Array.from(await z.read())).toEqual([0, 0, 0, 0]);
  z.destroy();
});

test("einsum outputs come from the pool: a repeated einsum creates no buffer after the first", async () => {
  const x = tensor(
    g(),
    Array.from({ length: 64 }, (_, i) => i),
    [8, 8],
  );
  einsum("ij,jk->ik", x, x).destroy();
  const first = einsum("ij,jk->ik", x, x);
  const buffer = first.storage.buffer;
  const want = await first.read();
  first.destroy();
  const again = einsum("ij,jk->ik", x, x);
  expect(again.storage.buffer).toBe(buffer);
  expect(Array.from(await again.read())).toEqual(Array.from(want));
  [again, x].forEach((t) => t.destroy());
});

test("trim() empties the pool", () => {
  tensor(g(), [1, 2], [2]).destroy();
  expect(g().stats().pooledBytes).toBeGreaterThan(0);
  g().trim();
  expect(g().stats().pooledBytes).toBe(0);
});

let off: Gpu | undefined;
beforeAll(async () => {
  off = await gpu({ poolBytes: 0 });
});
afterAll(() => off?.destroy());

test("poolBytes: 0 turns the pool off; a bad value is refused", async () => {
  const a = tensor(off!, [1, 2], [2]);
  const buffer = a.storage.buffer;
  a.destroy();
  expect(off!.stats().pooledBytes).toBe(0);
  expect(tensor(off!, [3, 4], [2]).storage.buffer).not.toBe(buffer);
  await expect(gpu({ poolBytes: -1 })).rejects.toThrow(/poolBytes must be a non-negative number/);
});

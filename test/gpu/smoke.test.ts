import { expect, test } from "vitest";
import { tensor } from "../../runtime/tensor.js";
import { useGpu } from "./use-gpu.js";

const g = useGpu();
test("smoke", async () => {
  const t = tensor(g(), [1, 2, 3, 4, 5, 6], [2, 3]);
  expect([...(await t.read())]).toEqual([1, 2, 3, 4, 5, 6]);
  const tt = t.transpose();
  expect([...(await tt.read())]).toEqual([1, 4, 2, 5, 3, 6]);
  const c = tt.contiguous();
  expect(c.strides).toEqual([2, 1]);
  expect([...(await c.read())]).toEqual([1, 4, 2, 5, 3, 6]);
  console.log(g().stats());
});

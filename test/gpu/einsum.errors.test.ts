/** Invalid input to einsum() raises EinsightError with a code, before anything reaches the GPU. */
import { expect, test } from "vitest";
import { gpu } from "../../runtime/device.js";
import { einsum } from "../../runtime/einsum.js";
import { tensor } from "../../runtime/tensor.js";
import { useGpu } from "./use-gpu.js";

const g = useGpu();
const code = (c: string, message?: string): unknown =>
  expect.objectContaining({
    name: "EinsightError",
    code: c,
    ...(message === undefined ? {} : { message: expect.stringContaining(message) as unknown }),
  });

test("a bad equation carries its span", () => {
  const a = tensor(g(), [1, 2], [2]);
  // @ts-expect-error tsc rejects it too: Label 'j' of the output does not appear in any input
  expect(() => einsum("i->j", a)).toThrow(code("unknownOutputLabel", "i->j\n     ^"));
});

test("wrong shapes name the operand and sizes", () => {
  const a = tensor(g(), [1, 2, 3, 4, 5, 6], [2, 3]);
  // @ts-expect-error tsc rejects it too: Label 'j' is 2 in operand 1 but 3 in an earlier operand
  expect(() => einsum("ij,jk->ik", a, a)).toThrow(code("sizeMismatch", "Label 'j' is 2 in operand 1"));
  // @ts-expect-error Operand 0 has rank 2 but its term 'ijk' needs 3 dimensions
  expect(() => einsum("ijk", a)).toThrow(code("rankMismatch"));
  // @ts-expect-error The equation has 2 input terms but 1 operand was given
  expect(() => einsum("ij,jk", a)).toThrow(code("operandCount"));
  // @ts-expect-error The equation has 1 input term but 0 operands were given
  expect(() => einsum("ij")).toThrow(code("operandCount"));
});

test("operands that are not tensors, destroyed, or on another GPU", async () => {
  const a = tensor(g(), [1, 2], [2]);
  // @ts-expect-error an array is not a Tensor
  expect(() => einsum("i,i", a, [1, 2] as never)).toThrow(
    code("invalidOperand", 'Operand 1 of einsum("i,i") is an array, not a Tensor'),
  );
  const other = await gpu();
  try {
    expect(() => einsum("i,i", a, tensor(other, [1, 2], [2]))).toThrow(code("mixedDevices"));
  } finally {
    other.destroy();
  }
  const d = tensor(g(), [1, 2], [2]);
  const view = d.slice(0, 1);
  d.destroy();
  expect(() => einsum("i,i", a, view)).toThrow(code("destroyedTensor"));
});

test("unknown options", () => {
  const a = tensor(g(), [1, 2], [2]);
  expect(() => einsum("i->", a, { strategy: "fastest" as never })).toThrow(
    code("invalidOption", "Unknown strategy 'fastest'; use one of 'direct', 'split-k', 'ttgt', 'loop'."),
  );
  expect(() => einsum("i->", a, { memoryBudget: -1 })).toThrow(code("invalidOption"));
});

test("a GPU error einsight did not prevent surfaces as gpuError on the next read, not as a crash", async () => {
  const a = tensor(g(), [1, 2], [2]);
  g().dispatch({ code: "this is not WGSL", workgroups: [1, 1] }, [], []);
  await expect(a.read()).rejects.toMatchObject({ code: "gpuError" });
  expect([...(await a.read())]).toEqual([1, 2]); // reported once, then the device goes on
});

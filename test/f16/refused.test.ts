/** f16 where the device cannot compute in it (SwiftShader has no `shader-f16`): refused, saying how to get it. */
import { expect, test } from "vitest";
import { tensor, zeros } from "../../runtime/tensor.js";
import { useGpu } from "../gpu/use-gpu.js";

const g = useGpu();

test("f16 tensors are refused on a device without shader-f16, and made where it has it", async () => {
  if (g().device.features.has("shader-f16")) {
    const t = tensor(g(), [1, 0.1, 70000], [3], { dtype: "f16" });
    expect(t.dtype).toBe("f16");
    expect(await t.read()).toEqual(new Float32Array([1, 0.0999755859375, Infinity]));
    t.destroy();
    return;
  }
  const before = g().stats().allocatedBytes;
  expect(() => tensor(g(), [1, 2], [2], { dtype: "f16" })).toThrow(
    /tensor\(\): dtype "f16" needs the WebGPU feature 'shader-f16', which this device \(.*\) lacks; use "f32"/,
  );
  expect(() => zeros(g(), [2], { dtype: "f16" })).toThrow(
    /zeros\(\): dtype "f16" needs the WebGPU feature 'shader-f16'/,
  );
  expect(() => tensor(g(), [1], [1], { dtype: "bf16" as never })).toThrow(/dtype must be "f32" or "f16", got "bf16"/);
  expect(g().stats().allocatedBytes).toBe(before);
});

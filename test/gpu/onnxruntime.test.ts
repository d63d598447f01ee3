/**
 * einsight/onnxruntime on Dawn in Node, with onnxruntime-common's Tensor (what onnxruntime-web's
 * sessions take and return): GPU tensors viewed in place and handed back, dense ones as they are and
 * views as a GPU copy the ORT tensor frees; each misuse an EinsightError. The whole road through
 * real sessions runs in a browser: test/browser/onnxruntime.test.ts.
 */
import * as ort from "onnxruntime-common";
import { describe, expect, test } from "vitest";
import { EinsightError } from "../../codegen/errors.js";
import { einsum } from "../../runtime/einsum.js";
import { fromOrt, toOrt } from "../../runtime/onnxruntime.js";
import { tensor } from "../../runtime/tensor.js";
import { useGpu } from "./use-gpu.js";

const g = useGpu();

function code(run: () => unknown): string {
  try {
    run();
  } catch (e) {
    if (e instanceof EinsightError) return `${e.code}: ${e.message}`;
    throw e;
  }
  return "no error";
}

describe("GPU tensors both ways", () => {
  test("an ORT GPU tensor is read in place; a dense result goes back as it is, a view as a copy its dispose() frees", async () => {
    const a = tensor(g(), [1, 2, 3, 4, 5, 6, 7, 8], [2, 4]);
    const t = ort.Tensor.fromGpuBuffer(a.gpuBuffer, { dataType: "float32", dims: [2, 4] });
    const view = fromOrt(g(), t);
    expect(view.gpuBuffer).toBe(a.gpuBuffer);
    expect([...(await einsum("ij->j", view).read())]).toEqual([6, 8, 10, 12]);
    const dense = toOrt(ort, a);
    expect(dense.location).toBe("gpu-buffer");
    expect(dense.gpuBuffer).toBe(a.gpuBuffer); // 32 bytes: whole 16-byte blocks, lent as it is
    const before = g().stats().allocatedBytes;
    const copied = toOrt(ort, a.transpose()); // strided: copied on the GPU into 16-byte blocks
    expect(copied.dims).toEqual([4, 2]);
    expect(copied.gpuBuffer).not.toBe(a.gpuBuffer);
    expect(copied.gpuBuffer.size % 16).toBe(0);
    expect([...(await fromOrt(g(), copied).read())]).toEqual([1, 5, 2, 6, 3, 7, 4, 8]);
    expect(g().stats().allocatedBytes - before).toBe(32);
    copied.dispose();
    expect(g().stats().allocatedBytes).toBe(before);
    const odd = toOrt(ort, tensor(g(), [1, 2, 3], [3])); // 12 bytes: not whole blocks, so copied
    expect(odd.gpuBuffer.size).toBe(16);
    odd.dispose();
  });
});

describe("misuse", () => {
  test("a CPU tensor, other types, a disposed tensor, not a tensor, no ORT module", () => {
    expect(code(() => fromOrt(g(), new ort.Tensor("float32", new Float32Array(4), [4])))).toMatch(
      /^invalidOperand: fromOrt\(\): this ORT tensor's data is on the cpu, not in a GPU buffer; run the session with preferredOutputLocation: "gpu-buffer"/,
    );
    const a = tensor(g(), [1, 2, 3, 4], [4]);
    const ints = ort.Tensor.fromGpuBuffer(a.gpuBuffer, { dataType: "int32", dims: [4] });
    expect(code(() => fromOrt(g(), ints))).toMatch(/^unsupportedDtype: .*this ORT tensor is int32/);
    const gone = ort.Tensor.fromGpuBuffer(a.gpuBuffer, { dataType: "float32", dims: [4] });
    gone.dispose();
    expect(code(() => fromOrt(g(), gone))).toBe("destroyedTensor: fromOrt(): the ORT tensor was disposed.");
    expect(code(() => fromOrt(g(), [1, 2] as unknown as ort.Tensor))).toMatch(
      /^invalidOperand: .*expected an onnxruntime-web Tensor/,
    );
    expect(code(() => toOrt({} as typeof ort, a))).toMatch(
      /^invalidOperand: toOrt\(\): pass the onnxruntime-web module first/,
    );
    const small = ort.Tensor.fromGpuBuffer(a.gpuBuffer, { dataType: "float32", dims: [8] });
    expect(code(() => fromOrt(g(), small))).toMatch(/^invalidBuffer: .*past the end of the 16-byte buffer/);
  });
});

test("a copy that cannot be made leaves nothing allocated", () => {
  const base = tensor(g(), [1, 2, 3, 4, 5, 6], [2, 3]);
  const view = base.transpose();
  base.destroy();
  const before = g().stats().allocatedBytes;
  expect(code(() => toOrt(ort, view))).toMatch(/^destroyedTensor/);
  expect(g().stats().allocatedBytes).toBe(before);
});

/**
 * einsight/onnxruntime: onnxruntime-web's WebGPU tensors (location "gpu-buffer": a session's
 * outputs with `preferredOutputLocation: "gpu-buffer"`, or `Tensor.fromGpuBuffer`) viewed in place,
 * and einsight results handed to a session as GPU tensors. One device for both: ORT makes it with
 * its first WebGPU session, then `gpu({ device: await ort.env.webgpu.device })`. Ordering needs
 * nothing from the caller: ORT submits a run's work before `run()` resolves, einsight a call's
 * before the call returns, and the device's queue keeps that order.
 */
import type * as Ort from "onnxruntime-common";
import { DTYPE_BYTES, type Dtype } from "../codegen/dtype.js";
import { check } from "../codegen/errors.js";
import { describeValue } from "./describe.js";
import type { Gpu } from "./device.js";
import { wrapBuffer } from "./gpu-buffer.js";
import { Tensor } from "./tensor.js";

/** ORT's data types einsight computes in. */
const DTYPES: Readonly<Record<string, Dtype>> = { float32: "f32", float16: "f16" };
const ORT_TYPES = { f32: "float32", f16: "float16" } as const;

/**
 * An einsight view of ORT tensor `t` (float32 or float16, location "gpu-buffer", on `g`'s device):
 * its buffer, read in place. ORT owns the buffer: destroy the view before disposing `t` (a
 * session's output buffer goes back to ORT's pool when disposed).
 */
export function fromOrt(g: Gpu, t: Ort.Tensor): Tensor {
  const what = "fromOrt()";
  const tensor = t as Partial<Ort.Tensor> | null;
  check(
    typeof tensor === "object" && tensor !== null && typeof tensor.location === "string" && Array.isArray(tensor.dims),
    "invalidOperand",
    () => `${what}: expected an onnxruntime-web Tensor, got ${describeValue(t)}.`,
  );
  check(t.location !== "none", "destroyedTensor", () => `${what}: the ORT tensor was disposed.`);
  check(
    t.location === "gpu-buffer",
    "invalidOperand",
    () =>
      `${what}: this ORT tensor's data is on the ${t.location}, not in a GPU buffer; run the session with ` +
      `preferredOutputLocation: "gpu-buffer" (or make the tensor with Tensor.fromGpuBuffer).`,
  );
  const dtype = DTYPES[t.type];
  check(
    dtype !== undefined,
    "unsupportedDtype",
    () => `${what}: einsight computes in float32 and float16; this ORT tensor is ${t.type}.`,
  );
  let buffer: GPUBuffer;
  try {
    buffer = t.gpuBuffer;
  } catch (cause) {
    check(false, "destroyedTensor", () => `${what}: the ORT tensor was disposed (${String(cause)}).`);
  }
  return wrapBuffer(g, buffer, t.dims, { dtype }, { external: {}, what });
}

/**
 * An ORT tensor (location "gpu-buffer") with `t`'s values, for a session on `t`'s device; `ort` is
 * the onnxruntime-web module the application runs (its `Tensor` class). ORT reads whole 16-byte
 * blocks from a tensor's start: a dense view from the start of a buffer of whole blocks is handed
 * over as it is (keep `t` alive while ORT uses it); any other view is copied on the GPU into a
 * buffer of its own, which the ORT tensor's `dispose()` frees.
 */
export function toOrt(ort: { readonly Tensor: Pick<typeof Ort.Tensor, "fromGpuBuffer"> }, t: Tensor): Ort.Tensor {
  const what = "toOrt()";
  check(t instanceof Tensor, "invalidOperand", () => `${what}: expected an einsight Tensor, got ${describeValue(t)}.`);
  check(
    typeof ort?.Tensor?.fromGpuBuffer === "function",
    "invalidOperand",
    () => `${what}: pass the onnxruntime-web module first: toOrt(ort, tensor).`,
  );
  const dataType = ORT_TYPES[t.dtype];
  const dims = [...t.shape];
  if (t.isContiguous && t.offset === 0 && t.gpuBuffer.size % 16 === 0 && t.size > 0) {
    return ort.Tensor.fromGpuBuffer(t.gpuBuffer, { dataType, dims });
  }
  const copy = t.denseCopy(Math.max(16, Math.ceil((t.size * DTYPE_BYTES[t.dtype]) / 16) * 16));
  return ort.Tensor.fromGpuBuffer(copy.gpuBuffer, { dataType, dims, dispose: () => copy.destroy() });
}

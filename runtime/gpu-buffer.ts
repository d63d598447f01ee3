/**
 * `fromGpuBuffer`: a Tensor over a `GPUBuffer` einsight did not make (the application's own, or
 * another library's), read and written in place by every view and einsum. einsight never pools,
 * resizes or destroys such a buffer: `destroy()` only lets go of it.
 */
import { check, EinsightError } from "../codegen/errors.js";
import { contiguousStrides, isStrideList, viewExtent } from "../codegen/views.js";
import { DTYPE_BYTES, type Dtype } from "../codegen/dtype.js";
import { describeValue } from "./describe.js";
import type { External, Gpu } from "./device.js";
import { checkDtype, checkShape, Tensor, zeros, type Shape, type Writable } from "./tensor.js";

/** Buffer usage STORAGE, numerically as the WebGPU spec fixes it. */
const STORAGE = 0x80;

export interface GpuBufferOptions {
  /** Element type: "f32" (default) or "f16". */
  readonly dtype?: Dtype;
  /** Byte offset of the first element (default 0): a whole number of elements. */
  readonly offset?: number;
  /** Strides in elements, one per dimension (default: row-major and dense). */
  readonly strides?: readonly number[];
}

/**
 * A tensor of `shape` viewing `buffer`, which must come from `g.device` and have STORAGE usage
 * (and COPY_SRC for `read()`). Checked here: what the buffer is, its usage, that it is unmapped,
 * and that the view fits it. A buffer of another device, or one destroyed while in use, only the
 * GPU can tell: the next einsight call or read reports it (`invalidBuffer`).
 */
export function fromGpuBuffer<const S extends Shape>(
  g: Gpu,
  buffer: GPUBuffer,
  shape: S,
  options: GpuBufferOptions = {},
): Tensor<Writable<S>> {
  return wrapBuffer(g, buffer, shape, options, { external: {}, what: "fromGpuBuffer()" });
}

/** @internal `fromGpuBuffer` for an adapter that tells einsight how to order and release (runtime/tfjs). */
export function wrapBuffer<const S extends Shape>(
  g: Gpu,
  buffer: GPUBuffer,
  shape: S,
  options: GpuBufferOptions,
  owner: { readonly external: External; readonly what: string },
): Tensor<Writable<S>> {
  const { external, what } = owner;
  const dtype = checkDtype(g, options, what);
  checkBuffer(buffer, what);
  check(
    (buffer.usage & STORAGE) !== 0,
    "invalidBuffer",
    () =>
      `${what}: the buffer has no STORAGE usage (usage ${buffer.usage}), which einsight's kernels need ` +
      `to read and write it; create it with GPUBufferUsage.STORAGE.`,
  );
  check(
    buffer.mapState === "unmapped",
    "invalidBuffer",
    () => `${what}: the buffer is ${buffer.mapState}; unmap it (buffer.unmap()) before a GPU queue can use ` + `it.`,
  );
  checkShape(shape, what);
  const bytes = DTYPE_BYTES[dtype];
  const offset = options.offset ?? 0;
  check(
    Number.isSafeInteger(offset) && offset >= 0 && offset % bytes === 0,
    "invalidBuffer",
    () =>
      `${what}: offset ${typeof offset === "number" ? offset : describeValue(offset)} is not a whole ` +
      `number of ${dtype} elements (${bytes} bytes each) from the buffer's start.`,
  );
  const strides = options.strides ?? contiguousStrides(shape);
  check(
    isStrideList(strides, shape.length),
    "invalidStrides",
    () =>
      `${what}: strides ${Array.isArray(strides) ? JSON.stringify(strides) : describeValue(strides)} ` +
      `must be ${shape.length} non-negative whole numbers of elements, one per dimension of shape ` +
      `[${shape.join(", ")}].`,
  );
  const view = { shape, strides, offset: offset / bytes };
  const extent = viewExtent(view);
  // copies and bindings move whole 4-byte words: an f16 view's last word must lie in the buffer too
  const end = Math.ceil((extent === undefined ? offset : (extent.last + 1) * bytes) / 4) * 4;
  check(
    end <= buffer.size,
    "invalidBuffer",
    () =>
      `${what}: the view of shape [${shape.join(", ")}], strides [${strides.join(", ")}] from byte ` +
      `${offset} reaches byte ${end}, past the end of the ${buffer.size}-byte buffer.`,
  );
  if (extent === undefined) {
    // a view with no elements shares nothing (and a buffer may be 0 bytes, which no binding takes)
    external.release?.();
    return zeros(g, shape, { dtype });
  }
  return new Tensor<Writable<S>>(g.wrap(buffer, external), shape, strides, offset / bytes, dtype);
}

/** Refuses anything that is not a GPUBuffer (by its attributes: Node and browsers name the class differently). */
function checkBuffer(buffer: unknown, what: string): asserts buffer is GPUBuffer {
  const b = buffer as Partial<GPUBuffer> | null;
  if (
    typeof b !== "object" ||
    b === null ||
    typeof b.size !== "number" ||
    typeof b.usage !== "number" ||
    typeof b.mapState !== "string" ||
    typeof b.destroy !== "function"
  ) {
    throw new EinsightError("invalidBuffer", `${what}: expected a GPUBuffer, got ${describeValue(buffer)}.`);
  }
}

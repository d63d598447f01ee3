/**
 * Tensor: a GPU buffer seen through a (shape, strides, offset) view, in elements. Every view method
 * returns a new Tensor over the same buffer and never copies; only `contiguous()` copies, on the
 * GPU, and only when asked.
 */
import { bindingWindow } from "../codegen/binding.js";
import { check, EinsightError } from "../codegen/errors.js";
import {
  coalesceView,
  contiguousStrides,
  diagonalView,
  elementCount,
  expandView,
  isContiguous,
  permuteView,
  selectView,
  sliceView,
  transposeView,
  viewExtent,
  type View,
} from "../codegen/views.js";
import { emitViewCopy } from "../codegen/wgsl/copy.js";
import { DTYPE_BYTES, type Dtype } from "../codegen/dtype.js";
import { describeValue } from "./describe.js";
import { fromHalfBits, toHalves } from "./half.js";
import type { Gpu, Storage } from "./device.js";
import type {
  DiagonalShape,
  ExpandShape,
  PermuteShape,
  SelectShape,
  SliceShape,
  TransposeShape,
} from "./types/views.js";

export type { Dtype };
/** A shape as a tuple type: literal sizes where known (`[8, 16384, 2048]`), `number` elsewhere. */
export type Shape = readonly number[];

/**
 * A shape literal as `tensor()` types it: `[16, 64]`, not `readonly [16, 64]` (what a `const` type
 * parameter infers), so that it fits a parameter typed `Tensor<[number, 64]>` as views' shapes do.
 */
export type Writable<S extends Shape> = { -readonly [K in keyof S]: S[K] };

export interface TensorOptions {
  /** Element type: "f32" (default), or "f16" (2 bytes; needs a device with `shader-f16`). */
  readonly dtype?: Dtype;
}

export class Tensor<S extends Shape = Shape> implements View {
  /** @internal Use `tensor()` or a view method. */
  constructor(
    readonly storage: Storage,
    readonly shape: S,
    readonly strides: readonly number[],
    readonly offset: number,
    readonly dtype: Dtype = "f32",
  ) {}

  get gpu(): Gpu {
    return this.storage.gpu;
  }

  get rank(): number {
    return this.shape.length;
  }

  /** Number of elements of the view. */
  get size(): number {
    return elementCount(this.shape);
  }

  get destroyed(): boolean {
    return this.storage.destroyed;
  }

  /**
   * The GPU buffer holding the elements, for another library to read or write in place: element
   * `[i, j, ...]` is at byte `byteOffset + (i * strides[0] + j * strides[1] + ...) * bytes` where
   * `bytes` is 4 for f32 and 2 for f16. The buffer stays einsight's (or its wrapper's owner's).
   */
  get gpuBuffer(): GPUBuffer {
    this.#alive();
    return this.storage.buffer;
  }

  /** The byte offset of the view's first element in `gpuBuffer`. */
  get byteOffset(): number {
    return this.offset * DTYPE_BYTES[this.dtype];
  }

  /** Whether the elements lie row-major and dense from `byteOffset` (what a library without strides can read). */
  get isContiguous(): boolean {
    return isContiguous(this);
  }

  /** Elements start, start+step, ... below end of `dim` (negative indices count from the end). */
  slice<
    D extends number,
    Start extends number | undefined = undefined,
    End extends number | undefined = undefined,
    Step extends number | undefined = undefined,
  >(dim: D, start?: Start, end?: End, step?: Step): Tensor<SliceShape<S, D, Start, End, Step>> {
    return this.#view(sliceView(this.#alive(), dim, start, end, step));
  }

  /** Swaps two dimensions; by default the last two. */
  transpose<D0 extends number = -2, D1 extends number = -1>(dim0?: D0, dim1?: D1): Tensor<TransposeShape<S, D0, D1>> {
    return this.#view(transposeView(this.#alive(), dim0, dim1));
  }

  /** Dimension d of the result is dimension dims[d] of this tensor. */
  permute<const Dims extends readonly number[]>(...dims: Dims): Tensor<PermuteShape<S, Dims>> {
    return this.#view(permuteView(this.#alive(), dims));
  }

  /** Broadcasts size-1 dimensions and prepends new ones (stride 0); -1 keeps a size. */
  expand<const New extends readonly number[]>(...shape: New): Tensor<ExpandShape<S, New>> {
    return this.#view(expandView(this.#alive(), shape));
  }

  /** Index `index` of `dim`, dropping the dimension. */
  select<D extends number>(dim: D, index: number): Tensor<SelectShape<S, D>> {
    return this.#view(selectView(this.#alive(), dim, index));
  }

  /** The diagonal of dims `dim1`, `dim2` as a new last dimension (numpy's and torch's argument order). */
  diagonal<O extends number = 0, D1 extends number = 0, D2 extends number = 1>(
    offset?: O,
    dim1?: D1,
    dim2?: D2,
  ): Tensor<DiagonalShape<S, D1, D2, O>> {
    return this.#view(diagonalView(this.#alive(), offset, dim1, dim2));
  }

  /** This tensor if its elements are already contiguous, else a contiguous copy made on the GPU. */
  contiguous(): Tensor<S> {
    return isContiguous(this.#alive()) ? this : this.denseCopy();
  }

  /**
   * @internal A dense copy from the start of a buffer of its own, of at least `minBytes` bytes
   * (another library may read whole blocks: onnxruntime 16 bytes), made on the GPU by the copy kernel.
   */
  denseCopy(minBytes = 0): Tensor<S> {
    const v = this.#alive();
    const g = this.gpu;
    const window = bindingWindow(v, DTYPE_BYTES[this.dtype], g.limits, "The view to copy");
    this.storage.external?.flush?.();
    const bytes = Math.max(minBytes, this.size * DTYPE_BYTES[this.dtype]);
    const out = new Tensor(g.allocate(bytes), this.shape, contiguousStrides(this.shape), 0, this.dtype);
    const copy = window && emitViewCopy(window.view, g.limits.maxComputeWorkgroupsPerDimension, this.dtype);
    if (copy !== undefined)
      g.dispatch(
        copy.kernel,
        [{ buffer: this.storage.buffer, offset: window!.offset, size: window!.size }, { buffer: out.storage.buffer }],
        copy.params,
      );
    return out;
  }

  /**
   * The view's elements in row-major order, after all queued GPU work. Rejects with
   * `destroyedDevice` where the GPU is destroyed first (harmlessly, if never awaited).
   */
  read(): Promise<Float32Array> {
    return this.gpu.trackRead(this.#read());
  }

  async #read(): Promise<Float32Array> {
    const v = this.#alive();
    const usage = this.storage.buffer.usage;
    check(
      (usage & COPY_SRC) !== 0,
      "invalidBuffer",
      () =>
        `read(): the GPU buffer behind this tensor has no COPY_SRC usage (usage ${usage}), so it cannot ` +
        `be copied back; create it with GPUBufferUsage.COPY_SRC, or einsum it into an einsight tensor ` +
        `and read that.`,
    );
    this.storage.external?.flush?.();
    const extent = viewExtent(v);
    if (extent === undefined) return new Float32Array(0);
    const values = newValues(this.size);
    const bytes = DTYPE_BYTES[this.dtype];
    // Copies move whole 4-byte words: an f16 window may start half a word early.
    const start = Math.floor((extent.first * bytes) / 4) * 4;
    const raw = await this.gpu.readBytes(this.storage, start, Math.ceil(((extent.last + 1) * bytes - start) / 4) * 4);
    this.#alive(); // destroyed while the read was in flight
    const window = this.dtype === "f16" ? fromHalfBits(new Uint16Array(raw)) : new Float32Array(raw);
    return gather(window, { ...v, offset: v.offset - start / bytes }, values);
  }

  /**
   * Frees the buffer behind this tensor and every view of it. A buffer einsight does not own
   * (`fromGpuBuffer`, `fromTfjs`) is only let go of, never destroyed.
   */
  destroy(): void {
    this.gpu.free(this.storage);
  }

  /** `using t = ...` destroys it at the end of the scope. */
  [Symbol.dispose](): void {
    this.destroy();
  }

  toString(): string {
    const [shape, strides] = [this.shape.join(", "), this.strides.join(", ")];
    return `Tensor(${this.dtype}, shape [${shape}], strides [${strides}], offset ${this.offset})`;
  }

  #alive(): View {
    void this.gpu.device; // throws destroyedDevice after g.destroy()
    if (this.storage.destroyed) {
      throw new EinsightError(
        "destroyedTensor",
        `This tensor of shape [${this.shape.join(", ")}] (or the tensor it is a view of) was destroyed; ` +
          `its data is gone.`,
      );
    }
    return this;
  }

  /** A view over this tensor's buffer; its shape type is the caller's (runtime/types/views). */
  #view<R extends Shape>(v: View): Tensor<R> {
    return new Tensor(this.storage, v.shape as R, v.strides, v.offset, this.dtype);
  }
}

/**
 * A new tensor holding `data` (row-major) with the given shape. `const` keeps literal sizes:
 * `tensor(g, data, [2, 3])` is a `Tensor<[2, 3]>`.
 */
export function tensor<const S extends Shape>(
  g: Gpu,
  data: ArrayLike<number>,
  shape: S,
  options: TensorOptions = {},
): Tensor<Writable<S>> {
  const dtype = checkDtype(g, options, "tensor()");
  const count = checkShape(shape, "tensor()");
  checkData(data, count, shape);
  const values = dtype === "f16" ? toHalves(data) : data instanceof Float32Array ? data : Float32Array.from(data);
  const storage = g.allocate(count * DTYPE_BYTES[dtype]);
  if (count > 0)
    g.scoped(() => g.device.queue.writeBuffer(storage.buffer, 0, values.buffer, values.byteOffset, values.byteLength));
  return new Tensor(storage, shape, contiguousStrides(shape), 0, dtype);
}

/**
 * A new tensor of zeros (a fresh buffer: WebGPU zero-fills it, nothing is uploaded); e.g. a gradient to accumulate
 * into.
 */
export function zeros<const S extends Shape>(g: Gpu, shape: S, options: TensorOptions = {}): Tensor<Writable<S>> {
  const dtype = checkDtype(g, options, "zeros()");
  const count = checkShape(shape, "zeros()");
  return new Tensor(g.allocate(count * DTYPE_BYTES[dtype], "tensor", true), shape, contiguousStrides(shape), 0, dtype);
}

/** Buffer usage COPY_SRC, numerically as the WebGPU spec fixes it (Node has no GPUBufferUsage global). */
const COPY_SRC = 0x4;

/** The element count of a valid shape: an array of non-negative integers whose product is a safe integer. */
export function checkShape(shape: unknown, what: string): number {
  check(
    Array.isArray(shape) && shape.every((n) => Number.isSafeInteger(n) && (n as number) >= 0),
    "invalidShape",
    () => `${what}: shape ${describeShape(shape)} is not an array of non-negative integers.`,
  );
  const count = elementCount(shape as number[]);
  check(
    Number.isSafeInteger(count),
    "bufferTooLarge",
    () =>
      `${what}: shape [${(shape as number[]).join(", ")}] has ${count} elements, more than any GPU ` +
      `buffer holds; use a smaller shape.`,
  );
  return count;
}

function describeShape(shape: unknown): string {
  try {
    return JSON.stringify(shape) ?? String(shape);
  } catch {
    return String(shape);
  }
}

/**
 * `data` must be an array or typed array of `count` numbers (a string, a bigint array or an object
 * with only a length would upload garbage); plain arrays are checked element by element.
 */
function checkData(data: unknown, count: number, shape: readonly number[]): asserts data is ArrayLike<number> {
  const typed =
    ArrayBuffer.isView(data) &&
    !(data instanceof DataView) &&
    !(data instanceof BigInt64Array || data instanceof BigUint64Array);
  check(
    typed || Array.isArray(data),
    "invalidData",
    () => `tensor(): data must be an array or a typed array of numbers, not ${describeValue(data)}.`,
  );
  const values = data as ArrayLike<unknown>;
  check(
    values.length === count,
    "invalidData",
    () => `tensor(): shape [${shape.join(", ")}] has ${count} elements but data has ${values.length}.`,
  );
  if (typed) return;
  for (let i = 0; i < count; i++) {
    const v = values[i];
    check(
      typeof v === "number",
      "invalidData",
      () => `tensor(): data[${i}] is ${v === undefined ? "missing" : describeValue(v)}, not a number.`,
    );
  }
}

/** The dtype asked for, refused where the device cannot compute in it. */
export function checkDtype(g: Gpu, options: TensorOptions, what: string): Dtype {
  void g.device; // a destroyed GPU first: nothing else about the call matters then
  const dtype = options.dtype ?? "f32";
  check(
    dtype === "f32" || dtype === "f16",
    "unsupportedDtype",
    () => `${what}: dtype must be "f32" or "f16", got ${JSON.stringify(dtype)}.`,
  );
  check(
    dtype !== "f16" || g.device.features.has("shader-f16"),
    "unsupportedDtype",
    () =>
      `${what}: dtype "f16" needs the WebGPU feature 'shader-f16', which this device ` +
      `(${g.adapterName}) lacks; use "f32". ` +
      ("On NVIDIA through Dawn in Node, Dawn exposes it with gpu({ dawnOptions: " +
        "['enable-dawn-features=allow_unsafe_apis,vulkan_enable_f16_on_nvidia'] })."),
  );
  return dtype;
}

/** An array for `count` values read back, or an error where JavaScript cannot hold that many. */
function newValues(count: number): Float32Array {
  try {
    return new Float32Array(count);
  } catch (cause) {
    throw new EinsightError(
      "bufferTooLarge",
      `read(): the view has ${count} elements, more than a Float32Array holds here; read a slice of it ` + `at a time.`,
      { cause },
    );
  }
}

/** The elements of view `v` of `flat`, row-major, into `out`. */
function gather(flat: Float32Array, v: View, out: Float32Array): Float32Array {
  if (isContiguous(v)) {
    out.set(flat.subarray(v.offset, v.offset + out.length));
    return out;
  }
  const c = coalesceView(v);
  const index = new Array<number>(c.shape.length).fill(0);
  let at = c.offset;
  for (let i = 0; i < out.length; i++) {
    out[i] = flat[at]!;
    for (let d = c.shape.length - 1; d >= 0; d--) {
      at += c.strides[d]!;
      if (++index[d]! < c.shape[d]!) break;
      at -= c.strides[d]! * c.shape[d]!;
      index[d] = 0;
    }
  }
  return out;
}

var _a;
/**
 * Tensor: a GPU buffer seen through a (shape, strides, offset) view, in elements. Every view method
 * returns a new Tensor over the same buffer and never copies; only `contiguous()` copies, on the
 * GPU, and only when asked.
 */
import { bindingWindow } from "../codegen/binding.js";
import { check, EinsightError } from "../codegen/errors.js";
import { coalesceView, contiguousStrides, diagonalView, elementCount, expandView, isContiguous, permuteView, selectView, sliceView, transposeView, viewExtent, } from "../codegen/views.js";
import { emitCopyKernel } from "../codegen/wgsl/copy.js";
const BYTES = { f32: 4 };
export class Tensor {
    storage;
    shape;
    strides;
    offset;
    dtype;
    /** @internal Use `tensor()` or a view method. */
    constructor(storage, shape, strides, offset, dtype = "f32") {
        this.storage = storage;
        this.shape = shape;
        this.strides = strides;
        this.offset = offset;
        this.dtype = dtype;
    }
    get gpu() {
        return this.storage.gpu;
    }
    get rank() {
        return this.shape.length;
    }
    /** Number of elements of the view. */
    get size() {
        return elementCount(this.shape);
    }
    get destroyed() {
        return this.storage.destroyed;
    }
    /** Elements start, start+step, ... below end of `dim` (negative indices count from the end). */
    slice(dim, start, end, step) {
        return this.#view(sliceView(this.#alive(), dim, start, end, step));
    }
    /** Swaps two dimensions; by default the last two. */
    transpose(dim0, dim1) {
        return this.#view(transposeView(this.#alive(), dim0, dim1));
    }
    /** Dimension d of the result is dimension dims[d] of this tensor. */
    permute(...dims) {
        return this.#view(permuteView(this.#alive(), dims));
    }
    /** Broadcasts size-1 dimensions and prepends new ones (stride 0); -1 keeps a size. */
    expand(...shape) {
        return this.#view(expandView(this.#alive(), shape));
    }
    /** Index `index` of `dim`, dropping the dimension. */
    select(dim, index) {
        return this.#view(selectView(this.#alive(), dim, index));
    }
    /** The diagonal of dims `dim1`, `dim2` as a new last dimension (numpy's and torch's argument order). */
    diagonal(offset, dim1, dim2) {
        return this.#view(diagonalView(this.#alive(), offset, dim1, dim2));
    }
    /** This tensor if its elements are already contiguous, else a contiguous copy made on the GPU. */
    contiguous() {
        const v = this.#alive();
        if (isContiguous(v))
            return this;
        const g = this.gpu;
        const out = new _a(g.allocate(this.size * BYTES[this.dtype]), this.shape, contiguousStrides(this.shape), 0, this.dtype);
        const window = bindingWindow(v, BYTES[this.dtype], g.limits, "The view to copy");
        const kernel = window && emitCopyKernel(window.view, g.limits.maxComputeWorkgroupsPerDimension);
        if (window !== undefined && kernel !== undefined) {
            g.dispatch(kernel, [{ buffer: this.storage.buffer, offset: window.offset, size: window.size }, { buffer: out.storage.buffer }], [window.view.offset, 0]);
        }
        return out;
    }
    /** The view's elements in row-major order, after all queued GPU work. */
    async read() {
        const v = this.#alive();
        const extent = viewExtent(v);
        if (extent === undefined)
            return new Float32Array(0);
        const bytes = BYTES[this.dtype];
        const raw = await this.gpu.readBytes(this.storage, extent.first * bytes, (extent.last - extent.first + 1) * bytes);
        this.#alive(); // destroyed while the read was in flight
        const window = new Float32Array(raw);
        return gather(window, { ...v, offset: 0 });
    }
    /** Frees the buffer behind this tensor and every view of it. */
    destroy() {
        this.gpu.free(this.storage);
    }
    toString() {
        return `Tensor(${this.dtype}, shape [${this.shape.join(", ")}], strides [${this.strides.join(", ")}], offset ${this.offset})`;
    }
    #alive() {
        void this.gpu.device; // throws destroyedDevice after g.destroy()
        if (this.storage.destroyed) {
            throw new EinsightError("destroyedTensor", `This tensor of shape [${this.shape.join(", ")}] (or the tensor it is a view of) was destroyed; its data is gone.`);
        }
        return this;
    }
    /** A view over this tensor's buffer; its shape type is the caller's (runtime/types/views). */
    #view(v) {
        return new _a(this.storage, v.shape, v.strides, v.offset, this.dtype);
    }
}
_a = Tensor;
/**
 * A new tensor holding `data` (row-major) with the given shape. `const` keeps literal sizes:
 * `tensor(g, data, [2, 3])` is a `Tensor<[2, 3]>`.
 */
export function tensor(g, data, shape) {
    check(Array.isArray(shape) && shape.every((n) => Number.isSafeInteger(n) && n >= 0), "invalidShape", () => `tensor(): shape ${JSON.stringify(shape)} is not an array of non-negative integers.`);
    const count = elementCount(shape);
    check(data != null && typeof data.length === "number", "invalidData", () => "tensor(): data must be an array or typed array of numbers.");
    check(data.length === count, "invalidData", () => `tensor(): shape [${shape.join(", ")}] has ${count} elements but data has ${data.length}.`);
    const values = data instanceof Float32Array ? data : Float32Array.from(data);
    const storage = g.allocate(count * BYTES.f32);
    if (count > 0)
        g.device.queue.writeBuffer(storage.buffer, 0, values.buffer, values.byteOffset, values.byteLength);
    return new Tensor(storage, shape, contiguousStrides(shape), 0);
}
/** A new tensor of zeros (a fresh buffer: WebGPU zero-fills it, nothing is uploaded); e.g. a gradient to accumulate into. */
export function zeros(g, shape) {
    check(Array.isArray(shape) && shape.every((n) => Number.isSafeInteger(n) && n >= 0), "invalidShape", () => `zeros(): shape ${JSON.stringify(shape)} is not an array of non-negative integers.`);
    return new Tensor(g.allocate(elementCount(shape) * BYTES.f32, "tensor", true), shape, contiguousStrides(shape), 0);
}
/** The elements of view `v` of `flat`, row-major. */
function gather(flat, v) {
    if (isContiguous(v))
        return flat.slice(v.offset, v.offset + elementCount(v.shape));
    const c = coalesceView(v);
    const out = new Float32Array(elementCount(c.shape));
    const index = new Array(c.shape.length).fill(0);
    let at = c.offset;
    for (let i = 0; i < out.length; i++) {
        out[i] = flat[at];
        for (let d = c.shape.length - 1; d >= 0; d--) {
            at += c.strides[d];
            if (++index[d] < c.shape[d])
                break;
            at -= c.strides[d] * c.shape[d];
            index[d] = 0;
        }
    }
    return out;
}

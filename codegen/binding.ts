/**
 * Which bytes of a buffer a kernel binds for one view. WebGPU binds storage buffers from offsets
 * that are multiples of `minStorageBufferOffsetAlignment` and at most `maxStorageBufferBindingSize`
 * long, so a kernel sees a window of the buffer and indexes the view relative to its start.
 */
import { EinsightError } from "./errors.js";
import { viewExtent, type View } from "./views.js";

export interface BindingLimits {
  readonly minStorageBufferOffsetAlignment: number;
  readonly maxStorageBufferBindingSize: number;
}

export interface BindingWindow {
  /** Byte offset of the window in the buffer (aligned). */
  readonly offset: number;
  /** Byte length of the window (a multiple of 4). */
  readonly size: number;
  /** The view with its offset made relative to the window, in elements. */
  readonly view: View;
}

/** The smallest aligned window holding every element the view reads; `undefined` for an empty view. */
export function bindingWindow(
  view: View,
  bytesPerElement: number,
  limits: BindingLimits,
  what = "A view",
): BindingWindow | undefined {
  const extent = viewExtent(view);
  if (extent === undefined) return undefined;
  const first = extent.first * bytesPerElement;
  const offset = first - (first % limits.minStorageBufferOffsetAlignment);
  const end = (extent.last + 1) * bytesPerElement;
  const size = Math.ceil((end - offset) / 4) * 4;
  if (size > limits.maxStorageBufferBindingSize) {
    throw new EinsightError(
      "bindingTooLarge",
      `${what} of shape [${view.shape.join(", ")}] spans ${size} bytes of its buffer, more than this ` +
        `adapter's maxStorageBufferBindingSize of ${limits.maxStorageBufferBindingSize} bytes. Split the ` +
        `work into smaller views, or request a device with a higher limit.`,
    );
  }
  return { offset, size, view: { ...view, offset: view.offset - offset / bytesPerElement } };
}

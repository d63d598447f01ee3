/**
 * Freed GPU buffers kept for reuse, by size, up to a byte limit (`GpuOptions.poolBytes`): creating
 * a large buffer costs far more than the kernel that fills it. Over the limit, the buffers of the
 * least recently freed sizes are destroyed first. The pool only holds buffers; when one may be
 * reused (after the work recorded on it is submitted) is the device's business.
 */
export class BufferPool {
  /** Freed buffers by size, oldest first. */
  readonly #buffers = new Map<number, GPUBuffer[]>();
  #bytes = 0;

  constructor(readonly limit: number) {}

  /** Bytes of buffers held now. */
  get bytes(): number {
    return this.#bytes;
  }

  /** A held buffer of exactly `size` bytes, if one waits: the most recently freed (its old contents remain). */
  take(size: number): GPUBuffer | undefined {
    const buffer = this.#buffers.get(size)?.pop();
    if (buffer !== undefined) this.#bytes -= size;
    return buffer;
  }

  /** Keeps `buffer` of `size` bytes for reuse, or destroys it when it is larger than the whole pool. */
  put(buffer: GPUBuffer, size: number): void {
    if (size > this.limit) {
      buffer.destroy();
      return;
    }
    const list = this.#buffers.get(size) ?? [];
    list.push(buffer);
    this.#buffers.set(size, list);
    this.#bytes += size;
    for (const [held, buffers] of this.#buffers) {
      if (this.#bytes <= this.limit) break;
      while (buffers.length > 0 && this.#bytes > this.limit) {
        buffers.shift()!.destroy();
        this.#bytes -= held;
      }
      if (buffers.length === 0) this.#buffers.delete(held);
    }
  }

  /** Destroys every held buffer. */
  trim(): void {
    for (const buffers of this.#buffers.values()) buffers.forEach((b) => b.destroy());
    this.#buffers.clear();
    this.#bytes = 0;
  }
}

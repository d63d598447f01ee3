/**
 * The compute pipelines of one device, by WGSL source, least recently used first out: at most
 * `limit` are kept (a long-running program that meets many shapes does not grow without bound).
 * An evicted pipeline is compiled again when its kernel comes back.
 */
export interface Pipeline {
  readonly pipeline: GPUComputePipeline;
  /** Looked up once: `getBindGroupLayout` makes a new object on every call. */
  readonly layout: GPUBindGroupLayout;
}

export class PipelineCache {
  readonly #byCode = new Map<string, Pipeline>();
  compiled = 0;
  evicted = 0;

  constructor(readonly limit: number) {}

  get size(): number {
    return this.#byCode.size;
  }

  /** The pipeline of `code`, compiled on a miss; a hit moves it to the back of the eviction order. */
  get(device: GPUDevice, code: string): Pipeline {
    let pipeline = this.#byCode.get(code);
    if (pipeline !== undefined) {
      this.#byCode.delete(code);
    } else {
      const module = device.createShaderModule({ code });
      const compute = device.createComputePipeline({ layout: "auto", compute: { module, entryPoint: "main" } });
      pipeline = { pipeline: compute, layout: compute.getBindGroupLayout(0) };
      this.compiled += 1;
    }
    this.#byCode.set(code, pipeline);
    for (const oldest of this.#byCode.keys()) {
      if (this.#byCode.size <= this.limit) break;
      this.#byCode.delete(oldest);
      this.evicted += 1;
    }
    return pipeline;
  }

  clear(): void {
    this.#byCode.clear();
  }
}

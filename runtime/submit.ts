/**
 * Encoding recorded work for the queue: dispatches and buffer clears, in order, into one command
 * buffer and one submit, with every dispatch's params in one uniform buffer kept across submits.
 */
import type { KernelSpec } from "../codegen/wgsl/kernel.js";
import { paramsWords } from "../codegen/wgsl/common.js";
import type { Pipeline } from "./pipelines.js";

/** One dispatch of `kernel`: `bindings` go to group 0 in order, then `params` (u32 words) as a uniform buffer. */
export interface Dispatch {
  readonly kernel: KernelSpec;
  readonly pipeline: Pipeline;
  readonly bindings: readonly GPUBufferBinding[];
  readonly params: readonly number[];
}

/** What a submit runs: dispatches, and clears of reused buffers that must be zeros. */
export type Work = Dispatch | { readonly clear: GPUBuffer };

/** UNIFORM | COPY_DST, numerically as the WebGPU spec fixes them (Node has no GPUBufferUsage global). */
const PARAMS_USAGE = 0x40 | 0x8;

export class Submitter {
  /**
   * Every submit's params, rewritten by `queue.writeBuffer` (ordered after the work already queued); grows as
   * needed.
   */
  #uniform: GPUBuffer | undefined;

  /**
   * Submits `work` in order as one command buffer: the dispatches between two clears share one
   * compute pass, where each sees the previous one's writes.
   */
  submit(device: GPUDevice, work: readonly Work[]): void {
    if (work.length === 0) return;
    const dispatches = work.filter((w): w is Dispatch => "kernel" in w);
    // One uniform buffer for every submit: each dispatch's params at an aligned slot, written by the
    // queue in order, so the work queued before reads the values it was recorded with.
    // A slot holds the longest params (a copy of a high-rank view reads 4 words per dimension).
    const most = paramsWords(Math.max(0, ...dispatches.map((d) => d.params.length))) * 4;
    const align = device.limits.minUniformBufferOffsetAlignment;
    const slot = Math.ceil(Math.max(256, most) / align) * align;
    let uniform: GPUBuffer | undefined;
    if (dispatches.length > 0) {
      uniform = this.#uniformBuffer(device, slot * dispatches.length);
      const words = new Uint32Array((slot / 4) * (dispatches.length - 1) + most / 4);
      dispatches.forEach((d, i) => words.set(d.params, (i * slot) / 4));
      device.queue.writeBuffer(uniform, 0, words);
    }
    const encoder = device.createCommandEncoder();
    let pass: GPUComputePassEncoder | undefined;
    let index = 0;
    for (const w of work) {
      if ("clear" in w) {
        pass?.end();
        pass = undefined;
        encoder.clearBuffer(w.clear);
        continue;
      }
      const { pipeline, layout } = w.pipeline;
      const bindGroup = device.createBindGroup({
        layout,
        entries: [
          ...w.bindings,
          { buffer: uniform!, offset: index * slot, size: paramsWords(w.params.length) * 4 },
        ].map((resource, binding) => ({ binding, resource })),
      });
      pass ??= encoder.beginComputePass();
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, bindGroup);
      pass.dispatchWorkgroups(w.kernel.workgroups[0], w.kernel.workgroups[1]);
      index += 1;
    }
    pass?.end();
    device.queue.submit([encoder.finish()]);
  }

  /** Destroys the params buffer (work already queued on it still runs). */
  destroy(): void {
    this.#uniform?.destroy();
    this.#uniform = undefined;
  }

  /** The params buffer, at least `bytes` long: a larger one replaces it (destroyed after the work queued on it). */
  #uniformBuffer(device: GPUDevice, bytes: number): GPUBuffer {
    if (this.#uniform === undefined || this.#uniform.size < bytes) {
      this.#uniform?.destroy();
      this.#uniform = device.createBuffer({
        size: Math.max(bytes, 4096),
        usage: PARAMS_USAGE,
        label: "einsight params",
      });
    }
    return this.#uniform;
  }
}

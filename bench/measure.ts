/** How the benchmarks time GPU work, and how they put a suite case's operands on a device. */
import { contiguousStrides } from "../codegen/views.js";
import type { Gpu } from "../runtime/device.js";
import { Tensor, tensor } from "../runtime/tensor.js";
import { values } from "./data.js";
import { baseSize, type BenchCase } from "./suite.js";

/** GPU memory that queued runs may hold at once (each run's output is freed only once the GPU is done with it). */
const IN_FLIGHT_BYTES = 2 ** 31;

/**
 * Milliseconds per run: a warm-up, then doubling repetitions queued back to back until they take
 * `minSeconds`, timed from the first queued run to the queue's completion (never one dispatch alone).
 * Each run allocates `bytesPerRun` (its output, temporaries) that a destroy frees only when the
 * queue reaches it, so the queue is drained every IN_FLIGHT_BYTES: without that, thousands of
 * queued 1 GiB outputs overcommit the card and the driver falls back to slow memory or fails.
 */
export async function measure(run: () => void, sync: () => Promise<void>, minSeconds: number, bytesPerRun = 0): Promise<number> {
  const batch = Math.max(1, Math.floor(IN_FLIGHT_BYTES / Math.max(1, bytesPerRun)));
  run();
  await sync();
  for (let reps = 1; ; ) {
    const started = performance.now();
    for (let i = 0; i < reps; i++) {
      run();
      if ((i + 1) % batch === 0 && i + 1 < reps) await sync();
    }
    await sync();
    const ms = performance.now() - started;
    if (ms >= minSeconds * 1000 || reps >= 4096) return ms / reps;
    reps = Math.min(4096, Math.max(reps * 2, Math.ceil((reps * minSeconds * 1000) / Math.max(ms, 0.01))));
  }
}

/** A case's operand buffers (deterministic values) and the views of them einsum takes. */
export function caseOperands(g: Gpu, c: BenchCase): { readonly data: Float32Array[]; readonly bases: Tensor[]; readonly views: Tensor[] } {
  const data = c.operands.map((op, k) => values(baseSize(op), k + 1));
  const bases = c.operands.map((op, k) => tensor(g, data[k]!, op.base));
  const views = c.operands.map((op, k) => new Tensor(bases[k]!.storage, op.view.shape, op.view.strides ?? contiguousStrides(op.view.shape), op.view.offset));
  return { data, bases, views };
}

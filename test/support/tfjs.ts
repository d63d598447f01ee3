/**
 * TensorFlow.js's WebGPU backend on a given GPU device, in Node (Dawn's globals, which tfjs reads
 * from globalThis) or a browser: its 'webgpu' backend re-registered with a factory over that
 * device, so tfjs and einsight share one device and one queue.
 */
import type * as TfCore from "@tensorflow/tfjs-core";
import type { WebGPUBackend } from "@tensorflow/tfjs-backend-webgpu";

export interface TfjsOnDevice {
  readonly tf: typeof TfCore;
  readonly backend: WebGPUBackend;
  /** Submits what tfjs recorded (its open pass ended first) and waits for the device to finish. */
  readonly sync: () => Promise<void>;
}

export async function tfjsOnDevice(device: GPUDevice): Promise<TfjsOnDevice> {
  if (typeof (globalThis as { GPUBuffer?: unknown }).GPUBuffer === "undefined") {
    const { globals } = (await import("webgpu")) as unknown as { globals: Record<string, unknown> };
    Object.assign(globalThis, globals); // GPUBufferUsage, GPUBuffer (tfjs's instanceof checks) and friends
  }
  // tfjs refuses to start without navigator.gpu; it is handed the device below instead
  const nav = ((globalThis as { navigator?: { gpu?: unknown } }).navigator ??= {});
  nav.gpu ??= { requestAdapter: () => Promise.resolve(null) };
  const tf = await import("@tensorflow/tfjs-core");
  const { WebGPUBackend } = await import("@tensorflow/tfjs-backend-webgpu");
  const backend = new WebGPUBackend(device);
  tf.removeBackend("webgpu");
  tf.registerBackend("webgpu", () => backend);
  if (!(await tf.setBackend("webgpu"))) throw new Error("tfjs-backend-webgpu did not start on the given device");
  const sync = async () => {
    backend.endComputePassEncoder(); // tfjs keeps one pass open across ops
    backend.ensureCommandEncoderReady();
    backend.submitQueue();
    await device.queue.onSubmittedWorkDone();
  };
  return { tf, backend, sync };
}

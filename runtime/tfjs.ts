/**
 * einsight/tfjs: tensors shared with TensorFlow.js's WebGPU backend on one device, read in place.
 * `fromTfjs` views a tfjs tensor's own GPU buffer (no copy; the tfjs data stays alive as long as
 * the view); `toTfjs` hands an einsight tensor to tfjs (a copy on the GPU by default, or the same
 * buffer with `zeroCopy`). Work is ordered on the shared queue: einsight submits tfjs's recorded
 * commands before its own that touch a tfjs buffer, and submits its own before returning, so a
 * tfjs op recorded later runs after it. `einsum` is tf.einsum's stand-in: numpy's whole grammar,
 * any number of operands, tfjs tensors in and out, gradients through tfjs's autograd.
 */
import * as tf from "@tensorflow/tfjs-core";
import type { WebGPUBackend } from "@tensorflow/tfjs-backend-webgpu";
import "./jit.js"; // its einsums are planned just in time
import type { CompiledEinsum } from "../codegen/compiled.js";
import { check, EinsightError } from "../codegen/errors.js";
import { describeValue } from "./describe.js";
import { operandGradients } from "./backward.js";
import { Gpu } from "./device.js";
import { givenDevice } from "./device-setup.js";
import { einsum as einsightEinsum } from "./einsum.js";
import { isPlainObject } from "./einsum-arguments.js";
import { wrapBuffer } from "./gpu-buffer.js";
import { Tensor } from "./tensor.js";
import type { CheckEinsum, EinsumCompletions, EinsumOutput } from "./types/index.js";

/**
 * A tfjs tensor's shape as einsight's types read it: its rank's tuple of `number`s (tfjs types
 * ranks, not sizes), or `number[]` where the rank is unknown (`tf.Tensor`).
 */
type TfShape<T> = T extends tf.Tensor<infer R> ? (tf.Rank extends R ? number[] : tf.ShapeMap[R]) : never;
type TfShapes<A extends readonly tf.Tensor[]> = { -readonly [K in keyof A]: TfShape<A[K]> };
/** The tfjs rank of a shape tuple (`tf.Rank` where the length is unknown or past 6). */
type RankOf<S extends readonly number[]> = number extends S["length"]
  ? tf.Rank
  : S["length"] extends keyof RANKS
    ? RANKS[S["length"]]
    : tf.Rank;
interface RANKS {
  0: tf.Rank.R0;
  1: tf.Rank.R1;
  2: tf.Rank.R2;
  3: tf.Rank.R3;
  4: tf.Rank.R4;
  5: tf.Rank.R5;
  6: tf.Rank.R6;
}

/** Buffer usage COPY_SRC, numerically as the WebGPU spec fixes it. */
const COPY_SRC = 0x4;

/** What einsight uses of tfjs-backend-webgpu's backend (public members of WebGPUBackend). */
type Backend = Pick<
  WebGPUBackend,
  "device" | "tensorMap" | "uploadToGPU" | "endComputePassEncoder" | "ensureCommandEncoderReady" | "submitQueue"
>;

/** tfjs's active backend, where it is the webgpu backend on `g`'s device; else an error saying how to share one. */
function backendOn(g: Gpu, what: string): Backend {
  const backend = tf.backend() as Partial<Backend>;
  check(
    tf.getBackend() === "webgpu" && typeof backend.submitQueue === "function" && backend.tensorMap !== undefined,
    "invalidOperand",
    () =>
      `${what}: tfjs's active backend is '${tf.getBackend()}', not 'webgpu'; einsight shares tensors ` +
      `with @tensorflow/tfjs-backend-webgpu only (await tf.setBackend("webgpu")).`,
  );
  check(
    backend.device === g.device,
    "mixedDevices",
    () =>
      `${what}: tfjs's webgpu backend runs on another GPU device than this einsight Gpu; use one ` +
      `device for both: gpu({ device: (tf.backend() as WebGPUBackend).device }).`,
  );
  return backend as Backend;
}

/** Submits what tfjs has recorded and not yet submitted (its open pass ended first). */
function flushTfjs(backend: Backend): void {
  if ((backend as unknown as { commandEncoder: unknown }).commandEncoder == null) return;
  backend.endComputePassEncoder();
  backend.ensureCommandEncoderReady();
  backend.submitQueue();
}

/**
 * An einsight view of tfjs tensor `t` (float32, on the webgpu backend on `g`'s device): its own
 * GPU buffer, read and written in place. The view keeps `t`'s data alive (a kept clone, which
 * shares it) until the view is destroyed; disposing `t` meanwhile is safe.
 */
export function fromTfjs<R extends tf.Rank>(g: Gpu, t: tf.Tensor<R>): Tensor<tf.ShapeMap[R]> {
  const what = "fromTfjs()";
  check(t instanceof tf.Tensor, "invalidOperand", () => `${what}: expected a tfjs Tensor, got ${describeValue(t)}.`);
  check(
    !t.isDisposed,
    "destroyedTensor",
    () => `${what}: the tfjs tensor of shape [${t.shape.join(", ")}] was disposed.`,
  );
  check(
    t.dtype === "float32",
    "unsupportedDtype",
    () =>
      `${what}: einsight computes in f32 (and f16); this tfjs tensor is ${t.dtype}: cast it first ` + `(t.toFloat()).`,
  );
  const backend = backendOn(g, what);
  backend.uploadToGPU(t.dataId); // a tensor made from CPU values, or run on the CPU, gets its GPU buffer
  const resource = backend.tensorMap.get(t.dataId).resource as GPUBuffer | undefined;
  if (resource === undefined || typeof (resource as Partial<GPUBuffer>).mapState !== "string") {
    throw new EinsightError(
      "invalidBuffer",
      `${what}: this tfjs tensor's data is not in a GPU buffer (${describeValue(resource)}); einsight ` +
        `views buffers only.`,
    );
  }
  const kept = tf.keep(t.clone());
  flushTfjs(backend); // its upload, and the ops that wrote it, before einsight's first use
  const view = wrapBuffer(
    g,
    resource,
    t.shape,
    {},
    {
      external: {
        flush: () => flushTfjs(backend),
        release: () => kept.dispose(),
        // tfjs keeps a tensor's values on the CPU once read: drop them, so its next read is the GPU's
        written: () => void ((backend.tensorMap.get(t.dataId) as { values: unknown }).values = null),
      },
      what,
    },
  );
  return view as unknown as Tensor<tf.ShapeMap[R]>;
}

export interface ToTfjsOptions {
  /**
   * Hand tfjs einsight's buffer itself instead of a copy (for a dense view from the buffer's
   * start; any other view is copied, as without the option). The einsight tensor must then outlive the tfjs one:
   * destroy it only after disposing the tfjs tensor, once tfjs has submitted its work on it.
   */
  readonly zeroCopy?: boolean;
}

/**
 * A tfjs tensor (float32, webgpu backend on `t`'s device) with `t`'s values, made on the GPU with
 * no read-back: by default tfjs copies the buffer, and the copy is tfjs's to dispose.
 */
export function toTfjs(t: Tensor, options: ToTfjsOptions = {}): tf.Tensor {
  const what = "toTfjs()";
  check(t instanceof Tensor, "invalidOperand", () => `${what}: expected an einsight Tensor, got ${describeValue(t)}.`);
  check(
    t.dtype === "f32",
    "unsupportedDtype",
    () =>
      `${what}: tfjs's webgpu tensors are float32; this tensor is ${t.dtype}: einsum it into an f32 ` + `tensor first.`,
  );
  backendOn(t.gpu, what);
  // tfjs takes a dense buffer from its start that it may copy from (COPY_SRC); any other view is copied first
  const usable = t.isContiguous && t.offset === 0 && (t.gpuBuffer.usage & COPY_SRC) !== 0;
  const dense = usable ? t : t.denseCopy();
  const zeroCopy = options.zeroCopy === true && dense === t;
  const made = tf.tensor({ buffer: dense.gpuBuffer, zeroCopy }, [...t.shape], "float32");
  if (dense !== t) dense.destroy(); // tfjs copied it, submitted at once: queued before any reuse of the buffer
  // lent: tfjs's ops recorded on it are submitted before einsight next writes it
  if (zeroCopy) t.storage.lentFlush = () => flushTfjs(backendOn(t.gpu, what));
  return made;
}

/** What einsum takes after its tensors: set by the build (einsight's bundler plugins and transformer), not by hand. */
interface TfjsEinsumOptions {
  readonly compiled?: CompiledEinsum;
}

/** einsight's Gpu on each device tfjs runs on, made on first use (it never destroys the device). */
const HIDDEN_POOL_BYTES = 64 * 2 ** 20;
const gpus = new WeakMap<GPUDevice, Gpu>();

function tfjsGpu(what: string): Gpu {
  check(
    tf.getBackend() === "webgpu",
    "invalidOperand",
    () =>
      `${what}: tfjs's active backend is '${tf.getBackend()}'; einsight's einsum runs on the 'webgpu' backend ` +
      `(await tf.setBackend("webgpu")). On other backends use tf.einsum (two operands, no '...').`,
  );
  const device = (tf.backend() as Partial<Backend>).device!;
  let g = gpus.get(device);
  if (g === undefined || g.destroyed) {
    const { adapterName, adapter } = givenDevice(device);
    // a small pool: its buffers are einsum's results until tfjs has copied them
    gpus.set(device, (g = new Gpu(device, adapterName, false, adapter, { poolBytes: HIDDEN_POOL_BYTES })));
  }
  return g;
}

/**
 * `einsum(equation, ...tensors)` on tfjs tensors of the webgpu backend, computed by einsight's
 * kernels on tfjs's device: numpy's whole grammar (`...`, repeated labels, any number of
 * operands), operands read in place, the result a tfjs tensor. Differentiable: `tf.grad`,
 * `tf.variableGrads` and optimizers take each operand's gradient einsum; backward keeps the
 * operands themselves (tfjs keeps them alive), never a copy.
 */
export function einsum<const E extends string, const A extends readonly tf.Tensor[]>(
  equation: (E & CheckEinsum<E, TfShapes<A>>) | NoInfer<EinsumCompletions<E, TfShapes<A>>>,
  ...tensors: A
): tf.Tensor<RankOf<EinsumOutput<E, TfShapes<A>>>>;
export function einsum(equation: string, ...args: (tf.Tensor | TfjsEinsumOptions)[]): tf.Tensor {
  const g = tfjsGpu(`einsum("${String(equation)}")`);
  // a trailing plain object is what the build passes: the call's plan and kernels, made at build time
  const last = args[args.length - 1];
  const options: TfjsEinsumOptions =
    last !== undefined && !(last instanceof tf.Tensor) && isPlainObject(last) ? last : {};
  const tensors = (options === last ? args.slice(0, -1) : args) as tf.Tensor[];
  tensors.forEach((t, k) =>
    check(
      t instanceof tf.Tensor,
      "invalidOperand",
      () => `Operand ${k} of einsum("${equation}") is ${describeValue(t)}, not a tfjs Tensor.`,
    ),
  );
  const forward = tf.customGrad((...args: unknown[]) => {
    const inputs = args.slice(0, -1) as tf.Tensor[];
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const value = withViews(g, inputs, (views) => einsightEinsum(equation, ...views, options));
    save(inputs);
    const gradFunc = (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) =>
      withViews(g, [dy as tf.Tensor, ...saved], ([grad, ...operands]) => operandGradients(equation, operands, grad!));
    return { value, gradFunc };
  });
  return forward(...tensors);
}

/**
 * Runs `compute` on einsight views of `inputs` and hands its results to tfjs (GPU copies); the
 * views and einsight's results are let go of before returning.
 */
function withViews<R extends Tensor | Tensor[]>(
  g: Gpu,
  inputs: readonly tf.Tensor[],
  compute: (views: Tensor[]) => R,
): R extends Tensor[] ? tf.Tensor[] : tf.Tensor {
  const views: Tensor[] = [];
  try {
    for (const t of inputs) views.push(fromTfjs(g, t));
    const result = compute(views);
    const results: Tensor[] = Array.isArray(result) ? result : [result];
    const handed = results.map((t) => toTfjs(t));
    results.forEach((t) => t.destroy());
    return (Array.isArray(result) ? handed : handed[0]) as R extends Tensor[] ? tf.Tensor[] : tf.Tensor;
  } finally {
    views.forEach((v) => v.destroy());
  }
}

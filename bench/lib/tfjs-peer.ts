/**
 * tfjs-backend-webgpu on the very device einsight uses, so both run on the same adapter in the same
 * run (test/support/tfjs). tfjs is a dev dependency, loaded only by the benchmark.
 */
import type * as TfCore from "@tensorflow/tfjs-core";
import type { Gpu } from "../../runtime/device.js";
import { tfjsOnDevice } from "../../test/support/index.js";
import type { MatMulForm } from "./suite.js";

type Tf = typeof TfCore;
type TfTensor = TfCore.Tensor;

export interface TfjsPeer {
  readonly version: string;
  upload(data: Float32Array, shape: readonly number[]): TfTensor;
  einsum(equation: string, inputs: readonly TfTensor[]): TfTensor;
  matMul(form: MatMulForm, a: TfTensor, b: TfTensor): TfTensor;
  /** Submits what tfjs queued and waits for the GPU. */
  sync(): Promise<void>;
  read(t: TfTensor): Promise<Float32Array>;
  dispose(ts: readonly TfTensor[]): void;
}

export async function tfjsOn(g: Gpu): Promise<TfjsPeer | string> {
  let tf: Tf;
  let sync: () => Promise<void>;
  try {
    ({ tf, sync } = await tfjsOnDevice(g.device));
  } catch (e) {
    return `tfjs-backend-webgpu not loaded: ${(e as Error).message}`;
  }
  return {
    version: tf.version_core,
    upload: (data, shape) => tf.tensor(data, [...shape], "float32"),
    einsum: (equation, inputs) => tf.einsum(equation, ...inputs),
    matMul: (form, a, b) => {
      const product = tf.matMul(a, b, form.transposeA, form.transposeB);
      if (!form.sumBatch) return product;
      const sum = tf.sum(product, 0);
      product.dispose();
      return sum;
    },
    sync,
    read: async (t) => Float32Array.from(await t.data()),
    dispose: (ts) => ts.forEach((t) => t.dispose()),
  };
}

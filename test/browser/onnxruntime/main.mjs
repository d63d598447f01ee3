// onnxruntime-web (WebGPU) and einsight on one device: a session's GPU output goes through
// einsight's einsums and back into a second session as its input, with nothing read back between.
import * as ort from "/node_modules/onnxruntime-web/dist/ort.min.mjs";
import { einsum, gpu } from "/dist/runtime/index.js";
import { fromOrt, toOrt } from "/dist/runtime/onnxruntime.js";
import { matMulModel } from "./onnx-model.mjs";

const A = [1, 2, 3, 4, 5, 6]; // [2, 3]
const B = [1, 0, 2, -1, 0, 1, 1, 2, 3, -2, 0, 1]; // [3, 4]
const E = [1, 2, 0, -1, 3, 1]; // [2, 3]

async function run() {
  ort.env.wasm.numThreads = 1;
  const first = await ort.InferenceSession.create(matMulModel(2, 3, 4), {
    executionProviders: ["webgpu"],
    preferredOutputLocation: "gpu-buffer",
  });
  const second = await ort.InferenceSession.create(matMulModel(4, 2, 3), { executionProviders: ["webgpu"] });
  const { C } = await first.run({
    A: new ort.Tensor("float32", Float32Array.from(A), [2, 3]),
    B: new ort.Tensor("float32", Float32Array.from(B), [3, 4]),
  });
  const g = await gpu({ device: await ort.env.webgpu.device });
  const c = fromOrt(g, C); // ORT's output buffer, read in place
  const ct = einsum("ij->ji", c); // [4, 2], a fresh dense tensor: handed to ORT as it is
  const handed = toOrt(ort, ct);
  const strided = toOrt(ort, c.transpose()); // a strided view: copied on the GPU first
  const e = new ort.Tensor("float32", Float32Array.from(E), [2, 3]);
  const fromFresh = (await second.run({ A: handed, B: e })).C;
  const fromView = (await second.run({ A: strided, B: e })).C;
  const result = {
    location: C.location,
    bytesRead: g.stats().bytesRead,
    wrappedBytes: g.stats().wrappedBytes,
    viaFresh: [...(await fromFresh.getData())],
    viaView: [...(await fromView.getData())],
    c: [...(await c.read())],
  };
  strided.dispose();
  c.destroy();
  C.dispose();
  return result;
}

run().then(
  (result) => (globalThis.einsightOrt = result),
  (e) => (globalThis.einsightOrt = { error: `${e?.name}: ${e?.message}\n${e?.stack}` }),
);

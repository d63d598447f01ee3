/**
 * The main job, for now: a few einsums of a small attention block and the motivating sliced
 * contraction, an attention block shared with TensorFlow.js on one device, run on WebGPU on operand views as they are, each with its plan printed, its
 * temporaries counted and its result checked against another strategy's (the loop kernel's, or
 * the tiled direct kernel's where the plan chose the loop kernel).
 * Then the gradients of four overlapping slices, added in place into the base's gradient.
 * Run with `npm start`: it lints this folder, builds it with vite and einsight's plugin
 * (examples/vite.config.ts: each literal einsum planned and its kernels generated at build time),
 * then runs the build in Node. The same build runs in a browser (test/browser): it ends by
 * printing, and leaving in `globalThis.einsightExample`, a summary the test checks against the oracle.
 */
import { maxRelativeError, values } from "../test/support/data.js";
import { tfjsOnDevice } from "../test/support/tfjs.js";
import { fromTfjs, toTfjs } from "../runtime/tfjs.js";
import { elementCount } from "../codegen/views.js";
import { einsum, einsumWithBackward, explain, gpu, plan, tensor, zeros, type Tensor } from "../runtime/index.js";

const g = await gpu();
console.log(`WebGPU adapter: ${g.adapterName} (cost model profile: ${g.profile.name})\n`);

// Small stand-ins: X (16, 96, 32) and Y (8, 32, 80) for the seed's (16, 16384, 2048) and (8, 2048, 1024),
// with an output large enough to fill a (CPU) device, as the seed's (16384, 1024) fills a GPU.
const X = tensor(g, values(16 * 96 * 32, 1), [16, 96, 32]);
const Y = tensor(g, values(8 * 32 * 80, 2), [8, 32, 80]);
const b = 2,
  h = 4,
  s = 48,
  d = 16; // literal types: the shapes below are known at build time
const Q = tensor(g, values(b * h * s * d, 3), [b, h, s, d]);
const K = tensor(g, values(b * h * s * d, 4), [b, h, s, d]);
const V = tensor(g, values(b * h * s * d, 5), [b, h, s, d]);
const A = tensor(g, values(40 * 72, 6), [40, 72]);
const B = tensor(g, values(56 * 40, 7), [56, 40]);

const runs: [string, string, Tensor[]][] = [
  ["the motivating contraction on a slice x = X[3:11] (no copy of x)", "ijk,ikl->jl", [X.slice(0, 3, 11), Y]],
  ["overlapping slice X[5:13], same kernels", "ijk,ikl->jl", [X.slice(0, 5, 13), Y]],
  ["attention scores", "bhqd,bhkd->bhqk", [Q, K]],
  ["a GEMM of two transposed views", "ij,jk->ik", [A.transpose(), B.transpose()]],
  ["a chain of three", "ij,jk,kl->il", [A.transpose(), A, A.transpose()]],
];

let failures = 0;
for (const [title, equation, operands] of runs) {
  const chosen = plan(equation, operands, { profile: g.profile });
  const other = chosen.steps.every((step) => step.strategy === "loop") ? "direct" : "loop";
  g.resetStats();
  const out = einsum(equation, ...operands);
  const stats = g.stats();
  const check = einsum(equation, ...operands, { strategy: other });
  const error = maxRelativeError(await out.read(), await check.read());
  if (!(error <= 1e-4)) failures += 1;
  console.log(`== ${title}`);
  console.log(explain(chosen));
  console.log(
    `ran: ${stats.dispatches} dispatch(es), ${stats.pipelinesCompiled} new pipeline(s), ${stats.temporaryBytes} temporary bytes; ` +
      `output [${out.shape.join(", ")}] agrees with the '${other}' strategy to ${error.toExponential(1)}\n`,
  );
  out.destroy();
  check.destroy();
}

// torch's way, kept for comparison: ttgt copies the transposed slice into GEMM layout first
// (einsight/risky-einsum warns about this line with the bytes it copies).
g.resetStats();
const ttgt = einsum("ijk,ikl->jl", X.slice(0, 3, 11), Y, { strategy: "ttgt" });
console.log(
  `== forced 'ttgt': ${g.stats().temporaryBytes} temporary bytes (copies) against 0 for the planned strategy`,
);
ttgt.destroy();

// Attention entirely on the GPU: scores with einsight, softmax with TensorFlow.js's WebGPU backend
// on the same device, values with einsight, the result handed back to tfjs; nothing is read back
// between the steps. The two einsums are literals with shapes the types know: `npm start` builds
// this file with einsight's plugin, which plans them and generates their kernels at build time.
const { tf } = await tfjsOnDevice(g.device);
tf.env().set("WEBGPU_CPU_FORWARD", false);
g.resetStats();
const scores = einsum("bhqd,bhkd->bhqk", Q, K);
const weights = tf.softmax(tf.mul(toTfjs(scores), 1 / Math.sqrt(d)));
const P = fromTfjs(g, weights) as Tensor<[typeof b, typeof h, typeof s, typeof s]>; // tfjs types ranks, not sizes
const attended = einsum("bhqk,bhkd->bhqd", P, V);
const result = toTfjs(attended);
const plansMadeForAttention = g.stats().plansMade;
const bytesReadBetweenSteps = g.stats().bytesRead;
// tfjs's own version, with matMul, on the same device
const [q, k, v] = [Q, K, V].map((t) => toTfjs(t));
const reference4 = tf.matMul(tf.softmax(tf.mul(tf.matMul(q!, k!, false, true), 1 / Math.sqrt(d))), v!);
const attentionError = maxRelativeError(await result.data(), await reference4.data());
if (!(attentionError <= 1e-4)) failures += 1;
console.log(
  `== attention on the GPU: einsight scores, tfjs softmax, einsight values -> [${attended.shape.join(", ")}]; ` +
    `${bytesReadBetweenSteps} bytes read back to the CPU between the steps; agrees with tfjs's matMul version to ${attentionError.toExponential(1)}`,
);
console.log(
  `   plans made at run time for the two attention einsums: ${plansMadeForAttention} (0 when built with einsight's plugin or transformer)`,
);
tf.dispose([weights, result, q!, k!, v!, reference4]);
[scores, P, attended].forEach((t) => t.destroy());

// Lengths known only at run time: `Tensor<[number, 16]>` leaves the rows to run time, so the
// transformer compiles kernels that read that size from their params, and checks the 16 (and W's
// shape) at every call. One compiled einsum serves every length; nothing is planned at run time.
const W = tensor(g, values(16 * 24, 8), [16, 24]);
const embed = (tokens: Tensor<[number, 16]>) => einsum("td,de->te", tokens, W);
g.resetStats();
const embedded = [5, 37, 200].map((length) => ({
  tokens: tensor(g, values(length * 16, 9 + length), [length, 16]),
  length,
}));
const outputs = embedded.map(({ tokens }) => embed(tokens));
const plansMadeForLengths = g.stats().plansMade;
for (const [i, { tokens }] of embedded.entries()) {
  const check = einsum("td,de->te", tokens, W, { strategy: "loop" });
  if (!(maxRelativeError(await outputs[i]!.read(), await check.read()) <= 1e-4)) failures += 1;
  [tokens, check, outputs[i]!].forEach((t) => t.destroy());
}
console.log(
  `== einsum("td,de->te") on tokens of ${embedded.map((e) => e.length).join(", ")} rows (typed [number, 16]): plans made at run time ${plansMadeForLengths} (0 when built with einsight's plugin or transformer: its kernels read the row count at run time)`,
);

// Gradients, the motivating workload in small: four overlapping slices of X, each contracted with Y,
// then backward, each slice's gradient added in place into X's gradient (no copy of a slice kept).
const starts = [0, 2, 5, 8];
const gradients = async (strategy: "direct" | "loop") => {
  g.resetStats();
  const before = g.stats().allocatedBytes;
  const gX = zeros(g, X.shape);
  const gY = zeros(g, Y.shape);
  const outputs = starts.map((s0, i) => {
    const { output, backward } = einsumWithBackward("ijk,ikl->jl", X.slice(0, s0, s0 + 8), Y, { strategy });
    const dOut = tensor(g, values(elementCount(output.shape), 10 + i), output.shape);
    backward(dOut, [gX, gY]);
    dOut.destroy();
    return output;
  });
  const stats = g.stats();
  const result = { gX: await gX.read(), gY: await gY.read(), stats, peakAboveBefore: stats.peakBytes - before };
  [gX, gY, ...outputs].forEach((t) => t.destroy());
  return result;
};
const grads = await gradients("direct");
const reference = await gradients("loop");
const gradError = Math.max(maxRelativeError(grads.gX, reference.gX), maxRelativeError(grads.gY, reference.gY));
if (!(gradError <= 1e-4)) failures += 1;
console.log(
  `== backward of four overlapping slices X[s:s+8], s in ${starts.join(", ")}: ${grads.stats.dispatches} dispatches, ${grads.stats.temporaryBytes} temporary bytes; ` +
    `peak ${grads.peakAboveBefore} bytes above X and Y (gradients, outputs, output gradients); gradients agree with the 'loop' strategy's to ${gradError.toExponential(1)}`,
);

// The summary a browser test reads: the motivating contraction's values, checked there against the CPU oracle.
const z = einsum("ijk,ikl->jl", X.slice(0, 3, 11), Y);
const zValues = await z.read();
const summary = {
  adapter: g.adapterName,
  failures,
  plansMadeForAttention,
  bytesReadBetweenSteps,
  plansMadeForLengths,
  contraction: { shape: z.shape, first: [...zValues.slice(0, 16)], sum: zValues.reduce((acc, v) => acc + v, 0) },
};
(globalThis as { einsightExample?: typeof summary }).einsightExample = summary;
console.log(`einsight example summary: ${JSON.stringify(summary)}`);

g.destroy();
if (failures > 0) {
  console.error(`${failures} einsum(s) disagreed with another strategy`);
  if (typeof process !== "undefined") process.exitCode = 1;
}

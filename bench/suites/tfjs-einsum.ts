/**
 * einsight/tfjs's einsum in a tfjs training step (forward, and every operand's gradient through
 * tfjs's autograd) beside the same step written with tf.matMul (the forward product and the
 * gradients as products), on one device, where tfjs can write the contraction with matMul at all.
 *
 *     npm run build && node dist/bench/suites/tfjs-einsum.js [--json file] [--min-seconds S]
 */
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import type * as TfCore from "@tensorflow/tfjs-core";
import { gpu } from "../../runtime/index.node.js";
import { einsum } from "../../runtime/tfjs.js";
import { maxRelativeError, tfjsOnDevice, values } from "../../test/support/index.js";
import { measure } from "../lib/measure.js";

type Tf = typeof TfCore;
/** Forward, then each operand's gradient for the output's gradient `dy`. */
type Step = (tf: Tf, operands: readonly TfCore.Tensor[], dy: TfCore.Tensor) => TfCore.Tensor[];

interface TrainingCase {
  readonly name: string;
  readonly equation: string;
  readonly shapes: readonly (readonly number[])[];
  /** The same step written with tf.matMul: the forward product and both gradients as products. */
  readonly matMul: Step;
}

const CASES: readonly TrainingCase[] = [
  {
    name: "GEMM",
    equation: "ij,jk->ik",
    shapes: [
      [256, 256],
      [256, 256],
    ],
    matMul: (tf, [a, b], dy) => [tf.matMul(a!, b!), tf.matMul(dy, b!, false, true), tf.matMul(a!, dy, true, false)],
  },
  {
    name: "attention scores",
    equation: "bqd,bkd->bqk",
    shapes: [
      [8, 128, 32],
      [8, 128, 32],
    ],
    matMul: (tf, [q, k], dy) => [tf.matMul(q!, k!, false, true), tf.matMul(dy, k!), tf.matMul(dy, q!, true, false)],
  },
  {
    name: "batched matmul, then sum (the seed's form)",
    equation: "ijk,ikl->jl",
    shapes: [
      [8, 128, 64],
      [8, 64, 96],
    ],
    matMul: (tf, [x, y], dy) => {
      const dys = tf.broadcastTo(dy, [x!.shape[0], ...dy.shape]);
      return [tf.sum(tf.matMul(x!, y!), 0), tf.matMul(dys, y!, false, true), tf.matMul(x!, dys, true, false)];
    },
  },
];

const { values: args } = parseArgs({ options: { json: { type: "string" }, "min-seconds": { type: "string" } } });
const minSeconds = Number(args["min-seconds"] ?? 0.5);

const g = await gpu();
const { tf, sync } = await tfjsOnDevice(g.device);
tf.env().set("WEBGPU_CPU_FORWARD", false);

/** Milliseconds of one training step's forward and backward (`step` returns the output and every gradient). */
async function stepMs(step: Step, operands: readonly TfCore.Tensor[], dy: TfCore.Tensor): Promise<number> {
  return measure(() => tf.dispose(tf.tidy(() => step(tf, operands, dy))), sync, minSeconds);
}

/** einsight/tfjs's einsum through tfjs's autograd: tf.grads with the output's gradient given. */
const einsumStep =
  (equation: string): Step =>
  (tf, operands, dy) => {
    const forward = (...xs: TfCore.Tensor[]) => einsum(equation, ...xs);
    return [forward(...operands), ...tf.grads(forward)([...operands], dy)];
  };

const rows = [];
for (const c of CASES) {
  const size = (shape: readonly number[]) => shape.reduce((n, d) => n * d, 1);
  const operands = c.shapes.map((shape, k) => tf.tensor(values(size(shape), k + 1), [...shape]));
  const outShape = tf.tidy(() => [...einsum(c.equation, ...operands).shape]);
  const dy = tf.tensor(values(size(outShape), 9), outShape);
  // the two steps agree (output and gradients) before either is timed
  const [ours, theirs] = [einsumStep(c.equation)(tf, operands, dy), c.matMul(tf, operands, dy)];
  let error = 0;
  for (let i = 0; i < ours.length; i++)
    error = Math.max(error, maxRelativeError(await ours[i]!.data(), await theirs[i]!.data()));
  tf.dispose([...ours, ...theirs]);
  const einsumMs = await stepMs(einsumStep(c.equation), operands, dy);
  const matMulMs = await stepMs(c.matMul, operands, dy);
  tf.dispose([...operands, dy]);
  rows.push({ name: c.name, equation: c.equation, shapes: c.shapes, einsumMs, matMulMs, maxRelativeError: error });
  console.log(
    `${c.name.padEnd(44)} ${c.equation.padEnd(14)} einsight/tfjs einsum ${einsumMs.toFixed(2)} ms, ` +
      `tf.matMul ${matMulMs.toFixed(2)} ms (${(matMulMs / einsumMs).toFixed(2)}x), forward + backward; ` +
      `agree to ${error.toExponential(1)}`,
  );
}
if (args.json !== undefined) {
  const result = {
    date: new Date().toISOString(),
    adapter: g.adapterName,
    node: process.version,
    tfjs: tf.version_core,
    minSeconds,
    rows,
  };
  writeFileSync(args.json, `${JSON.stringify(result, null, 2)}\n`);
}
g.destroy();

/**
 * Running the einsum under the cursor on the visitor's WebGPU adapter: random operands of the
 * shapes the types know, the result checked against the CPU reference (codegen/reference), and
 * timed beside the one-thread-per-output kernel (einsight's `loop` strategy) and, where they run,
 * tf.einsum and tf.matMul on tfjs's WebGPU backend.
 */
import { bindShapes } from "../codegen/bind.js";
import { maxRelativeError, oracleEinsum as referenceEinsum, values } from "../codegen/reference.js";
import { einsum, gpu, tensor, type EinsumOptions, type Gpu, type Strategy, type Tensor } from "../runtime/index.js";
import { measure } from "../runtime/tune.js";
import type * as Tf from "@tensorflow/tfjs-core";

export interface Timing {
  readonly what: string;
  readonly ms: number | undefined;
  /** Why it was not timed. */
  readonly note?: string;
}

export interface RunReport {
  readonly adapter: string;
  readonly shape: readonly number[];
  readonly first: readonly number[];
  /** Largest relative difference from the CPU reference, or why it was not checked. */
  readonly check: { readonly error: number } | { readonly skipped: string };
  readonly timings: readonly Timing[];
}

/** Products past this many multiply-adds are not checked on the CPU (it would take seconds). */
const REFERENCE_LIMIT = 2e8;
/** Past this many, the slower kernels (the loop kernel, tfjs) are not timed: minutes on a software adapter. */
const BASELINE_LIMIT = 2e9;
const MIN_SECONDS = 0.2;

let device: Promise<Gpu> | undefined;

const count = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/**
 * Runs `equation` on operands of `shapes`; `options`: the plan options the call writes (a forced
 * strategy, a memory budget), which the planned run takes too.
 */
export async function runEinsum(
  equation: string,
  shapes: readonly (readonly number[])[],
  options: { readonly strategy: string | null; readonly memoryBudget: number | null } = {
    strategy: null,
    memoryBudget: null,
  },
): Promise<RunReport> {
  const g = await (device ??= gpu());
  const data = shapes.map((s, k) => values(count(s), k + 1));
  const operands: Tensor[] = shapes.map((s, k) => tensor(g, data[k]!, [...s]));
  const planned = {
    ...(options.strategy === null ? {} : { strategy: options.strategy as Strategy }),
    ...(options.memoryBudget === null ? {} : { memoryBudget: options.memoryBudget }),
  };
  const run = (o: EinsumOptions) => einsum(equation, ...operands, o);
  try {
    const out = run(planned);
    const got = await out.read();
    // the reference's loop nest: every label's size, multiplied (codegen/bind's sizes)
    const work = Object.values(bindShapes(equation, operands).sizes).reduce((a, b) => a * b, 1);
    const check =
      work > REFERENCE_LIMIT
        ? { skipped: `about ${work.toExponential(1)} multiply-adds: too many for the CPU reference in a page` }
        : {
            error: maxRelativeError(
              got,
              referenceEinsum(
                equation,
                shapes.map((shape, k) => ({ shape, data: data[k]! })),
              ).data,
            ),
          };
    const sync = () => g.device.queue.onSubmittedWorkDone();
    const timed = async (what: string, o: EinsumOptions) => {
      const ms = await measure(() => run(o).destroy(), sync, MIN_SECONDS); // milliseconds per run
      return { what, ms };
    };
    const baselines =
      work > BASELINE_LIMIT
        ? [
            {
              what: "the loop kernel and tfjs",
              ms: undefined,
              note: `not timed: ${work.toExponential(1)} multiply-adds`,
            },
          ]
        : [
            await timed("one thread per output (einsight's 'loop')", { strategy: "loop" }),
            ...(await tfjsTimings(equation, shapes, data, got)),
          ];
    const timings: Timing[] = [await timed("einsight, its plan for this adapter", planned), ...baselines];
    const report = { adapter: g.adapterName, shape: out.shape, first: [...got.slice(0, 8)], check, timings };
    out.destroy();
    return report;
  } finally {
    operands.forEach((t) => t.destroy());
  }
}

/** tf.einsum (and tf.matMul for a plain matrix product) on tfjs's WebGPU backend, where tfjs runs them. */
async function tfjsTimings(
  equation: string,
  shapes: readonly (readonly number[])[],
  data: readonly Float32Array[],
  expected: Float32Array,
): Promise<Timing[]> {
  let tf: typeof Tf;
  try {
    tf = await import("@tensorflow/tfjs-core");
    await import("@tensorflow/tfjs-backend-webgpu");
    if (!(await tf.setBackend("webgpu"))) throw new Error("tfjs's webgpu backend did not start");
    tf.env().set("WEBGPU_CPU_FORWARD", false); // small ops on the GPU too: the GPU is what is timed
  } catch (e) {
    return [{ what: "tf.einsum", ms: undefined, note: `tfjs did not start: ${String(e)}` }];
  }
  const inputs = shapes.map((s, k) => tf.tensor(data[k]!, [...s]));
  const time = async (what: string, op: () => Tf.Tensor): Promise<Timing> => {
    try {
      const first = op();
      const values = await first.data();
      first.dispose();
      // tfjs does not throw on WebGPU validation errors (a buffer past the limit): its values tell
      const error = maxRelativeError(values, expected);
      if (error > 1e-3) return { what, ms: undefined, note: `wrong values (relative error ${error.toExponential(1)})` };
      let reps = 1;
      for (;;) {
        const started = performance.now();
        let last: Tf.Tensor | undefined;
        for (let i = 0; i < reps; i++) {
          last?.dispose();
          last = op();
        }
        await last!.data();
        last!.dispose();
        const seconds = (performance.now() - started) / 1000;
        if (seconds >= MIN_SECONDS || reps >= 1 << 12) return { what, ms: (1000 * seconds) / reps };
        reps *= 2;
      }
    } catch (e) {
      return { what, ms: undefined, note: `tfjs refuses it: ${String((e as Error).message ?? e).split("\n")[0]}` };
    }
  };
  try {
    const out: Timing[] = [await time("tf.einsum", () => tf.einsum(equation, ...inputs))];
    const gemm = /^(b?)ij,\1jk->\1ik$/.exec(equation.replace(/\s/g, ""));
    if (gemm !== null) out.push(await time("tf.matMul", () => tf.matMul(inputs[0]!, inputs[1]!)));
    return out;
  } finally {
    tf.dispose(inputs);
  }
}

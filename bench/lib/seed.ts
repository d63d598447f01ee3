/**
 * The motivating workload (issue #7), `npm run bench -- --suite seed`: four overlapping slices
 * X[s:s+8] of X (16, 16384, 2048), each `ijk,ikl->jl` with Y (8, 2048, 1024), then backward into
 * the gradients of X and Y. Reports the peak bytes allocated above the inputs (X, Y and the four
 * output gradients), the minimum any method needs (the four outputs and the two gradients), and
 * the time of forward plus backward. bench/peers/torch_seed.py runs the same in PyTorch.
 */
import { formatBytes } from "../../codegen/explain.js";
import { compileWithGradients, type CompiledEinsum } from "../../codegen/compiled.js";
import type { Gpu } from "../../runtime/device.js";
import { einsumWithBackward } from "../../runtime/backward.js";
import { tensor, zeros, type Tensor } from "../../runtime/tensor.js";
import { values } from "../../test/support/index.js";
import { measure } from "./measure.js";
import type { Preset } from "./suite.js";

export const SEED_STARTS = [0, 2, 5, 8]; // slices [s, s+8): overlapping, as in bench/peers/torch_seed.py

export interface SeedResult {
  readonly adapter: string;
  readonly preset: Preset;
  readonly shapes: { readonly X: readonly number[]; readonly Y: readonly number[] };
  readonly starts: readonly number[];
  readonly peakAboveInputsBytes: number;
  readonly minimumBytes: number;
  readonly temporaryBytes: number;
  readonly ms: number;
  /** The strategy of the forward einsum and of each gradient einsum (x, then Y). */
  readonly strategies: {
    readonly forward: readonly string[];
    readonly gradX: readonly string[];
    readonly gradY: readonly string[];
  };
}

export async function runSeed(g: Gpu, preset: Preset, minSeconds: number): Promise<SeedResult> {
  const [J, K, L] = preset === "full" ? [16384, 2048, 1024] : [256, 64, 32];
  const X = tensor(g, values(16 * J * K, 1), [16, J, K]);
  const Y = tensor(g, values(8 * K * L, 2), [8, K, L]);
  const G = SEED_STARTS.map((s) => tensor(g, values(J * L, 10 + s), [J, L]));
  const minimumBytes = 4 * (SEED_STARTS.length * J * L + 16 * J * K + 8 * K * L);

  const step = (): Tensor[] => {
    const gX = zeros(g, X.shape);
    const gY = zeros(g, Y.shape);
    const outputs = SEED_STARTS.map((s, i) => {
      const { output, backward } = einsumWithBackward("ijk,ikl->jl", X.slice(0, s, s + 8), Y);
      backward(G[i]!, [gX, gY]);
      return output;
    });
    return [gX, gY, ...outputs];
  };
  const sync = () => g.device.queue.onSubmittedWorkDone();
  step().forEach((t) => t.destroy()); // warm-up: pipelines compiled
  await sync();
  g.resetStats();
  const before = g.stats().allocatedBytes;
  const made = step();
  await sync();
  const stats = g.stats();
  made.forEach((t) => t.destroy());
  g.throwGpuError();
  const ms = await measure(() => step().forEach((t) => t.destroy()), sync, minSeconds, minimumBytes);

  // The plans the runtime makes here: an outer slice of X keeps contiguous strides, as compileWithGradients assumes.
  const compiled = compileWithGradients("ijk,ikl->jl", [[8, J, K], Y.shape], { profile: g.profile });
  const strategiesOf = (c: CompiledEinsum) => c.plan.steps.map((s) => s.strategy);
  const result: SeedResult = {
    adapter: g.adapterName,
    preset,
    shapes: { X: X.shape, Y: Y.shape },
    starts: SEED_STARTS,
    peakAboveInputsBytes: stats.peakBytes - before,
    minimumBytes,
    temporaryBytes: stats.temporaryBytes,
    ms,
    strategies: {
      forward: strategiesOf(compiled),
      gradX: strategiesOf(compiled.gradients![0]!),
      gradY: strategiesOf(compiled.gradients![1]!),
    },
  };
  [X, Y, ...G].forEach((t) => t.destroy());
  console.log(
    `\nseed workload: 4 overlapping slices of X [${X.shape.join(", ")}], ijk,ikl->jl with Y [${Y.shape.join(", ")}], forward + backward\n` +
      `  peak above inputs ${formatBytes(result.peakAboveInputsBytes)}, minimum (outputs + gradients) ${formatBytes(minimumBytes)}: ${(result.peakAboveInputsBytes / minimumBytes).toFixed(3)}x; temporaries ${formatBytes(result.temporaryBytes)}\n` +
      `  ${ms.toFixed(3)} ms per forward + backward; strategies forward ${result.strategies.forward.join("+")}, grad x ${result.strategies.gradX.join("+")}, grad Y ${result.strategies.gradY.join("+")}`,
  );
  return result;
}

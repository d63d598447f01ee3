/**
 * The `direct` kernel (GETT): a pairwise contraction read straight through the operands' strides.
 * Labels are grouped into logical dimensions (batch, m, n, k) by index arithmetic; each workgroup
 * computes a TM x TN tile of the output for one batch index, stepping over k. Edges (sizes that
 * are not multiples of the tiles, size 1, size 0) are bounds-checked. With `splits` > 1 the k
 * range is cut into slices whose partial tiles go to a scratch buffer (split-k); a loop kernel
 * then sums them.
 * Bindings: 0 `a`, 1 `b`, 2 `out`, 3 `params` (`a_offset`, `b_offset`, `out_offset`).
 *
 * Three variants, by the tiles' kind: on scalars (wgsl/direct-scalar), on subgroup matrices staged
 * in workgroup memory (wgsl/matrix-staged) or loaded straight from the operands
 * (wgsl/matrix-global); what they share is wgsl/direct-frame, their slabs wgsl/slab.
 */
import { layoutFits } from "../tiles.js";
import { directFrame, type DirectKernelSpec } from "./direct-frame.js";
import { scalarBlock, scalarKernel } from "./direct-scalar.js";
import type { KernelSpec } from "./kernel.js";
import { globalMatrixKernel } from "./matrix-global.js";
import { stagedMatrixKernel } from "./matrix-staged.js";

export type { DirectKernelSpec } from "./direct-frame.js";

/** The kernel of a pairwise step, or undefined where its output is empty (no workgroup to run). */
export function emitDirectKernel(spec: DirectKernelSpec, maxWorkgroupsPerDimension: number): KernelSpec | undefined {
  checkTiles(spec);
  const frame = directFrame(spec, maxWorkgroupsPerDimension);
  if (frame === undefined) return undefined;
  const tiles = spec.tiles;
  switch (tiles.kind) {
    case "scalar":
      return scalarKernel(frame, tiles);
    case "matrix-staged":
      return stagedMatrixKernel(frame, tiles);
    case "matrix-global":
      return globalMatrixKernel(frame, tiles);
  }
}

/**
 * What the planner guarantees and the types cannot say: scalar tiles divide among their workgroup
 * (each invocation whole rows and columns and whole slab loads; at most 256 invocations), and a
 * step sized at run time runs neither split-k nor subgroup matrices, which need its sizes at build time.
 */
function checkTiles(spec: DirectKernelSpec): void {
  const { tiles } = spec;
  if (tiles.kind === "scalar") {
    const { x, y, run } = scalarBlock(tiles);
    if (!layoutFits(tiles, { x, y, run }))
      throw new Error(
        `einsight internal error: tiles ${tiles.tm}x${tiles.tn}x${tiles.tk} do not divide among ${x} x ` +
          `${y} invocations in runs of ${run} (each invocation needs whole rows and columns and whole slab ` +
          `loads; at most 256 invocations).`,
      );
  }
  if (spec.runtimeSizes !== undefined && (tiles.splits > 1 || tiles.kind !== "scalar"))
    throw new Error(
      `einsight internal error: a step sized at run time was planned with split-k or subgroup ` +
        `matrices, which need its sizes at build time.`,
    );
}

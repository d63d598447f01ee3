/**
 * How the loop kernel (codegen/wgsl/loop.ts) sums, decided here so that the cost model
 * (codegen/cost.ts) estimates what the emitter runs without importing it.
 *
 * Every sum is cascaded: terms add up serially `CASCADE_BLOCK` at a time, and the block sums
 * combine pairwise through a binary counter of partial sums, so an output of n terms is off by at
 * most about (log2(n) + 5) * 2^-24 of the sum of the terms' magnitudes (a serial f32 sum: up to
 * n * 2^-24; 2^24 + 1 == 2^24 in f32). Where an output sums many terms and the outputs alone would
 * leave a GPU idle, `lanesPerOutput` invocations share each output: each cascades over every
 * lanes-th term, then they add their partial sums as a tree in workgroup memory. No temporaries,
 * one dispatch, and a result that does not depend on scheduling. (Splitting one sum over several
 * workgroups would need scratch memory or float atomics, which WGSL lacks.)
 */

/** Invocations of the kernel whose lanes share sums: a power of two, within every adapter's default limits. */
export const REDUCTION_WORKGROUP = 256;

/** Terms summed serially before the block sum joins the pairwise counter. */
export const CASCADE_BLOCK = 8;

/** Fewest terms each lane of a shared sum gets: fewer would spend more on the tree than they save. */
const LANE_TERMS = 64;

/**
 * Invocations from which the outputs keep a large GPU busy on their own (a quarter of what an
 * H100 holds at once): lanes are added only while the outputs times the lanes stay within it.
 * A profile may set its own (`DeviceProfile.busyInvocations`).
 */
export const BUSY_INVOCATIONS = 2 ** 16;

/**
 * Lanes where the kernel is sized at run time and the output's size is not known: a call with
 * many short sums then runs at most this many invocations per output.
 */
const SIZED_LANES = 16;

/**
 * How many invocations sum each output, for `outputs` outputs of `terms` terms each: 1 (one
 * invocation per output, no workgroup memory) or a power of two up to REDUCTION_WORKGROUP.
 * `busy`: the device's BUSY_INVOCATIONS. `outputsVary`: the kernel is compiled before the
 * output's size is known (`outputs` is nominal). The planner decides (a plan step's `lanes`), the
 * cost model estimates with the same answer, and the emitter follows the step.
 */
export function lanesPerOutput(outputs: number, terms: number, busy = BUSY_INVOCATIONS, outputsVary = false): number {
  const most = outputsVary ? SIZED_LANES : REDUCTION_WORKGROUP;
  let lanes = 1;
  while (lanes < most && terms >= 2 * lanes * LANE_TERMS && 2 * lanes * outputs <= busy) lanes *= 2;
  // Lanes that fewer outputs than a workgroup holds would leave idle join their sums instead.
  while (lanes > 1 && lanes < most && lanes * outputs < REDUCTION_WORKGROUP && terms >= 2 * lanes) lanes *= 2;
  return lanes;
}

/**
 * Plans sized at run time (codegen/sized) fitted to one call, and the sizes their kernels read
 * from params: `import "einsight/sized"` installs them into einsum(). The build adds that import
 * beside each call it compiles for sizes it does not know, and einsight/jit imports it, so a page
 * whose einsums all have known sizes ships none of it.
 */
import type { CompiledEinsum } from "../codegen/compiled.js";
import { checkIndexRange, wideAccessHolds, type Plan } from "../codegen/plan.js";
import { fitCompiled, withoutWideAccess } from "../codegen/sized.js";
import { sameDims } from "../codegen/views.js";
import { launchArguments } from "../codegen/wgsl/step.js";
import { installedPlanner, useSizedPlans, type EinsumCall } from "./planner.js";

/**
 * A plan sized at run time: its kernels read every stride but 0s and 1s, so views whose 0s and 1s
 * are the compiled ones fit.
 */
function sizedFit(
  { equation, tensors, options, out }: EinsumCall,
  compiled: CompiledEinsum,
  aligned: readonly boolean[],
  outputAligned: boolean,
): CompiledEinsum | string {
  if (out !== undefined && compiled.plan.output.accumulate !== (options.accumulate === true))
    return "the build compiled it with another 'accumulate'";
  let plan: Plan | undefined;
  try {
    plan = fitCompiled(compiled, tensors, out?.strides);
  } catch (e) {
    installedPlanner()?.bind(equation, tensors); // the same error, at its characters in the equation
    throw e;
  }
  if (plan === undefined || (out !== undefined && !sameDims(out.shape, plan.output.shape)))
    return (
      "the build's kernels take strides of 0 and 1 as they were at build time, and here an operand's " +
      "size of 1 broadcasts (stride 0) or a view's strides differ there"
    );
  // Its 16-byte loads and stores were chosen at nominal sizes: where this call's sizes or starts
  // break them, the same tiles go an element at a time (their kernels made with the plan, else now).
  checkIndexRange(plan); // the kernels index in u32 at these sizes
  if (wideAccessHolds(plan, aligned, outputAligned)) return { ...compiled, plan };
  const narrow = compiled.narrow ?? installedPlanner()?.narrow(compiled);
  if (narrow === undefined)
    return (
      "its kernels load 16 bytes at a time, this call's sizes or starts break that, and the build's " +
      "element-at-a-time kernels are missing (rebuild)"
    );
  return { ...compiled, plan: withoutWideAccess(plan), programs: narrow };
}

useSizedPlans({ fit: sizedFit, launch: launchArguments });

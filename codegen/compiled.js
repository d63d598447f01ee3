/**
 * A compiled einsum: its plan and, per step, the kernels (WGSL) with what each binds. Plain JSON:
 * the runtime makes one just in time, the transformer makes one at build time and passes it to
 * `einsum()` as the `compiled` option, so that nothing is planned or generated at run time.
 */
import { planEinsum } from "./plan.js";
import { emitStep } from "./wgsl/step.js";
/** WebGPU's default `maxComputeWorkgroupsPerDimension`: a grid every adapter accepts. */
export const PORTABLE_MAX_WORKGROUPS = 65535;
export function compileEinsum(equation, operands, options = {}, maxWorkgroupsPerDimension = PORTABLE_MAX_WORKGROUPS) {
    return compilePlan(planEinsum(equation, operands, options), maxWorkgroupsPerDimension);
}
/** A plan with the kernels of each of its steps. */
export function compilePlan(plan, maxWorkgroupsPerDimension = PORTABLE_MAX_WORKGROUPS) {
    return { plan, programs: plan.steps.map((_, i) => emitStep(plan, i, maxWorkgroupsPerDimension)) };
}

/**
 * A compiled einsum: its plan and, per step, the kernels (WGSL) with what each binds. Plain JSON:
 * the runtime makes one just in time, the transformer makes one at build time and passes it to
 * `einsum()` as the `compiled` option, so that nothing is planned or generated at run time.
 */
import { planEinsum, type Plan, type PlanOperand, type PlanOptions } from "./plan.js";
import type { Equation } from "./equation.js";
import { emitStep, type StepProgram } from "./wgsl/step.js";

export interface CompiledEinsum {
  readonly plan: Plan;
  readonly programs: readonly StepProgram[];
}

/** WebGPU's default `maxComputeWorkgroupsPerDimension`: a grid every adapter accepts. */
export const PORTABLE_MAX_WORKGROUPS = 65535;

export function compileEinsum(equation: string | Equation, operands: readonly PlanOperand[], options: PlanOptions = {}, maxWorkgroupsPerDimension = PORTABLE_MAX_WORKGROUPS): CompiledEinsum {
  return compilePlan(planEinsum(equation, operands, options), maxWorkgroupsPerDimension);
}

/** A plan with the kernels of each of its steps. */
export function compilePlan(plan: Plan, maxWorkgroupsPerDimension = PORTABLE_MAX_WORKGROUPS): CompiledEinsum {
  return { plan, programs: plan.steps.map((_, i) => emitStep(plan, i, maxWorkgroupsPerDimension)) };
}

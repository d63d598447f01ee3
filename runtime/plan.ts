/**
 * `plan()` as the package exports it: the planner (codegen/plan) with the equation checked against
 * the operands' shape types, as einsum's is, and operands that are tensors planned for their
 * device's profile, so that the plan shown is the plan `einsum()` runs.
 */
import { planEinsum, type Plan, type PlanOperand, type PlanOptions } from "../codegen/plan.js";
import { Tensor } from "./tensor.js";
import type { CheckEinsum, EinsumCompletions, Shape } from "./types/index.js";

/** The shapes of `plan()`'s operands, as tuple types where they are literal. */
type PlanShapes<A extends readonly PlanOperand[]> = {
  -readonly [K in keyof A]: A[K] extends { readonly shape: infer S extends Shape } ? S : never;
};

/**
 * The plan of `equation` for operands `{ shape, strides?, offset?, dtype? }` (a `Tensor` is one).
 * Pure: no GPU work. The costs are estimated for `options.profile`, else the device of the first
 * operand that is a tensor, else the generic profile.
 */
export function plan<const E extends string, const A extends readonly PlanOperand[]>(
  equation: (E & CheckEinsum<E, PlanShapes<A>>) | NoInfer<EinsumCompletions<E, PlanShapes<A>>>,
  operands: A,
  options?: PlanOptions,
): Plan;
export function plan(equation: string, operands: readonly PlanOperand[], options: PlanOptions = {}): Plan {
  const device = Array.isArray(operands) ? operands.find((op): op is Tensor => op instanceof Tensor)?.gpu : undefined;
  const profile = options.profile ?? (device === undefined || device.destroyed ? undefined : device.profile);
  return planEinsum(equation, operands, profile === undefined ? options : { ...options, profile });
}

/**
 * A compiled einsum: its plan and, per step, the kernels (WGSL) with what each binds. Plain JSON:
 * the runtime makes one just in time, the transformer makes one at build time and passes it to
 * `einsum()` as the `compiled` option, so that nothing is planned or generated at run time.
 */
import { bindShapes } from "./bind.js";
import { planEinsum, type Plan, type PlanOperand, type PlanOptions } from "./plan.js";
import type { Equation } from "./equation.js";
import { gradientEinsum, type GradientEinsum } from "./gradient.js";
import { contiguousStrides } from "./views.js";
import { emitStep, type StepProgram } from "./wgsl/step.js";

export interface CompiledEinsum {
  readonly plan: Plan;
  /** The equation as the call spells it (the transformer's literal), where it differs from `plan.equation`. */
  readonly source?: string;
  /**
   * The label of each dimension of each operand (ellipsis dimensions as digits), and the output's
   * labels: what the runtime binds a call's sizes to without parsing the equation (codegen/bind-dims).
   */
  readonly dims: { readonly inputs: readonly (readonly string[])[]; readonly output: readonly string[] };
  readonly programs: readonly StepProgram[];
  /** For `einsumWithBackward`: each operand's gradient einsum (written into its gradient with `accumulate`). */
  readonly gradients?: readonly CompiledEinsum[];
}

/** WebGPU's default `maxComputeWorkgroupsPerDimension`: a grid every adapter accepts. */
export const PORTABLE_MAX_WORKGROUPS = 65535;

export function compileEinsum(
  equation: string | Equation,
  operands: readonly PlanOperand[],
  options: PlanOptions = {},
  maxWorkgroupsPerDimension = PORTABLE_MAX_WORKGROUPS,
): CompiledEinsum {
  return compilePlan(planEinsum(equation, operands, options), maxWorkgroupsPerDimension);
}

/**
 * `einsumWithBackward` compiled: the forward einsum and each operand's gradient einsum
 * (codegen/gradient), all for contiguous operands and a contiguous output gradient, as the
 * transformer assumes; the runtime uses each one only where the tensors match it. `runtime`: the
 * forward's labels sized at run time (codegen/sized; `shapes` nominal for them), in every einsum.
 */
export function compileWithGradients(
  equation: string | Equation,
  shapes: readonly (readonly number[])[],
  options: PlanOptions = {},
  runtime: ReadonlySet<string> = new Set(),
): CompiledEinsum {
  const sized = (labels: Iterable<string>) =>
    runtime.size === 0 ? options : { ...options, runtimeSizes: [...labels] };
  const layouts = shapes.map((shape) => ({ shape, strides: contiguousStrides(shape) }));
  const forward = compileEinsum(equation, layouts, sized(runtime));
  const outShape = forward.plan.output.shape;
  const gradients = layouts.map((layout, k) => {
    const derived = gradientEinsum(equation, layouts, k, layout.strides);
    // The gradient einsum names labels afresh: its letters of the forward's labels sized at run time.
    const letters = derived.equation.split("->")[0]!.split(",");
    const open = derived.labels.inputs.flatMap((labels, i) =>
      labels.flatMap((l, d) => (runtime.has(l) ? [letters[i]![d]!] : [])),
    );
    return compileEinsum(derived.equation, gradientLayouts(derived, outShape), {
      ...sized(new Set(open)),
      outputStrides: derived.target.strides,
      accumulate: true,
    });
  });
  return { ...forward, gradients };
}

/**
 * The layouts a gradient einsum's inputs have at run time: a contiguous output gradient, the operands' views,
 * stride-0 ones.
 */
function gradientLayouts(derived: GradientEinsum, outShape: readonly number[]): PlanOperand[] {
  return derived.inputs.map((input) =>
    input.kind === "gradOutput"
      ? { shape: outShape, strides: contiguousStrides(outShape) }
      : input.kind === "operand"
        ? { shape: input.shape, strides: input.strides }
        : { shape: input.shape, strides: input.shape.map(() => 0) },
  );
}

/** A plan with the kernels of each of its steps. */
export function compilePlan(plan: Plan, maxWorkgroupsPerDimension = PORTABLE_MAX_WORKGROUPS): CompiledEinsum {
  const binding = bindShapes(plan.equation, plan.operands);
  return {
    plan,
    dims: { inputs: binding.operands.map((op) => op.dims), output: binding.output.labels },
    programs: plan.steps.map((_, i) => emitStep(plan, i, maxWorkgroupsPerDimension)),
  };
}

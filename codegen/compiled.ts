/**
 * A compiled einsum: its plan and, per step, the kernels (WGSL) with what each binds. Plain JSON:
 * the runtime makes one just in time, the transformer makes one at build time and passes it to
 * `einsum()` as the `compiled` option, so that nothing is planned or generated at run time.
 */
import { bindShapes } from "./bind.js";
import { planEinsum, wideAccessHolds, type Plan, type PlanOperand, type PlanOptions } from "./plan.js";
import type { Equation } from "./equation.js";
import { gradientEinsum, type GradientEinsum } from "./gradient.js";
import { contiguousStrides } from "./views.js";
import { withWide } from "./tile-config.js";
import { emitStep, type StepProgram } from "./wgsl/step.js";

export interface CompiledEinsum {
  /** COMPILED_VERSION where this einsight compiled it: the runtime plans again (or asks for a rebuild) otherwise. */
  readonly version: typeof COMPILED_VERSION;
  readonly plan: Plan;
  /** The equation as the call spells it (the transformer's literal), where it differs from `plan.equation`. */
  readonly source?: string;
  /**
   * The label of each dimension of each operand (ellipsis dimensions as digits), and the output's
   * labels: what the runtime binds a call's sizes to without parsing the equation (codegen/bind-dims).
   */
  readonly dims: { readonly inputs: readonly (readonly string[])[]; readonly output: readonly string[] };
  /**
   * At the plan's own sizes, which starts the kernels need on a 16-byte boundary (they read or
   * store 16 bytes at a time there): each operand's, and an `out` view's. Where a call's view
   * starts elsewhere, it is planned again (sizes known at run time are judged on the fitted plan).
   */
  readonly aligned: { readonly operands: readonly boolean[]; readonly output: boolean };
  /**
   * For a plan sized at run time whose kernels load or store 16 bytes at a time: the same tiles'
   * kernels an element at a time (`withoutWideAccess`), for the calls whose sizes or starts break
   * 16-byte access. Made with the plan, so that the runtime never needs an emitter to run it.
   */
  readonly narrow?: readonly StepProgram[];
  readonly programs: readonly StepProgram[];
  /** For `einsumWithBackward`: each operand's gradient einsum (written into its gradient with `accumulate`). */
  readonly gradients?: readonly CompiledEinsum[];
}

/**
 * The layout of CompiledEinsum, counted up where it changes (2: `dims` and `aligned`), so that
 * objects an earlier einsight built are never read as this one's.
 */
export const COMPILED_VERSION = 2;

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

/** The label of each operand dimension (ellipsis dimensions as digits) and the output's labels. */
export function compiledDims(plan: Plan): CompiledEinsum["dims"] {
  const binding = bindShapes(plan.equation, plan.operands);
  return { inputs: binding.operands.map((op) => op.dims), output: binding.output.labels };
}

/**
 * A plan with the kernels of each of its steps; with `narrow` (the build's plans sized at run time),
 * their element-at-a-time kernels too where they load or store 16 bytes at a time.
 */
export function compilePlan(
  plan: Plan,
  maxWorkgroupsPerDimension = PORTABLE_MAX_WORKGROUPS,
  narrow = false,
): CompiledEinsum {
  const emit = (p: Plan) => p.steps.map((_, i) => emitStep(p, i, maxWorkgroupsPerDimension));
  const wide = narrow && plan.runtimeSizes !== undefined && plan.steps.some((s) => s.tiles?.wide !== undefined);
  return {
    version: COMPILED_VERSION,
    plan,
    dims: compiledDims(plan),
    aligned: alignedStarts(plan),
    programs: emit(plan),
    ...(wide ? { narrow: emit(withoutWideAccess(plan)) } : {}),
  };
}

/**
 * The starts a plan's kernels need 16-byte aligned: `wideAccessHolds` is a conjunction over the
 * operands and the output, so each is judged with every other start aligned.
 */
function alignedStarts(plan: Plan): CompiledEinsum["aligned"] {
  const all = plan.operands.map(() => true);
  return {
    operands: all.map(
      (_, k) =>
        !wideAccessHolds(
          plan,
          all.map((_, j) => j !== k),
          true,
        ),
    ),
    output: !wideAccessHolds(plan, all, false),
  };
}

/**
 * The plan with every operand read and every output written an element at a time: the same
 * tiles, kernels that hold for any sizes and starts (where `wideAccessHolds` does not).
 */
export function withoutWideAccess(plan: Plan): Plan {
  return {
    ...plan,
    steps: plan.steps.map((s) => (s.tiles?.wide === undefined ? s : { ...s, tiles: withWide(s.tiles, undefined) })),
  };
}

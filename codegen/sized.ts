/**
 * Einsums compiled before all their sizes are known: the build knows each operand's rank and some
 * sizes (`Tensor<[number, 64]>`), the rest come with the tensors at run time.
 *
 * `compileSized` plans with a nominal size for every label the types leave open (`runtimeSizes`);
 * the kernels bake in the sizes the build knew and read the others, and the strides that follow
 * from them, from `params`. At run time `checkCompiledSizes` is the guard: every size the build
 * knew must be what the tensors have (else an error naming the operand, dimension, label and both
 * sizes); `fitCompiled` then fits the plan to the call's sizes, and the runtime writes the params
 * (`launchArguments` in wgsl/step.ts).
 */
import { bindShapes, dimensionLabels, isEllipsisLabel } from "./bind.js";
import { compileEinsum, compilePlan, PORTABLE_MAX_WORKGROUPS, type CompiledEinsum } from "./compiled.js";
import { parseEquation, type Equation } from "./equation.js";
import { check } from "./errors.js";
import { planEinsum, type Plan, type PlanOperand, type PlanOptions, type PlanStep, type StepInput } from "./plan.js";
import { contiguousStrides, sameDims } from "./views.js";

/**
 * The size plans assume for a label the build does not know: costs, path and tile choices use it.
 * Large, so that large problems, where the time goes, get the kernels a known size would give
 * them (at 512, a 4096^3 GEMM got 64 x 64 tiles: 29.7 TFLOP/s against 32.5 on an H200).
 */
export const NOMINAL_SIZE = 4096;

/**
 * Compiles an einsum whose operand shapes are known up to some sizes (`undefined`): contiguous
 * operands are assumed, as for every build-time plan. With every size known it is `compileEinsum`.
 */
export function compileSized(equation: string | Equation, shapes: readonly (readonly (number | undefined)[])[], options: PlanOptions = {}, maxWorkgroupsPerDimension = PORTABLE_MAX_WORKGROUPS): CompiledEinsum {
  const eq = typeof equation === "string" ? parseEquation(equation) : equation;
  const dims = dimensionLabels(eq, shapes);
  const runtime = new Set<string>();
  const known = new Map<string, number>(); // a known size of each label, > 1 where there is one (1 broadcasts)
  shapes.forEach((shape, k) =>
    shape.forEach((size, d) => {
      const label = dims[k]![d]!;
      if (size === undefined) runtime.add(label);
      else if ((known.get(label) ?? 1) <= 1) known.set(label, size);
    }),
  );
  const filled = shapes.map((shape, k) => ({ shape: shape.map((size, d) => size ?? known.get(dims[k]![d]!) ?? NOMINAL_SIZE) }));
  if (runtime.size === 0) return compileEinsum(eq, filled, options, maxWorkgroupsPerDimension);
  return compilePlan(planEinsum(eq, filled, { ...options, runtimeSizes: [...runtime] }), maxWorkgroupsPerDimension);
}

/** Each compiled plan's dimension labels per operand, worked out once. */
const labelsOf = new WeakMap<Plan, readonly (readonly string[])[]>();

/**
 * The guard of a build-time compiled einsum: throws `compiledMismatch` where an operand's rank, or
 * a size the build knew, differs from the tensors'; sizes the build left to run time may be
 * anything. `call` is how the error names the call, e.g. `einsum("ij,jk->ik")`.
 */
export function checkCompiledSizes(plan: Plan, shapes: readonly (readonly number[])[], call: string): void {
  const compiled = plan.operands;
  const runtime = new Set(plan.runtimeSizes ?? []);
  if (runtime.size === 0 && shapes.every((shape, k) => sameDims(shape, compiled[k]!.shape))) return;
  shapes.forEach((shape, k) => {
    const want = compiled[k]!.shape;
    check(shape.length === want.length, "compiledMismatch", () => `${call} was compiled for operand ${k} of rank ${want.length} but got shape [${shape.join(", ")}]; the types said one thing and the tensors at run time another.`);
  });
  let labels = labelsOf.get(plan);
  if (labels === undefined) labelsOf.set(plan, (labels = bindShapes(plan.equation, compiled).operands.map((op) => op.dims)));
  shapes.forEach((shape, k) =>
    shape.forEach((got, d) => {
      const label = labels[k]![d]!;
      const want = compiled[k]!.shape[d]!;
      if (runtime.has(label) || got === want) return;
      const name = isEllipsisLabel(label) ? "an ellipsis dimension" : `label '${label}'`;
      check(false, "compiledMismatch", () => `${call} was compiled for operand ${k} with dimension ${d} (${name}) of size ${want}, but got ${got} (shape [${shape.join(", ")}]); the types said one thing and the tensors at run time another.${runtime.size > 0 ? " Only sizes the types leave as 'number' are read at run time." : ""}`);
    }),
  );
}

/**
 * A plan sized at run time, fitted to the operands of one call: their sizes, the strides of the
 * operands and of contiguous intermediates, and the output's shape. Undefined where the operands'
 * layout differs from what the kernels were compiled for (a stride of 0 or 1 is structure they
 * rely on: broadcasting and unit-stride loads), or where the plan writes into a caller's view: the
 * call is then planned just in time. Check the sizes with `checkCompiledSizes` first.
 */
export function fitCompiled(plan: Plan, operands: readonly PlanOperand[]): Plan | undefined {
  if (plan.output.view === true) return undefined;
  const binding = bindShapes(plan.equation, operands);
  const sizes = binding.sizes;
  const steps: PlanStep[] = [];
  const input = (i: StepInput): StepInput => {
    const from = "operand" in i.ref ? binding.operands[i.ref.operand]! : steps[i.ref.step]!.output;
    return { ref: i.ref, labels: from.labels, strides: from.strides };
  };
  for (const step of plan.steps) {
    const shape = step.output.labels.map((l) => sizes[l]!);
    steps.push({ ...step, inputs: step.inputs.map(input), output: { labels: step.output.labels, shape, strides: contiguousStrides(shape) } });
  }
  const fits = plan.steps.every((step, i) => step.inputs.every((was, j) => sameStructure(was, steps[i]!.inputs[j]!)));
  if (!fits) return undefined;
  return {
    ...plan,
    sizes,
    operands: operands.map((op, k) => ({ shape: [...op.shape], strides: [...(op.strides ?? contiguousStrides(op.shape))], dtype: plan.operands[k]!.dtype })),
    output: { ...plan.output, shape: binding.output.shape, strides: contiguousStrides(binding.output.shape) },
    steps,
  };
}

/** Same labels, and every stride the kernel baked in (0 or 1) the same. */
function sameStructure(compiled: StepInput, fitted: StepInput): boolean {
  return compiled.labels.length === fitted.labels.length && compiled.labels.every((l, i) => l === fitted.labels[i] && (compiled.strides[i]! > 1 || compiled.strides[i] === fitted.strides[i]));
}

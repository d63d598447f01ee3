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
import { dimensionLabels } from "./bind.js";
import { bindLabels, isEllipsisLabel } from "./bind-dims.js";
import {
  compileEinsum,
  compilePlan,
  compileWithGradients,
  PORTABLE_MAX_WORKGROUPS,
  type CompiledEinsum,
} from "./compiled.js";

export { withoutWideAccess } from "./compiled.js";
import { parseEquation, type Equation } from "./equation.js";
import { check } from "./errors.js";
import { planEinsum, type Plan, type PlanOptions, type PlanStep, type StepInput } from "./plan.js";
import { contiguousStrides, sameDims } from "./views.js";

/**
 * The size plans assume for a label the build does not know: costs, path and tile choices use it.
 * Large, so that large problems, where the time goes, get the kernels a known size would give
 * them (at 512, a 4096^3 GEMM got 64 x 64 tiles: 29.7 TFLOP/s against 32.5 on an H200). Where many
 * sizes are unknown, each gets less, so that all the sizes together stay within NOMINAL_ELEMENTS.
 */
export const NOMINAL_SIZE = 4096;
/** The most elements the product of all of a plan's sizes, known and nominal, may reach (strides stay exact). */
const NOMINAL_ELEMENTS = 2 ** 40;

/**
 * Compiles an einsum whose operand shapes are known up to some sizes (`undefined`): contiguous
 * operands are assumed, as for every build-time plan. With every size known it is `compileEinsum`.
 */
export function compileSized(
  equation: string | Equation,
  shapes: readonly (readonly (number | undefined)[])[],
  options: PlanOptions = {},
  maxWorkgroupsPerDimension = PORTABLE_MAX_WORKGROUPS,
): CompiledEinsum {
  const { eq, filled, runtime } = nominal(equation, shapes);
  if (runtime.size === 0) return compileEinsum(eq, filled, options, maxWorkgroupsPerDimension);
  // with the element-at-a-time kernels, so that einsight/runtime runs any sizes without an emitter
  return compilePlan(
    planEinsum(eq, filled, { ...options, runtimeSizes: [...runtime] }),
    maxWorkgroupsPerDimension,
    true,
  );
}

/**
 * `einsumWithBackward` compiled with some sizes unknown: the forward einsum and each operand's
 * gradient einsum (codegen/gradient) sized at run time, for contiguous operands as the transformer
 * assumes. A gradient einsum's shape can depend on the sizes (a size of 1 drops a label); where the
 * one a call derives is not the compiled one, the runtime plans it just in time.
 */
export function compileSizedWithGradients(
  equation: string | Equation,
  shapes: readonly (readonly (number | undefined)[])[],
  options: PlanOptions = {},
): CompiledEinsum {
  const { eq, filled, runtime } = nominal(equation, shapes);
  return compileWithGradients(
    eq,
    filled.map((f) => f.shape),
    options,
    runtime,
  );
}

/**
 * A known size of each label of operands whose dimensions have labels `dims` and whose shapes the
 * types know up to some sizes (`undefined`): one above 1 where there is one (a 1 broadcasts).
 */
export function knownSizes(
  dims: readonly (readonly string[])[],
  shapes: readonly (readonly (number | null | undefined)[] | undefined)[],
): Map<string, number> {
  const known = new Map<string, number>();
  dims.forEach((labels, k) =>
    labels.forEach((label, d) => {
      const size = shapes[k]?.[d];
      if (typeof size === "number" && (known.get(label) ?? 1) <= 1) known.set(label, size);
    }),
  );
  return known;
}

/** The shapes with a nominal size where the types give none, and the labels sized at run time. */
function nominal(
  equation: string | Equation,
  shapes: readonly (readonly (number | undefined)[])[],
): { eq: Equation; filled: { shape: number[] }[]; runtime: Set<string> } {
  const eq = typeof equation === "string" ? parseEquation(equation) : equation;
  const dims = dimensionLabels(eq, shapes);
  const runtime = new Set(
    shapes.flatMap((shape, k) => shape.flatMap((size, d) => (size === undefined ? [dims[k]![d]!] : []))),
  );
  const known = knownSizes(dims, shapes);
  // Labels no type sizes share what is left of NOMINAL_ELEMENTS after the known sizes, at most
  // NOMINAL_SIZE each and at least 2 (1 would read as broadcasting).
  const open = [...runtime].filter((l) => !known.has(l));
  const knownProduct = [...known.values()].reduce((acc, n) => acc * Math.max(1, n), 1);
  const guess = Math.max(
    2,
    Math.min(NOMINAL_SIZE, Math.floor((NOMINAL_ELEMENTS / knownProduct) ** (1 / Math.max(1, open.length)))),
  );
  const filled = shapes.map((shape, k) => ({
    shape: shape.map((size, d) => size ?? known.get(dims[k]![d]!) ?? guess),
  }));
  return { eq, filled, runtime };
}

/**
 * The guard of a build-time compiled einsum: throws `compiledMismatch` where an operand's rank, or
 * a size the build knew, differs from the tensors'; sizes the build left to run time may be
 * anything. `call` is how the error names the call, e.g. `einsum("ij,jk->ik")`.
 */
export function checkCompiledSizes(
  { plan, dims }: CompiledEinsum,
  shapes: readonly (readonly number[])[],
  call: string,
): void {
  const compiled = plan.operands;
  const runtime = new Set(plan.runtimeSizes ?? []);
  if (runtime.size === 0 && shapes.every((shape, k) => sameDims(shape, compiled[k]!.shape))) return;
  shapes.forEach((shape, k) => {
    const want = compiled[k]!.shape;
    check(
      shape.length === want.length,
      "compiledMismatch",
      () =>
        `${call} was compiled for operand ${k} of rank ${want.length} but got shape ` +
        `[${shape.join(", ")}]; the types said one thing and the tensors at run time another.`,
    );
  });
  shapes.forEach((shape, k) =>
    shape.forEach((got, d) => {
      const label = dims.inputs[k]![d]!;
      const want = compiled[k]!.shape[d]!;
      if (runtime.has(label) || got === want) return;
      const name = isEllipsisLabel(label) ? "an ellipsis dimension" : `label '${label}'`;
      check(
        false,
        "compiledMismatch",
        () =>
          `${call} was compiled for operand ${k} with dimension ${d} (${name}) of size ${want}, but got ` +
          `${got} (shape [${shape.join(", ")}]); the types said one thing and the tensors at run time ` +
          `another.${runtime.size > 0 ? " Only sizes the types leave as 'number' are read at run time." : ""}`,
      );
    }),
  );
}

/**
 * A plan sized at run time, fitted to the operands of one call: their sizes and strides (any view),
 * contiguous intermediates, and the output's shape and strides (`outputStrides` where the plan
 * writes into a caller's view: a gradient's target). Undefined where the layout differs from what
 * the kernels were compiled for (a stride of 0 or 1 is structure they rely on: broadcasting and
 * unit-stride loads), or a view output is given to a plan for a fresh one or the reverse: the
 * call is then planned just in time. Check the sizes with `checkCompiledSizes` first.
 */
export function fitCompiled(
  { plan, dims }: CompiledEinsum,
  operands: readonly {
    readonly shape: readonly number[];
    readonly strides: readonly number[];
    readonly offset: number;
  }[],
  outputStrides?: readonly number[],
): Plan | undefined {
  if ((plan.output.view === true) !== (outputStrides !== undefined)) return undefined;
  const binding = bindLabels(dims, operands, plan.equation);
  const sizes = binding.sizes;
  const steps: PlanStep[] = [];
  const input = (i: StepInput): StepInput => {
    const from = "operand" in i.ref ? binding.operands[i.ref.operand]! : steps[i.ref.step]!.output;
    return { ref: i.ref, labels: from.labels, strides: from.strides };
  };
  const outStrides = outputStrides ?? contiguousStrides(binding.output.shape);
  plan.steps.forEach((step, i) => {
    const shape = step.output.labels.map((l) => sizes[l]!);
    const strides = i === plan.steps.length - 1 ? outStrides : contiguousStrides(shape);
    steps.push({
      ...step,
      inputs: step.inputs.map(input),
      output: { labels: step.output.labels, shape, strides: [...strides] },
    });
  });
  const fits = plan.steps.every((step, i) =>
    [...step.inputs, step.output].every((was, j) => sameStructure(was, [...steps[i]!.inputs, steps[i]!.output][j]!)),
  );
  if (!fits || outStrides.length !== binding.output.shape.length) return undefined;
  return {
    ...plan,
    sizes,
    operands: operands.map((op, k) => ({
      shape: [...op.shape],
      strides: [...op.strides],
      dtype: plan.operands[k]!.dtype,
    })),
    output: { ...plan.output, shape: binding.output.shape, strides: [...outStrides] },
    steps,
  };
}

/** Same labels, and every stride the kernel baked in (0 or 1) the same. */
function sameStructure(
  compiled: Pick<StepInput, "labels" | "strides">,
  fitted: Pick<StepInput, "labels" | "strides">,
): boolean {
  return (
    compiled.labels.length === fitted.labels.length &&
    compiled.labels.every(
      (l, i) => l === fitted.labels[i] && (compiled.strides[i]! > 1 || compiled.strides[i] === fitted.strides[i]),
    )
  );
}

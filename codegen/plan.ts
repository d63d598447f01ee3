/**
 * The planner: from an equation and operand layouts to a Plan, plain JSON and deterministic for the
 * same input. Several operands are contracted pairwise (codegen/path picks the order); each step
 * (codegen/plan-steps) gets the strategy the cost model rates fastest within the memory budget,
 * and keeps every losing alternative with the reason it lost (codegen/choose).
 */
import { startsAligned, wideStores } from "./access.js";
import { bindShapes } from "./bind.js";
import { STRATEGIES, type Cost } from "./cost.js";
import { DTYPE_BYTES, type Dtype } from "./dtype.js";
import { parseEquation, formatEquation, type Equation } from "./equation.js";
import { check, EinsightError } from "./errors.js";
import { choosePairs } from "./path.js";
import type { Plan, PlanOperand, PlanOptions, PlanStep, StepInput } from "./plan-types.js";
import { kernelReads, pairStep, singleStep, type StepContext } from "./plan-steps.js";
import { PROFILES, type DeviceProfile } from "./profile.js";
import { checkTileShape } from "./tiles.js";
import { contiguousStrides, elementCount, isStrideList, mayOverlap } from "./views.js";

export type {
  Alternative,
  InputRef,
  Plan,
  PlanOperand,
  PlanOptions,
  PlanStep,
  StepInput,
  StepKind,
} from "./plan-types.js";
export { TEMPORARY_SPEEDUP } from "./choose.js";

export function planEinsum(
  equation: string | Equation,
  operands: readonly PlanOperand[],
  options: PlanOptions = {},
): Plan {
  const eq = typeof equation === "string" ? parseEquation(equation) : equation;
  const binding = bindShapes(eq, operands);
  const dtype = checkOptions(options, operands);
  const profile = resolveProfile(options.profile);
  const sizes = binding.sizes;
  const runtimeSizes = options.runtimeSizes ?? [];
  runtimeSizes.forEach((l) =>
    check(
      l in sizes,
      "invalidOption",
      () => `runtimeSizes names '${l}', which is not a label of ${formatEquation(eq)}.`,
    ),
  );
  // 16-byte aligned starts (intermediates start at 0): what the kernels' 16-byte loads need.
  const aligned = (input: StepInput) =>
    !("operand" in input.ref) || startsAligned(operands[input.ref.operand]!.offset ?? 0, dtype);
  const ctx: StepContext = {
    sizes,
    dtype,
    aligned,
    profile,
    options,
    budget: options.memoryBudget ?? Infinity,
    sizedAtRunTime: runtimeSizes.length > 0,
  };
  const items: StepInput[] = binding.operands.map((op, k) => ({
    ref: { operand: k },
    labels: op.labels,
    strides: op.strides,
  }));
  const steps = planSteps(items, binding.output.labels, ctx);
  const outputStrides = options.outputStrides ?? contiguousStrides(binding.output.shape);
  checkOutputStrides(outputStrides, binding.output.shape, options.outputOffset);
  const last = steps[steps.length - 1]!;
  steps[steps.length - 1] = { ...last, output: { ...last.output, strides: [...outputStrides] } };
  const plan: Plan = {
    version: 1,
    equation: formatEquation(eq),
    profile: profileLabel(profile),
    memoryBudget: options.memoryBudget ?? null,
    strategy: options.strategy ?? null,
    sizes,
    operands: operands.map((op) => ({
      shape: [...op.shape],
      strides: [...(op.strides ?? contiguousStrides(op.shape))],
      dtype,
    })),
    dtype,
    output: {
      ...binding.output,
      strides: [...outputStrides],
      accumulate: options.accumulate === true,
      view: options.outputStrides !== undefined,
    },
    steps,
    ...(runtimeSizes.length === 0 ? {} : { runtimeSizes: [...runtimeSizes] }),
    totals: totals(steps, dtype),
  };
  // Sizes known only at run time are checked per call, on the plan fitted to them (runtime/einsum).
  if (runtimeSizes.length === 0) checkIndexRange(plan);
  return plan;
}

/**
 * The steps of a plan: one for a single operand, else the pairs codegen/path chooses, each result replacing its
 * left input.
 */
function planSteps(operands: readonly StepInput[], outLabels: readonly string[], ctx: StepContext): PlanStep[] {
  if (operands.length === 1) return [singleStep(operands[0]!, outLabels, ctx)];
  const items = [...operands];
  const steps: PlanStep[] = [];
  for (const pair of choosePairs(
    items.map((i) => i.labels),
    outLabels,
    ctx.sizes,
    ctx.budget,
    DTYPE_BYTES[ctx.dtype],
  )) {
    const step = pairStep(
      {
        a: items[pair.left]!,
        b: items[pair.right]!,
        keep: pair.keep,
        ...(pair.last ? { finalLabels: outLabels } : {}),
      },
      ctx,
    );
    steps.push(step);
    items.splice(pair.right, 1);
    items[pair.left] = { ref: { step: steps.length - 1 }, labels: step.output.labels, strides: step.output.strides };
  }
  return steps;
}

/** The largest index a kernel computes in: WGSL's u32. */
const U32_MAX = 2 ** 32 - 1;

/**
 * Kernels index outputs and walk sums in u32: a step's output elements and its summed terms must
 * each number at most 2^32 - 1 (a view of stride 0 can be that long without any memory behind it).
 */
export function checkIndexRange(plan: Plan): void {
  plan.steps.forEach((step, index) => {
    const outputs = step.output.labels;
    const summed = [...new Set(step.inputs.flatMap((input) => input.labels))].filter((l) => !outputs.includes(l));
    const groups: [string, readonly string[]][] = [
      ["output elements", outputs],
      ["summed terms per output element", summed],
    ];
    for (const [what, labels] of groups) {
      const count = labels.reduce((acc, l) => acc * plan.sizes[l]!, 1);
      check(
        count <= U32_MAX,
        "indexRange",
        () =>
          `Step ${index + 1} of ${plan.equation} has ${count} ${what}, more than the 2^32 - 1 that GPU ` +
          `kernels index (WGSL's u32); split the einsum into smaller ones.`,
      );
    }
  });
}

/**
 * Whether the plan stores into a caller's view 16 bytes at a time, so that it holds only for a view that starts
 * aligned.
 */
function storesWideIntoView(plan: Plan): boolean {
  return plan.output.view === true && plan.steps[plan.steps.length - 1]?.tiles?.wide?.out === true;
}

/**
 * Whether a plan's 16-byte accesses hold for a call (a build-time plan, or one sized at run time
 * and fitted to the call's sizes and strides, whose accesses were chosen at nominal sizes): every
 * operand a kernel reads 16 bytes at a time (or loads subgroup matrices from) still has the layout
 * for it and starts aligned (`aligned[k]`: operand k's view does; intermediates always do), and
 * every output stored so has the layout for it (`outputAligned`: the call's `out` view starts
 * aligned). Where they do not, a build-time plan is planned again; one sized at run time runs
 * `withoutWideAccess` (codegen/sized).
 */
export function wideAccessHolds(plan: Plan, aligned: readonly boolean[], outputAligned: boolean): boolean {
  if (!outputAligned && storesWideIntoView(plan)) return false;
  const starts = (input: StepInput) => !("operand" in input.ref) || aligned[input.ref.operand] === true;
  return plan.steps.every((step) => {
    const tiles = step.tiles;
    if (tiles === undefined || step.groups === undefined) return true;
    if (tiles.kind === "matrix-global" && !step.inputs.every(starts)) return false;
    const wide = tiles.wide;
    if (wide === undefined) return true;
    const now = kernelReads(step.inputs, step.groups, step.strategy === "ttgt" ? (step.copies ?? []) : [], {
      sizes: plan.sizes,
      dtype: plan.dtype ?? "f32",
      aligned: starts,
    });
    return (
      (!wide.a || now.a) &&
      (!wide.b || now.b) &&
      (wide.out !== true || wideStores(step.output, step.groups, plan.sizes))
    );
  });
}

/** The bytes of GPU memory a step's result takes (an intermediate, or the output). */
export function stepOutputBytes(step: PlanStep, dtype: Dtype): number {
  return elementCount(step.output.shape) * DTYPE_BYTES[dtype];
}

/** Checks the options and the operands' element type, which it returns. */
function checkOptions(options: PlanOptions, operands: readonly PlanOperand[]): Dtype {
  const { strategy, memoryBudget } = options;
  check(
    strategy === undefined || STRATEGIES.includes(strategy),
    "invalidOption",
    () => `Unknown strategy '${String(strategy)}'; use one of ` + `${STRATEGIES.map((s) => `'${s}'`).join(", ")}.`,
  );
  check(
    memoryBudget === undefined || (typeof memoryBudget === "number" && memoryBudget >= 0),
    "invalidOption",
    () => `memoryBudget must be a non-negative number of bytes, got ${String(memoryBudget)}.`,
  );
  checkTileShape(options.tiles);
  const dtype = operands[0]?.dtype ?? "f32";
  operands.forEach((op, k) => {
    check(
      op.dtype === undefined || op.dtype in DTYPE_BYTES,
      "unsupportedDtype",
      () => `Operand ${k} has dtype '${String(op.dtype)}'; einsight computes in 'f32' or 'f16'.`,
    );
    check(
      (op.dtype ?? "f32") === dtype,
      "unsupportedDtype",
      () =>
        `Operand ${k} is ${op.dtype ?? "f32"} but operand 0 is ${dtype}; einsum takes operands of one ` +
        `dtype (convert one with tensor(g, await t.read(), t.shape, { dtype })).`,
    );
  });
  return dtype;
}

function checkOutputStrides(strides: readonly number[], shape: readonly number[], offset: unknown): void {
  check(
    offset === undefined || (Number.isSafeInteger(offset) && (offset as number) >= 0),
    "invalidOption",
    () => `outputOffset must be a non-negative integer element offset, got ${String(offset)}.`,
  );
  check(
    isStrideList(strides, shape.length),
    "invalidOption",
    () =>
      `outputStrides must be ${shape.length} non-negative integer element strides (one per output ` +
      `dimension of shape [${shape.join(", ")}]), got ${JSON.stringify(strides)}.`,
  );
  check(
    !mayOverlap({ shape, strides }),
    "overlappingOutput",
    () =>
      `The output view (shape [${shape.join(", ")}], strides [${strides.join(", ")}]) names some ` +
      `elements more than once, so writing it would race; write into a view without expanded or ` +
      `overlapping dimensions.`,
  );
}

/**
 * How plans and reports name a profile: "nvidia-h100", or "generic with a tile table" when a measured table picks
 * its tiles.
 */
export function profileLabel(profile: DeviceProfile): string {
  return profile.tileTable === undefined ? profile.name : `${profile.name} with a tile table`;
}

/** The profile a plan option names (an own key of PROFILES: "toString" is not one), or the object given. */
export function resolveProfile(profile: PlanOptions["profile"]): DeviceProfile {
  if (profile === undefined) return PROFILES.generic;
  if (typeof profile !== "string") return profile;
  const found = Object.hasOwn(PROFILES, profile) ? (PROFILES as Record<string, DeviceProfile>)[profile] : undefined;
  if (found === undefined) {
    throw new EinsightError(
      "invalidOption",
      `Unknown device profile '${profile}'; use one of ` +
        `${Object.keys(PROFILES)
          .map((p) => `'${p}'`)
          .join(", ")}, or pass a DeviceProfile object.`,
    );
  }
  return found;
}

function totals(steps: readonly PlanStep[], dtype: Dtype): Plan["totals"] {
  const sum = (f: (c: Cost) => number) => steps.reduce((acc, s) => acc + f(s.cost), 0);
  let live = 0;
  let peak = 0;
  let temporaries = 0;
  steps.forEach((s, i) => {
    const intermediate = i < steps.length - 1 ? stepOutputBytes(s, dtype) : 0;
    peak = Math.max(peak, live + s.cost.temporaryBytes + intermediate);
    temporaries += s.cost.temporaryBytes + intermediate;
    live += intermediate - s.frees.reduce((acc, f) => acc + stepOutputBytes(steps[f]!, dtype), 0);
  });
  return {
    flops: sum((c) => c.flops),
    bytesRead: sum((c) => c.bytesRead),
    bytesWritten: sum((c) => c.bytesWritten),
    temporaryBytes: temporaries,
    dispatches: sum((c) => c.dispatches),
    estimatedSeconds: sum((c) => c.estimatedSeconds),
    peakTemporaryBytes: peak,
    backwardKeepsBytes: steps.reduce(
      (acc, s, i) =>
        acc +
        (i < steps.length - 1 ? stepOutputBytes(s, dtype) : 0) +
        (s.strategy === "ttgt" ? s.cost.temporaryBytes : 0),
      0,
    ),
  };
}

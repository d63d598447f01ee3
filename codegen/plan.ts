/**
 * The planner: from an equation and operand layouts to a Plan, plain JSON and deterministic for the
 * same input. Several operands are contracted pairwise (codegen/path picks the order); each step
 * gets the strategy the cost model rates fastest within the memory budget, and keeps every losing
 * alternative with the reason it lost.
 */
import { gemmCopy, gemmOrder, isUnit, matrixLayout, startsAligned, strideOf, wideLoads, wideStores, type Groups, type Strided } from "./access.js";
import { bindShapes, classifyLabels, type OperandLayout } from "./bind.js";
import { costPair, costSingle, STRATEGIES, type Candidate, type Cost, type PairShape, type Strategy, type TileConfig } from "./cost.js";
import { DTYPE_BYTES, type Dtype } from "./dtype.js";
import { parseEquation, formatEquation, type Equation } from "./equation.js";
import { check, EinsightError } from "./errors.js";
import { choosePairs } from "./path.js";
import { lanesPerOutput } from "./reduction.js";
import { PROFILES, type DeviceProfile, type ProfileName } from "./profile.js";
import { checkTileShape, type TileShape } from "./tiles.js";
import { contiguousStrides, elementCount, mayOverlap } from "./views.js";

export interface PlanOperand extends OperandLayout {
  readonly dtype?: Dtype;
}

export interface PlanOptions {
  /** Force one strategy on every step it can run (for comparisons); the others keep their best. */
  readonly strategy?: Strategy;
  /** Bytes of temporaries a step may allocate; strategies that need more lose. Default: unlimited. */
  readonly memoryBudget?: number;
  /** The device the costs are estimated for; default "generic". */
  readonly profile?: DeviceProfile | ProfileName;
  /**
   * Force the tiled kernels' tile (for tuning and comparisons): output sides `tm`, `tn` of 16, 32,
   * 64, 128 or 256 and slab depth `tk` of 8, 16, 32 or 64, each invocation loading whole elements. Default:
   * the profile's choice.
   */
  readonly tiles?: Partial<TileShape>;
  /**
   * Element strides of the output, in output-label order, when it is written into an existing
   * view (einsum's `out`); default contiguous. The view must not overlap itself.
   */
  readonly outputStrides?: readonly number[];
  /**
   * Element offset of that view in its buffer (default 0): whether it starts 16-byte aligned
   * decides whether the kernels may store it 16 bytes at a time. Plans are made for one answer
   * (the runtime's plan cache keys on it).
   */
  readonly outputOffset?: number;
  /** Add into the output instead of overwriting it (gradient accumulation). */
  readonly accumulate?: boolean;
  /**
   * Labels whose sizes are known only at run time (the sizes given for them are nominal, used for
   * the costs): their kernels read sizes and strides from params, so only `loop` and `direct`
   * without subgroup matrices can run them; 16-byte loads and stores are chosen at the nominal
   * sizes and checked per call (codegen/sized). Default: none.
   */
  readonly runtimeSizes?: readonly string[];
}

/** Where a step's input comes from: an operand of the einsum, or the result of an earlier step. */
export type InputRef = { readonly operand: number } | { readonly step: number };

/** A step's input: its labels and their element strides, and where it comes from. */
export interface StepInput extends Strided {
  readonly ref: InputRef;
}

export type StepKind = "contraction" | "outer" | "elementwise" | "reduce" | "transform";

export interface Alternative {
  readonly strategy: Strategy;
  readonly cost: Cost;
  readonly reason: string;
}

export interface PlanStep {
  readonly kind: StepKind;
  /** The step as an equation over the plan's labels (ellipsis dimensions are the digits 0, 1, ...). */
  readonly equation: string;
  readonly inputs: readonly StepInput[];
  /** Contiguous in `labels` order: the einsum's output for the last step, else an intermediate. */
  readonly output: { readonly labels: readonly string[]; readonly shape: readonly number[]; readonly strides: readonly number[] };
  readonly groups?: Groups;
  readonly strategy: Strategy;
  readonly tiles?: TileConfig;
  /** loop: invocations sharing each output's sum, where more than one (codegen/reduction). */
  readonly lanes?: number;
  /** ttgt: the inputs it copies into GEMM layout. */
  readonly copies?: readonly number[];
  readonly cost: Cost;
  readonly alternatives: readonly Alternative[];
  /** Earlier steps whose results are dead after this one. */
  readonly frees: readonly number[];
  readonly notes: readonly string[];
}

export interface Plan {
  readonly version: 1;
  readonly equation: string;
  /** The profile's name, "... with a tile table" when its tiles came from one (profileLabel). */
  readonly profile: string;
  readonly memoryBudget: number | null;
  readonly strategy: Strategy | null;
  readonly sizes: Readonly<Record<string, number>>;
  readonly operands: readonly { readonly shape: readonly number[]; readonly strides: readonly number[]; readonly dtype: Dtype }[];
  /** The element type of every operand, intermediate and the output. */
  readonly dtype: Dtype;
  /**
   * `view`: written into a caller's view (`outputStrides` given), whose offset the plan knows only
   * as aligned or not (`outputOffset`); otherwise into a fresh buffer at offset 0. Kernels may store
   * either as vec4 where it starts aligned (`wideAccessHolds`).
   */
  readonly output: { readonly labels: readonly string[]; readonly shape: readonly number[]; readonly strides: readonly number[]; readonly accumulate: boolean; readonly view?: boolean };
  readonly steps: readonly PlanStep[];
  /**
   * Labels sized at run time (the `runtimeSizes` option): `sizes`, shapes, strides and costs are
   * nominal for them until codegen/sized fits the plan to the operands of a call.
   */
  readonly runtimeSizes?: readonly string[];
  readonly totals: Cost & {
    readonly peakTemporaryBytes: number;
    /**
     * Bytes a backward pass would have to keep alive beyond the operands themselves (which it
     * keeps as the views they are): the intermediates of a multi-step plan, and ttgt's copies.
     */
    readonly backwardKeepsBytes: number;
  };
}

/** The strategies whose kernels can read their sizes from params (plans with `runtimeSizes`). */
const RUNTIME_SIZED: readonly Strategy[] = ["direct", "loop"];

/**
 * A strategy that allocates temporaries must be estimated at least this much faster than the best
 * one that allocates none: einsight does not spend hidden memory for a marginal gain.
 */
export const TEMPORARY_SPEEDUP = 1.25;

export function planEinsum(equation: string | Equation, operands: readonly PlanOperand[], options: PlanOptions = {}): Plan {
  const eq = typeof equation === "string" ? parseEquation(equation) : equation;
  const binding = bindShapes(eq, operands);
  const dtype = checkOptions(options, operands);
  const profile = resolveProfile(options.profile);
  const budget = options.memoryBudget ?? Infinity;
  const items: StepInput[] = binding.operands.map((op, k) => ({ ref: { operand: k }, labels: op.labels, strides: op.strides }));
  // 16-byte aligned starts (intermediates start at 0): what the kernels' 16-byte loads need.
  const aligned = (input: StepInput) => !("operand" in input.ref) || startsAligned(operands[input.ref.operand]!.offset ?? 0, dtype);
  const steps: PlanStep[] = [];
  const sizes = binding.sizes;
  const outLabels = binding.output.labels;
  const runtimeSizes = options.runtimeSizes ?? [];
  runtimeSizes.forEach((l) => check(l in sizes, "invalidOption", () => `runtimeSizes names '${l}', which is not a label of ${formatEquation(eq)}.`));
  if (items.length === 1) {
    steps.push(singleStep(items[0]!, outLabels, sizes, profile, options.strategy, dtype, runtimeSizes.length > 0));
  } else {
    for (const pair of choosePairs(items.map((i) => i.labels), outLabels, sizes, budget, DTYPE_BYTES[dtype])) {
      const step = pairStep(items[pair.left]!, items[pair.right]!, pair.keep, pair.last ? outLabels : undefined, sizes, profile, options, budget, dtype, aligned, runtimeSizes.length > 0);
      steps.push(step);
      items.splice(pair.right, 1);
      items[pair.left] = { ref: { step: steps.length - 1 }, labels: step.output.labels, strides: step.output.strides };
    }
  }
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
    operands: operands.map((op) => ({ shape: [...op.shape], strides: [...(op.strides ?? contiguousStrides(op.shape))], dtype })),
    dtype,
    output: { ...binding.output, strides: [...outputStrides], accumulate: options.accumulate === true, view: options.outputStrides !== undefined },
    steps,
    ...(runtimeSizes.length === 0 ? {} : { runtimeSizes: [...runtimeSizes] }),
    totals: totals(steps, dtype),
  };
  // Sizes known only at run time are checked per call, on the plan fitted to them (runtime/einsum).
  if (runtimeSizes.length === 0) checkIndexRange(plan);
  return plan;
}

/**
 * How many invocations a loop step gives each output's sum on this profile, where more than one
 * (codegen/reduction). Sized at run time, the outputs may be more than planned: fewer lanes.
 */
function loopLanes(shape: readonly number[], summed: readonly string[], sizes: Readonly<Record<string, number>>, profile: DeviceProfile, sizedAtRunTime: boolean): { lanes?: number } {
  const terms = summed.reduce((acc, l) => acc * sizes[l]!, 1);
  const lanes = summed.length === 0 ? 1 : lanesPerOutput(elementCount(shape), terms, profile.busyInvocations, sizedAtRunTime);
  return lanes > 1 ? { lanes } : {};
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
    const groups: [string, readonly string[]][] = [["output elements", outputs], ["summed terms per output element", summed]];
    for (const [what, labels] of groups) {
      const count = labels.reduce((acc, l) => acc * plan.sizes[l]!, 1);
      check(count <= U32_MAX, "indexRange", () => `Step ${index + 1} of ${plan.equation} has ${count} ${what}, more than the 2^32 - 1 that GPU kernels index (WGSL's u32); split the einsum into smaller ones.`);
    }
  });
}

/** Whether the plan stores into a caller's view 16 bytes at a time, so that it holds only for a view that starts aligned. */
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
    if (tiles.global === true && !step.inputs.every(starts)) return false;
    const wide = tiles.wide;
    if (wide === undefined) return true;
    const now = kernelReads(step.inputs, step.groups, plan.sizes, step.strategy === "ttgt" ? (step.copies ?? []) : [], plan.dtype ?? "f32", starts);
    return (!wide.a || now.a) && (!wide.b || now.b) && (wide.out !== true || wideStores(step.output, step.groups, plan.sizes));
  });
}

/** The bytes of GPU memory a step's result takes (an intermediate, or the output). */
export function stepOutputBytes(step: PlanStep, dtype: Dtype): number {
  return elementCount(step.output.shape) * DTYPE_BYTES[dtype];
}

/** Checks the options and the operands' element type, which it returns. */
function checkOptions(options: PlanOptions, operands: readonly PlanOperand[]): Dtype {
  const { strategy, memoryBudget } = options;
  check(strategy === undefined || STRATEGIES.includes(strategy), "invalidOption", () => `Unknown strategy '${String(strategy)}'; use one of ${STRATEGIES.map((s) => `'${s}'`).join(", ")}.`);
  check(memoryBudget === undefined || (typeof memoryBudget === "number" && memoryBudget >= 0), "invalidOption", () => `memoryBudget must be a non-negative number of bytes, got ${String(memoryBudget)}.`);
  checkTileShape(options.tiles);
  const dtype = operands[0]?.dtype ?? "f32";
  operands.forEach((op, k) => {
    check(op.dtype === undefined || op.dtype in DTYPE_BYTES, "unsupportedDtype", () => `Operand ${k} has dtype '${String(op.dtype)}'; einsight computes in 'f32' or 'f16'.`);
    check((op.dtype ?? "f32") === dtype, "unsupportedDtype", () => `Operand ${k} is ${op.dtype ?? "f32"} but operand 0 is ${dtype}; einsum takes operands of one dtype (convert one with tensor(g, await t.read(), t.shape, { dtype })).`);
  });
  return dtype;
}

function checkOutputStrides(strides: readonly number[], shape: readonly number[], offset: unknown): void {
  check(offset === undefined || (Number.isSafeInteger(offset) && (offset as number) >= 0), "invalidOption", () => `outputOffset must be a non-negative integer element offset, got ${String(offset)}.`);
  check(Array.isArray(strides) && strides.length === shape.length && strides.every((s) => Number.isSafeInteger(s) && s >= 0), "invalidOption", () => `outputStrides must be ${shape.length} non-negative integer element strides (one per output dimension of shape [${shape.join(", ")}]), got ${JSON.stringify(strides)}.`);
  check(!mayOverlap({ shape, strides }), "overlappingOutput", () => `The output view (shape [${shape.join(", ")}], strides [${strides.join(", ")}]) names some elements more than once, so writing it would race; write into a view without expanded or overlapping dimensions.`);
}

/** How plans and reports name a profile: "nvidia-h100", or "generic with a tile table" when a measured table picks its tiles. */
export function profileLabel(profile: DeviceProfile): string {
  return profile.tileTable === undefined ? profile.name : `${profile.name} with a tile table`;
}

/** The profile a plan option names (an own key of PROFILES: "toString" is not one), or the object given. */
export function resolveProfile(profile: PlanOptions["profile"]): DeviceProfile {
  if (profile === undefined) return PROFILES.generic;
  if (typeof profile !== "string") return profile;
  const found = Object.hasOwn(PROFILES, profile) ? (PROFILES as Record<string, DeviceProfile>)[profile] : undefined;
  if (found === undefined) {
    throw new EinsightError("invalidOption", `Unknown device profile '${profile}'; use one of ${Object.keys(PROFILES).map((p) => `'${p}'`).join(", ")}, or pass a DeviceProfile object.`);
  }
  return found;
}

function singleStep(input: StepInput, outLabels: readonly string[], sizes: Record<string, number>, profile: DeviceProfile, forced: Strategy | undefined, dtype: Dtype, sizedAtRunTime: boolean): PlanStep {
  const summed = input.labels.filter((l) => !outLabels.includes(l));
  const shape = outLabels.map((l) => sizes[l]!);
  const chosen = costSingle(elementCount(input.labels.map((l) => sizes[l]!)), elementCount(shape), profile, DTYPE_BYTES[dtype]);
  const notes = forced !== undefined && forced !== "loop" ? [`'${forced}' needs two operands; a one-operand step runs the loop kernel`] : [];
  return {
    kind: summed.length > 0 ? "reduce" : "transform",
    equation: `${input.labels.join("")}->${outLabels.join("")}`,
    inputs: [input],
    output: { labels: outLabels, shape, strides: contiguousStrides(shape) },
    strategy: "loop",
    ...loopLanes(shape, summed, sizes, profile, sizedAtRunTime),
    cost: chosen.cost,
    alternatives: [],
    frees: refSteps([input]),
    notes,
  };
}

function pairStep(
  a: StepInput,
  b: StepInput,
  keep: readonly string[],
  finalLabels: readonly string[] | undefined,
  sizes: Record<string, number>,
  profile: DeviceProfile,
  options: PlanOptions,
  budget: number,
  dtype: Dtype,
  aligned: (input: StepInput) => boolean,
  sizedAtRunTime: boolean,
): PlanStep {
  const classes = classifyLabels(a.labels, b.labels, keep);
  const of = (c: string) => Object.keys(classes).filter((l) => classes[l] === c);
  // Intermediates are laid out [batch, m, n]; the last step writes the einsum's output order.
  const natural = [...of("batch"), ...of("leftFree"), ...of("rightFree")];
  const outLabels = finalLabels ?? natural;
  const inOutputOrder = (c: string) => outLabels.filter((l) => classes[l] === c);
  const kLabels = [...of("contracted"), ...of("leftSummed"), ...of("rightSummed")];
  // Contracted labels outermost to innermost by the left operand's stride, so its unit stride is innermost.
  const k = kLabels.map((l, i) => ({ l, s: strideOf(a, l), i })).sort((x, y) => y.s - x.s || x.i - y.i).map((x) => x.l);
  const groups: Groups = { batch: inOutputOrder("batch"), m: inOutputOrder("leftFree"), n: inOutputOrder("rightFree"), k };
  const shape = outLabels.map((l) => sizes[l]!);
  // Sized at run time: kernels that need sizes at build time (subgroup matrices need whole
  // matrices; split-k and ttgt size scratch buffers) are not candidates.
  const matrix = dtype === "f16" && !sizedAtRunTime ? profile.subgroupMatrix : undefined;
  // Operands read 16 bytes at a time where their layout and start allow it. Sized at run time:
  // where the nominal sizes allow it; a call whose sizes or starts do not runs the same tiles
  // read an element at a time (`wideAccessHolds`).
  const wide = kernelReads([a, b], groups, sizes, [], dtype, aligned);
  // Subgroup matrices: staged with 16-byte loads of both operands where possible (fastest on an
  // H200: 83.5 against 70.5 TFLOP/s at 8192^3), else loaded straight from aligned 2-D operands.
  const matrixGlobal = matrix !== undefined && !(wide.a && wide.b) && aligned(a) && aligned(b) && matrixLayout(a, b, groups, sizes, matrix) !== undefined;
  const pair = { ...pairShape(a, b, groups, sizes, elementCount(shape)), elementBytes: DTYPE_BYTES[dtype], matrix: matrix !== undefined, matrixGlobal, wide };
  const all = costPair(pair, profile, options.tiles);
  const candidates = sizedAtRunTime ? all.filter((c) => RUNTIME_SIZED.includes(c.strategy)) : all;
  const choice = choose(candidates, options.strategy, budget);
  const excluded = all.filter((c) => !candidates.includes(c)).map((c) => ({ strategy: c.strategy, cost: c.cost, reason: "its kernels need every size at build time, and some are known only at run time" }));
  const alternatives = [...choice.alternatives, ...excluded];
  const forcedOut = excluded.some((c) => c.strategy === options.strategy);
  const notes = forcedOut ? [`'${options.strategy}' needs every size at build time, and some are known only at run time; chose by cost`] : choice.notes;
  // Output stores 16 bytes at a time (f32): where the output's innermost label is n's, in whole
  // vec4s, and it starts aligned (an intermediate or a fresh output at 0; a view where its offset is).
  const intoView = finalLabels !== undefined && options.outputStrides !== undefined;
  const written = { labels: outLabels, strides: intoView ? options.outputStrides : contiguousStrides(shape) };
  const stores = dtype === "f32" && (!intoView || startsAligned(options.outputOffset ?? 0, dtype)) && wideStores(written, groups, sizes);
  const reads = choice.chosen.strategy === "ttgt" ? kernelReads([a, b], groups, sizes, choice.chosen.copies ?? [], dtype, aligned) : wide;
  const chosen = withWideAccess(choice.chosen, { ...reads, ...(stores ? { out: true } : {}) }, dtype);
  const kind: StepKind = kLabels.length > 0 ? "contraction" : groups.m.length > 0 && groups.n.length > 0 ? "outer" : "elementwise";
  return {
    kind,
    equation: `${a.labels.join("")},${b.labels.join("")}->${outLabels.join("")}`,
    inputs: [a, b],
    output: { labels: outLabels, shape, strides: contiguousStrides(shape) },
    groups,
    strategy: chosen.strategy,
    ...(chosen.strategy === "loop" ? loopLanes(shape, kLabels, sizes, profile, sizedAtRunTime) : {}),
    ...(chosen.tiles === undefined ? {} : { tiles: chosen.tiles }),
    ...(chosen.copies === undefined ? {} : { copies: chosen.copies }),
    cost: chosen.cost,
    alternatives,
    frees: refSteps([a, b]),
    notes: [...chosen.notes, ...notes],
  };
}

/**
 * The tiled kernels read an operand 16 bytes at a time (4 f32, or 8 f16 when staging subgroup
 * matrices) where its layout and 16-byte aligned start allow, and the scalar f32 kernel stores its
 * output so where its layout and start allow; ttgt's GEMM too, in f32, on the layouts it reads. Not
 * for the scalar f16 kernel, nor the one that loads subgroup matrices itself.
 */
function withWideAccess(chosen: Candidate, wide: NonNullable<TileConfig["wide"]>, dtype: Dtype): Candidate {
  const tiles = chosen.tiles;
  if (tiles === undefined || chosen.strategy === "loop") return chosen;
  if (chosen.strategy === "ttgt" ? dtype !== "f32" : dtype === "f16" ? tiles.matrix === undefined || tiles.global === true : dtype !== "f32") return chosen;
  return wide.a || wide.b || wide.out === true ? { ...chosen, tiles: { ...tiles, wide } } : chosen;
}

function pairShape(a: StepInput, b: StepInput, g: Groups, sizes: Record<string, number>, outElements: number): Omit<PairShape, "elementBytes" | "matrix" | "wide"> {
  const size = (ls: readonly string[]) => elementCount(ls.map((l) => sizes[l]!));
  return {
    batch: size(g.batch),
    m: size(g.m),
    n: size(g.n),
    k: size(g.k),
    aElements: size(a.labels),
    bElements: size(b.labels),
    outElements,
    aCoalesced: isUnit(a, g.k) || isUnit(a, g.m),
    bCoalesced: isUnit(b, g.n) || isUnit(b, g.k),
    aGemmReady: isLaidOut(a, gemmOrder(g, 0), sizes),
    bGemmReady: isLaidOut(b, gemmOrder(g, 1), sizes),
  };
}

/**
 * Which of a tiled step's two inputs its kernel can read 16 bytes at a time: by the layouts it
 * reads (ttgt's GEMM reads the inputs it `copies` in `gemmCopy` layout, at offset 0) and where
 * those start (`aligned`).
 */
function kernelReads(inputs: readonly StepInput[], groups: Groups, sizes: Readonly<Record<string, number>>, copies: readonly number[], dtype: Dtype, aligned: (input: StepInput) => boolean): { a: boolean; b: boolean } {
  const read = inputs.map((input, i) => (copies.includes(i) ? gemmCopy(groups, i, sizes) : input));
  const layout = wideLoads(read[0]!, read[1]!, groups, sizes, 16 / DTYPE_BYTES[dtype]);
  const starts = (i: number) => copies.includes(i) || aligned(inputs[i]!);
  return { a: layout.a && starts(0), b: layout.b && starts(1) };
}

/** Whether `input` is exactly the contiguous tensor of `order` (labels it lacks would need a copy). */
function isLaidOut(input: StepInput, order: readonly string[], sizes: Record<string, number>): boolean {
  const want = contiguousStrides(order.map((l) => sizes[l]!));
  return order.every((l, i) => sizes[l] === 1 || (input.labels.includes(l) && strideOf(input, l) === want[i]));
}

function choose(candidates: readonly Candidate[], forced: Strategy | undefined, budget: number): { chosen: Candidate; alternatives: Alternative[]; notes: string[] } {
  const runnable = forced === undefined ? undefined : candidates.find((c) => c.strategy === forced);
  // A forced strategy still keeps to the memory budget: over it, the step is chosen by cost within it, and the plan says so.
  const forcedOne = runnable !== undefined && runnable.cost.temporaryBytes <= budget ? runnable : undefined;
  const notes =
    runnable !== undefined && forcedOne === undefined
      ? [`'${forced}' needs ${runnable.cost.temporaryBytes} bytes of temporaries, over the memoryBudget of ${budget}; chose by cost within it`]
      : forced !== undefined && forcedOne === undefined
        ? [`'${forced}' cannot run this step (${forced === "split-k" ? "the step already fills the device, or its contraction is too short to split" : "not applicable"}); chose by cost`]
        : [];
  const free = candidates.filter((c) => c.cost.temporaryBytes === 0).sort(byTime)[0]!; // direct and loop need none
  const paying = candidates.filter((c) => c.cost.temporaryBytes > 0 && c.cost.temporaryBytes <= budget && c.cost.estimatedSeconds * TEMPORARY_SPEEDUP <= free.cost.estimatedSeconds).sort(byTime)[0];
  const chosen = forcedOne ?? paying ?? free;
  const alternatives = candidates
    .filter((c) => c !== chosen)
    .map((c) => ({ strategy: c.strategy, cost: c.cost, reason: lostBecause(c, chosen, forcedOne !== undefined, budget) }));
  return { chosen, alternatives, notes };
}

function byTime(x: Candidate, y: Candidate): number {
  return x.cost.estimatedSeconds - y.cost.estimatedSeconds;
}

function lostBecause(c: Candidate, chosen: Candidate, forced: boolean, budget: number): string {
  if (forced) return `not the forced strategy '${chosen.strategy}'`;
  if (c.cost.temporaryBytes > budget) return `needs ${c.cost.temporaryBytes} bytes of temporaries, over the memoryBudget of ${budget}`;
  const ratio = c.cost.estimatedSeconds / Math.max(chosen.cost.estimatedSeconds, 1e-12);
  const time = `estimated ${formatSeconds(c.cost.estimatedSeconds)}, ${ratio.toFixed(2)}x the chosen '${chosen.strategy}' (${formatSeconds(chosen.cost.estimatedSeconds)})`;
  if (c.cost.temporaryBytes > 0 && ratio < 1) return `${time}: not worth ${c.cost.temporaryBytes} bytes of temporaries (einsight wants ${TEMPORARY_SPEEDUP}x for any)`;
  return time;
}

export function formatSeconds(s: number): string {
  if (s >= 1) return `${s.toFixed(2)} s`;
  if (s >= 1e-3) return `${(s * 1e3).toFixed(3)} ms`;
  return `${(s * 1e6).toFixed(1)} us`;
}

function refSteps(inputs: readonly StepInput[]): number[] {
  return inputs.flatMap((i) => ("step" in i.ref ? [i.ref.step] : []));
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
    backwardKeepsBytes: steps.reduce((acc, s, i) => acc + (i < steps.length - 1 ? stepOutputBytes(s, dtype) : 0) + (s.strategy === "ttgt" ? s.cost.temporaryBytes : 0), 0),
  };
}

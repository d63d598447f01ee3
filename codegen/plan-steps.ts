/**
 * The planner's steps: a one-operand step runs the loop kernel; a pairwise step groups its labels
 * (batch, m, n, k), costs every strategy that can run it, takes the one `choose` picks, and gives
 * its tiles the 16-byte accesses the operands' layouts and starts allow.
 */
import {
  gemmCopy,
  gemmOrder,
  isUnit,
  matrixLayout,
  startsAligned,
  strideOf,
  wideLoads,
  wideStores,
  type Groups,
} from "./access.js";
import { classifyLabels } from "./bind.js";
import { choose } from "./choose.js";
import { costPair, costSingle, type Candidate, type PairShape, type Strategy } from "./cost.js";
import { DTYPE_BYTES, type Dtype } from "./dtype.js";
import type { Alternative, PlanOptions, PlanStep, StepInput, StepKind } from "./plan-types.js";
import type { DeviceProfile } from "./profile.js";
import { lanesPerOutput } from "./reduction.js";
import { withWide, type WideAccess } from "./tile-config.js";
import { contiguousStrides, elementCount } from "./views.js";

/** What the 16-byte reads of a step's kernel depend on beyond its inputs. */
export interface ReadContext {
  readonly sizes: Readonly<Record<string, number>>;
  readonly dtype: Dtype;
  /** Whether an input starts 16-byte aligned (intermediates start at 0). */
  readonly aligned: (input: StepInput) => boolean;
}

/** What every step of one plan shares. */
export interface StepContext extends ReadContext {
  readonly profile: DeviceProfile;
  readonly options: PlanOptions;
  /** Bytes of temporaries a step may allocate. */
  readonly budget: number;
  /** Some labels are sized at run time (`runtimeSizes`). */
  readonly sizedAtRunTime: boolean;
}

/**
 * The two inputs of a pairwise step, the labels its result keeps, and the einsum's output labels where it is the
 * last step.
 */
export interface PairInputs {
  readonly a: StepInput;
  readonly b: StepInput;
  readonly keep: readonly string[];
  readonly finalLabels?: readonly string[];
}

/** The strategies whose kernels can read their sizes from params (plans with `runtimeSizes`). */
const RUNTIME_SIZED: readonly Strategy[] = ["direct", "loop"];

export function singleStep(input: StepInput, outLabels: readonly string[], ctx: StepContext): PlanStep {
  const { sizes, profile, dtype } = ctx;
  const forced = ctx.options.strategy;
  const summed = input.labels.filter((l) => !outLabels.includes(l));
  const shape = outLabels.map((l) => sizes[l]!);
  const chosen = costSingle(
    elementCount(input.labels.map((l) => sizes[l]!)),
    elementCount(shape),
    profile,
    DTYPE_BYTES[dtype],
  );
  const notes =
    forced !== undefined && forced !== "loop"
      ? [`'${forced}' needs two operands; a one-operand step runs the loop kernel`]
      : [];
  return {
    kind: summed.length > 0 ? "reduce" : "transform",
    equation: `${input.labels.join("")}->${outLabels.join("")}`,
    inputs: [input],
    output: { labels: outLabels, shape, strides: contiguousStrides(shape) },
    strategy: "loop",
    ...loopLanes(shape, summed, ctx),
    cost: chosen.cost,
    alternatives: [],
    frees: refSteps([input]),
    notes,
  };
}

export function pairStep(pair: PairInputs, ctx: StepContext): PlanStep {
  const { a, b } = pair;
  const { outLabels, groups, kLabels } = labelGroups(pair);
  const shape = outLabels.map((l) => ctx.sizes[l]!);
  const { all, wide } = candidates(pair, groups, elementCount(shape), ctx);
  const runnable = ctx.sizedAtRunTime ? all.filter((c) => RUNTIME_SIZED.includes(c.strategy)) : all;
  const choice = choose(runnable, ctx.options.strategy, ctx.budget);
  const excluded: Alternative[] = all
    .filter((c) => !runnable.includes(c))
    .map((c) => ({
      strategy: c.strategy,
      cost: c.cost,
      reason: "its kernels need every size at build time, and some are known only at run time",
    }));
  const forcedOut = excluded.some((c) => c.strategy === ctx.options.strategy);
  const notes = forcedOut
    ? [
        `'${ctx.options.strategy}' needs every size at build time, and some are known only at run time; ` +
          `chose by cost`,
      ]
    : choice.notes;
  const access = kernelAccess({ pair, groups, outLabels, shape, chosen: choice.chosen, wide }, ctx);
  const chosen = withWideAccess(choice.chosen, access, ctx.dtype);
  const kind: StepKind =
    kLabels.length > 0 ? "contraction" : groups.m.length > 0 && groups.n.length > 0 ? "outer" : "elementwise";
  return {
    kind,
    equation: `${a.labels.join("")},${b.labels.join("")}->${outLabels.join("")}`,
    inputs: [a, b],
    output: { labels: outLabels, shape, strides: contiguousStrides(shape) },
    groups,
    strategy: chosen.strategy,
    ...(chosen.strategy === "loop" ? loopLanes(shape, kLabels, ctx) : {}),
    ...(chosen.tiles === undefined ? {} : { tiles: chosen.tiles }),
    ...(chosen.copies === undefined ? {} : { copies: chosen.copies }),
    cost: chosen.cost,
    alternatives: [...choice.alternatives, ...excluded],
    frees: refSteps([a, b]),
    notes: [...chosen.notes, ...notes],
  };
}

/**
 * A pairwise step's labels by group, in the order its kernels walk them, and its output labels:
 * an intermediate is laid out [batch, m, n]; the last step writes the einsum's output order.
 */
function labelGroups(pair: PairInputs): { outLabels: readonly string[]; groups: Groups; kLabels: readonly string[] } {
  const { a, b } = pair;
  const classes = classifyLabels(a.labels, b.labels, pair.keep);
  const of = (c: string) => Object.keys(classes).filter((l) => classes[l] === c);
  const outLabels = pair.finalLabels ?? [...of("batch"), ...of("leftFree"), ...of("rightFree")];
  const inOutputOrder = (c: string) => outLabels.filter((l) => classes[l] === c);
  const kLabels = [...of("contracted"), ...of("leftSummed"), ...of("rightSummed")];
  // Contracted labels outermost to innermost by the left operand's stride, so its unit stride is innermost.
  const k = kLabels
    .map((l, i) => ({ l, s: strideOf(a, l), i }))
    .sort((x, y) => y.s - x.s || x.i - y.i)
    .map((x) => x.l);
  return {
    outLabels,
    groups: { batch: inOutputOrder("batch"), m: inOutputOrder("leftFree"), n: inOutputOrder("rightFree"), k },
    kLabels,
  };
}

/**
 * Every strategy that can run a pairwise step, costed, and which operands its tiled kernels read 16 bytes at a
 * time.
 */
function candidates(
  pair: PairInputs,
  groups: Groups,
  outElements: number,
  ctx: StepContext,
): { all: Candidate[]; wide: { a: boolean; b: boolean } } {
  const { a, b } = pair;
  const { sizes, dtype, profile, aligned } = ctx;
  // Sized at run time: kernels that need sizes at build time (subgroup matrices need whole
  // matrices; split-k and ttgt size scratch buffers) are not candidates.
  const matrix = dtype === "f16" && !ctx.sizedAtRunTime ? profile.subgroupMatrix : undefined;
  // Operands read 16 bytes at a time where their layout and start allow it. Sized at run time:
  // where the nominal sizes allow it; a call whose sizes or starts do not runs the same tiles
  // read an element at a time (`wideAccessHolds`).
  const wide = kernelReads([a, b], groups, [], ctx);
  // Subgroup matrices: staged with 16-byte loads of both operands where possible (the fastest),
  // else loaded straight from aligned 2-D operands.
  const matrixGlobal =
    matrix !== undefined &&
    !(wide.a && wide.b) &&
    aligned(a) &&
    aligned(b) &&
    matrixLayout(a, b, groups, sizes, matrix) !== undefined;
  const shape: PairShape = {
    ...pairShape(a, b, groups, sizes, outElements),
    elementBytes: DTYPE_BYTES[dtype],
    matrix: matrix !== undefined,
    matrixGlobal,
    wide,
  };
  return { all: costPair(shape, profile, ctx.options.tiles), wide };
}

/**
 * The 16-byte accesses the chosen kernel may make: its reads (ttgt's GEMM reads the inputs it
 * copies at offset 0), and f32 output stores where the output's innermost label is n's, in whole
 * vec4s, and it starts aligned (an intermediate or a fresh output at 0; a view where its offset is).
 */
function kernelAccess(
  step: {
    pair: PairInputs;
    groups: Groups;
    outLabels: readonly string[];
    shape: readonly number[];
    chosen: Candidate;
    wide: { a: boolean; b: boolean };
  },
  ctx: StepContext,
): WideAccess {
  const { pair, groups, outLabels, shape, chosen } = step;
  const { options, dtype } = ctx;
  const outputStrides = pair.finalLabels === undefined ? undefined : options.outputStrides;
  const written = { labels: outLabels, strides: outputStrides ?? contiguousStrides(shape) };
  const stores =
    dtype === "f32" &&
    (outputStrides === undefined || startsAligned(options.outputOffset ?? 0, dtype)) &&
    wideStores(written, groups, ctx.sizes);
  const reads =
    chosen.strategy === "ttgt" ? kernelReads([pair.a, pair.b], groups, chosen.copies ?? [], ctx) : step.wide;
  return { ...reads, ...(stores ? { out: true } : {}) };
}

/**
 * The tiled kernels read an operand 16 bytes at a time (4 f32, or 8 f16 when staging subgroup
 * matrices) where its layout and 16-byte aligned start allow, and the scalar f32 kernel stores its
 * output so where its layout and start allow; ttgt's GEMM too, in f32, on the layouts it reads. Not
 * for the scalar f16 kernel, nor the one that loads subgroup matrices itself.
 */
function withWideAccess(chosen: Candidate, wide: WideAccess, dtype: Dtype): Candidate {
  const tiles = chosen.tiles;
  if (tiles === undefined) return chosen;
  const takes = chosen.strategy === "ttgt" ? dtype === "f32" : dtype === "f32" || tiles.kind === "matrix-staged";
  return { ...chosen, tiles: withWide(tiles, takes ? wide : undefined) };
}

function pairShape(
  a: StepInput,
  b: StepInput,
  g: Groups,
  sizes: Readonly<Record<string, number>>,
  outElements: number,
): Omit<PairShape, "elementBytes" | "matrix" | "wide"> {
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
 * those start (`ctx.aligned`).
 */
export function kernelReads(
  inputs: readonly StepInput[],
  groups: Groups,
  copies: readonly number[],
  ctx: ReadContext,
): { a: boolean; b: boolean } {
  const read = inputs.map((input, i) => (copies.includes(i) ? gemmCopy(groups, i, ctx.sizes) : input));
  const layout = wideLoads(read[0]!, read[1]!, groups, ctx.sizes, 16 / DTYPE_BYTES[ctx.dtype]);
  const starts = (i: number) => copies.includes(i) || ctx.aligned(inputs[i]!);
  return { a: layout.a && starts(0), b: layout.b && starts(1) };
}

/** Whether `input` is exactly the contiguous tensor of `order` (labels it lacks would need a copy). */
function isLaidOut(input: StepInput, order: readonly string[], sizes: Readonly<Record<string, number>>): boolean {
  const want = contiguousStrides(order.map((l) => sizes[l]!));
  return order.every((l, i) => sizes[l] === 1 || (input.labels.includes(l) && strideOf(input, l) === want[i]));
}

/**
 * How many invocations a loop step gives each output's sum on this profile, where more than one
 * (codegen/reduction). Sized at run time, the outputs may be more than planned: fewer lanes.
 */
function loopLanes(shape: readonly number[], summed: readonly string[], ctx: StepContext): { lanes?: number } {
  const terms = summed.reduce((acc, l) => acc * ctx.sizes[l]!, 1);
  const lanes =
    summed.length === 0
      ? 1
      : lanesPerOutput(elementCount(shape), terms, ctx.profile.busyInvocations, ctx.sizedAtRunTime);
  return lanes > 1 ? { lanes } : {};
}

function refSteps(inputs: readonly StepInput[]): number[] {
  return inputs.flatMap((i) => ("step" in i.ref ? [i.ref.step] : []));
}

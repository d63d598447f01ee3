/**
 * From one plan step to what the GPU runs: the kernels in order, the buffers each binds, and the
 * scratch buffers the step needs. Pure: the runtime executes it, the transformer will embed it.
 * Every kernel's `params` are the element offsets of its storage buffers, in binding order.
 */
import { gemmCopy, strideOf, wideStores, type Strided } from "../access.js";
import { DTYPE_BYTES } from "../dtype.js";
import type { Plan, PlanStep } from "../plan.js";
import type { TileConfig } from "../tile-config.js";
import { contiguousStrides, elementCount } from "../views.js";
import { emitCopyKernel } from "./copy.js";
import { emitDirectKernel } from "./direct.js";
import { dispatchGrid, type KernelSpec } from "./kernel.js";
import { emitLoopKernel } from "./loop.js";

/** A buffer a kernel binds: one of the step's inputs, its output, or one of its scratch buffers. */
export type BufferRef = { readonly input: number } | { readonly output: true } | { readonly scratch: number };

export interface Launch {
  readonly kernel: KernelSpec;
  readonly buffers: readonly BufferRef[];
}

export interface StepProgram {
  /** Bytes of each scratch buffer, allocated before the first launch and freed after the last. */
  readonly scratch: readonly number[];
  readonly launches: readonly Launch[];
}

/** The label split-k gives its slice index in the partial buffer (never a user label). */
const SLICE = "*";

export function emitStep(plan: Plan, index: number, maxWorkgroupsPerDimension: number): StepProgram {
  const step = plan.steps[index]!;
  // Only the last step writes the einsum's output, which may be a view to add into.
  const accumulate = index === plan.steps.length - 1 && plan.output.accumulate;
  // Intermediates and a fresh output start at offset 0; a caller's view may start anywhere.
  const fresh = index < plan.steps.length - 1 || plan.output.view !== true;
  // The title names no user label, so that the same contraction under other letters shares a pipeline.
  const title = `${step.kind} step, ${step.strategy}`;
  const launch = (kernel: KernelSpec | undefined, buffers: BufferRef[]): Launch[] =>
    kernel === undefined ? [] : [{ kernel, buffers }];
  const inputs = step.inputs.map((_, i): BufferRef => ({ input: i }));
  const out: BufferRef = { output: true };
  const outStrides = { labels: step.output.labels, strides: step.output.strides };
  const s: StepKernels = { plan, step, title, maxWg: maxWorkgroupsPerDimension, accumulate, fresh };
  switch (step.strategy) {
    case "loop":
      return {
        scratch: [],
        launches: launch(
          emitLoopKernel(
            {
              inputs: step.inputs,
              output: step.output.labels,
              outStrides: step.output.strides,
              fresh,
              accumulate,
              sizes: plan.sizes,
              title,
              dtype: plan.dtype,
              ...runtime(plan),
              ...(step.lanes === undefined ? {} : { lanes: step.lanes }),
            },
            maxWorkgroupsPerDimension,
          ),
          [...inputs, out],
        ),
      };
    case "direct":
      return {
        scratch: [],
        launches: launch(direct(s, { a: step.inputs[0]!, b: step.inputs[1]!, out: outStrides, accumulate }), [
          ...inputs,
          out,
        ]),
      };
    case "split-k":
      return splitK(s);
    case "ttgt":
      return ttgt(s);
  }
}

/** What every kernel of a step shares: its plan and title, the adapter's grid limit, and how its output is written. */
interface StepKernels {
  readonly plan: Plan;
  readonly step: PlanStep;
  readonly title: string;
  readonly maxWg: number;
  /** Add into the output (the last step of an accumulating einsum). */
  readonly accumulate: boolean;
  /** The output is a buffer of its own at offset 0 (an intermediate or a fresh result). */
  readonly fresh: boolean;
}

/**
 * A direct kernel of the step: a times b into out, with the step's tiles unless others are given, and split-k's
 * slice stride.
 */
function direct(
  s: StepKernels,
  gemm: { a: Strided; b: Strided; out: Strided; accumulate: boolean; tiles?: TileConfig; splitStride?: number },
): KernelSpec | undefined {
  const { plan, step } = s;
  const { a, b, out, accumulate, splitStride } = gemm;
  return emitDirectKernel(
    {
      a,
      b,
      out,
      groups: step.groups!,
      sizes: plan.sizes,
      tiles: gemm.tiles ?? step.tiles!,
      title: s.title,
      accumulate,
      dtype: plan.dtype,
      ...runtime(plan),
      ...(splitStride === undefined ? {} : { splitStride }),
    },
    s.maxWg,
  );
}

/** The labels a plan sizes at run time, as the emitters take them. */
function runtime(plan: Plan): { runtimeSizes?: readonly string[] } {
  return plan.runtimeSizes === undefined ? {} : { runtimeSizes: plan.runtimeSizes };
}

/**
 * What a launch needs beyond its buffers' offsets: its workgroups, and the values its kernel reads
 * from params after the offsets (sizes, strides, the grid's row) when it was compiled before some
 * sizes were known (codegen/sized: the step is then fitted to the call's sizes). A kernel with
 * every size baked in has its own workgroups and reads nothing more.
 */
export function launchArguments(
  launch: Launch,
  step: PlanStep,
  sizes: Readonly<Record<string, number>>,
  maxWorkgroupsPerDimension: number,
): { workgroups: readonly [number, number]; params: number[] } {
  const { kernel } = launch;
  const product = (labels: readonly string[]) => labels.reduce((acc, l) => acc * sizes[l]!, 1);
  const workgroups =
    kernel.runtimeDispatch === undefined
      ? kernel.workgroups
      : dispatchGrid(
          kernel.runtimeDispatch.reduce((acc, f) => acc * Math.ceil(product(f.labels) / f.per), 1),
          maxWorkgroupsPerDimension,
        );
  const params = (kernel.runtimeParams ?? []).map((ref) => {
    if ("size" in ref) return sizes[ref.size]!;
    if ("grid" in ref) return workgroups[0] * ref.grid;
    const buffer = ref.stride === "out" ? launch.buffers[launch.buffers.length - 1]! : launch.buffers[ref.stride]!;
    if ("output" in buffer) return strideOf(step.output, ref.label);
    if ("input" in buffer) return strideOf(step.inputs[buffer.input]!, ref.label);
    throw new Error("einsight internal error: a kernel sized at run time binds a scratch buffer.");
  });
  return { workgroups, params };
}

/** Partial products of each k slice into scratch [slice, ...output], then a loop kernel sums the slices. */
function splitK(s: StepKernels): StepProgram {
  const { plan, step, title, maxWg, accumulate, fresh } = s;
  const count = elementCount(step.output.shape);
  const slices = step.tiles!.splits;
  // Partials are contiguous [slice, ...output] whatever view the output is written into.
  const packed = contiguousStrides(step.output.shape);
  const partial: Strided = { labels: step.output.labels, strides: packed };
  // The plan judged 16-byte stores on the step's output; the partials go to scratch (at offset 0) in their own layout.
  const tiles = step.tiles!;
  const partialTiles =
    tiles.kind === "scalar" && tiles.wide?.out === true && !wideStores(partial, step.groups!, plan.sizes)
      ? { ...tiles, wide: { ...tiles.wide, out: false } }
      : tiles;
  const gemm = direct(s, {
    a: step.inputs[0]!,
    b: step.inputs[1]!,
    out: partial,
    accumulate: false,
    tiles: partialTiles,
    splitStride: count,
  });
  const sum = emitLoopKernel(
    {
      inputs: [{ labels: [SLICE, ...step.output.labels], strides: [count, ...packed] }],
      output: step.output.labels,
      outStrides: step.output.strides,
      fresh,
      accumulate,
      sizes: { ...plan.sizes, [SLICE]: slices },
      title: `${title}: sum of the ${slices} k slices`,
      dtype: plan.dtype,
    },
    maxWg,
  );
  const launches = [
    ...(gemm === undefined ? [] : [{ kernel: gemm, buffers: [{ input: 0 }, { input: 1 }, { scratch: 0 }] }]),
    ...(sum === undefined ? [] : [{ kernel: sum, buffers: [{ scratch: 0 }, { output: true as const }] }]),
  ];
  return { scratch: [slices * count * DTYPE_BYTES[plan.dtype]], launches };
}

/** torch's way: copy each input that is not already [batch, m, k] / [batch, k, n] contiguous, then GEMM. */
function ttgt(s: StepKernels): StepProgram {
  const { plan, step, maxWg } = s;
  const scratch: number[] = [];
  const launches: Launch[] = [];
  const gemmInputs = step.inputs.map((input, i): { operand: Strided; buffer: BufferRef } => {
    if (!step.copies!.includes(i)) return { operand: input, buffer: { input: i } };
    const operand = gemmCopy(step.groups!, i, plan.sizes);
    const shape = operand.labels.map((l) => plan.sizes[l]!);
    const copy = emitCopyKernel({ shape, strides: operand.labels.map((l) => strideOf(input, l)) }, maxWg, plan.dtype);
    scratch.push(elementCount(shape) * DTYPE_BYTES[plan.dtype]);
    const buffer: BufferRef = { scratch: scratch.length - 1 };
    if (copy !== undefined) launches.push({ kernel: copy, buffers: [{ input: i }, buffer] });
    return { operand, buffer };
  });
  const gemm = direct(s, {
    a: gemmInputs[0]!.operand,
    b: gemmInputs[1]!.operand,
    out: { labels: step.output.labels, strides: step.output.strides },
    accumulate: s.accumulate,
  });
  if (gemm !== undefined)
    launches.push({ kernel: gemm, buffers: [gemmInputs[0]!.buffer, gemmInputs[1]!.buffer, { output: true }] });
  return { scratch, launches };
}

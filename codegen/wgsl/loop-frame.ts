/**
 * What every variant of the loop kernel shares: its spec, the context its parts read (sizes,
 * WGSL names), its bindings, the header lines on its inputs, and the head of main that finds each
 * input's elements for an output element.
 */
import { strideOf, type Strided } from "../access.js";
import type { Dtype } from "../dtype.js";
import {
  decompose,
  dot,
  paramsStruct,
  perElementMain,
  type ElementType,
  type KernelDims,
  type Value,
} from "./common.js";

export interface LoopKernelSpec {
  readonly inputs: readonly Strided[];
  /** Output labels; the output is written contiguously in this order unless `outStrides` says otherwise. */
  readonly output: readonly string[];
  /** Element strides of the output per output label (default contiguous). */
  readonly outStrides?: readonly number[];
  /** Add into the output instead of overwriting it. */
  readonly accumulate?: boolean;
  /** The output is a buffer of its own at offset 0 (not a caller's view): whole vec4 stores are aligned. */
  readonly fresh?: boolean;
  readonly sizes: Readonly<Record<string, number>>;
  /** What the header says the kernel computes, e.g. "step 0 (reduce)". */
  readonly title: string;
  /** Element type of the inputs and the output (default f32); products and sums are f32. */
  readonly dtype?: Dtype;
  /** Labels whose sizes (and the strides that follow from them) are read from params: see KernelDims. */
  readonly runtimeSizes?: readonly string[];
  /** Invocations sharing each output's sum (default 1), as the plan step chose them (codegen/reduction). */
  readonly lanes?: number;
}

/** What the parts of a loop kernel read: its spec, sizes, its inputs' WGSL names (in0, in1, ...) and its labels'. */
export interface LoopContext {
  readonly spec: LoopKernelSpec;
  readonly dims: KernelDims;
  readonly ins: readonly string[];
  readonly names: ReadonlyMap<string, string>;
}

/** A loop kernel as its emitters see it: its context and what follows from its spec. */
export interface LoopKernel {
  readonly ctx: LoopContext;
  readonly type: ElementType;
  /** The kernel's equation in its canonical label names, e.g. "ab,bc->ac". */
  readonly equation: string;
  /** Output elements, a constant or a WGSL expression read from params. */
  readonly count: Value;
  /** The labels summed over, outermost first (see loop-sums `summedLabels`). */
  readonly summed: readonly string[];
  /** Element strides of the output per output label. */
  readonly outStrides: readonly number[];
  /** Whether output element i is at `out_offset + i`, however the kernel is sized. */
  readonly contiguous: boolean;
}

/** Every loop kernel's bindings, after its body has named every param it reads. */
export function bindings(dims: KernelDims, t: ElementType, ins: readonly string[], outType: string): string[] {
  return [
    paramsStruct([...ins.map((i) => `${i}_offset`), "out_offset", ...dims.fields.map((f) => f.name)]),
    ...ins.map((name, k) => `@group(0) @binding(${k}) var<storage, read> ${name}: array<${t.wgsl}>;`),
    `@group(0) @binding(${ins.length}) var<storage, read_write> out: array<${outType}>;`,
    `@group(0) @binding(${ins.length + 1}) var<uniform> params: Params;`,
    "",
  ];
}

/**
 * What a one-invocation-per-element loop kernel's main begins with: the invocation's index, the
 * coordinates of its (first) output element `first`, and where each input's elements for it start.
 */
export function kernelMain(
  ctx: LoopContext,
  main: { invocations: Value; row: Value; first: string; comment: string },
): string[] {
  return [...perElementMain(main.invocations, main.row), ...inputBases(ctx, main.first, main.comment)];
}

/**
 * The lines, after a `// comment`, that split output index `first` into coordinates `c_<label>`
 * and declare `in<k>_base`, where input k's elements for that output start.
 */
export function inputBases(ctx: LoopContext, first: string, comment: string): string[] {
  const { spec, dims, ins, names } = ctx;
  const n = (l: string) => names.get(l)!;
  return [
    `  // ${comment}`,
    ...decompose(
      first,
      spec.output.map(n),
      spec.output.map((l) => dims.size(l)),
      "c_",
    ),
    ...spec.inputs.map(
      (input, k) =>
        `  let ${ins[k]}_base = params.${ins[k]}_offset + ` +
        `${dot(
          spec.output.map((l) => `c_${n(l)}`),
          spec.output.map((l) => dims.stride(k, ins[k]!, l, strideOf(input, l))),
        )};`,
    ),
  ];
}

/** The header lines that say what a loop kernel computes: its equation, sizes and input strides. */
export function describeInputs(ctx: LoopContext, equation: string): string[] {
  const { spec, dims, ins, names } = ctx;
  return [
    `//   ${equation}   sizes ${[...names].map(([l, name]) => `${name}=${dims.showSize(l)}`).join(" ")}${dims.note}`,
    ...spec.inputs.map(
      (input, k) =>
        `//   ${ins[k]} strides ` +
        (input.labels.map((l, i) => `${names.get(l)}:${dims.showStride(input.strides[i]!)}`).join(" ") || "(scalar)"),
    ),
  ];
}

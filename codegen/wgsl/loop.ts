/**
 * The loop kernel: one invocation per output element, looping over the summed labels and
 * multiplying every input. It runs any step of any number of inputs (reductions, diagonals,
 * permutations, outer and elementwise products) with no temporaries; it keeps no operand tile in
 * fast memory, so contractions with many outputs and long sums go to the tiled `direct` kernel
 * instead. Sums are cascaded (pairwise-accurate), and where few outputs sum many terms, several
 * invocations share each sum and add their parts as a tree (codegen/reduction decides). It is
 * also the "one thread per output" baseline of the benchmarks (what onnxruntime-web's Einsum does).
 * Bindings: inputs `in0..`, then `out`, then `params` (each input's offset, then `out_offset`).
 *
 * This module assembles the kernels; what its variants share is wgsl/loop-frame, the sums
 * wgsl/loop-sums, the variant with vec4 stores wgsl/loop-vector.
 */
import { REDUCTION_WORKGROUP } from "../reduction.js";
import { contiguousStrides, isContiguous } from "../views.js";
import {
  canonicalNames,
  decompose,
  dot,
  ELEMENT_WORKGROUP,
  elementType,
  KernelDims,
  shown,
  wgsl,
  type Value,
} from "./common.js";
import { dispatchGrid, type KernelSpec } from "./kernel.js";
import {
  bindings,
  describeInputs,
  kernelMain,
  type LoopContext,
  type LoopKernel,
  type LoopKernelSpec,
} from "./loop-frame.js";
import { laneSum, sharedSumMain, summedDims, summedLabels, type SummedDim, type Term } from "./loop-sums.js";
import { emitVectorKernel } from "./loop-vector.js";

export type { LoopKernelSpec } from "./loop-frame.js";

/** What the mains of the kernels that loop over the summed labels are written with. */
interface SumParts {
  /** The product of the inputs' elements at the summed coordinates `s_<dim>` (at the bases, when nothing is summed). */
  readonly product: string;
  readonly term: Term;
  /** Terms summed per output. */
  readonly terms: Value;
  /** The line storing `value` (an f32 expression) into output element i, indented by `indent` (default 2). */
  readonly write: (value: string, indent?: string) => string;
}

/**
 * The kernel of a loop step, or undefined where its output is empty (no invocation to run). The
 * kernel's params after the offsets (`runtimeParams`) are those it reads, in the order it first
 * reads them.
 */
export function emitLoopKernel(spec: LoopKernelSpec, maxWorkgroupsPerDimension: number): KernelSpec | undefined {
  const kernel = loopKernel(spec);
  if (kernel === undefined) return undefined;
  const vector = emitVectorKernel(kernel, maxWorkgroupsPerDimension);
  if (vector !== undefined) return vector;
  const { ctx, summed } = kernel;
  // dims lists a param where it is first read: these calls stay in this order, and so do the params
  const write = outputWriter(kernel);
  const sum = summedDims(ctx, summed);
  const parts: SumParts = { ...sumTerms(kernel, sum), terms: ctx.dims.product(summed), write };
  const lanes = summed.length === 0 ? 1 : (spec.lanes ?? 1);
  return lanes === 1
    ? oneLaneKernel(kernel, parts, maxWorkgroupsPerDimension)
    : sharedSumKernel(kernel, parts, lanes, maxWorkgroupsPerDimension);
}

/** The kernel a spec describes, or undefined where its output is empty. */
function loopKernel(spec: LoopKernelSpec): LoopKernel | undefined {
  const ctx = loopContext(spec);
  const { dims, names } = ctx;
  const count = dims.product(spec.output);
  if (count === 0) return undefined;
  const n = (l: string) => names.get(l)!;
  const outShape = spec.output.map((l) => spec.sizes[l]!);
  const outStrides = spec.outStrides ?? contiguousStrides(outShape);
  // Sized at run time, only a fresh output is sure to stay contiguous (its strides follow its
  // sizes); a caller's view may have other strides with the same 0s and 1s.
  const contiguous =
    isContiguous({ shape: outShape, strides: outStrides, offset: 0 }) && (!dims.sized || spec.fresh === true);
  return {
    ctx,
    type: elementType(spec.dtype),
    equation: `${spec.inputs.map((i) => i.labels.map(n).join("")).join(",")}->${spec.output.map(n).join("")}`,
    count,
    summed: summedLabels(spec),
    outStrides,
    contiguous,
  };
}

/** A spec's context: its labels' canonical names, inputs `in0..`, and dims with no params read yet. */
function loopContext(spec: LoopKernelSpec): LoopContext {
  const names = canonicalNames([...spec.inputs.map((i) => i.labels), spec.output]);
  const n = (l: string) => names.get(l)!;
  const dims = new KernelDims(spec.sizes, spec.runtimeSizes === undefined ? undefined : new Set(spec.runtimeSizes), n);
  return { spec, dims, ins: spec.inputs.map((_, k) => `in${k}`), names };
}

/** The write of a value into output element i (coordinates `c_<label>` where the output is not contiguous). */
function outputWriter(kernel: LoopKernel): SumParts["write"] {
  const { ctx, type: t, contiguous, outStrides } = kernel;
  const { spec, dims, names } = ctx;
  const n = (l: string) => names.get(l)!;
  const target =
    `out[params.out_offset + ` +
    `${
      contiguous
        ? "i"
        : dot(
            spec.output.map((l) => `c_${n(l)}`),
            spec.output.map((l, d) => dims.stride("out", "out", l, outStrides[d]!)),
          )
    }]`;
  return (value: string, indent = "  ") => `${indent}${t.write(target, value, spec.accumulate === true)}`;
}

/** The product of the inputs' elements, and the lines declaring it as `term` for a flat index over `sum`. */
function sumTerms(kernel: LoopKernel, sum: readonly SummedDim[]): Pick<SumParts, "product" | "term"> {
  const { ctx, type: t } = kernel;
  const { spec, ins } = ctx;
  const product = spec.inputs
    .map((_, k) =>
      t.load(
        `${ins[k]}[${ins[k]}_base${
          sum.some((d) => d.strides[k] !== 0)
            ? ` + ${dot(
                sum.map((d) => `s_${d.name}`),
                sum.map((d) => d.strides[k]!),
              )}`
            : ""
        }]`,
      ),
    )
    .join(" * ");
  const term = (index: string, indent: string) => [
    ...decompose(
      index,
      sum.map((d) => d.name),
      sum.map((d) => d.size),
      "s_",
      indent,
    ),
    `${indent}let term = ${product};`,
  ];
  return { product, term };
}

/**
 * The header lines of the kernels that loop over the summed labels: what they compute, the
 * output's layout where it is not plain, and the dispatch.
 */
function header(
  kernel: LoopKernel,
  line: { what: string; shape: string; workgroup: number; dispatch: string },
): string[] {
  const { ctx, type: t, contiguous, outStrides } = kernel;
  const { spec, dims, names } = ctx;
  const n = (l: string) => names.get(l)!;
  return [
    ...t.enable,
    `// einsight: loop kernel, ${spec.title}: ${line.what}`,
    ...describeInputs(ctx, kernel.equation),
    ...(contiguous && spec.accumulate !== true
      ? []
      : [
          `//   out strides ${spec.output.map((l, d) => `${n(l)}:${dims.showStride(outStrides[d]!)}`).join(" ")}` +
            (spec.output.length === 0 ? "(scalar)" : "") +
            (spec.accumulate === true ? ", accumulated" : ""),
        ]),
    `//   ${line.shape}, workgroup size ${line.workgroup}, dispatch ${line.dispatch}`,
  ];
}

/** The kernel with one invocation per output element, which sums that element's terms alone. */
function oneLaneKernel(kernel: LoopKernel, parts: SumParts, maxWorkgroupsPerDimension: number): KernelSpec {
  const { ctx, type: t, count, summed } = kernel;
  const { spec, dims, ins } = ctx;
  const { terms, write } = parts;
  const grid = gridFor(dims, count, spec.output, maxWorkgroupsPerDimension);
  const body = [
    ...kernelMain(ctx, {
      invocations: count,
      row: grid.row,
      first: "i",
      comment: "output index -> output coordinates -> where each input's sum starts",
    }),
    ...(summed.length === 0
      ? [write(parts.product)]
      : ["  var acc = 0.0;", ...laneSum(terms, wgsl(terms), 1, parts.term, "  "), write("acc")]),
    "}",
    "",
  ];
  const shape = summed.length === 0 ? `${shown(count)} outputs` : `${shown(count)} outputs of ${shown(terms)} terms`;
  const what = "one invocation per output element";
  const code = [
    ...header(kernel, { what, shape, workgroup: ELEMENT_WORKGROUP, dispatch: grid.describe }),
    ...bindings(dims, t, ins, t.wgsl),
    ...body,
  ].join("\n");
  return { code, ...grid.spec, ...runtimeParams(dims) };
}

/** The kernel whose `lanes` invocations share each output element's sum (loop-sums `sharedSumMain`). */
function sharedSumKernel(
  kernel: LoopKernel,
  parts: SumParts,
  lanes: number,
  maxWorkgroupsPerDimension: number,
): KernelSpec {
  const { ctx, type: t, count } = kernel;
  const { spec, dims, ins } = ctx;
  const { terms } = parts;
  const perWorkgroup = REDUCTION_WORKGROUP / lanes;
  const grid = workgroupGrid(dims, count, spec.output, perWorkgroup, maxWorkgroupsPerDimension);
  const body = sharedSumMain(ctx, { count, terms, lanes, row: grid.row }, parts);
  const code = [
    ...header(kernel, {
      what: `${lanes} invocations per output element, sharing its sum`,
      shape: `${shown(count)} outputs of ${shown(terms)} terms, ${perWorkgroup} per workgroup`,
      workgroup: REDUCTION_WORKGROUP,
      dispatch: grid.describe,
    }),
    ...bindings(dims, t, ins, t.wgsl),
    `var<workgroup> partial: array<f32, ${REDUCTION_WORKGROUP}>;`,
    "",
    ...body,
    "}",
    "",
  ].join("\n");
  return { code, ...grid.spec, workgroupBytes: 4 * REDUCTION_WORKGROUP, ...runtimeParams(dims) };
}

/** The params a kernel sized at run time reads after the buffer offsets, if any. */
function runtimeParams(dims: KernelDims): Pick<KernelSpec, "runtimeParams"> {
  return dims.fields.length === 0 ? {} : { runtimeParams: dims.fields.map((f) => f.ref) };
}

/**
 * The dispatch of the kernel whose lanes share sums, `perWorkgroup` outputs a workgroup: baked in when `count` is a
 * constant, else sized by the runtime.
 */
function workgroupGrid(
  dims: KernelDims,
  count: Value,
  labels: readonly string[],
  perWorkgroup: number,
  maxWorkgroupsPerDimension: number,
): { spec: Pick<KernelSpec, "workgroups" | "runtimeDispatch">; row: Value; describe: string } {
  if (typeof count === "number") {
    const workgroups = dispatchGrid(Math.ceil(count / perWorkgroup), maxWorkgroupsPerDimension);
    return { spec: { workgroups }, row: workgroups[0], describe: workgroups.join(" x ") };
  }
  return {
    spec: { workgroups: [0, 0], runtimeDispatch: [{ labels, per: perWorkgroup }] },
    row: dims.grid(1),
    describe: "sized at run time",
  };
}

/**
 * The dispatch of a one-invocation-per-element kernel: baked in when `count` is a constant, else
 * sized by the runtime (`runtimeDispatch`), which writes the grid's row length into params.
 */
function gridFor(
  dims: KernelDims,
  count: Value,
  labels: readonly string[],
  maxWorkgroupsPerDimension: number,
): { spec: Pick<KernelSpec, "workgroups" | "runtimeDispatch">; row: Value; describe: string } {
  if (typeof count === "number") {
    const workgroups = dispatchGrid(Math.ceil(count / ELEMENT_WORKGROUP), maxWorkgroupsPerDimension);
    return { spec: { workgroups }, row: workgroups[0] * ELEMENT_WORKGROUP, describe: workgroups.join(" x ") };
  }
  return {
    spec: { workgroups: [0, 0], runtimeDispatch: [{ labels, per: ELEMENT_WORKGROUP }] },
    row: dims.grid(ELEMENT_WORKGROUP),
    describe: "sized at run time",
  };
}

/**
 * The loop kernel: one invocation per output element, looping over the summed labels and
 * multiplying every input. It runs any step of any number of inputs (reductions, diagonals,
 * permutations, outer and elementwise products) with no temporaries; it keeps nothing in fast
 * memory, so contractions with long sums go to the tiled `direct` kernel instead. It is also
 * the "one thread per output" baseline of the benchmarks (what onnxruntime-web's Einsum does).
 * Bindings: inputs `in0..`, then `out`, then `params` (each input's offset, then `out_offset`).
 */
import { contiguousStrides, isContiguous } from "../views.js";
import type { Dtype } from "../plan.js";
import { canonicalNames, decompose, dot, ELEMENT_WORKGROUP, elementType, KernelDims, paramsStruct, perElementMain, shown, u32, wgsl, type ElementType, type Value } from "./common.js";
import { dispatchGrid, type KernelSpec } from "./kernel.js";

export interface LoopKernelInput {
  readonly labels: readonly string[];
  /** Element stride per label, 0 where the input broadcasts. */
  readonly strides: readonly number[];
}

export interface LoopKernelSpec {
  readonly inputs: readonly LoopKernelInput[];
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
}

export function emitLoopKernel(spec: LoopKernelSpec, maxWorkgroupsPerDimension: number): KernelSpec | undefined {
  const names = canonicalNames([...spec.inputs.map((i) => i.labels), spec.output]);
  const n = (l: string) => names.get(l)!;
  const dims = new KernelDims(spec.sizes, spec.runtimeSizes === undefined ? undefined : new Set(spec.runtimeSizes), n);
  const count = dims.product(spec.output);
  if (count === 0) return undefined;
  const t = elementType(spec.dtype);
  const size = (l: string) => spec.sizes[l]!;
  const first = spec.inputs[0]!;
  const summed = [...new Set(spec.inputs.flatMap((i) => i.labels))]
    .filter((l) => !spec.output.includes(l))
    .sort((x, y) => strideOf(first, y) - strideOf(first, x)); // innermost loop over the smallest stride
  const ins = spec.inputs.map((_, k) => `in${k}`);
  const equation = `${spec.inputs.map((i) => i.labels.map(n).join("")).join(",")}->${spec.output.map(n).join("")}`;
  const outShape = spec.output.map(size);
  const outStrides = spec.outStrides ?? contiguousStrides(outShape);
  // Sized at run time, only a fresh output is sure to stay contiguous (its strides follow its
  // sizes); a caller's view may have other strides with the same 0s and 1s.
  const contiguous = isContiguous({ shape: outShape, strides: outStrides, offset: 0 }) && (!dims.sized || spec.fresh === true);
  // A product with nothing to sum (outer, elementwise, broadcast, permutation) only moves memory:
  // into a fresh contiguous output whose last side is a multiple of 4, each invocation writes 4
  // neighbours as one vec4, a quarter of the invocations and index arithmetic.
  const last = spec.output[spec.output.length - 1];
  if (typeof count === "number" && !dims.sized && summed.length === 0 && spec.fresh === true && contiguous && spec.accumulate !== true && last !== undefined && size(last) % 4 === 0) {
    return emitVectorKernel(spec, t, ins, equation, count, last, names, maxWorkgroupsPerDimension);
  }
  const grid = gridFor(dims, count, spec.output, maxWorkgroupsPerDimension);
  const stride = (k: number, input: LoopKernelInput) => (l: string) => dims.stride(k, ins[k]!, l, strideOf(input, l));
  const target = `out[params.out_offset + ${contiguous ? "i" : dot(spec.output.map((l) => `c_${n(l)}`), spec.output.map((l, d) => dims.stride("out", "out", l, outStrides[d]!)))}]`;
  const write = (value: string) => `  ${t.write(target, value, spec.accumulate === true)}`;
  const product = spec.inputs
    .map((input, k) => t.load(`${ins[k]}[${ins[k]}_base${summed.some((l) => strideOf(input, l) !== 0) ? ` + ${dot(summed.map((l) => `s_${n(l)}`), summed.map(stride(k, input)))}` : ""}]`))
    .join(" * ");
  const loops = summed.map((l, d) => `${"  ".repeat(d + 1)}for (var s_${n(l)} = 0u; s_${n(l)} < ${wgsl(dims.size(l))}; s_${n(l)}++) {`);
  const inner = "  ".repeat(summed.length + 1);
  const body = [
    ...kernelMain(spec, dims, ins, names, count, grid.row, "i", "output index -> output coordinates -> where each input's sum starts"),
    ...(summed.length === 0
      ? [write(product)]
      : ["  var acc = 0.0;", ...loops, `${inner}acc += ${product};`, ...summed.map((_, d) => `${"  ".repeat(summed.length - d)}}`), write("acc")]),
    "}",
    "",
  ];
  const code = [
    ...t.enable,
    `// einsight: loop kernel, ${spec.title}: one invocation per output element`,
    ...describeInputs(spec, dims, ins, equation, names),
    ...(contiguous && spec.accumulate !== true ? [] : [`//   out strides ${spec.output.map((l, d) => `${n(l)}:${dims.showStride(outStrides[d]!)}`).join(" ") || "(scalar)"}${spec.accumulate === true ? ", accumulated" : ""}`]),
    `//   ${shown(count)} outputs, workgroup size ${ELEMENT_WORKGROUP}, dispatch ${grid.describe}`,
    ...bindings(dims, t, ins, t.wgsl),
    ...body,
  ].join("\n");
  return { code, ...grid.spec, ...(dims.fields.length === 0 ? {} : { runtimeParams: dims.fields.map((f) => f.ref) }) };
}

/**
 * The dispatch of a one-invocation-per-element kernel: baked in when `count` is a constant, else
 * sized by the runtime (`runtimeDispatch`), which writes the grid's row length into params.
 */
function gridFor(dims: KernelDims, count: Value, labels: readonly string[], maxWorkgroupsPerDimension: number): { spec: Pick<KernelSpec, "workgroups" | "runtimeDispatch">; row: Value; describe: string } {
  if (typeof count === "number") {
    const workgroups = dispatchGrid(Math.ceil(count / ELEMENT_WORKGROUP), maxWorkgroupsPerDimension);
    return { spec: { workgroups }, row: workgroups[0] * ELEMENT_WORKGROUP, describe: workgroups.join(" x ") };
  }
  return { spec: { workgroups: [0, 0], runtimeDispatch: [{ labels, per: ELEMENT_WORKGROUP }] }, row: dims.grid(ELEMENT_WORKGROUP), describe: "sized at run time" };
}

/** The loop kernel for a step with nothing to sum, 4 outputs (neighbours along `last`) per invocation. */
function emitVectorKernel(spec: LoopKernelSpec, t: ElementType, ins: readonly string[], equation: string, count: number, last: string, names: ReadonlyMap<string, string>, maxWorkgroupsPerDimension: number): KernelSpec {
  const quads = count / 4;
  const workgroups = dispatchGrid(Math.ceil(quads / ELEMENT_WORKGROUP), maxWorkgroupsPerDimension);
  const dims = new KernelDims(spec.sizes, undefined, (l) => names.get(l)!);
  const element = (e: number) => spec.inputs.map((input, k) => t.load(`${ins[k]}[${ins[k]}_base${e === 0 || strideOf(input, last) === 0 ? "" : ` + ${u32(e * strideOf(input, last))}`}]`)).join(" * ");
  const quad = `vec4<f32>(${[0, 1, 2, 3].map(element).join(", ")})`;
  const code = [
    ...t.enable,
    `// einsight: loop kernel, ${spec.title}: 4 neighbouring output elements per invocation (vec4 stores)`,
    ...describeInputs(spec, dims, ins, equation, names),
    `//   ${count} outputs in ${quads} vec4, workgroup size ${ELEMENT_WORKGROUP}, dispatch ${workgroups.join(" x ")}`,
    ...bindings(dims, t, ins, `vec4<${t.wgsl}>`),
    ...kernelMain(spec, dims, ins, names, quads, workgroups[0] * ELEMENT_WORKGROUP, "i * 4u", "first output of the four -> output coordinates -> where each input's element is"),
    `  out[i] = ${t.wgsl === "f32" ? quad : `vec4<${t.wgsl}>(${quad})`};`,
    "}",
    "",
  ].join("\n");
  return { code, workgroups };
}

/** Both loop kernels' bindings, after their bodies have named every param they read. */
function bindings(dims: KernelDims, t: ElementType, ins: readonly string[], outType: string): string[] {
  return [
    paramsStruct([...ins.map((i) => `${i}_offset`), "out_offset", ...dims.fields.map((f) => f.name)]),
    ...ins.map((name, k) => `@group(0) @binding(${k}) var<storage, read> ${name}: array<${t.wgsl}>;`),
    `@group(0) @binding(${ins.length}) var<storage, read_write> out: array<${outType}>;`,
    `@group(0) @binding(${ins.length + 1}) var<uniform> params: Params;`,
    "",
  ];
}

/**
 * What both loop kernels' main begins with: the invocation's index, the coordinates of its (first)
 * output element `first`, and where each input's elements for it start.
 */
function kernelMain(spec: LoopKernelSpec, dims: KernelDims, ins: readonly string[], names: ReadonlyMap<string, string>, invocations: Value, row: Value, first: string, comment: string): string[] {
  const n = (l: string) => names.get(l)!;
  return [
    ...perElementMain(invocations, row),
    `  // ${comment}`,
    ...decompose(first, spec.output.map(n), spec.output.map((l) => dims.size(l)), "c_"),
    ...spec.inputs.map((input, k) => `  let ${ins[k]}_base = params.${ins[k]}_offset + ${dot(spec.output.map((l) => `c_${n(l)}`), spec.output.map((l) => dims.stride(k, ins[k]!, l, strideOf(input, l))))};`),
  ];
}

/** The header lines that say what a loop kernel computes: its equation, sizes and input strides. */
function describeInputs(spec: LoopKernelSpec, dims: KernelDims, ins: readonly string[], equation: string, names: ReadonlyMap<string, string>): string[] {
  return [
    `//   ${equation}   sizes ${[...names].map(([l, name]) => `${name}=${dims.showSize(l)}`).join(" ")}${dims.note}`,
    ...spec.inputs.map((input, k) => `//   ${ins[k]} strides ${input.labels.map((l, i) => `${names.get(l)}:${dims.showStride(input.strides[i]!)}`).join(" ") || "(scalar)"}`),
  ];
}

/** An input's element stride along `label`, 0 where it lacks the label (broadcast). */
function strideOf(input: LoopKernelInput, label: string): number {
  const i = input.labels.indexOf(label);
  return i < 0 ? 0 : input.strides[i]!;
}

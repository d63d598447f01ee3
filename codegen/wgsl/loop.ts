/**
 * The loop kernel: one invocation per output element, looping over the summed labels and
 * multiplying every input. It runs any step of any number of inputs (reductions, diagonals,
 * permutations, outer and elementwise products) with no temporaries; it keeps no operand tile in
 * fast memory, so contractions with many outputs and long sums go to the tiled `direct` kernel
 * instead. Sums are cascaded (pairwise-accurate), and where few outputs sum many terms, several
 * invocations share each sum and add their parts as a tree (codegen/reduction decides). It is
 * also the "one thread per output" baseline of the benchmarks (what onnxruntime-web's Einsum does).
 * Bindings: inputs `in0..`, then `out`, then `params` (each input's offset, then `out_offset`).
 */
import { strideOf, type Strided } from "../access.js";
import type { Dtype } from "../dtype.js";
import { CASCADE_BLOCK, REDUCTION_WORKGROUP } from "../reduction.js";
import { contiguousStrides, isContiguous } from "../views.js";
import { canonicalNames, decompose, dot, ELEMENT_WORKGROUP, elementType, KernelDims, knownConstant, laterConstant, paramsStruct, perElementMain, shown, u32, wgsl, type ElementType, type Value } from "./common.js";
import { dispatchGrid, type KernelSpec } from "./kernel.js";

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
interface LoopContext {
  readonly spec: LoopKernelSpec;
  readonly dims: KernelDims;
  readonly ins: readonly string[];
  readonly names: ReadonlyMap<string, string>;
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
  const ctx: LoopContext = { spec, dims, ins, names };
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
    return emitVectorKernel(ctx, { type: t, equation, count, last }, maxWorkgroupsPerDimension);
  }
  const target = `out[params.out_offset + ${contiguous ? "i" : dot(spec.output.map((l) => `c_${n(l)}`), spec.output.map((l, d) => dims.stride("out", "out", l, outStrides[d]!)))}]`;
  const write = (value: string, indent = "  ") => `${indent}${t.write(target, value, spec.accumulate === true)}`;
  const header = (what: string, shape: string, workgroup: number, dispatch: string) => [
    ...t.enable,
    `// einsight: loop kernel, ${spec.title}: ${what}`,
    ...describeInputs(spec, dims, ins, equation, names),
    ...(contiguous && spec.accumulate !== true ? [] : [`//   out strides ${spec.output.map((l, d) => `${n(l)}:${dims.showStride(outStrides[d]!)}`).join(" ") || "(scalar)"}${spec.accumulate === true ? ", accumulated" : ""}`]),
    `//   ${shape}, workgroup size ${workgroup}, dispatch ${dispatch}`,
  ];
  const sum = summedDims(summed, spec, dims, ins, n);
  const product = spec.inputs.map((input, k) => t.load(`${ins[k]}[${ins[k]}_base${sum.some((d) => d.strides[k] !== 0) ? ` + ${dot(sum.map((d) => `s_${d.name}`), sum.map((d) => d.strides[k]!))}` : ""}]`)).join(" * ");
  const term = (index: string, indent: string) => [...decompose(index, sum.map((d) => d.name), sum.map((d) => d.size), "s_", indent), `${indent}let term = ${product};`];
  const terms = dims.product(summed);
  const lanes = summed.length === 0 ? 1 : (spec.lanes ?? 1);
  if (lanes === 1) {
    const grid = gridFor(dims, count, spec.output, maxWorkgroupsPerDimension);
    const body = [
      ...kernelMain(ctx, { invocations: count, row: grid.row, first: "i", comment: "output index -> output coordinates -> where each input's sum starts" }),
      ...(summed.length === 0 ? [write(product)] : ["  var acc = 0.0;", ...laneSum(terms, wgsl(terms), 1, term, "  "), write("acc")]),
      "}",
      "",
    ];
    const shape = summed.length === 0 ? `${shown(count)} outputs` : `${shown(count)} outputs of ${shown(terms)} terms`;
    const code = [...header("one invocation per output element", shape, ELEMENT_WORKGROUP, grid.describe), ...bindings(dims, t, ins, t.wgsl), ...body].join("\n");
    return { code, ...grid.spec, ...runtimeParams(dims) };
  }
  const perWorkgroup = REDUCTION_WORKGROUP / lanes;
  const grid = workgroupGrid(dims, count, spec.output, perWorkgroup, maxWorkgroupsPerDimension);
  const body = sharedSumMain(ctx, { count, terms, lanes, row: grid.row }, { term, write });
  const code = [
    ...header(`${lanes} invocations per output element, sharing its sum`, `${shown(count)} outputs of ${shown(terms)} terms, ${perWorkgroup} per workgroup`, REDUCTION_WORKGROUP, grid.describe),
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

/** The most terms the plan lets an output sum (codegen/plan `checkIndexRange`): loops below never wrap a u32. */
const U32_MAX = 2 ** 32 - 1;

/**
 * The lines that add one lane's terms into `acc`, cascaded (codegen/reduction); `total` is the
 * number of terms in WGSL, and `term(index)` declares `term` for a flat summed index. Lane `sub`
 * of `lanes` takes terms sub, sub + lanes, ...: each round's CASCADE_BLOCK of them are summed
 * serially and the block joins a binary counter (level l holds the sum of 2^l blocks, so equal
 * partial sums meet); then the terms left after the whole rounds, then the levels, smallest first.
 */
function laneSum(terms: Value, total: string, lanes: number, term: (index: string, indent: string) => string[], indent: string): string[] {
  const span = lanes * CASCADE_BLOCK; // the terms of one round of every lane
  const levels = counterLevels(typeof terms === "number" ? Math.floor(terms / span) : Math.floor(U32_MAX / span));
  const [in2, in3] = [`${indent}  `, `${indent}    `];
  const step = lanes === 1 ? "" : ` * ${u32(lanes)}`;
  const sub = lanes === 1 ? "" : " + sub";
  const rounds = levels === 0
    ? []
    : [
        `${indent}let rounds = ${total} / ${u32(span)};`,
        `${indent}var levels: array<f32, ${levels}>;`,
        `${indent}for (var b = 0u; b < rounds; b++) {`,
        `${in2}var block = 0.0;`,
        `${in2}for (var e = 0u; e < ${u32(CASCADE_BLOCK)}; e++) {`,
        ...term(`b * ${u32(span)} + e${step}${sub}`, in3),
        `${in3}block += term;`,
        `${in2}}`,
        `${in2}let carries = countTrailingZeros(b + 1u);`,
        `${in2}for (var l = 0u; l < carries; l++) { block = levels[l] + block; }`,
        `${in2}levels[carries] = block;`,
        `${indent}}`,
      ];
  const whose = lanes === 1 ? "the terms" : `this lane's terms (sub, sub + ${lanes}, ...)`;
  const comment = levels === 0 ? (lanes === 1 ? [] : [`${indent}// ${whose}`]) : [`${indent}// ${whose} in blocks of ${CASCADE_BLOCK}, combined pairwise through a binary counter of partial sums`];
  return [
    ...comment,
    ...rounds,
    `${indent}for (var r = ${lanes === 1 ? "0u" : "sub"}; r < ${levels === 0 ? total : `${total} - rounds * ${u32(span)}`}; r${lanes === 1 ? "++" : ` += ${u32(lanes)}`}) {`,
    ...term(levels === 0 ? "r" : `rounds * ${u32(span)} + r`, in2),
    `${in2}acc += term;`,
    `${indent}}`,
    ...(levels === 0 ? [] : [`${indent}for (var l = 0u; l < ${u32(levels)}; l++) {`, `${indent}  if ((rounds & (1u << l)) != 0u) { acc = levels[l] + acc; }`, `${indent}}`]),
  ];
}

/** Levels a binary counter of up to `blocks` blocks needs: the bit length of `blocks`. */
function counterLevels(blocks: number): number {
  return blocks < 1 ? 0 : Math.floor(Math.log2(blocks)) + 1;
}

/**
 * The main of the kernel whose `lanes` invocations share each output's sum (`laneSum` each), then
 * add their partial sums as a tree in workgroup memory; lane 0 writes. Every invocation reaches
 * every barrier (those past the last output sum nothing), so the barriers stay in uniform control
 * flow.
 */
function sharedSumMain(
  ctx: LoopContext,
  shape: { count: Value; terms: Value; lanes: number; row: Value },
  body: { term: (index: string, indent: string) => string[]; write: (value: string, indent?: string) => string },
): string[] {
  const { spec, dims, ins, names } = ctx;
  const { term, write } = body;
  const n = (l: string) => names.get(l)!;
  const { count, terms, lanes, row } = shape;
  const perWorkgroup = REDUCTION_WORKGROUP / lanes;
  const [known, later] = [knownConstant, laterConstant];
  const constants = [...known("COUNT", count), ...known("TERMS", terms, " // summed per output"), ...known("ROW", row, " // workgroups per row of the dispatch grid")];
  return [
    ...(constants.length === 0 ? [] : [...constants, ""]),
    `@compute @workgroup_size(${REDUCTION_WORKGROUP})`,
    "fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lane: u32) {",
    ...later("COUNT", count),
    ...later("TERMS", terms),
    ...later("ROW", row),
    `  // output i, summed by ${lanes} lanes; this invocation is lane sub`,
    perWorkgroup === 1 ? "  let i = wid.x + wid.y * ROW;" : `  let i = (wid.x + wid.y * ROW) * ${u32(perWorkgroup)} + lane / ${u32(lanes)};`,
    perWorkgroup === 1 ? "  let sub = lane;" : `  let sub = lane % ${u32(lanes)};`,
    "  // output index -> output coordinates -> where each input's sum starts",
    ...decompose("i", spec.output.map(n), spec.output.map((l) => dims.size(l)), "c_"),
    ...spec.inputs.map((input, k) => `  let ${ins[k]}_base = params.${ins[k]}_offset + ${dot(spec.output.map((l) => `c_${n(l)}`), spec.output.map((l) => dims.stride(k, ins[k]!, l, strideOf(input, l))))};`),
    "  var acc = 0.0;",
    "  if (i < COUNT) {",
    ...laneSum(terms, "TERMS", lanes, term, "    "),
    "  }",
    "  // the lanes' partial sums, added pairwise",
    "  partial[lane] = acc;",
    `  for (var width = ${u32(lanes / 2)}; width > 0u; width /= 2u) {`,
    "    workgroupBarrier();",
    "    if (sub < width) { partial[lane] = partial[lane] + partial[lane + width]; }",
    "  }",
    "  if (sub == 0u && i < COUNT) {",
    write("partial[lane]", "    "),
    "  }",
  ];
}

/** One summed dimension of a sum's flattened index: its size and each input's stride. */
interface SummedDim {
  readonly name: string;
  readonly size: Value;
  readonly strides: readonly Value[];
}

/**
 * The summed labels (outermost first) as the sums walk them: neighbours that every input steps
 * through as one (outer stride = inner stride x inner size: a contiguous or broadcast block) merge
 * into one dimension, so fewer divisions split the flat index. Not where strides are read at run
 * time.
 */
function summedDims(summed: readonly string[], spec: LoopKernelSpec, dims: KernelDims, ins: readonly string[], n: (l: string) => string): SummedDim[] {
  const out: SummedDim[] = [];
  summed.forEach((l, i) => {
    const d: SummedDim = { name: n(l), size: dims.size(l), strides: spec.inputs.map((input, k) => dims.stride(k, ins[k]!, l, strideOf(input, l))) };
    const outer = out[out.length - 1];
    // every size and stride is the plan's number here (not sized at run time)
    const merges = outer !== undefined && !dims.sized && spec.inputs.every((input) => strideOf(input, summed[i - 1]!) === strideOf(input, l) * spec.sizes[l]!);
    if (merges) out[out.length - 1] = { ...d, size: Number(outer.size) * spec.sizes[l]! };
    else out.push(d);
  });
  return out;
}

/** The dispatch of the kernel whose lanes share sums, `perWorkgroup` outputs a workgroup: baked in when `count` is a constant, else sized by the runtime. */
function workgroupGrid(dims: KernelDims, count: Value, labels: readonly string[], perWorkgroup: number, maxWorkgroupsPerDimension: number): { spec: Pick<KernelSpec, "workgroups" | "runtimeDispatch">; row: Value; describe: string } {
  if (typeof count === "number") {
    const workgroups = dispatchGrid(Math.ceil(count / perWorkgroup), maxWorkgroupsPerDimension);
    return { spec: { workgroups }, row: workgroups[0], describe: workgroups.join(" x ") };
  }
  return { spec: { workgroups: [0, 0], runtimeDispatch: [{ labels, per: perWorkgroup }] }, row: dims.grid(1), describe: "sized at run time" };
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
function emitVectorKernel(ctx: LoopContext, kernel: { type: ElementType; equation: string; count: number; last: string }, maxWorkgroupsPerDimension: number): KernelSpec {
  const { spec, dims, ins, names } = ctx;
  const { type: t, equation, count, last } = kernel;
  const quads = count / 4;
  const workgroups = dispatchGrid(Math.ceil(quads / ELEMENT_WORKGROUP), maxWorkgroupsPerDimension);
  const element = (e: number) => spec.inputs.map((input, k) => t.load(`${ins[k]}[${ins[k]}_base${e === 0 || strideOf(input, last) === 0 ? "" : ` + ${u32(e * strideOf(input, last))}`}]`)).join(" * ");
  const quad = `vec4<f32>(${[0, 1, 2, 3].map(element).join(", ")})`;
  const code = [
    ...t.enable,
    `// einsight: loop kernel, ${spec.title}: 4 neighbouring output elements per invocation (vec4 stores)`,
    ...describeInputs(spec, dims, ins, equation, names),
    `//   ${count} outputs in ${quads} vec4, workgroup size ${ELEMENT_WORKGROUP}, dispatch ${workgroups.join(" x ")}`,
    ...bindings(dims, t, ins, `vec4<${t.wgsl}>`),
    ...kernelMain(ctx, { invocations: quads, row: workgroups[0] * ELEMENT_WORKGROUP, first: "i * 4u", comment: "first output of the four -> output coordinates -> where each input's element is" }),
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
function kernelMain(ctx: LoopContext, main: { invocations: Value; row: Value; first: string; comment: string }): string[] {
  const { spec, dims, ins, names } = ctx;
  const { first } = main;
  const n = (l: string) => names.get(l)!;
  return [
    ...perElementMain(main.invocations, main.row),
    `  // ${main.comment}`,
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

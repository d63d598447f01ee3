/**
 * The sums of the loop kernel: the order it walks the summed labels in, the cascaded
 * (pairwise-accurate) sum of one lane's terms, and the main of the kernel whose lanes share each
 * output's sum and add their parts as a tree in workgroup memory (codegen/reduction decides the
 * lanes and the block).
 */
import { strideOf } from "../access.js";
import { CASCADE_BLOCK, REDUCTION_WORKGROUP } from "../reduction.js";
import { knownConstant, laterConstant, u32, type Value } from "./common.js";
import { inputBases, type LoopContext, type LoopKernelSpec } from "./loop-frame.js";

/** Lines declaring `term` (the product of the inputs' elements) for the flat summed index `index`. */
export type Term = (index: string, indent: string) => string[];

/** The most terms the plan lets an output sum (codegen/plan `checkIndexRange`): loops below never wrap a u32. */
const U32_MAX = 2 ** 32 - 1;

/**
 * The labels summed over (in no output), outermost first: the innermost loop steps along the first
 * input's smallest stride.
 */
export function summedLabels(spec: LoopKernelSpec): string[] {
  const first = spec.inputs[0]!;
  return [...new Set(spec.inputs.flatMap((i) => i.labels))]
    .filter((l) => !spec.output.includes(l))
    .sort((x, y) => strideOf(first, y) - strideOf(first, x));
}

/** One summed dimension of a sum's flattened index: its size and each input's stride. */
export interface SummedDim {
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
export function summedDims(ctx: LoopContext, summed: readonly string[]): SummedDim[] {
  const { spec, dims, ins, names } = ctx;
  const out: SummedDim[] = [];
  summed.forEach((l, i) => {
    const d: SummedDim = {
      name: names.get(l)!,
      size: dims.size(l),
      strides: spec.inputs.map((input, k) => dims.stride(k, ins[k]!, l, strideOf(input, l))),
    };
    const outer = out[out.length - 1];
    // every size and stride is the plan's number here (not sized at run time)
    const merges =
      outer !== undefined &&
      !dims.sized &&
      spec.inputs.every((input) => strideOf(input, summed[i - 1]!) === strideOf(input, l) * spec.sizes[l]!);
    if (merges) out[out.length - 1] = { ...d, size: Number(outer.size) * spec.sizes[l]! };
    else out.push(d);
  });
  return out;
}

/**
 * The lines that add one lane's terms into `acc`, cascaded (codegen/reduction); `total` is the
 * number of terms in WGSL, and `term(index)` declares `term` for a flat summed index. Lane `sub`
 * of `lanes` takes terms sub, sub + lanes, ...: each round's CASCADE_BLOCK of them are summed
 * serially and the block joins a binary counter (level l holds the sum of 2^l blocks, so equal
 * partial sums meet); then the terms left after the whole rounds, then the levels, smallest first.
 */
export function laneSum(terms: Value, total: string, lanes: number, term: Term, indent: string): string[] {
  const span = lanes * CASCADE_BLOCK; // the terms of one round of every lane
  const levels = counterLevels(typeof terms === "number" ? Math.floor(terms / span) : Math.floor(U32_MAX / span));
  const in2 = `${indent}  `;
  const whose = lanes === 1 ? "the terms" : `this lane's terms (sub, sub + ${lanes}, ...)`;
  const comment =
    levels === 0
      ? lanes === 1
        ? []
        : [`${indent}// ${whose}`]
      : [
          `${indent}// ${whose} in blocks of ${CASCADE_BLOCK}, combined pairwise through a binary counter ` +
            `of partial sums`,
        ];
  return [
    ...comment,
    ...(levels === 0 ? [] : counterRounds({ total, lanes, levels, term, indent })),
    `${indent}for (var r = ${lanes === 1 ? "0u" : "sub"}; r < ` +
      `${levels === 0 ? total : `${total} - rounds * ${u32(span)}`}; ` +
      `r${lanes === 1 ? "++" : ` += ${u32(lanes)}`}) {`,
    ...term(levels === 0 ? "r" : `rounds * ${u32(span)} + r`, in2),
    `${in2}acc += term;`,
    `${indent}}`,
    ...(levels === 0
      ? []
      : [
          `${indent}for (var l = 0u; l < ${u32(levels)}; l++) {`,
          `${indent}  if ((rounds & (1u << l)) != 0u) { acc = levels[l] + acc; }`,
          `${indent}}`,
        ]),
  ];
}

/**
 * The whole rounds of `laneSum` (levels > 0): declares `rounds` and `levels`, and leaves the sum of
 * 2^l blocks in `levels[l]` for each bit l set in `rounds`.
 */
function counterRounds(sum: { total: string; lanes: number; levels: number; term: Term; indent: string }): string[] {
  const { total, lanes, levels, term, indent } = sum;
  const span = lanes * CASCADE_BLOCK;
  const [in2, in3] = [`${indent}  `, `${indent}    `];
  const step = lanes === 1 ? "" : ` * ${u32(lanes)}`;
  const sub = lanes === 1 ? "" : " + sub";
  return [
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
}

/** Levels a binary counter of up to `blocks` blocks needs: the bit length of `blocks`. */
function counterLevels(blocks: number): number {
  return blocks < 1 ? 0 : Math.floor(Math.log2(blocks)) + 1;
}

/**
 * The main of the kernel whose `lanes` invocations share each output's sum (`laneSum` each), then
 * add their partial sums as a tree in workgroup memory; lane 0 writes. Every invocation reaches
 * every barrier (those past the last output sum nothing), so the barriers stay in uniform control
 * flow. Without its closing brace.
 */
export function sharedSumMain(
  ctx: LoopContext,
  shape: { count: Value; terms: Value; lanes: number; row: Value },
  body: { term: Term; write: (value: string, indent?: string) => string },
): string[] {
  const { count, terms, lanes, row } = shape;
  const perWorkgroup = REDUCTION_WORKGROUP / lanes;
  const [known, later] = [knownConstant, laterConstant];
  const constants = [
    ...known("COUNT", count),
    ...known("TERMS", terms, " // summed per output"),
    ...known("ROW", row, " // workgroups per row of the dispatch grid"),
  ];
  return [
    ...(constants.length === 0 ? [] : [...constants, ""]),
    `@compute @workgroup_size(${REDUCTION_WORKGROUP})`,
    "fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lane: u32) {",
    ...later("COUNT", count),
    ...later("TERMS", terms),
    ...later("ROW", row),
    `  // output i, summed by ${lanes} lanes; this invocation is lane sub`,
    perWorkgroup === 1
      ? "  let i = wid.x + wid.y * ROW;"
      : `  let i = (wid.x + wid.y * ROW) * ${u32(perWorkgroup)} + lane / ${u32(lanes)};`,
    perWorkgroup === 1 ? "  let sub = lane;" : `  let sub = lane % ${u32(lanes)};`,
    ...inputBases(ctx, "i", "output index -> output coordinates -> where each input's sum starts"),
    "  var acc = 0.0;",
    "  if (i < COUNT) {",
    ...laneSum(terms, "TERMS", lanes, body.term, "    "),
    "  }",
    "  // the lanes' partial sums, added pairwise",
    "  partial[lane] = acc;",
    `  for (var width = ${u32(lanes / 2)}; width > 0u; width /= 2u) {`,
    "    workgroupBarrier();",
    "    if (sub < width) { partial[lane] = partial[lane] + partial[lane + width]; }",
    "  }",
    "  if (sub == 0u && i < COUNT) {",
    body.write("partial[lane]", "    "),
    "  }",
  ];
}

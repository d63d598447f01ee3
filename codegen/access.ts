/**
 * What a step's layouts allow its kernels: which operands the tiled kernel may read 16 bytes at a
 * time, whether it may store its output so, whether subgroup matrices load straight from memory,
 * and the layout ttgt copies into. Decided here, so that the planner (codegen/plan.ts) chooses by
 * the same facts the emitters (codegen/wgsl/) write by, without importing them.
 */
import { DTYPE_BYTES, type Dtype } from "./dtype.js";
import type { SubgroupMatrixShape } from "./profile.js";
import { contiguousStrides } from "./views.js";

/** Distinct labels and the element stride of each (0 where broadcast): how a kernel reads or writes a tensor. */
export interface Strided {
  readonly labels: readonly string[];
  readonly strides: readonly number[];
}

/** Labels of a pairwise step by role: output tiles span batch x m x n, the kernel loops over k. */
export interface Groups {
  readonly batch: readonly string[];
  readonly m: readonly string[];
  readonly n: readonly string[];
  readonly k: readonly string[];
}

/** The element stride along `label`, 0 where the tensor lacks it (broadcast). */
export function strideOf(op: Strided, label: string): number {
  const i = op.labels.indexOf(label);
  return i < 0 ? 0 : op.strides[i]!;
}

/** Whether a group's innermost label has unit stride (an empty group has none). */
export function isUnit(op: Strided, group: readonly string[]): boolean {
  return group.length > 0 && strideOf(op, group[group.length - 1]!) === 1;
}

/**
 * Whether the tiled kernel loads an operand's slabs along its `first` group (a: k before m; b: n
 * before k): where that has unit stride, or neither has.
 */
export function loadsAlongFirst(op: Strided, first: readonly string[], second: readonly string[]): boolean {
  return isUnit(op, first) || !isUnit(op, second);
}

/**
 * Whether a view starting `offset` elements into its buffer starts on a 16-byte boundary: what the
 * kernels' 16-byte loads need. Plans are made for one answer (the runtime's plan cache keys on it).
 */
export function startsAligned(offset: number, dtype: Dtype): boolean {
  return (offset * DTYPE_BYTES[dtype]) % 16 === 0;
}

/**
 * Which operands the tiled kernel can read 16 bytes (`lanes` elements: 4 f32 or 8 f16) at a time
 * along the side it loads fast: that side's innermost label has stride 1 and a size that is a
 * multiple of `lanes`, the operand's other strides are multiples of `lanes`, and it is not empty.
 * Their starts must be 16-byte aligned too (`startsAligned`), which only the planner knows.
 */
export function wideLoads(
  a: Strided,
  b: Strided,
  groups: Groups,
  sizes: Readonly<Record<string, number>>,
  lanes = 4,
): { a: boolean; b: boolean } {
  const ok = (op: Strided, first: readonly string[], second: readonly string[]) => {
    const group = loadsAlongFirst(op, first, second) ? first : second;
    const inner = group[group.length - 1];
    return (
      isUnit(op, group) &&
      sizes[inner!]! % lanes === 0 &&
      op.labels.every((l, i) => l === inner || op.strides[i]! % lanes === 0) &&
      notEmpty(op, sizes)
    );
  };
  return { a: ok(a, groups.k, groups.m), b: ok(b, groups.n, groups.k) };
}

/**
 * Whether the scalar f32 kernel can store its output 16 bytes at a time (runs of 4 columns as one
 * vec4): the innermost n label has stride 1 and a size that is a multiple of 4, every other stride
 * is a multiple of 4, and it is not empty. Its start must be 16-byte aligned too (an intermediate,
 * a fresh result or scratch does; an `out` view where its offset does).
 */
export function wideStores(out: Strided, groups: Groups, sizes: Readonly<Record<string, number>>): boolean {
  const inner = groups.n[groups.n.length - 1];
  return (
    inner !== undefined &&
    strideOf(out, inner) === 1 &&
    sizes[inner]! % 4 === 0 &&
    out.labels.every((l, i) => l === inner || out.strides[i]! % 4 === 0) &&
    notEmpty(out, sizes)
  );
}

/** How the subgroup-matrix kernel reads a and b straight from memory: each group as one stride. */
export interface MatrixLayout {
  readonly aM: number;
  readonly aK: number;
  readonly bK: number;
  readonly bN: number;
}

/**
 * Whether a step can load its subgroup matrices straight from a and b (no staging): every group
 * of labels is one stride (a 2-D matrix per batch index), one of each operand's strides is 1,
 * the others and the batch strides are whole 16-byte units (8 f16), and M, N, K are whole matrices.
 * Their starts must be 16-byte aligned too, which only the planner knows.
 */
export function matrixLayout(
  a: Strided,
  b: Strided,
  groups: Groups,
  sizes: Readonly<Record<string, number>>,
  shape: SubgroupMatrixShape,
): MatrixLayout | undefined {
  const size = (ls: readonly string[]) => ls.reduce((acc, l) => acc * sizes[l]!, 1);
  if (size(groups.m) % shape.m !== 0 || size(groups.n) % shape.n !== 0 || size(groups.k) % shape.k !== 0)
    return undefined;
  const [aM, aK, bK, bN] = [
    fused(a, groups.m, sizes),
    fused(a, groups.k, sizes),
    fused(b, groups.k, sizes),
    fused(b, groups.n, sizes),
  ];
  if (aM === undefined || aK === undefined || bK === undefined || bN === undefined) return undefined;
  const whole = (s: number) => s % 8 === 0;
  const batchOk = groups.batch.every((l) => whole(strideOf(a, l)) && whole(strideOf(b, l)));
  const aOk = (aK === 1 && whole(aM)) || (aM === 1 && whole(aK));
  const bOk = (bN === 1 && whole(bK)) || (bK === 1 && whole(bN));
  return batchOk && aOk && bOk ? { aM, aK, bK, bN } : undefined;
}

/** The label order ttgt's GEMM reads input `i` in: [batch, m, k] for the left, [batch, k, n] for the right. */
export function gemmOrder(g: Groups, i: number): string[] {
  return i === 0 ? [...g.batch, ...g.m, ...g.k] : [...g.batch, ...g.k, ...g.n];
}

/** How ttgt copies input `i` for its GEMM: its labels in `gemmOrder`, contiguous, at offset 0. */
export function gemmCopy(g: Groups, i: number, sizes: Readonly<Record<string, number>>): Strided {
  const order = gemmOrder(g, i);
  return { labels: order, strides: contiguousStrides(order.map((l) => sizes[l]!)) };
}

/**
 * Whether a tensor has elements: an empty one is bound as a few bytes, fewer than the 16 an array
 * of vec4 needs at least (WebGPU refuses the binding), so it is read an element at a time.
 */
function notEmpty(op: Strided, sizes: Readonly<Record<string, number>>): boolean {
  return op.labels.every((l) => sizes[l]! > 0);
}

/** The one stride that walks a group's flat index (outermost label first), if there is one. */
function fused(op: Strided, group: readonly string[], sizes: Readonly<Record<string, number>>): number | undefined {
  const live = group.filter((l) => sizes[l]! > 1);
  if (live.length === 0) return 1; // a single index: any stride serves; 1 keeps the layout checks simple
  for (let i = 0; i + 1 < live.length; i++) {
    if (strideOf(op, live[i]!) !== strideOf(op, live[i + 1]!) * sizes[live[i + 1]!]!) return undefined;
  }
  const inner = strideOf(op, live[live.length - 1]!);
  return inner === 0 ? undefined : inner;
}

/**
 * View arithmetic: how slicing, transposing, expanding, selecting and taking diagonals change a
 * (shape, strides, offset) triple. Pure, so the runtime's tensors, the planner and the oracle agree;
 * no view ever copies data. Strides and offsets are in elements.
 */
import { check, EinsightError } from "./errors.js";

export interface View {
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
}

export function contiguousStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = s;
    s *= shape[d]!;
  }
  return strides;
}

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Whether two shapes (or stride lists) are the same, dimension by dimension. */
export function sameDims(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((n, d) => n === b[d]);
}

/** A whole, non-negative number: a size, a stride or an offset in elements. */
export function isIndex(n: unknown): n is number {
  return typeof n === "number" && Number.isSafeInteger(n) && n >= 0;
}

/** Whether `strides` is one whole, non-negative stride (in elements) per dimension of a rank-`rank` view. */
export function isStrideList(strides: unknown, rank: number): strides is readonly number[] {
  return Array.isArray(strides) && strides.length === rank && strides.every(isIndex);
}

/** True when the view reads elements offset..offset+count-1 in row-major order. */
export function isContiguous(v: View): boolean {
  const want = contiguousStrides(v.shape);
  return v.shape.every((n, d) => n <= 1 || v.strides[d] === want[d]);
}

/**
 * Whether two different indices of the view may name the same element (a stride-0 dimension, or
 * strides that interleave): a view written through must not. Conservative: dimensions sorted by
 * stride must each step past everything the smaller ones reach.
 */
export function mayOverlap(v: Pick<View, "shape" | "strides">): boolean {
  if (v.shape.some((n) => n === 0)) return false;
  const dims = v.shape
    .map((n, d) => ({ n, s: Math.abs(v.strides[d]!) }))
    .filter((d) => d.n > 1)
    .sort((x, y) => x.s - y.s);
  let reach = 0; // the largest offset the smaller dimensions reach
  for (const d of dims) {
    if (d.s <= reach) return true;
    reach += (d.n - 1) * d.s;
  }
  return false;
}

/** The element range `[first, last]` a view touches, or `undefined` for an empty view. */
export function viewExtent(v: View): { first: number; last: number } | undefined {
  if (v.shape.some((n) => n === 0)) return undefined;
  const last = v.shape.reduce((acc, n, d) => acc + (n - 1) * v.strides[d]!, v.offset);
  return { first: v.offset, last };
}

/**
 * Elements `start, start+step, ...` below `end` of `dim`; negative indices count from the end, out-of-range ones
 * clamp (as in Python and torch).
 */
export function sliceView(v: View, dim: number, start = 0, end?: number, step = 1): View {
  const d = normalizeDim(v, dim);
  const n = v.shape[d]!;
  check(
    Number.isSafeInteger(step) && step > 0,
    "invalidIndex",
    () => `slice step must be a positive integer, got ${step}.`,
  );
  const lo = clampIndex(start, n, "start");
  const hi = Math.max(lo, clampIndex(end ?? n, n, "end"));
  const shape = [...v.shape];
  const strides = [...v.strides];
  shape[d] = Math.ceil((hi - lo) / step);
  strides[d] = v.strides[d]! * step;
  return { shape, strides, offset: v.offset + (shape[d] === 0 ? 0 : lo * v.strides[d]!) };
}

/** Swaps two dimensions; by default the last two. */
export function transposeView(v: View, dim0 = -2, dim1 = -1): View {
  const a = normalizeDim(v, dim0);
  const b = normalizeDim(v, dim1);
  const order = v.shape.map((_, d) => (d === a ? b : d === b ? a : d));
  return permuteView(v, order);
}

/** Dimension `d` of the result is dimension `dims[d]` of `v`. */
export function permuteView(v: View, dims: readonly number[]): View {
  const order = dims.map((d) => normalizeDim(v, d));
  const isPermutation = order.length === v.shape.length && new Set(order).size === order.length;
  check(
    isPermutation,
    "invalidPermutation",
    () =>
      `permute(${dims.join(", ")}) is not a permutation of the ${v.shape.length} dimensions of a ` +
      `tensor of shape [${v.shape.join(", ")}]; name each dimension exactly once.`,
  );
  return { shape: order.map((d) => v.shape[d]!), strides: order.map((d) => v.strides[d]!), offset: v.offset };
}

/** Broadcasts size-1 dimensions (stride 0) and prepends new ones; -1 keeps a size. */
export function expandView(v: View, shape: readonly number[]): View {
  const lead = shape.length - v.shape.length;
  const bad = () =>
    `Cannot expand shape [${v.shape.join(", ")}] to [${shape.join(", ")}]: only size-1 dimensions ` +
    `grow, new dimensions go in front, and -1 keeps a size.`;
  check(lead >= 0, "invalidExpand", bad);
  const out: number[] = [];
  const strides: number[] = [];
  shape.forEach((want, d) => {
    const have = d < lead ? undefined : v.shape[d - lead]!;
    const size = want === -1 && have !== undefined ? have : want;
    check(
      Number.isSafeInteger(size) && size >= 0 && (have === undefined || have === size || have === 1),
      "invalidExpand",
      bad,
    );
    out.push(size);
    strides.push(have === undefined || (have === 1 && size !== 1) ? 0 : v.strides[d - lead]!);
  });
  return { shape: out, strides, offset: v.offset };
}

/** Index `index` of `dim`, removing that dimension. */
export function selectView(v: View, dim: number, index: number): View {
  const d = normalizeDim(v, dim);
  const n = v.shape[d]!;
  const i = Number.isSafeInteger(index) && index < 0 ? index + n : index;
  check(
    Number.isSafeInteger(i) && i >= 0 && i < n,
    "invalidIndex",
    () => `select(${dim}, ${index}) is out of range for dimension ${d} of size ${n}.`,
  );
  return {
    shape: v.shape.filter((_, k) => k !== d),
    strides: v.strides.filter((_, k) => k !== d),
    offset: v.offset + i * v.strides[d]!,
  };
}

/**
 * The diagonal of dimensions `dim1` and `dim2` (elements [i, i + offset] for offset >= 0), appended
 * as the last dimension, as in numpy and torch.
 */
export function diagonalView(v: View, offset = 0, dim1 = 0, dim2 = 1): View {
  const a = normalizeDim(v, dim1);
  const b = normalizeDim(v, dim2);
  check(a !== b, "invalidDimension", () => `diagonal needs two different dimensions, got ${dim1} and ${dim2}.`);
  check(Number.isSafeInteger(offset), "invalidIndex", () => `diagonal offset must be an integer, got ${offset}.`);
  const rowShift = Math.max(0, -offset);
  const colShift = Math.max(0, offset);
  const length = Math.max(0, Math.min(v.shape[a]! - rowShift, v.shape[b]! - colShift));
  const keep = v.shape.map((_, d) => d).filter((d) => d !== a && d !== b);
  const start = length === 0 ? 0 : rowShift * v.strides[a]! + colShift * v.strides[b]!;
  return {
    shape: [...keep.map((d) => v.shape[d]!), length],
    strides: [...keep.map((d) => v.strides[d]!), v.strides[a]! + v.strides[b]!],
    offset: v.offset + start,
  };
}

export function normalizeDim(v: View, dim: number): number {
  const rank = v.shape.length;
  const d = Number.isSafeInteger(dim) && dim < 0 ? dim + rank : dim;
  if (!Number.isSafeInteger(d) || d < 0 || d >= rank) {
    if (rank === 0)
      throw new EinsightError(
        "invalidDimension",
        `Dimension ${dim} does not exist: a tensor of rank 0 (a scalar) has no dimensions.`,
      );
    throw new EinsightError(
      "invalidDimension",
      `Dimension ${dim} is out of range for a tensor of rank ${rank} (shape [${v.shape.join(", ")}]); ` +
        `use 0..${rank - 1} or -${rank}..-1.`,
    );
  }
  return d;
}

function clampIndex(i: number, n: number, what: string): number {
  check(Number.isSafeInteger(i), "invalidIndex", () => `slice ${what} must be an integer, got ${i}.`);
  return Math.min(n, Math.max(0, i < 0 ? i + n : i));
}

/**
 * The same elements in the same row-major order with fewer dimensions: size-1 dimensions dropped
 * and neighbours merged where the outer one steps exactly over the inner one. Kernels index less.
 */
export function coalesceView(v: View): View {
  const shape: number[] = [];
  const strides: number[] = [];
  v.shape.forEach((n, d) => {
    if (n === 1) return;
    const k = shape.length - 1;
    if (k >= 0 && strides[k] === v.strides[d]! * n) {
      shape[k] = shape[k]! * n;
      strides[k] = v.strides[d]!;
    } else {
      shape.push(n);
      strides.push(v.strides[d]!);
    }
  });
  return { shape, strides, offset: v.offset };
}

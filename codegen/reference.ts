/**
 * The CPU reference (the tests' oracle, the playground's check): a plain einsum with float64
 * accumulation over (shape, strides, offset) views of flat arrays, for every equation the grammar
 * allows. It is the reference for every GPU result; with it, deterministic operand values and the
 * measure of how far a result is from the reference.
 *
 * It takes label sizes and each dimension's label from codegen/bind (checked on their own by the
 * case table) but does its own indexing, dimension by dimension: a size-1 dimension reads index 0,
 * a repeated label reads the same index twice. So the subtle part of binding, the per-label strides
 * (summed for diagonals, zero where broadcast), is not trusted here but checked against this.
 */
import { bindShapes } from "./bind.js";
import { contiguousStrides, elementCount } from "./views.js";

export interface OracleOperand {
  readonly data: ArrayLike<number>;
  readonly shape: readonly number[];
  readonly strides?: readonly number[];
  readonly offset?: number;
}

export interface OracleResult {
  readonly shape: readonly number[];
  readonly data: Float64Array;
}

export function oracleEinsum(equation: string, operands: readonly OracleOperand[]): OracleResult {
  const { shape, walk } = iterate(equation, operands);
  const out = new Float64Array(elementCount(shape));
  walk((o, at) => {
    let product = 1;
    operands.forEach((op, k) => (product *= op.data[at[k]!]!));
    out[o]! += product;
  });
  return { shape, data: out };
}

/**
 * The gradient of sum(gradOutput * einsum(operands)) with respect to every element of each
 * operand's `data` array (so a view's gradient lands where the view reads, and elements read
 * twice get both contributions): the product rule, term by term, independent of codegen/gradient.
 */
export function oracleGradients(
  equation: string,
  operands: readonly OracleOperand[],
  gradOutput: ArrayLike<number>,
): Float64Array[] {
  const { walk } = iterate(equation, operands);
  const grads = operands.map((op) => new Float64Array(op.data.length));
  walk((o, at) => {
    operands.forEach((_, k) => {
      let product = gradOutput[o]!;
      operands.forEach((op, j) => {
        if (j !== k) product *= op.data[at[j]!]!;
      });
      grads[k]![at[k]!]! += product;
    });
  });
  return grads;
}

/** Every combination of label values: the output index and where each operand reads, in data elements. */
function iterate(equation: string, operands: readonly OracleOperand[]) {
  const binding = bindShapes(equation, operands);
  const outLabels = binding.output.labels;
  const summed = Object.keys(binding.sizes).filter((l) => !outLabels.includes(l));
  const loop = [...outLabels, ...summed]; // output labels outermost: out index = prefix of the loop
  const size = loop.map((l) => binding.sizes[l]!);
  const slot = new Map(loop.map((l, k) => [l, k]));
  const reads = operands.map((op, k) => {
    const strides = op.strides ?? contiguousStrides(op.shape);
    const dims = binding.operands[k]!.dims;
    return {
      offset: op.offset ?? 0,
      dims: dims.map((l, d) => ({ slot: slot.get(l)!, stride: op.shape[d] === 1 ? 0 : strides[d]! })),
    };
  });
  const walk = (visit: (outIndex: number, at: readonly number[]) => void) => {
    const total = elementCount(size);
    const innerCount = elementCount(size.slice(outLabels.length));
    const index = new Array<number>(loop.length).fill(0);
    const at = new Array<number>(reads.length).fill(0);
    for (let n = 0; n < total; n++) {
      reads.forEach((r, k) => {
        let a = r.offset;
        for (const d of r.dims) a += d.stride * index[d.slot]!;
        at[k] = a;
      });
      visit(Math.floor(n / innerCount), at);
      for (let k = loop.length - 1; k >= 0 && ++index[k]! === size[k]; k--) index[k] = 0;
    }
  };
  return { shape: binding.output.shape, walk };
}

/** Largest |a - b| / max(1, |b|) over all elements; Infinity for a length mismatch or NaN. */
export function maxRelativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < actual.length; i++) {
    const e = expected[i]!;
    const err = Math.abs(actual[i]! - e) / Math.max(1, Math.abs(e));
    worst = Number.isNaN(err) ? Infinity : Math.max(worst, err);
  }
  return worst;
}

/** `n` values in [-1, 1) from a small LCG, different for each seed. */
export function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let x = (seed * 2654435761) >>> 0;
  for (let i = 0; i < n; i++) {
    x = (x * 1664525 + 1013904223) >>> 0;
    out[i] = x / 2 ** 31 - 1;
  }
  return out;
}

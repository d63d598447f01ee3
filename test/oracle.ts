/**
 * The CPU oracle: a plain einsum with float64 accumulation over (shape, strides, offset) views of
 * flat arrays, for every equation the grammar allows. It is the reference for every GPU result.
 *
 * It takes label sizes and each dimension's label from codegen/bind (checked on their own by the
 * case table) but does its own indexing, dimension by dimension: a size-1 dimension reads index 0,
 * a repeated label reads the same index twice. So the subtle part of binding, the per-label strides
 * (summed for diagonals, zero where broadcast), is not trusted here but checked against this.
 */
import { bindShapes } from "../codegen/bind.js";
import { contiguousStrides, elementCount } from "../codegen/views.js";

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
  const binding = bindShapes(equation, operands);
  const outLabels = binding.output.labels;
  const summed = Object.keys(binding.sizes).filter((l) => !outLabels.includes(l));
  const loop = [...outLabels, ...summed]; // output labels outermost: out index = prefix of the loop
  const size = loop.map((l) => binding.sizes[l]!);
  const slot = new Map(loop.map((l, k) => [l, k]));
  const reads = operands.map((op, k) => {
    const strides = op.strides ?? contiguousStrides(op.shape);
    const dims = binding.operands[k]!.dims;
    return { data: op.data, offset: op.offset ?? 0, dims: dims.map((l, d) => ({ slot: slot.get(l)!, stride: op.shape[d] === 1 ? 0 : strides[d]! })) };
  });
  const out = new Float64Array(elementCount(binding.output.shape));
  const total = elementCount(size);
  const innerCount = elementCount(size.slice(outLabels.length));
  const index = new Array<number>(loop.length).fill(0);
  for (let n = 0; n < total; n++) {
    let product = 1;
    for (const r of reads) {
      let at = r.offset;
      for (const d of r.dims) at += d.stride * index[d.slot]!;
      product *= r.data[at]!;
    }
    out[Math.floor(n / innerCount)]! += product;
    for (let k = loop.length - 1; k >= 0 && ++index[k]! === size[k]; k--) index[k] = 0;
  }
  return { shape: binding.output.shape, data: out };
}

export { maxRelativeError } from "../bench/data.js";

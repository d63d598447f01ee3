/** How the benchmarks time GPU work, and how they put a suite case's operands on a device. */
import { contiguousStrides } from "../../codegen/views.js";
import type { Gpu } from "../../runtime/device.js";
import { Tensor, tensor } from "../../runtime/tensor.js";
import { values } from "../../test/support/index.js";
import { baseSize, type BenchCase } from "./suite.js";

/** The timing loop is the runtime's (tuneTiles measures with it too). */
export { measure } from "../../runtime/tune.js";

/** A case's operand buffers (deterministic values) and the views of them einsum takes. */
export function caseOperands(
  g: Gpu,
  c: BenchCase,
): { readonly data: Float32Array[]; readonly bases: Tensor[]; readonly views: Tensor[] } {
  const data = c.operands.map((op, k) => values(baseSize(op), k + 1));
  const bases = c.operands.map((op, k) => tensor(g, data[k]!, op.base));
  const views = c.operands.map(
    (op, k) =>
      new Tensor(bases[k]!.storage, op.view.shape, op.view.strides ?? contiguousStrides(op.view.shape), op.view.offset),
  );
  return { data, bases, views };
}

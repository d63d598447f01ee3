/**
 * The copy the runtime runs for `contiguous()` (and for handing a view to a library that reads
 * dense buffers): a strided view into a new contiguous tensor, one invocation per element, its
 * sizes and strides read from params. One kernel per rank and element type serves every view, so
 * the runtime needs no emitter; planned steps copy with wgsl/copy's kernel, whose sizes and
 * strides are constants. Bindings: 0 `src` (read), 1 `dst`, 2 `params`: the view's offset, the
 * element count, invocations per grid row, then per dimension, outermost first, (size, stride).
 */
import type { Dtype } from "../dtype.js";
import { coalesceView, elementCount, type View } from "../views.js";
import { ELEMENT_WORKGROUP, elementType } from "./common.js";
import { dispatchGrid, type KernelSpec } from "./kernel.js";

/** The kernel and params that copy `view` (its offset relative to the bound window); undefined for an empty view. */
export function viewCopy(
  view: View,
  maxWorkgroupsPerDimension: number,
  dtype: Dtype,
): { kernel: KernelSpec; params: number[] } | undefined {
  const count = elementCount(view.shape);
  if (count === 0) return undefined;
  const v = coalesceView(view);
  const dims = v.shape.length === 0 ? [[1, 0]] : v.shape.map((n, d) => [n, v.strides[d]!]);
  const workgroups = dispatchGrid(Math.ceil(count / ELEMENT_WORKGROUP), maxWorkgroupsPerDimension);
  const t = elementType(dtype);
  const code = `${t.enable.join("\n")}
// einsight: copy a strided view of rank ${dims.length} into a contiguous tensor (sizes and strides from params)
struct Params { offset: u32, count: u32, row: u32, pad: u32, dims: array<vec4<u32>, ${dims.length}> }
@group(0) @binding(0) var<storage, read> src: array<${t.wgsl}>;
@group(0) @binding(1) var<storage, read_write> dst: array<${t.wgsl}>;
@group(0) @binding(2) var<uniform> params: Params;

@compute @workgroup_size(${ELEMENT_WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x + gid.y * params.row;
  if (i >= params.count) { return; }
  var rest = i;
  var at = params.offset;
  for (var d = ${dims.length - 1}; d >= 0; d--) {
    let dim = params.dims[d];
    at += (rest % dim.x) * dim.y;
    rest /= dim.x;
  }
  dst[i] = src[at];
}
`;
  const params = [v.offset, count, workgroups[0] * ELEMENT_WORKGROUP, 0, ...dims.flatMap(([n, s]) => [n!, s!, 0, 0])];
  return { kernel: { code, workgroups }, params };
}

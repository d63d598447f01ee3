/**
 * WGSL for materializing a strided view into a new contiguous tensor: one invocation per output
 * element, the source index computed from constant sizes and strides. This is the explicit copy a
 * user asks for with `contiguous()`; einsum kernels never need it.
 */
import { coalesceView, elementCount, type View } from "../views.js";
import { dispatchGrid, type KernelSpec } from "./kernel.js";

/** Invocations per workgroup: 256 is within every adapter's default limits and fills a wave. */
const WORKGROUP_SIZE = 256;

/**
 * `source` is the view relative to the bound window of its buffer (offset in elements from the
 * binding's start). Returns `undefined` when there is nothing to copy (a size-0 view).
 */
export function emitCopyKernel(source: View, maxWorkgroupsPerDimension: number): KernelSpec | undefined {
  const count = elementCount(source.shape);
  if (count === 0) return undefined;
  const v = coalesceView(source);
  const workgroups = dispatchGrid(Math.ceil(count / WORKGROUP_SIZE), maxWorkgroupsPerDimension);
  const code = [
    "// einsight: copy a strided view into a contiguous tensor",
    `//   source shape [${source.shape.join(", ")}], strides [${source.strides.join(", ")}], offset ${source.offset}`,
    `//   coalesced to shape [${v.shape.join(", ")}], strides [${v.strides.join(", ")}]`,
    `//   ${count} elements, workgroup size ${WORKGROUP_SIZE}, dispatch ${workgroups.join(" x ")}`,
    "@group(0) @binding(0) var<storage, read> src: array<f32>;",
    "@group(0) @binding(1) var<storage, read_write> dst: array<f32>;",
    "",
    `const COUNT: u32 = ${count}u;`,
    `const ROW: u32 = ${workgroups[0] * WORKGROUP_SIZE}u; // invocations per row of the dispatch grid`,
    "",
    `@compute @workgroup_size(${WORKGROUP_SIZE})`,
    "fn main(@builtin(global_invocation_id) gid: vec3<u32>) {",
    "  let i = gid.x + gid.y * ROW;",
    "  if (i >= COUNT) { return; }",
    ...sourceIndex(v),
    "  dst[i] = src[src_index];",
    "}",
    "",
  ].join("\n");
  return { code, workgroups };
}

/** `src_index` from the output index `i`: peel coordinates off innermost first. */
function sourceIndex(v: View): string[] {
  const rank = v.shape.length;
  if (rank === 0) return [`  let src_index = ${v.offset}u;`];
  const lines = ["  // output index -> coordinates (innermost first) -> source index", "  var rest = i;"];
  const terms: string[] = [`${v.offset}u`];
  for (let d = rank - 1; d >= 0; d--) {
    const name = `src_c${d}`;
    if (d === 0) lines.push(`  let ${name} = rest;`);
    else lines.push(`  let ${name} = rest % ${v.shape[d]}u;`, `  rest = rest / ${v.shape[d]}u;`);
    terms.push(`${name} * ${v.strides[d]}u`);
  }
  lines.push(`  let src_index = ${terms.join(" + ")};`);
  return lines;
}

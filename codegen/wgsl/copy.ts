/**
 * WGSL for materializing a strided view into a new contiguous tensor: one invocation per output
 * element, the source index computed from the view's sizes and strides. `emitCopyKernel` bakes
 * them in as constants (ttgt's copy into GEMM layout; `direct` never needs it); `emitViewCopy`
 * reads them from params, so one kernel per rank and element type serves every view the runtime
 * copies (`contiguous()`, a view handed to a library that reads dense buffers).
 * Bindings: 0 `src` (read), 1 `dst`, 2 `params` (`src_offset`, `dst_offset` in elements, then
 * what the kernel reads at run time).
 */
import { coalesceView, elementCount, type View } from "../views.js";
import type { Dtype } from "../dtype.js";
import { decompose, dot, ELEMENT_WORKGROUP, elementType, paramsStruct, perElementMain, type Value } from "./common.js";
import { dispatchGrid, type KernelSpec } from "./kernel.js";

/** The view's offset is not baked in (it comes from `params`), so every slice of one shape shares a pipeline. */
export function emitCopyKernel(
  source: Pick<View, "shape" | "strides">,
  maxWorkgroupsPerDimension: number,
  dtype: Dtype = "f32",
): KernelSpec | undefined {
  const count = elementCount(source.shape);
  if (count === 0) return undefined;
  const v = coalesceView({ ...source, offset: 0 });
  const workgroups = dispatchGrid(Math.ceil(count / ELEMENT_WORKGROUP), maxWorkgroupsPerDimension);
  const header = [
    `//   source shape [${source.shape.join(", ")}], strides [${source.strides.join(", ")}]`,
    `//   coalesced to shape [${v.shape.join(", ")}], strides [${v.strides.join(", ")}]`,
    `//   ${count} elements, workgroup size ${ELEMENT_WORKGROUP}, dispatch ${workgroups.join(" x ")}`,
  ];
  const row = workgroups[0] * ELEMENT_WORKGROUP;
  const code = copyCode(dtype, header, { sizes: v.shape, strides: v.strides, count, row }, []);
  return { code, workgroups };
}

/**
 * The copy of `view` (its offset relative to the bound window) with its coalesced sizes and strides,
 * its element count and its grid's row read from params: the kernel depends on the rank and the
 * element type only. Its params, after the two offsets: `count`, `row`, then `size<d>`, `stride<d>`
 * per dimension, outermost first. Undefined for an empty view.
 */
export function emitViewCopy(
  view: View,
  maxWorkgroupsPerDimension: number,
  dtype: Dtype,
): { kernel: KernelSpec; params: number[] } | undefined {
  const count = elementCount(view.shape);
  if (count === 0) return undefined;
  const v = coalesceView(view);
  const workgroups = dispatchGrid(Math.ceil(count / ELEMENT_WORKGROUP), maxWorkgroupsPerDimension);
  const dims = v.shape.map((_, d) => d);
  const fields = ["count", "row", ...dims.flatMap((d) => [`size${d}`, `stride${d}`])];
  const read = (f: string) => `params.${f}`;
  const header = [`//   a view of rank ${dims.length}: its sizes and strides, and the element count, read from params`];
  const sizes = dims.map((d) => read(`size${d}`));
  const strides = dims.map((d) => read(`stride${d}`));
  const code = copyCode(dtype, header, { sizes, strides, count: read("count"), row: read("row") }, fields);
  const row = workgroups[0] * ELEMENT_WORKGROUP;
  const params = [v.offset, 0, count, row, ...v.shape.flatMap((n, d) => [n, v.strides[d]!])];
  return { kernel: { code, workgroups }, params };
}

/**
 * The copy kernel's source for coalesced `sizes` and `strides`, the element `count` and the grid's
 * `row`, each known or read from params (the `fields` after the two offsets), under the `header`
 * comment lines.
 */
function copyCode(
  dtype: Dtype,
  header: readonly string[],
  { sizes, strides, count, row }: { sizes: readonly Value[]; strides: readonly Value[]; count: Value; row: Value },
  fields: readonly string[],
): string {
  const t = elementType(dtype);
  const names = sizes.map((_, d) => String(d));
  return [
    ...t.enable,
    "// einsight: copy a strided view into a contiguous tensor",
    ...header,
    paramsStruct(["src_offset", "dst_offset", ...fields]),
    `@group(0) @binding(0) var<storage, read> src: array<${t.wgsl}>;`,
    `@group(0) @binding(1) var<storage, read_write> dst: array<${t.wgsl}>;`,
    "@group(0) @binding(2) var<uniform> params: Params;",
    "",
    ...perElementMain(count, row),
    "  // output index -> source coordinates -> source index",
    ...decompose("i", names, sizes, "src_c"),
    `  dst[params.dst_offset + i] = src[params.src_offset + ${dot(
      names.map((n) => `src_c${n}`),
      strides,
    )}];`,
    "}",
    "",
  ].join("\n");
}

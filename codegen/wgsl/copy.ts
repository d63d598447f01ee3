/**
 * WGSL for materializing a strided view into a new contiguous tensor: one invocation per output
 * element, the source index computed from constant sizes and strides: ttgt's copy into GEMM
 * layout (`direct` never needs it). The runtime's `contiguous()` copies with wgsl/view-copy's kernel,
 * which reads them from params.
 * Bindings: 0 `src` (read), 1 `dst`, 2 `params` (`src_offset`, `dst_offset` in elements).
 */
import { coalesceView, elementCount, type View } from "../views.js";
import type { Dtype } from "../dtype.js";
import { decompose, dot, ELEMENT_WORKGROUP, elementType, paramsStruct, perElementMain } from "./common.js";
import { dispatchGrid, type KernelSpec } from "./kernel.js";

/** The view's offset is not baked in (it comes from `params`), so every slice of one shape shares a pipeline. */
export function emitCopyKernel(
  source: Pick<View, "shape" | "strides">,
  maxWorkgroupsPerDimension: number,
  dtype: Dtype = "f32",
): KernelSpec | undefined {
  const t = elementType(dtype);
  const count = elementCount(source.shape);
  if (count === 0) return undefined;
  const v = coalesceView({ ...source, offset: 0 });
  const workgroups = dispatchGrid(Math.ceil(count / ELEMENT_WORKGROUP), maxWorkgroupsPerDimension);
  const names = v.shape.map((_, d) => String(d));
  const code = [
    ...t.enable,
    "// einsight: copy a strided view into a contiguous tensor",
    `//   source shape [${source.shape.join(", ")}], strides [${source.strides.join(", ")}]`,
    `//   coalesced to shape [${v.shape.join(", ")}], strides [${v.strides.join(", ")}]`,
    `//   ${count} elements, workgroup size ${ELEMENT_WORKGROUP}, dispatch ${workgroups.join(" x ")}`,
    paramsStruct(["src_offset", "dst_offset"]),
    `@group(0) @binding(0) var<storage, read> src: array<${t.wgsl}>;`,
    `@group(0) @binding(1) var<storage, read_write> dst: array<${t.wgsl}>;`,
    "@group(0) @binding(2) var<uniform> params: Params;",
    "",
    ...perElementMain(count, workgroups[0] * ELEMENT_WORKGROUP),
    "  // output index -> source coordinates -> source index",
    ...decompose("i", names, v.shape, "src_c"),
    `  dst[params.dst_offset + i] = src[params.src_offset + ${dot(
      names.map((n) => `src_c${n}`),
      v.strides,
    )}];`,
    "}",
    "",
  ].join("\n");
  return { code, workgroups };
}

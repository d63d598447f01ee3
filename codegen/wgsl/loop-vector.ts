/**
 * The loop kernel for a product with nothing to sum (outer, elementwise, broadcast, permutation),
 * which only moves memory: into a fresh contiguous output whose last side is a multiple of 4, each
 * invocation writes 4 neighbours as one vec4, a quarter of the invocations and index arithmetic.
 */
import { strideOf } from "../access.js";
import { ELEMENT_WORKGROUP, u32 } from "./common.js";
import { dispatchGrid, type KernelSpec } from "./kernel.js";
import { bindings, describeInputs, kernelMain, type LoopKernel } from "./loop-frame.js";

/**
 * The kernel writing 4 outputs (neighbours along the last output label) per invocation, or
 * undefined where the step does not fit it: something to sum, sizes read at run time, an output
 * that is not fresh and contiguous, accumulation, or a last side that is not a multiple of 4.
 */
export function emitVectorKernel(kernel: LoopKernel, maxWorkgroupsPerDimension: number): KernelSpec | undefined {
  const { ctx, type: t, equation, count } = kernel;
  const { spec, dims, ins } = ctx;
  const last = spec.output[spec.output.length - 1];
  if (
    typeof count !== "number" ||
    dims.sized ||
    kernel.summed.length !== 0 ||
    spec.fresh !== true ||
    !kernel.contiguous ||
    spec.accumulate === true ||
    last === undefined ||
    spec.sizes[last]! % 4 !== 0
  ) {
    return undefined;
  }
  const quads = count / 4;
  const workgroups = dispatchGrid(Math.ceil(quads / ELEMENT_WORKGROUP), maxWorkgroupsPerDimension);
  const elementOffset = (e: number, stride: number) => (e === 0 || stride === 0 ? "" : ` + ${u32(e * stride)}`);
  const element = (e: number) =>
    spec.inputs
      .map((input, k) => t.load(`${ins[k]}[${ins[k]}_base${elementOffset(e, strideOf(input, last))}]`))
      .join(" * ");
  const quad = `vec4<f32>(${[0, 1, 2, 3].map(element).join(", ")})`;
  const code = [
    ...t.enable,
    `// einsight: loop kernel, ${spec.title}: 4 neighbouring output elements per invocation (vec4 stores)`,
    ...describeInputs(ctx, equation),
    `//   ${count} outputs in ${quads} vec4, workgroup size ${ELEMENT_WORKGROUP}, dispatch ${workgroups.join(" x ")}`,
    ...bindings(dims, t, ins, `vec4<${t.wgsl}>`),
    ...kernelMain(ctx, {
      invocations: quads,
      row: workgroups[0] * ELEMENT_WORKGROUP,
      first: "i * 4u",
      comment: "first output of the four -> output coordinates -> where each input's element is",
    }),
    `  out[i] = ${t.wgsl === "f32" ? quad : `vec4<${t.wgsl}>(${quad})`};`,
    "}",
    "",
  ].join("\n");
  return { code, workgroups };
}

/**
 * einsight/runtime: tensors, views, the device, and einsum() for the einsums the build compiled
 * (the bundler plugins and the transformer give each literal call its plan and kernels). No
 * planner: a call that needs a plan made at run time is an EinsightError (`plannerMissing`) until
 * `import "einsight/jit"` installs it. The `einsight` entry is this and the planner.
 */
export { gpu, Gpu, type GpuOptions, type GpuStats } from "./device.js";
export { tensor, zeros, Tensor, type Dtype, type Shape, type TensorOptions } from "./tensor.js";
export { fromGpuBuffer, type GpuBufferOptions } from "./gpu-buffer.js";
export { einsum, type EinsumOptions } from "./einsum.js";
export type { CompiledEinsum } from "../codegen/compiled.js";
export { EinsightError, isEinsightError, type EinsightErrorCode, type Span } from "../codegen/errors.js";

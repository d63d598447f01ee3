/** einsight: typed, planned, copy-free einsum on WebGPU. */
export { gpu, Gpu, type GpuOptions, type GpuStats } from "./device.js";
export { tensor, Tensor, type Dtype, type Shape } from "./tensor.js";
export { EinsightError, isEinsightError, type EinsightErrorCode, type Span } from "../codegen/errors.js";

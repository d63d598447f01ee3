/** einsight: typed, planned, copy-free einsum on WebGPU. */
export { gpu, Gpu, type GpuOptions, type GpuStats } from "./device.js";
export { tensor, zeros, Tensor, type Dtype, type Shape, type TensorOptions } from "./tensor.js";
export { fromGpuBuffer, type GpuBufferOptions } from "./gpu-buffer.js";
export { einsum, type EinsumOptions } from "./einsum.js";
export type { CompiledEinsum } from "../codegen/compiled.js";
export { einsumWithBackward, type EinsumWithBackward, type GradientTargets } from "./backward.js";
export { EinsightError, isEinsightError, type EinsightErrorCode, type Span } from "../codegen/errors.js";
export { plan } from "./plan.js";
export type { Plan, PlanOptions, PlanOperand } from "../codegen/plan.js";
export { explain } from "../codegen/explain.js";
export { STRATEGIES, type Strategy } from "../codegen/cost.js";
export { tuneTiles, type TuneOptions } from "./tune.js";
export type { TileCandidate, TileShape, TileTable, TileTableEntry, WorkgroupLayout } from "../codegen/tiles.js";

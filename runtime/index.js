/** einsight: typed, planned, copy-free einsum on WebGPU. */
export { gpu, Gpu } from "./device.js";
export { tensor, zeros, Tensor } from "./tensor.js";
export { einsum } from "./einsum.js";
export { einsumWithBackward } from "./backward.js";
export { EinsightError, isEinsightError } from "../codegen/errors.js";
export { planEinsum as plan } from "../codegen/plan.js";
export { explain } from "../codegen/explain.js";
export { STRATEGIES } from "../codegen/cost.js";

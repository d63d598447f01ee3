/** einsight/codegen: the pure compiler core. No WebGPU, no TypeScript compiler API, no ESLint. */
export { EinsightError, isEinsightError, type EinsightErrorCode, type Span } from "./errors.js";
export { ELLIPSIS, formatEquation, isLabel, parseEquation, type Equation, type Term } from "./equation.js";
export {
  bindShapes,
  classifyLabels,
  isEllipsisLabel,
  type Binding,
  type BoundOperand,
  type LabelClass,
  type OperandLayout,
} from "./bind.js";
export * from "./views.js";
export { emitCopyKernel } from "./wgsl/copy.js";
export { dispatchGrid, type KernelSpec } from "./wgsl/kernel.js";
export { bindingWindow, type BindingLimits, type BindingWindow } from "./binding.js";

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
export { dispatchGrid, type DispatchFactor, type KernelSpec, type ParamRef } from "./wgsl/kernel.js";
export { bindingWindow, type BindingLimits, type BindingWindow } from "./binding.js";
export {
  planEinsum,
  stepOutputBytes,
  type Plan,
  type PlanOptions,
  type PlanOperand,
  type PlanStep,
  type StepInput,
  type StepKind,
  type Alternative,
  type InputRef,
} from "./plan.js";
export { type Groups } from "./access.js";
export { STRATEGIES, type Strategy, type Cost } from "./cost.js";
export type {
  GlobalMatrixTiles,
  ScalarTiles,
  StagedMatrixTiles,
  TileConfig,
  WideAccess,
  WideReads,
} from "./tile-config.js";
export {
  TILE_CANDIDATES,
  TILE_DEPTHS,
  TILE_SIDES,
  candidateName,
  checkTileTable,
  layoutFits,
  parseCandidate,
  parseCandidates,
  tableTiles,
  type TileCandidate,
  type TileShape,
  type TileTable,
  type TileTableEntry,
  type WorkgroupLayout,
} from "./tiles.js";
export { gradientEinsum, type GradientEinsum, type GradientInput } from "./gradient.js";
export { compileEinsum, compilePlan, compileWithGradients, type CompiledEinsum } from "./compiled.js";
export { checkCompiledSizes, compileSized, compileSizedWithGradients, fitCompiled, NOMINAL_SIZE } from "./sized.js";
export { PROFILES, profileForAdapter, type DeviceProfile, type ProfileName } from "./profile.js";
export { choosePairs, type PairChoice } from "./path.js";
export { describeTiles, explain, formatBytes, formatCount, formatSeconds } from "./explain.js";
export { emitStep, launchArguments, type StepProgram, type Launch, type BufferRef } from "./wgsl/step.js";
export { emitLoopKernel } from "./wgsl/loop.js";
export { emitDirectKernel } from "./wgsl/direct.js";

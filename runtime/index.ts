/**
 * einsight: typed, planned, copy-free einsum on WebGPU. The whole runtime with the planner, for
 * browsers and any environment without Node's `node` condition (runtime/index.node adds Node's GPU).
 * runtime/thin is the same runtime without the planner.
 */
import "./jit.js";

export * from "./thin.js";
export { einsumWithBackward, type EinsumWithBackward, type GradientTargets } from "./backward.js";
export { plan } from "./plan.js";
export type { Plan, PlanOptions, PlanOperand } from "../codegen/plan.js";
export { explain } from "../codegen/explain.js";
export { STRATEGIES, type Strategy } from "../codegen/cost.js";
export { tuneTiles, type TuneOptions } from "./tune.js";
export type { TileCandidate, TileShape, TileTable, TileTableEntry, WorkgroupLayout } from "../codegen/tiles.js";

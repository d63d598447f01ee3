/**
 * Kernel variants the planner does not choose (yet), as the benchmarks build them: a planned einsum
 * recompiled with tile settings added. Tile candidates (`TMxTNxTK[@XxY[/RUN]]`, bench/tune.ts
 * `--tiles`) are codegen/tiles' `parseCandidate` and `candidateName`, as `einsight tune` reads them.
 */
import type { TileConfig } from "../codegen/cost.js";
import { compilePlan, type CompiledEinsum } from "../codegen/compiled.js";
import type { Plan } from "../codegen/plan.js";

/** The plan with these tile settings in every tiled step: how the bench compiles a variant the planner does not choose. */
export function withTiles(plan: Plan, settings: Partial<TileConfig>): CompiledEinsum {
  return compilePlan({ ...plan, steps: plan.steps.map((s) => (s.tiles === undefined ? s : { ...s, tiles: { ...s.tiles, ...settings } })) });
}

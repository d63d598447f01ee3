/**
 * Kernel variants the planner does not choose (yet), as the benchmarks name and build them: a
 * planned einsum recompiled with tile settings added, and tile candidates written
 * `TMxTNxTK[@XxY[/RUN]]` (bench/tune.ts `--tiles`; `@8x16`: tiles.invocations, 8 across n and 16
 * down m; `/8`: runs of 8 columns).
 */
import type { TileConfig } from "../codegen/cost.js";
import type { TileShape } from "../codegen/tiles.js";
import { compilePlan, type CompiledEinsum } from "../codegen/compiled.js";
import type { Plan } from "../codegen/plan.js";

/** A tile shape, and the scalar kernel's workgroup layout where it is not the default. */
export type TileCandidate = TileShape & Pick<TileConfig, "invocations">;

/** The plan with these tile settings in every tiled step: how the bench compiles a variant the planner does not choose. */
export function withTiles(plan: Plan, settings: Partial<TileConfig>): CompiledEinsum {
  return compilePlan({ ...plan, steps: plan.steps.map((s) => (s.tiles === undefined ? s : { ...s, tiles: { ...s.tiles, ...settings } })) });
}

/** `128x64x16`, `128x64x16@8x16`, `128x64x16@16x16/8`. */
export function candidateName(t: TileCandidate): string {
  const inv = t.invocations;
  return `${t.tm}x${t.tn}x${t.tk}${inv === undefined ? "" : `@${inv.x}x${inv.y}${inv.run === undefined ? "" : `/${inv.run}`}`}`;
}

/** The inverse of candidateName; throws on anything else. */
export function parseCandidate(text: string): TileCandidate {
  const m = /^(\d+)x(\d+)x(\d+)(?:@(\d+)x(\d+)(?:\/(\d+))?)?$/.exec(text.trim());
  if (m === null) throw new Error(`tile candidate "${text}" is not TMxTNxTK[@XxY[/RUN]], e.g. 128x64x16 or 128x64x16@8x16/8.`);
  const [tm, tn, tk, x, y, run] = m.slice(1).map((v) => (v === undefined ? undefined : Number(v)));
  const invocations = x === undefined ? undefined : { x, y: y!, ...(run === undefined ? {} : { run }) };
  return { tm: tm!, tn: tn!, tk: tk!, ...(invocations === undefined ? {} : { invocations }) };
}

/**
 * Which of a step's candidates it runs: the forced strategy where it can run the step within the
 * memory budget; else the fastest that needs no temporaries, unless one that does is estimated
 * TEMPORARY_SPEEDUP times faster and fits the budget. Every other candidate becomes an alternative
 * with the reason it lost, in words.
 */
import type { Candidate, Strategy } from "./cost.js";
import { formatSeconds } from "./explain.js";
import type { Alternative } from "./plan-types.js";

/** Why a forced split-k cannot run a step. */
const SPLIT_K_REFUSED = "the step already fills the device, or its contraction is too short to split";

/**
 * A strategy that allocates temporaries must be estimated at least this much faster than the best
 * one that allocates none: einsight does not spend hidden memory for a marginal gain.
 */
export const TEMPORARY_SPEEDUP = 1.25;

export function choose(
  candidates: readonly Candidate[],
  forced: Strategy | undefined,
  budget: number,
): { chosen: Candidate; alternatives: Alternative[]; notes: string[] } {
  const runnable = forced === undefined ? undefined : candidates.find((c) => c.strategy === forced);
  // A forced strategy still keeps to the memory budget: over it, the step is chosen by cost within it, and the plan
  // says so.
  const forcedOne = runnable !== undefined && runnable.cost.temporaryBytes <= budget ? runnable : undefined;
  const notes =
    runnable !== undefined && forcedOne === undefined
      ? [
          `'${forced}' needs ${runnable.cost.temporaryBytes} bytes of temporaries, over the memoryBudget ` +
            `of ${budget}; chose by cost within it`,
        ]
      : forced !== undefined && forcedOne === undefined
        ? [
            `'${forced}' cannot run this step ` +
              `(${forced === "split-k" ? SPLIT_K_REFUSED : "not applicable"}); ` +
              `chose by cost`,
          ]
        : [];
  const free = candidates.filter((c) => c.cost.temporaryBytes === 0).sort(byTime)[0]!; // direct and loop need none
  const paying = candidates
    .filter(
      (c) =>
        c.cost.temporaryBytes > 0 &&
        c.cost.temporaryBytes <= budget &&
        c.cost.estimatedSeconds * TEMPORARY_SPEEDUP <= free.cost.estimatedSeconds,
    )
    .sort(byTime)[0];
  const chosen = forcedOne ?? paying ?? free;
  const alternatives = candidates
    .filter((c) => c !== chosen)
    .map((c) => ({
      strategy: c.strategy,
      cost: c.cost,
      reason: lostBecause(c, chosen, forcedOne !== undefined, budget),
    }));
  return { chosen, alternatives, notes };
}

function byTime(x: Candidate, y: Candidate): number {
  return x.cost.estimatedSeconds - y.cost.estimatedSeconds;
}

function lostBecause(c: Candidate, chosen: Candidate, forced: boolean, budget: number): string {
  if (forced) return `not the forced strategy '${chosen.strategy}'`;
  if (c.cost.temporaryBytes > budget)
    return `needs ${c.cost.temporaryBytes} bytes of temporaries, over the memoryBudget of ${budget}`;
  const ratio = c.cost.estimatedSeconds / Math.max(chosen.cost.estimatedSeconds, 1e-12);
  const time =
    `estimated ${formatSeconds(c.cost.estimatedSeconds)}, ${ratio.toFixed(2)}x the chosen ` +
    `'${chosen.strategy}' (${formatSeconds(chosen.cost.estimatedSeconds)})`;
  if (c.cost.temporaryBytes > 0 && ratio < 1)
    return (
      `${time}: not worth ${c.cost.temporaryBytes} bytes of temporaries ` +
      `(einsight wants ${TEMPORARY_SPEEDUP}x for any)`
    );
  return time;
}

/**
 * The contraction order for three or more operands: greedy, pairing at each step the two operands
 * whose contraction costs the fewest multiply-adds (ties: the smaller result, then the leftmost
 * pair). Optimal search comes later; this keeps chains like ij,jk,kl->il from ever forming the
 * full i*j*k*l product. The plan's cost model then picks each step's strategy.
 */

export interface PairChoice {
  /** Indices into the current list of operands; the result replaces `left`, `right` is removed. */
  readonly left: number;
  readonly right: number;
  /** Labels needed after this step: the output's and those of operands not yet contracted. */
  readonly keep: readonly string[];
  readonly last: boolean;
}

export function choosePairs(operands: readonly (readonly string[])[], output: readonly string[], sizes: Readonly<Record<string, number>>): PairChoice[] {
  const live = operands.map((labels) => [...labels]);
  const choices: PairChoice[] = [];
  const size = (labels: Iterable<string>) => [...labels].reduce((acc, l) => acc * sizes[l]!, 1);
  while (live.length > 1) {
    let best: { left: number; right: number; keep: string[]; result: string[]; work: number; resultSize: number } | undefined;
    for (let i = 0; i < live.length; i++) {
      for (let j = i + 1; j < live.length; j++) {
        const keep = [...new Set([...output, ...live.flatMap((ls, k) => (k === i || k === j ? [] : ls))])];
        const union = new Set([...live[i]!, ...live[j]!]);
        const result = [...union].filter((l) => keep.includes(l));
        const work = size(union);
        const resultSize = size(result);
        if (best === undefined || work < best.work || (work === best.work && resultSize < best.resultSize)) {
          best = { left: i, right: j, keep, result, work, resultSize };
        }
      }
    }
    const { left, right, keep, result } = best!;
    choices.push({ left, right, keep, last: live.length === 2 });
    live.splice(right, 1);
    live[left] = result;
  }
  return choices;
}

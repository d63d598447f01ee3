/**
 * The contraction tree both order searches build, over node ids (operands 0..n-1, then
 * intermediates as they are made), and the error both throw when no order fits the memory budget.
 */
import { EinsightError } from "./errors.js";
import type { Labels, Problem } from "./label-sets.js";

/**
 * A binary contraction tree: nodes 0..n-1 are the operands, each later node joins `left[k]` and
 * `right[k]` (both made before it) and holds `labels[k]`; `root` is the whole contraction.
 */
export interface Tree {
  readonly cost: number;
  readonly root: number;
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly labels: Labels[];
}

/** The operands alone, with room for the n - 1 nodes that join them; `size`: nodes made so far. */
export function newTree(problem: Problem): { left: Int32Array; right: Int32Array; labels: Labels[]; size: number } {
  const nodes = 2 * problem.n - 1;
  return {
    left: new Int32Array(nodes).fill(-1),
    right: new Int32Array(nodes).fill(-1),
    labels: [...problem.leaves],
    size: problem.n,
  };
}

/** Makes the node joining `left` and `right`, holding `labels`, and returns its id. */
export function addNode(tree: ReturnType<typeof newTree>, left: number, right: number, labels: Labels): number {
  const k = tree.size++;
  tree.left[k] = left;
  tree.right[k] = right;
  tree.labels[k] = labels;
  return k;
}

/** The `memoryBudget` error; `smallest`, when known, is the least budget some order fits. */
export function overBudget(budget: number, smallest: number | undefined): EinsightError {
  const hint =
    smallest === undefined ? "raise memoryBudget" : `the smallest budget any order fits is ${smallest} bytes`;
  return new EinsightError(
    "memoryBudget",
    `No contraction order keeps every intermediate within the memoryBudget of ${budget} bytes; ` + `${hint}.`,
  );
}

/**
 * The contraction order for two or more operands. The cost of an order is the sum over its steps
 * of the multiply-adds (the product of the sizes of every label the step touches) plus the
 * elements it reads and writes. Up to DP_LIMIT operands, dynamic programming over subsets finds
 * the optimum exactly (a subset's result does not depend on how it was contracted, so the best
 * tree of a subset is built from the best trees of its two halves); beyond, greedy pairing. A
 * `memoryBudget` bounds every intermediate; when no order fits, the error names the smallest
 * budget that would (the best bottleneck, found by the same DP).
 *
 * Any number of operands and labels: labels are numbered, label sets are arrays of 32-bit words
 * (label-sets.ts), and trees are built over node ids (path-tree.ts); greedy: path-greedy.ts.
 */
import { byteProduct, labelMasks, Problem, type Sizes } from "./label-sets.js";
import { greedyTree } from "./path-greedy.js";
import { addNode, newTree, overBudget, type Tree } from "./path-tree.js";

export interface PairChoice {
  /** Indices into the current list of operands; the result replaces `left`, `right` is removed. */
  readonly left: number;
  readonly right: number;
  /** Labels needed after this step: the output's and those of operands not yet contracted. */
  readonly keep: readonly string[];
  readonly last: boolean;
}

/** Operands up to which the exact search runs: 3^12 subset pairs is about half a million. */
export const DP_LIMIT = 12;

/** The order, as steps over a shrinking list of operands (the runtime's and planner's format). */
/** `elementBytes`: the size of one element of an intermediate (4 for f32, 2 for f16), to hold them to the budget. */
export function choosePairs(
  operands: readonly (readonly string[])[],
  output: readonly string[],
  sizes: Sizes,
  memoryBudget = Infinity,
  elementBytes = 4,
): PairChoice[] {
  if (operands.length < 2) return [];
  const problem = new Problem(operands, output, sizes);
  return linearize(plan(problem, memoryBudget, elementBytes), problem);
}

/** The total cost of the order `choosePairs` picks (for tests and explain). */
export function pathCost(
  operands: readonly (readonly string[])[],
  output: readonly string[],
  sizes: Sizes,
  memoryBudget = Infinity,
): number {
  if (operands.length < 2) return 0;
  return plan(new Problem(operands, output, sizes), memoryBudget, 4).cost;
}

/** The cost of contracting two nodes into one, given every label still needed outside them. */
export function stepCost(a: readonly string[], b: readonly string[], result: readonly string[], sizes: Sizes): number {
  const union = new Set([...a, ...b]);
  return product(union, sizes) + product(a, sizes) + product(b, sizes) + product(result, sizes);
}

function plan(problem: Problem, budget: number, elementBytes: number): Tree {
  return problem.n <= DP_LIMIT ? bestTree(problem, budget, elementBytes) : greedyTree(problem, budget, elementBytes);
}

/**
 * Label masks of every subset of at most DP_LIMIT operands (a subset is a bit set over operand
 * indices): the labels its operands hold, those its result keeps (held outside it too, or in the
 * output), and what it holds when contracted (an operand all its labels, an intermediate what it
 * kept), with their products.
 */
function subsets(problem: Problem) {
  const { n } = problem;
  const masks = labelMasks(problem);
  const W = masks.words;
  const full = (1 << n) - 1;
  const holds = new Int32Array((full + 1) * W);
  const keeps = new Int32Array((full + 1) * W);
  const at = new Int32Array((full + 1) * W);
  const out = new Int32Array(W);
  for (const k of problem.output) out[k >>> 5]! |= 1 << (k & 31);
  for (let i = 0; i < n; i++) for (const k of problem.leaves[i]!.ids) holds[(1 << i) * W + (k >>> 5)]! |= 1 << (k & 31);
  for (let set = 1; set <= full; set++) {
    const low = set & -set;
    if (set !== low) for (let w = 0; w < W; w++) holds[set * W + w] = holds[low * W + w]! | holds[(set ^ low) * W + w]!;
  }
  const keepProduct = new Float64Array(full + 1);
  const atProduct = new Float64Array(full + 1);
  for (let set = 1; set <= full; set++) {
    const leaf = set === (set & -set);
    for (let w = 0; w < W; w++) {
      keeps[set * W + w] = holds[set * W + w]! & (holds[(full ^ set) * W + w]! | out[w]!);
      at[set * W + w] = leaf ? holds[set * W + w]! : keeps[set * W + w]!;
    }
    keepProduct[set] = masks.product(keeps, set * W);
    atProduct[set] = leaf ? masks.product(holds, set * W) : keepProduct[set]!;
  }
  return { full, words: W, table: masks.table, keeps, at, keepProduct, atProduct };
}

function bestTree(problem: Problem, budget: number, elementBytes: number): Tree {
  const { full, words: W, table, keeps, at, keepProduct, atProduct } = subsets(problem);
  const cost = new Float64Array(full + 1).fill(Infinity);
  const split = new Int32Array(full + 1);
  for (let i = 0; i < problem.n; i++) cost[1 << i] = 0;
  // Subsets in increasing order: both halves of a set are smaller numbers, so already solved.
  for (let set = 1; set <= full; set++) {
    const low = set & -set;
    if (set === low) continue;
    const result = keepProduct[set]!;
    const bytes = set === full ? 0 : result * elementBytes;
    if (bytes > budget) continue;
    for (let a = (set - 1) & set; a > 0; a = (a - 1) & set) {
      if (!(a & low)) continue; // each unordered split once
      const b = set ^ a;
      const base = cost[a]! + cost[b]!;
      if (!(base < cost[set]!)) continue;
      // stepCost(), on label masks (test/codegen/path.test.ts holds the two equal through a brute-force search)
      let union = 1;
      for (let w = 0; w < W; w++) {
        const x = at[a * W + w]! | at[b * W + w]!;
        if (x !== 0) union *= byteProduct(table, w << 10, x);
      }
      const c = base + union + atProduct[a]! + atProduct[b]! + result;
      if (c < cost[set]!) {
        cost[set] = c;
        split[set] = a;
      }
    }
  }
  if (cost[full] === Infinity) throw overBudget(budget, smallestBudget(full, keepProduct, elementBytes));
  const tree = newTree(problem);
  const build = (set: number): number => {
    if (set === (set & -set)) return 31 - Math.clz32(set);
    const [left, right] = [build(split[set]!), build(set ^ split[set]!)];
    const kept = (k: number) => (keeps[set * W + (k >>> 5)]! & (1 << (k & 31))) !== 0;
    return addNode(tree, left, right, problem.joinLabels(tree.labels[left]!, tree.labels[right]!, kept));
  };
  return { ...tree, root: build(full), cost: cost[full]! };
}

/** The least, over all orders, of the largest intermediate: the smallest budget that fits. */
function smallestBudget(full: number, keepProduct: Float64Array, elementBytes: number): number {
  const peak = new Float64Array(full + 1); // 0 for single operands
  for (let set = 1; set <= full; set++) {
    const low = set & -set;
    if (set === low) continue;
    const own = set === full ? 0 : keepProduct[set]! * elementBytes;
    let best = Infinity;
    for (let a = (set - 1) & set; a > 0; a = (a - 1) & set) {
      if (a & low) best = Math.min(best, Math.max(peak[a]!, peak[set ^ a]!, own));
    }
    peak[set] = best;
  }
  return peak[full]!;
}

/**
 * Post-order steps of the tree, as indices into the list that each step shrinks. A step keeps the
 * output's labels and those of every other list entry: an operand not yet contracted all its
 * labels, an intermediate those it was made with.
 */
function linearize(tree: Tree, problem: Problem): PairChoice[] {
  const slots: number[] = Array.from({ length: problem.n }, (_, i) => i); // the node each list entry holds
  const steps: PairChoice[] = [];
  const marks = problem.marks;
  // Iterative post-order: left subtree, right subtree, node.
  const stack: number[] = [tree.root];
  const expanded = new Uint8Array(tree.left.length);
  while (stack.length > 0) {
    const node = stack[stack.length - 1]!;
    if (node < problem.n) {
      stack.pop();
      continue;
    }
    if (!expanded[node]) {
      expanded[node] = 1;
      stack.push(tree.right[node]!, tree.left[node]!);
      continue;
    }
    stack.pop();
    const [x, y] = [slots.indexOf(tree.left[node]!), slots.indexOf(tree.right[node]!)];
    const [left, right] = x < y ? [x, y] : [y, x];
    const stamp = problem.nextStamp();
    const keep: string[] = [];
    const note = (l: number) => {
      if (marks[l] === stamp) return;
      marks[l] = stamp;
      keep.push(problem.names[l]!);
    };
    problem.output.forEach(note);
    for (let k = 0; k < slots.length; k++) if (k !== left && k !== right) tree.labels[slots[k]!]!.ids.forEach(note);
    steps.push({ left, right, keep, last: slots.length === 2 });
    slots.splice(right, 1);
    slots[left] = node;
  }
  return steps;
}

function product(labels: Iterable<string>, sizes: Sizes): number {
  let p = 1;
  for (const l of labels) p *= sizes[l]!;
  return p;
}

/**
 * The contraction order for two or more operands. The cost of an order is the sum over its steps
 * of the multiply-adds (the product of the sizes of every label the step touches) plus the
 * elements it reads and writes. Up to DP_LIMIT operands, dynamic programming over subsets finds
 * the optimum exactly (a subset's result does not depend on how it was contracted, so the best
 * tree of a subset is built from the best trees of its two halves); beyond, greedy pairing. A
 * `memoryBudget` bounds every intermediate; when no order fits, the error names the smallest
 * budget that would (the best bottleneck, found by the same DP).
 */
import { EinsightError } from "./errors.js";

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


type Sizes = Readonly<Record<string, number>>;

interface Node {
  /** Bit set of the operands it covers. */
  readonly set: number;
  readonly labels: readonly string[];
  readonly cost: number;
  readonly left?: Node;
  readonly right?: Node;
}

/** The order, as steps over a shrinking list of operands (the runtime's and planner's format). */
/** `elementBytes`: the size of one element of an intermediate (4 for f32, 2 for f16), to hold them to the budget. */
export function choosePairs(operands: readonly (readonly string[])[], output: readonly string[], sizes: Sizes, memoryBudget = Infinity, elementBytes = 4): PairChoice[] {
  if (operands.length < 2) return [];
  const tree = operands.length <= DP_LIMIT ? bestTree(operands, output, sizes, memoryBudget, elementBytes) : greedyTree(operands, output, sizes, memoryBudget, elementBytes);
  return linearize(tree, operands, output);
}

/** The total cost of the order `choosePairs` picks (for tests and explain). */
export function pathCost(operands: readonly (readonly string[])[], output: readonly string[], sizes: Sizes, memoryBudget = Infinity): number {
  if (operands.length < 2) return 0;
  return (operands.length <= DP_LIMIT ? bestTree(operands, output, sizes, memoryBudget) : greedyTree(operands, output, sizes, memoryBudget)).cost;
}

/** The cost of contracting two nodes into one, given every label still needed outside them. */
export function stepCost(a: readonly string[], b: readonly string[], result: readonly string[], sizes: Sizes): number {
  const union = new Set([...a, ...b]);
  return product(union, sizes) + product(a, sizes) + product(b, sizes) + product(result, sizes);
}

function bestTree(operands: readonly (readonly string[])[], output: readonly string[], sizes: Sizes, budget: number, elementBytes = 4): Node {
  const n = operands.length;
  const full = (1 << n) - 1;
  const masks = labelMasks(operands, output, sizes);
  // For every subset: the labels its operands hold, and those its result keeps (also outside it or in the output).
  const holds = new Float64Array(full + 1);
  const keeps = new Float64Array(full + 1);
  for (let set = 1; set <= full; set++) {
    const low = set & -set;
    holds[set] = set === low ? masks.operand[Math.log2(low)]! : or(holds[low]!, holds[set ^ low]!);
  }
  for (let set = 1; set <= full; set++) keeps[set] = and(holds[set]!, or(holds[full ^ set]!, masks.output));
  // What a node holds when it is contracted: an operand all its labels, an intermediate what it kept.
  const at = (set: number) => (set === (set & -set) ? holds[set]! : keeps[set]!);
  const cost = new Float64Array(full + 1).fill(Infinity);
  const split = new Int32Array(full + 1);
  for (let i = 0; i < n; i++) cost[1 << i] = 0;
  // Subsets in increasing order: both halves of a set are smaller numbers, so already solved.
  for (let set = 1; set <= full; set++) {
    const low = set & -set;
    if (set === low) continue;
    const bytes = set === full ? 0 : masks.product(keeps[set]!) * elementBytes;
    if (bytes > budget) continue;
    const result = masks.product(keeps[set]!);
    for (let a = (set - 1) & set; a > 0; a = (a - 1) & set) {
      if (!(a & low)) continue; // each unordered split once
      const b = set ^ a;
      const base = cost[a]! + cost[b]!;
      if (!(base < cost[set]!)) continue;
      // stepCost(), on bit masks (test/codegen/path.test.ts holds the two equal through a brute-force search)
      const c = base + masks.product(or(at(a), at(b))) + masks.product(at(a)) + masks.product(at(b)) + result;
      if (c < cost[set]!) {
        cost[set] = c;
        split[set] = a;
      }
    }
  }
  if (cost[full] === Infinity) throw overBudget(budget, smallestBudget(operands, output, sizes, elementBytes));
  const build = (set: number): Node => {
    const labels = set === (set & -set) ? operands[Math.log2(set)]! : masks.labels(keeps[set]!);
    if (set === (set & -set)) return { set, labels, cost: 0 };
    return { set, labels, cost: cost[set]!, left: build(split[set]!), right: build(set ^ split[set]!) };
  };
  return build(full);
}

/**
 * Label sets as numbers used as bit sets (up to 52 labels fit a double's 53-bit mantissa through
 * the helpers below), with the product of their sizes; a step's cost is then arithmetic only.
 */
function labelMasks(operands: readonly (readonly string[])[], output: readonly string[], sizes: Sizes) {
  const all = [...new Set([...operands.flat(), ...output])];
  const bit = new Map(all.map((l, i) => [l, 2 ** i]));
  const mask = (labels: readonly string[]) => [...new Set(labels)].reduce((m, l) => m + bit.get(l)!, 0);
  const products = new Map<number, number>();
  return {
    operand: operands.map(mask),
    output: mask(output),
    product(m: number): number {
      let p = products.get(m);
      if (p === undefined) {
        p = 1;
        for (let i = 0, rest = m; rest > 0; i++, rest = Math.floor(rest / 2)) if (rest % 2 === 1) p *= sizes[all[i]!]!;
        products.set(m, p);
      }
      return p;
    },
    labels: (m: number) => all.filter((_, i) => Math.floor(m / 2 ** i) % 2 === 1),
  };
}

/** Bitwise or and and of label masks wider than 32 bits. */
function or(a: number, b: number): number {
  return combine(a, b, (x, y) => x | y);
}

function and(a: number, b: number): number {
  return combine(a, b, (x, y) => x & y);
}

function combine(a: number, b: number, op: (x: number, y: number) => number): number {
  const HIGH = 2 ** 26;
  const [ah, al, bh, bl] = [Math.floor(a / HIGH), a % HIGH, Math.floor(b / HIGH), b % HIGH];
  return op(ah, bh) * HIGH + op(al, bl);
}

/** Greedy pairing for many operands: at each step the pair whose step costs least. */
function greedyTree(operands: readonly (readonly string[])[], output: readonly string[], sizes: Sizes, budget: number, elementBytes = 4): Node {
  const labelsOf = subsetLabels(operands, output);
  const full = operands.length >= 31 ? -1 : (1 << operands.length) - 1;
  let live: Node[] = operands.map((labels, i) => ({ set: 1 << i, labels, cost: 0 }));
  while (live.length > 1) {
    let best: Node | undefined;
    for (let i = 0; i < live.length; i++) {
      for (let j = i + 1; j < live.length; j++) {
        const set = live[i]!.set | live[j]!.set;
        const labels = labelsOf(set);
        const bytes = set === full ? 0 : product(labels, sizes) * elementBytes;
        if (bytes > budget) continue;
        const cost = live[i]!.cost + live[j]!.cost + stepCost(live[i]!.labels, live[j]!.labels, labels, sizes);
        if (best === undefined || cost < best.cost) best = { set, labels, cost, left: live[i]!, right: live[j]! };
      }
    }
    if (best === undefined) throw overBudget(budget, undefined);
    live = [...live.filter((x) => x !== best.left && x !== best.right), best];
  }
  return live[0]!;
}

/** The labels a subset's result keeps: those also in the output or in an operand outside it. */
function subsetLabels(operands: readonly (readonly string[])[], output: readonly string[]): (set: number) => string[] {
  const cache = new Map<number, string[]>();
  return (set) => {
    let labels = cache.get(set);
    if (labels === undefined) {
      const inside = new Set<string>();
      const outside = new Set<string>(output);
      operands.forEach((ls, i) => ls.forEach((l) => (set & (1 << i) ? inside : outside).add(l)));
      labels = [...inside].filter((l) => outside.has(l));
      cache.set(set, labels);
    }
    return labels;
  };
}

/** The least, over all orders, of the largest intermediate: the smallest budget that fits. */
function smallestBudget(operands: readonly (readonly string[])[], output: readonly string[], sizes: Sizes, elementBytes: number): number {
  const n = operands.length;
  const full = (1 << n) - 1;
  const labelsOf = subsetLabels(operands, output);
  const peak = new Map<number, number>();
  operands.forEach((_, i) => peak.set(1 << i, 0));
  const bySize = Array.from({ length: full }, (_, i) => i + 1).sort((x, y) => popcount(x) - popcount(y) || x - y);
  for (const set of bySize) {
    if (popcount(set) < 2) continue;
    const own = set === full ? 0 : product(labelsOf(set), sizes) * elementBytes;
    const low = set & -set;
    let best = Infinity;
    for (let a = (set - 1) & set; a > 0; a = (a - 1) & set) {
      if (a & low) best = Math.min(best, Math.max(peak.get(a)!, peak.get(set ^ a)!, own));
    }
    peak.set(set, best);
  }
  return peak.get(full)!;
}

function overBudget(budget: number, smallest: number | undefined): EinsightError {
  const hint = smallest === undefined ? "raise memoryBudget" : `the smallest budget any order fits is ${smallest} bytes`;
  return new EinsightError("memoryBudget", `No contraction order keeps every intermediate within the memoryBudget of ${budget} bytes; ${hint}.`);
}

/** Post-order steps of the tree, as indices into the list that each step shrinks. */
function linearize(tree: Node, operands: readonly (readonly string[])[], output: readonly string[]): PairChoice[] {
  const live: number[] = operands.map((_, i) => 1 << i); // the set each list slot holds
  const labelsOf = subsetLabels(operands, output);
  const steps: PairChoice[] = [];
  const visit = (node: Node): void => {
    if (node.left === undefined || node.right === undefined) return;
    visit(node.left);
    visit(node.right);
    const [x, y] = [live.indexOf(node.left.set), live.indexOf(node.right.set)];
    const [left, right] = x < y ? [x, y] : [y, x];
    const others = live.filter((_, k) => k !== left && k !== right);
    // An operand not yet contracted keeps all its labels; an intermediate, those it was made with.
    const keep = [...new Set([...output, ...others.flatMap((set) => (popcount(set) === 1 ? operands[Math.log2(set)]! : labelsOf(set)))])];
    steps.push({ left, right, keep, last: live.length === 2 });
    live.splice(right, 1);
    live[left] = node.set;
  };
  visit(tree);
  return steps;
}

function product(labels: Iterable<string>, sizes: Sizes): number {
  let p = 1;
  for (const l of labels) p *= sizes[l]!;
  return p;
}

function popcount(x: number): number {
  let c = 0;
  for (let v = x; v !== 0; v &= v - 1) c += 1;
  return c;
}

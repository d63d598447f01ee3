/** The contraction order for more operands than the exact search takes (DP_LIMIT): greedy. */
import type { Problem } from "./label-sets.js";
import { addNode, newTree, overBudget, type Tree } from "./path-tree.js";

/**
 * Greedy pairing for many operands: at each step, of the pairs of live nodes that share a label,
 * the one whose subtree costs least (the cost of both halves plus the step's); on a tie, the pair
 * whose later node was made first, then whose earlier node was. A pair's cost does not change
 * while both its nodes live (its result keeps the labels it shares with operands outside it or
 * with the output), so each node lists its pairs with the live nodes made before it once, sorted,
 * and a heap holds every live node's first pair whose other node still lives, advanced lazily.
 * Per label, the number of live nodes that hold it tells which labels a result keeps.
 *
 * A pair whose result exceeds the budget is never taken, except as the final step (which writes
 * the output). Nodes that share no label with any other are joined last, the two smallest results
 * first; while every pair that shares a label exceeds the budget, the cheapest pair that fits.
 */
export function greedyTree(problem: Problem, budget: number, elementBytes: number): Tree {
  const { n, size, inOutput } = problem;
  const tree = newTree(problem);
  const nodes = 2 * n - 1;
  const alive = new Uint8Array(nodes);
  const cost = new Float64Array(nodes);
  const volume = new Float64Array(nodes); // product of the sizes of a node's labels
  const count = new Int32Array(size.length); // live nodes holding each label
  const holders: number[][] = size.map(() => []); // nodes that hold each label (dead ones dropped lazily)
  let live = 0;
  let shared = 0; // labels held by two or more live nodes
  const add = (k: number) => {
    alive[k] = 1;
    live += 1;
    volume[k] = problem.product(tree.labels[k]!);
    for (const l of tree.labels[k]!.ids) {
      if (++count[l]! === 2) shared += 1;
      holders[l]!.push(k);
    }
  };
  const remove = (k: number) => {
    alive[k] = 0;
    live -= 1;
    for (const l of tree.labels[k]!.ids) if (count[l]!-- === 2) shared -= 1;
  };
  for (let i = 0; i < n; i++) add(i);

  // The cost of the subtree joining a and b, and the size of its result, for the live nodes now.
  const marks = problem.marks;
  let resultVolume = 0;
  const evaluate = (a: number, b: number): number => {
    const stamp = problem.nextStamp();
    const both = problem.nextStamp();
    const A = tree.labels[a]!.ids;
    for (const l of A) marks[l] = stamp;
    let union = volume[a]!;
    let result = 1;
    for (const l of tree.labels[b]!.ids) {
      if (marks[l] === stamp) marks[l] = both;
      else {
        union *= size[l]!;
        if (inOutput[l] || count[l]! > 1) result *= size[l]!;
      }
    }
    for (const l of A) if (inOutput[l] || count[l]! > (marks[l] === both ? 2 : 1)) result *= size[l]!;
    resultVolume = result;
    return cost[a]! + cost[b]! + (union + volume[a]! + volume[b]! + result);
  };
  const fits = () => resultVolume * elementBytes <= budget;

  // Node k's pairs (j, k) that fit the budget, by cost then j, and the first not yet passed over.
  const pairCost: (Float64Array | undefined)[] = [];
  const pairWith: (Int32Array | undefined)[] = [];
  const next = new Int32Array(nodes);
  const heap = new PairHeap(nodes); // (cost, k, j): node k's first pair
  const offer = (k: number) => {
    const with_ = pairWith[k];
    if (with_ === undefined) return;
    let i = next[k]!;
    while (i < with_.length && !alive[with_[i]!]) i += 1;
    next[k] = i;
    if (i < with_.length) heap.push(pairCost[k]![i]!, k, with_[i]!);
    else pairCost[k] = pairWith[k] = undefined;
  };
  const seen = new Int32Array(nodes).fill(-1);
  const costs = new Float64Array(nodes);
  const partners = new Int32Array(nodes);
  const collect = (k: number) => {
    let found = 0;
    let sorted = true;
    for (const l of tree.labels[k]!.ids) {
      const list = holders[l]!;
      let kept = 0;
      for (const j of list) {
        if (!alive[j]) continue;
        list[kept++] = j;
        if (j >= k || seen[j] === k) continue;
        seen[j] = k;
        const c = evaluate(j, k);
        if (!fits()) continue;
        if (found > 0 && !(costs[found - 1]! < c || (costs[found - 1] === c && partners[found - 1]! < j))) sorted = false;
        costs[found] = c;
        partners[found++] = j;
      }
      list.length = kept;
    }
    if (sorted) {
      pairCost[k] = costs.slice(0, found);
      pairWith[k] = partners.slice(0, found);
    } else {
      const order = Array.from({ length: found }, (_, i) => i);
      order.sort((x, y) => (costs[x]! < costs[y]! ? -1 : costs[x]! > costs[y]! ? 1 : partners[x]! - partners[y]!));
      pairCost[k] = Float64Array.from(order, (i) => costs[i]!);
      pairWith[k] = Int32Array.from(order, (i) => partners[i]!);
    }
    next[k] = 0;
    offer(k);
  };
  const join = (a: number, b: number) => {
    const c = evaluate(a, b);
    remove(a);
    remove(b);
    pairCost[a] = pairWith[a] = pairCost[b] = pairWith[b] = undefined;
    const labels = problem.joinLabels(tree.labels[a]!, tree.labels[b]!, (l) => inOutput[l] === 1 || count[l]! > 0);
    const k = addNode(tree, a, b, labels);
    cost[k] = c;
    add(k);
    return k;
  };
  const liveNodes = () => Array.from({ length: tree.size }, (_, k) => k).filter((k) => alive[k]);
  // The size of what a node keeps once no other node shares its labels: its output labels.
  const outputVolume = (k: number) => tree.labels[k]!.ids.reduce((p, l) => (inOutput[l] ? p * size[l]! : p), 1);

  for (let i = 0; i < n; i++) collect(i);
  let last = n - 1;
  let disconnected: PairHeap | undefined;
  while (live > 1) {
    while (heap.size > 0 && !(alive[heap.topFirst()] && alive[heap.topSecond()])) {
      const k = heap.topFirst();
      heap.pop();
      offer(k);
    }
    if (heap.size > 0) {
      const [b, a] = [heap.topFirst(), heap.topSecond()];
      heap.pop();
      last = join(a, b);
      collect(last);
    } else if (live === 2) {
      const [a, b] = liveNodes() as [number, number];
      last = join(a, b);
    } else if (shared === 0) {
      // No two live nodes share a label, nor will they.
      if (disconnected === undefined) {
        disconnected = new PairHeap(nodes);
        for (const k of liveNodes()) disconnected.push(outputVolume(k), k, k);
      }
      const a = disconnected.topFirst();
      disconnected.pop();
      const b = disconnected.topFirst();
      disconnected.pop();
      evaluate(a, b);
      if (!fits()) throw overBudget(budget, undefined);
      last = join(Math.min(a, b), Math.max(a, b));
      disconnected.push(outputVolume(last), last, last);
    } else {
      // Every pair that shares a label exceeds the budget.
      const now = liveNodes();
      let best: [number, number, number] | undefined;
      for (let i = 0; i < now.length; i++) {
        for (let j = i + 1; j < now.length; j++) {
          const c = evaluate(now[i]!, now[j]!);
          if (fits() && (best === undefined || c < best[0])) best = [c, now[i]!, now[j]!];
        }
      }
      if (best === undefined) throw overBudget(budget, undefined);
      last = join(best[1], best[2]);
      collect(last);
    }
  }
  return { ...tree, root: last, cost: cost[last]! };
}

/** A binary min-heap of pairs of node ids (below `span`) by cost, then the first, then the second. */
class PairHeap {
  size = 0;
  /** Per entry: its cost, then first * span + second. */
  private data = new Float64Array(8);

  constructor(private readonly span: number) {}

  topCost(): number {
    return this.data[0]!;
  }

  topFirst(): number {
    return Math.floor(this.data[1]! / this.span);
  }

  topSecond(): number {
    return this.data[1]! % this.span;
  }

  push(cost: number, first: number, second: number): void {
    if (2 * this.size === this.data.length) {
      const grown = new Float64Array(2 * this.data.length);
      grown.set(this.data);
      this.data = grown;
    }
    const d = this.data;
    const key = first * this.span + second;
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pc = d[2 * parent]!;
      const pk = d[2 * parent + 1]!;
      if (pc < cost || (pc === cost && pk < key)) break;
      d[2 * i] = pc;
      d[2 * i + 1] = pk;
      i = parent;
    }
    d[2 * i] = cost;
    d[2 * i + 1] = key;
  }

  pop(): void {
    const end = --this.size;
    const d = this.data;
    const cost = d[2 * end]!;
    const key = d[2 * end + 1]!;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= end) break;
      let cc = d[2 * child]!;
      let ck = d[2 * child + 1]!;
      if (child + 1 < end) {
        const rc = d[2 * child + 2]!;
        const rk = d[2 * child + 3]!;
        if (rc < cc || (rc === cc && rk < ck)) {
          child += 1;
          cc = rc;
          ck = rk;
        }
      }
      if (cost < cc || (cost === cc && key < ck)) break;
      d[2 * i] = cc;
      d[2 * i + 1] = ck;
      i = child;
    }
    d[2 * i] = cost;
    d[2 * i + 1] = key;
  }
}

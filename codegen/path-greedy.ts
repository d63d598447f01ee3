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
  const greedy = new Greedy(problem, budget, elementBytes);
  for (let i = 0; i < problem.n; i++) greedy.collect(i);
  let last = problem.n - 1;
  while (greedy.live > 1) last = greedy.joinNext();
  return { ...greedy.tree, root: last, cost: greedy.cost[last]! };
}

/** The greedy search's state: the tree so far, which nodes live, and each live node's pairs. */
class Greedy {
  readonly tree: ReturnType<typeof newTree>;
  /** The cost of each node's subtree. */
  readonly cost: Float64Array;
  /** Live nodes. */
  live = 0;
  private readonly alive: Uint8Array;
  /** Product of the sizes of a node's labels. */
  private readonly volume: Float64Array;
  /** Live nodes holding each label. */
  private readonly count: Int32Array;
  /** Nodes that hold each label (dead ones dropped lazily). */
  private readonly holders: number[][];
  /** Labels held by two or more live nodes. */
  private shared = 0;
  /** The size of the result `evaluate` last saw. */
  private resultVolume = 0;
  /** Node k's pairs (j, k) that fit the budget, by cost then j, and the first not yet passed over. */
  private readonly pairCost: (Float64Array | undefined)[] = [];
  private readonly pairWith: (Int32Array | undefined)[] = [];
  private readonly next: Int32Array;
  /** (cost, k, j): node k's first pair. */
  private readonly heap: PairHeap;
  /** Scratch of `collect`: the node a partner was last seen for, and the pairs found. */
  private readonly seen: Int32Array;
  private readonly costs: Float64Array;
  private readonly partners: Int32Array;
  /** Live nodes by the size of their output labels, once no two share a label. */
  private disconnected: PairHeap | undefined;

  constructor(
    private readonly problem: Problem,
    private readonly budget: number,
    private readonly elementBytes: number,
  ) {
    const nodes = 2 * problem.n - 1;
    this.tree = newTree(problem);
    this.alive = new Uint8Array(nodes);
    this.cost = new Float64Array(nodes);
    this.volume = new Float64Array(nodes);
    this.count = new Int32Array(problem.size.length);
    this.holders = problem.size.map(() => []);
    this.next = new Int32Array(nodes);
    this.heap = new PairHeap(nodes);
    this.seen = new Int32Array(nodes).fill(-1);
    this.costs = new Float64Array(nodes);
    this.partners = new Int32Array(nodes);
    for (let i = 0; i < problem.n; i++) this.add(i);
  }

  private add(k: number): void {
    this.alive[k] = 1;
    this.live += 1;
    this.volume[k] = this.problem.product(this.tree.labels[k]!);
    for (const l of this.tree.labels[k]!.ids) {
      if (++this.count[l]! === 2) this.shared += 1;
      this.holders[l]!.push(k);
    }
  }

  private remove(k: number): void {
    this.alive[k] = 0;
    this.live -= 1;
    for (const l of this.tree.labels[k]!.ids) if (this.count[l]!-- === 2) this.shared -= 1;
  }

  /** The cost of the subtree joining a and b, and (`resultVolume`) the size of its result, for the live nodes now. */
  private evaluate(a: number, b: number): number {
    const { marks, size, inOutput } = this.problem;
    const count = this.count;
    const stamp = this.problem.nextStamp();
    const both = this.problem.nextStamp();
    const A = this.tree.labels[a]!.ids;
    for (const l of A) marks[l] = stamp;
    let union = this.volume[a]!;
    let result = 1;
    for (const l of this.tree.labels[b]!.ids) {
      if (marks[l] === stamp) marks[l] = both;
      else {
        union *= size[l]!;
        if (inOutput[l] || count[l]! > 1) result *= size[l]!;
      }
    }
    for (const l of A) if (inOutput[l] || count[l]! > (marks[l] === both ? 2 : 1)) result *= size[l]!;
    this.resultVolume = result;
    return this.cost[a]! + this.cost[b]! + (union + this.volume[a]! + this.volume[b]! + result);
  }

  private fits(): boolean {
    return this.resultVolume * this.elementBytes <= this.budget;
  }

  /** Pushes node k's first pair whose other node still lives, if any. */
  private offer(k: number): void {
    const with_ = this.pairWith[k];
    if (with_ === undefined) return;
    let i = this.next[k]!;
    while (i < with_.length && !this.alive[with_[i]!]) i += 1;
    this.next[k] = i;
    if (i < with_.length) this.heap.push(this.pairCost[k]![i]!, k, with_[i]!);
    else this.pairCost[k] = this.pairWith[k] = undefined;
  }

  /**
   * Lists node k's pairs with the live nodes made before it that share a label and fit the budget, sorted, and
   * offers the first.
   */
  collect(k: number): void {
    const { seen, costs, partners } = this;
    let found = 0;
    let sorted = true;
    for (const l of this.tree.labels[k]!.ids) {
      const list = this.holders[l]!;
      let kept = 0;
      for (const j of list) {
        if (!this.alive[j]) continue;
        list[kept++] = j;
        if (j >= k || seen[j] === k) continue;
        seen[j] = k;
        const c = this.evaluate(j, k);
        if (!this.fits()) continue;
        if (found > 0 && !(costs[found - 1]! < c || (costs[found - 1] === c && partners[found - 1]! < j)))
          sorted = false;
        costs[found] = c;
        partners[found++] = j;
      }
      list.length = kept;
    }
    if (sorted) {
      this.pairCost[k] = costs.slice(0, found);
      this.pairWith[k] = partners.slice(0, found);
    } else {
      const order = Array.from({ length: found }, (_, i) => i);
      order.sort((x, y) => (costs[x]! < costs[y]! ? -1 : costs[x]! > costs[y]! ? 1 : partners[x]! - partners[y]!));
      this.pairCost[k] = Float64Array.from(order, (i) => costs[i]!);
      this.pairWith[k] = Int32Array.from(order, (i) => partners[i]!);
    }
    this.next[k] = 0;
    this.offer(k);
  }

  /** Makes the node joining a and b, and returns it. */
  private join(a: number, b: number): number {
    const c = this.evaluate(a, b);
    this.remove(a);
    this.remove(b);
    this.pairCost[a] = this.pairWith[a] = this.pairCost[b] = this.pairWith[b] = undefined;
    const { inOutput } = this.problem;
    const labels = this.problem.joinLabels(
      this.tree.labels[a]!,
      this.tree.labels[b]!,
      (l) => inOutput[l] === 1 || this.count[l]! > 0,
    );
    const k = addNode(this.tree, a, b, labels);
    this.cost[k] = c;
    this.add(k);
    return k;
  }

  /** The next join, and the node it makes. */
  joinNext(): number {
    const heap = this.heap;
    while (heap.size > 0 && !(this.alive[heap.topFirst()] && this.alive[heap.topSecond()])) {
      const k = heap.topFirst();
      heap.pop();
      this.offer(k);
    }
    if (heap.size > 0) {
      const [b, a] = [heap.topFirst(), heap.topSecond()];
      heap.pop();
      const k = this.join(a, b);
      this.collect(k);
      return k;
    }
    if (this.live === 2) {
      const [a, b] = this.liveNodes() as [number, number];
      return this.join(a, b);
    }
    // No two live nodes share a label, nor will they; else every pair that shares one exceeds the budget.
    return this.shared === 0 ? this.joinDisconnected() : this.joinCheapestFitting();
  }

  /** Of live nodes that share no label, the two smallest results. */
  private joinDisconnected(): number {
    if (this.disconnected === undefined) {
      this.disconnected = new PairHeap(2 * this.problem.n - 1);
      for (const k of this.liveNodes()) this.disconnected.push(this.outputVolume(k), k, k);
    }
    const heap = this.disconnected;
    const a = heap.topFirst();
    heap.pop();
    const b = heap.topFirst();
    heap.pop();
    this.evaluate(a, b);
    if (!this.fits()) throw overBudget(this.budget, undefined);
    const k = this.join(Math.min(a, b), Math.max(a, b));
    heap.push(this.outputVolume(k), k, k);
    return k;
  }

  /** The cheapest pair of live nodes that fits the budget. */
  private joinCheapestFitting(): number {
    const now = this.liveNodes();
    let best: [number, number, number] | undefined;
    for (let i = 0; i < now.length; i++) {
      for (let j = i + 1; j < now.length; j++) {
        const c = this.evaluate(now[i]!, now[j]!);
        if (this.fits() && (best === undefined || c < best[0])) best = [c, now[i]!, now[j]!];
      }
    }
    if (best === undefined) throw overBudget(this.budget, undefined);
    const k = this.join(best[1], best[2]);
    this.collect(k);
    return k;
  }

  private liveNodes(): number[] {
    return Array.from({ length: this.tree.size }, (_, k) => k).filter((k) => this.alive[k]);
  }

  /** The size of what a node keeps once no other node shares its labels: its output labels. */
  private outputVolume(k: number): number {
    const { size, inOutput } = this.problem;
    return this.tree.labels[k]!.ids.reduce((p, l) => (inOutput[l] ? p * size[l]! : p), 1);
  }
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

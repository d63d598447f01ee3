/**
 * The contraction order for two or more operands. The cost of an order is the sum over its steps
 * of the multiply-adds (the product of the sizes of every label the step touches) plus the
 * elements it reads and writes. Up to DP_LIMIT operands, dynamic programming over subsets finds
 * the optimum exactly (a subset's result does not depend on how it was contracted, so the best
 * tree of a subset is built from the best trees of its two halves); beyond, greedy pairing. A
 * `memoryBudget` bounds every intermediate; when no order fits, the error names the smallest
 * budget that would (the best bottleneck, found by the same DP).
 *
 * Any number of operands and labels: labels are numbered, label sets are arrays of 32-bit words,
 * and trees are built over node ids (operands 0..n-1, then intermediates as they are made).
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

/**
 * The distinct labels of a node in order of first appearance across its operands (taken in
 * index order), with `first[k]`: the position in `operands.flat()` where `ids[k]` first appears.
 * That order is the one `keep` lists an intermediate's labels in.
 */
interface Labels {
  readonly ids: Int32Array;
  readonly first: Int32Array;
}

/**
 * A binary contraction tree: nodes 0..n-1 are the operands, each later node joins `left[k]` and
 * `right[k]` (both made before it) and holds `labels[k]`; `root` is the whole contraction.
 */
interface Tree {
  readonly cost: number;
  readonly root: number;
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly labels: Labels[];
}

/** The order, as steps over a shrinking list of operands (the runtime's and planner's format). */
/** `elementBytes`: the size of one element of an intermediate (4 for f32, 2 for f16), to hold them to the budget. */
export function choosePairs(operands: readonly (readonly string[])[], output: readonly string[], sizes: Sizes, memoryBudget = Infinity, elementBytes = 4): PairChoice[] {
  if (operands.length < 2) return [];
  const problem = new Problem(operands, output, sizes);
  return linearize(plan(problem, memoryBudget, elementBytes), problem);
}

/** The total cost of the order `choosePairs` picks (for tests and explain). */
export function pathCost(operands: readonly (readonly string[])[], output: readonly string[], sizes: Sizes, memoryBudget = Infinity): number {
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

/** An einsum's labels, numbered by first appearance in the operands, then the output. */
class Problem {
  readonly n: number;
  readonly names: string[] = [];
  readonly size: number[] = [];
  /** 1 for the output's labels. */
  readonly inOutput: Uint8Array;
  readonly output: readonly number[];
  readonly leaves: Labels[];
  /** Scratch marks over labels; `nextStamp()` gives a value no mark holds yet. */
  readonly marks: Int32Array;
  private stamp = 0;

  constructor(operands: readonly (readonly string[])[], output: readonly string[], sizes: Sizes) {
    this.n = operands.length;
    const id = new Map<string, number>();
    const number = (l: string) => {
      let k = id.get(l);
      if (k === undefined) {
        k = this.names.length;
        id.set(l, k);
        this.names.push(l);
        this.size.push(sizes[l]!);
      }
      return k;
    };
    let position = 0;
    this.leaves = operands.map((labels) => {
      const ids: number[] = [];
      const first: number[] = [];
      for (const l of labels) {
        const k = number(l);
        if (!ids.includes(k)) {
          ids.push(k);
          first.push(position);
        }
        position += 1;
      }
      return { ids: Int32Array.from(ids), first: Int32Array.from(first) };
    });
    this.output = [...new Set(output.map(number))];
    this.inOutput = new Uint8Array(this.names.length);
    for (const k of this.output) this.inOutput[k] = 1;
    this.marks = new Int32Array(this.names.length);
  }

  nextStamp(): number {
    this.stamp += 1;
    return this.stamp;
  }

  /** The labels of a node joining `a` and `b` that `kept` accepts, in `Labels` order. */
  joinLabels(a: Labels, b: Labels, kept: (id: number) => boolean): Labels {
    const stamp = this.nextStamp();
    const ids: number[] = [];
    const first: number[] = [];
    let i = 0;
    let j = 0;
    while (i < a.ids.length || j < b.ids.length) {
      const fromA = j === b.ids.length || (i < a.ids.length && a.first[i]! < b.first[j]!);
      const k = fromA ? a.ids[i]! : b.ids[j]!;
      const at = fromA ? a.first[i++]! : b.first[j++]!;
      if (this.marks[k] !== stamp && kept(k)) {
        this.marks[k] = stamp;
        ids.push(k);
        first.push(at);
      }
    }
    return { ids: Int32Array.from(ids), first: Int32Array.from(first) };
  }

  product(labels: Labels): number {
    let p = 1;
    for (const k of labels.ids) p *= this.size[k]!;
    return p;
  }
}

/**
 * Label sets as masks of `words` 32-bit words (label k: bit k & 31 of word k >>> 5), with, per
 * word and byte, the product of the sizes of the labels each byte value sets: a mask's product is
 * then four lookups a word.
 */
function labelMasks(problem: Problem) {
  const words = Math.max(1, Math.ceil(problem.names.length / 32));
  const table = new Float64Array(words * 4 * 256).fill(1);
  problem.size.forEach((size, k) => {
    const at = (k >>> 3) * 256; // the table of word k >>> 5, byte (k >>> 3) & 3
    const bit = 1 << (k & 7);
    for (let byte = bit; byte < 256; byte = (byte + 1) | bit) table[at + byte]! *= size;
  });
  return {
    words,
    table,
    /** The product of the sizes of the labels of the mask at `masks[at..at + words]`. */
    product(masks: Int32Array, at: number): number {
      let p = 1;
      for (let w = 0; w < words; w++) {
        const x = masks[at + w]!;
        if (x !== 0) p *= byteProduct(table, w << 10, x);
      }
      return p;
    },
  };
}

function byteProduct(table: Float64Array, at: number, x: number): number {
  return table[at + (x & 255)]! * table[at + 256 + ((x >>> 8) & 255)]! * table[at + 512 + ((x >>> 16) & 255)]! * table[at + 768 + (x >>> 24)]!;
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

function newTree(problem: Problem): { left: Int32Array; right: Int32Array; labels: Labels[]; size: number } {
  const nodes = 2 * problem.n - 1;
  return { left: new Int32Array(nodes).fill(-1), right: new Int32Array(nodes).fill(-1), labels: [...problem.leaves], size: problem.n };
}

function addNode(tree: ReturnType<typeof newTree>, left: number, right: number, labels: Labels): number {
  const k = tree.size++;
  tree.left[k] = left;
  tree.right[k] = right;
  tree.labels[k] = labels;
  return k;
}

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
function greedyTree(problem: Problem, budget: number, elementBytes: number): Tree {
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

function overBudget(budget: number, smallest: number | undefined): EinsightError {
  const hint = smallest === undefined ? "raise memoryBudget" : `the smallest budget any order fits is ${smallest} bytes`;
  return new EinsightError("memoryBudget", `No contraction order keeps every intermediate within the memoryBudget of ${budget} bytes; ${hint}.`);
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

/**
 * The cost model: for one step, every strategy that can run it, with its FLOPs, bytes, temporaries,
 * dispatches and estimated time on a device profile. The planner picks the cheapest that fits the
 * memory budget; the rest become the plan's alternatives, with the reason they lost.
 */
import type { DeviceProfile } from "./profile.js";
import { lanesPerOutput } from "./reduction.js";
import type { TileConfig } from "./tile-config.js";
import { chooseTiles, type TileRequest } from "./tile-choice.js";
import type { TileShape } from "./tiles.js";

export type Strategy = "direct" | "split-k" | "ttgt" | "loop";
export const STRATEGIES: readonly Strategy[] = ["direct", "split-k", "ttgt", "loop"];

export interface Cost {
  readonly flops: number;
  /** Bytes the kernels read from global memory, each operand element counted once per kernel. */
  readonly bytesRead: number;
  readonly bytesWritten: number;
  /** Bytes of scratch buffers the strategy allocates (split-k partials, ttgt copies). */
  readonly temporaryBytes: number;
  readonly dispatches: number;
  readonly estimatedSeconds: number;
}

export type { TileConfig } from "./tile-config.js";

/** Sizes of a pairwise step by label group, and how its operands lie in memory. */
export interface PairShape extends TileRequest {
  readonly k: number;
  /** Elements of each input and of the output, as the step reads and writes them. */
  readonly aElements: number;
  readonly bElements: number;
  readonly outElements: number;
  /** Whether each input can be loaded with unit stride along M/K (A) or K/N (B). */
  readonly aCoalesced: boolean;
  readonly bCoalesced: boolean;
  /** Whether each input already lies as ttgt's GEMM wants it ([batch, m, k] / [batch, k, n], contiguous). */
  readonly aGemmReady: boolean;
  readonly bGemmReady: boolean;
  /** Bytes per element of the step's inputs and output (4 for f32, 2 for f16). */
  readonly elementBytes: number;
  readonly matrix: boolean;
}

export interface Candidate {
  readonly strategy: Strategy;
  readonly cost: Cost;
  readonly tiles?: TileConfig;
  /** ttgt: which inputs it copies (0 = left, 1 = right). */
  readonly copies?: readonly number[];
  /** Why the strategy would be slow or heavy, in words, for lint warnings and explain. */
  readonly notes: readonly string[];
}

/** Strided loads that cannot coalesce cost about this many times the bandwidth (one 32-byte sector per float). */
const UNCOALESCED_PENALTY = 8;
/**
 * The share of `matrixFlopsPerSecond` (the kernel that stages both operands with 16-byte loads in
 * 256 x 128 tiles) each subgroup-matrix kernel reached on an H200 at 8192^3: 110.5 TFLOP/s staged
 * with 16-byte loads and 48.6 with one operand read an element at a time in 128 x 128 tiles
 * (bench/results/h200/h200-2026-11-26-f16-variants-padded-slabs-f32-128x128x8.json; 53.9 with an earlier slab
 * layout, h200-2026-11-26-f16-variants-from-memory.json);
 * 70.5 loading from memory (a kernel without slabs) and 37 with both operands read an element at
 * a time (h200-2026-11-26-f16-variants-from-memory.json).
 */
function matrixShare(global: boolean, wide: PairShape["wide"]): number {
  if (global) return 0.64;
  const count = Number(wide?.a === true) + Number(wide?.b === true);
  return [0.34, 0.44, 1][count]!;
}
/** A loop kernel keeps no tile in fast memory; neighbouring outputs share reads through the cache. */
const LOOP_CACHE_REUSE = 8;
/**
 * Invocations of the loop kernel that keep one of the profile's `parallelWorkgroups` slots at its
 * share of the loop kernel's rate (an estimate: the kernel waits on memory, and a warp of loads in
 * flight per compute unit is taken to be enough); fewer outputs (times lanes) leave the rest idle.
 */
const LOOP_UNIT_INVOCATIONS = 32;

/** Every strategy that can run a pairwise step, costed. */
export function costPair(shape: PairShape, profile: DeviceProfile, tiles?: Partial<TileShape>): Candidate[] {
  const out: Candidate[] = [
    costDirect(shape, profile, tiles),
    costTtgt(shape, profile, tiles),
    costLoop(shape, profile, 2),
  ];
  const split = costSplitK(shape, profile, tiles);
  if (split !== undefined) out.splice(1, 0, split);
  return out;
}

/** A one-operand step (reduction, diagonal, permutation): only the loop kernel runs it. */
export function costSingle(
  inElements: number,
  outElements: number,
  profile: DeviceProfile,
  elementBytes = 4,
): Candidate {
  const bytesRead = inElements * elementBytes;
  const bytesWritten = outElements * elementBytes;
  const flops = Math.max(0, inElements - outElements);
  // The input holds each output's terms once (its labels are distinct), so each output sums in/out of them.
  const terms = outElements > 0 ? inElements / outElements : 0;
  const seconds = loopSeconds(
    Math.max(
      flops / (profile.flopsPerSecond * profile.loopEfficiency),
      (bytesRead + bytesWritten) / profile.bytesPerSecond,
    ),
    outElements,
    terms,
    profile,
  );
  return {
    strategy: "loop",
    cost: cost(
      { flops, bytesRead, bytesWritten, temporaryBytes: 0, dispatches: outElements > 0 ? 1 : 0 },
      seconds,
      profile,
    ),
    notes: [],
  };
}

/**
 * The loop kernel's time from its time on a full device (`full`). Where lanes share long sums
 * (codegen/reduction), the outputs are too few to fill the device: the time is the lanes' share of
 * each sum at the rate so few invocations get (occupancy), plus log2(lanes) tree steps each.
 * Where one invocation sums each output, either the outputs fill the device or the sums are short
 * and cost less than a dispatch, so `full` stands (as the tiled kernels' estimates treat small steps).
 */
function loopSeconds(full: number, outputs: number, terms: number, p: DeviceProfile): number {
  const lanes = lanesPerOutput(outputs, terms, p.busyInvocations);
  if (outputs === 0 || lanes === 1) return full;
  const invocations = outputs * lanes;
  const occupancy = Math.min(1, invocations / (p.parallelWorkgroups * LOOP_UNIT_INVOCATIONS));
  const tree = (invocations * Math.log2(lanes)) / (p.flopsPerSecond * p.loopEfficiency);
  return (full + tree) / occupancy;
}

function costDirect(s: PairShape, p: DeviceProfile, forced: Partial<TileShape> | undefined): Candidate {
  const tiles = chooseTiles(s, p, 1, forced);
  const notes: string[] = [];
  if (!s.aCoalesced)
    notes.push(
      "the left operand has no unit stride along its free or contracted labels, so its loads do not " + "coalesce",
    );
  if (!s.bCoalesced)
    notes.push(
      "the right operand has no unit stride along its free or contracted labels, so its loads do not " + "coalesce",
    );
  const seconds = gemmSeconds(s, tiles, p, s.aCoalesced, s.bCoalesced);
  const c = cost(
    {
      flops: 2 * s.batch * s.m * s.n * s.k,
      bytesRead: (s.aElements + s.bElements) * s.elementBytes,
      bytesWritten: s.outElements * s.elementBytes,
      temporaryBytes: 0,
      dispatches: 1,
    },
    seconds,
    p,
  );
  return { strategy: "direct", cost: c, tiles, notes };
}

function costSplitK(s: PairShape, p: DeviceProfile, forced: Partial<TileShape> | undefined): Candidate | undefined {
  const base = chooseTiles(s, p, 1, forced);
  const workgroups = s.batch * Math.ceil(s.m / base.tm) * Math.ceil(s.n / base.tn);
  // Split only a step too small to fill the device: enough slices to occupy every compute unit once.
  const wanted = Math.ceil(p.parallelWorkgroups / Math.max(1, workgroups));
  const most = Math.floor(s.k / (base.tk * 8)); // each slice at least 8 K tiles long
  const splits = Math.min(wanted, most);
  if (splits < 2 || s.outElements === 0) return undefined;
  const chunk = Math.ceil(s.k / splits / base.tk) * base.tk;
  const tiles = { ...base, splits: Math.ceil(s.k / chunk) };
  const partial = tiles.splits * s.outElements * s.elementBytes;
  const gemm = gemmSeconds(s, tiles, p, s.aCoalesced, s.bCoalesced);
  const reduce = (2 * partial) / p.bytesPerSecond;
  const c = cost(
    {
      flops: 2 * s.batch * s.m * s.n * s.k + tiles.splits * s.outElements,
      bytesRead: (s.aElements + s.bElements) * s.elementBytes + partial,
      bytesWritten: partial + s.outElements * s.elementBytes,
      temporaryBytes: partial,
      dispatches: 2,
    },
    gemm + reduce,
    p,
  );
  return { strategy: "split-k", cost: c, tiles, notes: [] };
}

function costTtgt(s: PairShape, p: DeviceProfile, forced: Partial<TileShape> | undefined): Candidate {
  const tiles = chooseTiles(s, p, 1, forced);
  const copies = [...(s.aGemmReady ? [] : [0]), ...(s.bGemmReady ? [] : [1])];
  // A ttgt copy holds the operand as the GEMM reads it: batch x m x k (or k x n), broadcasts materialized.
  const copyElements = copies.map((i) => (i === 0 ? s.batch * s.m * s.k : s.batch * s.k * s.n));
  const copied = copyElements.reduce((a, b) => a + b, 0) * s.elementBytes;
  const copyRead = copies.map((i) => (i === 0 ? s.aElements : s.bElements)).reduce((a, b) => a + b, 0) * s.elementBytes;
  const copySeconds =
    copies.length === 0
      ? 0
      : (copyRead * (s.aCoalesced && s.bCoalesced ? 1 : UNCOALESCED_PENALTY / 2) + copied) / p.bytesPerSecond;
  const seconds = gemmSeconds(s, tiles, p, true, true) + copySeconds;
  const read =
    (copies.includes(0) ? s.batch * s.m * s.k : s.aElements) + (copies.includes(1) ? s.batch * s.k * s.n : s.bElements);
  const c = cost(
    {
      flops: 2 * s.batch * s.m * s.n * s.k,
      bytesRead: copyRead + read * s.elementBytes,
      bytesWritten: copied + s.outElements * s.elementBytes,
      temporaryBytes: copied,
      dispatches: 1 + copies.length,
    },
    seconds,
    p,
  );
  const notes =
    copies.length > 0
      ? [
          `copies ${copies.map((i) => (i === 0 ? "the left" : "the right")).join(" and ")} operand ` +
            `(${copied} bytes) into GEMM layout first`,
        ]
      : [];
  return { strategy: "ttgt", cost: c, tiles, copies, notes };
}

function costLoop(s: PairShape, p: DeviceProfile, inputs: number): Candidate {
  const flops = 2 * s.batch * s.m * s.n * s.k;
  const reads = s.outElements * Math.max(1, s.k) * inputs * s.elementBytes;
  const full = Math.max(flops / (p.flopsPerSecond * p.loopEfficiency), reads / (p.bytesPerSecond * LOOP_CACHE_REUSE));
  const seconds = loopSeconds(full, s.outElements, s.k, p) + writeSeconds(s.outElements * s.elementBytes, p);
  return {
    strategy: "loop",
    cost: cost(
      {
        flops,
        bytesRead: reads,
        bytesWritten: s.outElements * s.elementBytes,
        temporaryBytes: 0,
        dispatches: s.outElements > 0 ? 1 : 0,
      },
      seconds,
      p,
    ),
    notes: [],
  };
}

/**
 * Time of the tiled kernel: compute at the device's rate scaled by how full the tiles and waves are, or its reads
 * if slower, then its writes.
 */
function gemmSeconds(s: PairShape, t: TileConfig, p: DeviceProfile, aCoalesced: boolean, bCoalesced: boolean): number {
  const tilesM = Math.ceil(s.m / t.tm);
  const tilesN = Math.ceil(s.n / t.tn);
  const workgroups = s.batch * tilesM * tilesN * t.splits;
  if (workgroups === 0) return 0;
  const waves = Math.ceil(workgroups / p.parallelWorkgroups);
  const occupancy = workgroups / (waves * p.parallelWorkgroups);
  const tileFill = (s.m * s.n) / (tilesM * t.tm * tilesN * t.tn);
  // The k loop runs whole TK-deep slabs, so a short contraction (an outer product: k = 1) pays for TK.
  const paddedK = Math.max(1, Math.ceil(s.k / t.tk)) * t.tk;
  const rate =
    t.kind === "scalar"
      ? p.flopsPerSecond
      : (p.matrixFlopsPerSecond ?? p.flopsPerSecond) * matrixShare(t.kind === "matrix-global", s.wide);
  const compute = (2 * s.batch * s.m * s.n * paddedK) / (rate * occupancy * tileFill);
  // Each A tile is read once per tile column and each B tile once per tile row; the cache absorbs about half.
  const aBytes = s.aElements * s.elementBytes * Math.max(1, tilesN / 2) * (aCoalesced ? 1 : UNCOALESCED_PENALTY);
  const bBytes = s.bElements * s.elementBytes * Math.max(1, tilesM / 2) * (bCoalesced ? 1 : UNCOALESCED_PENALTY);
  const reads = (aBytes + bBytes) / p.bytesPerSecond;
  return Math.max(compute, reads) + writeSeconds(s.outElements * s.elementBytes * t.splits, p);
}

/**
 * Writing results: a tiled workgroup stores its outputs after its k loop (a loop invocation after
 * its sum), so the writes overlap the math far less than the prefetched reads do. Added, they
 * bring the H200 estimates of output-heavy steps near the clock (h200-2026-11-26-suite-128x64x16.json:
 * attention scores, 512 MiB out, 0.467 -> 0.646 ms against 0.643 measured; the outer product on
 * the loop kernel 0.149 -> 0.507 against 0.436) and move the GEMMs by under 1%.
 */
function writeSeconds(bytes: number, p: DeviceProfile): number {
  return bytes / p.bytesPerSecond;
}

/** A strategy's cost from its counts and the time its kernels take: each dispatch adds the profile's launch time. */
function cost(counts: Omit<Cost, "estimatedSeconds">, seconds: number, p: DeviceProfile): Cost {
  const { flops, bytesRead, bytesWritten, temporaryBytes, dispatches } = counts;
  return {
    flops,
    bytesRead,
    bytesWritten,
    temporaryBytes,
    dispatches,
    estimatedSeconds: seconds + dispatches * p.launchSeconds,
  };
}

/**
 * The cost model: for one step, every strategy that can run it, with its FLOPs, bytes, temporaries,
 * dispatches and estimated time on a device profile. The planner picks the cheapest that fits the
 * memory budget; the rest become the plan's alternatives, with the reason they lost.
 */
import type { DeviceProfile, SubgroupMatrixShape } from "./profile.js";
import { lanesPerOutput } from "./reduction.js";
import { layoutFits, slabLoads, tableTiles, TILE_DEPTHS, TILE_SIDES, type TileShape, type WorkgroupLayout } from "./tiles.js";

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

/** Output tile of one workgroup, the K tile, and how many slices split-k cuts the contraction into. */
export interface TileConfig {
  readonly tm: number;
  readonly tn: number;
  readonly tk: number;
  readonly splits: number;
  /** Multiply on subgroup matrices of this shape (tensor cores): f16 inputs, f32 accumulators. */
  readonly matrix?: SubgroupMatrixShape;
  /**
   * Read a (b) 16 bytes at a time from memory, where its layout and start allow (codegen/access
   * `wideLoads`); `out`: the scalar f32 kernel stores its output 16 bytes at a time, where its
   * layout allows and it starts aligned (`wideStores`; an intermediate, a fresh result, or an
   * `out` view at an aligned offset; split-k's partials where their layout allows too).
   */
  readonly wide?: { readonly a: boolean; readonly b: boolean; readonly out?: boolean };
  /** With `matrix`: load them straight from the operands (4 subgroups, 16-deep steps) instead of staging slabs (8 subgroups). */
  readonly global?: boolean;
  /**
   * Stage slabs in two workgroup buffers, one barrier per slab instead of two (the next slab is
   * stored while the current one is read): the scalar kernels' 128 x 128 x 8 tiles under a
   * profile with `doubleBuffer`.
   */
  readonly doubleBuffer?: boolean;
  /**
   * With `matrix`, staged and single-buffered: one slab of a per row of subgroups and one of b per
   * column, so that each matrix load names its part at a constant offset. Dawn's robustness wraps
   * a subgroup-matrix load in a bounds test unless its offset, stride and array are constants
   * (an H200 ran the planned f16 GEMM 19% faster with robustness off). Not yet checked or timed on
   * a GPU, so only a profile with `matrixSlabs: "per-subgroup"` chooses it: bench/matrix.ts checks
   * and times it.
   */
  readonly subgroupSlabs?: boolean;
  /**
   * With `matrix`, staged, single-buffered, both operands read 16 bytes at a time: each slab is
   * workgroup memory seen two ways (WGSL `buffer_view`), so a 16-byte load is stored as one
   * 16-byte store instead of 8 f16 stores (an f16 matrix loads only from f16 elements), and the
   * matrices are loaded from its f16 view. Not yet compiled or timed on a GPU (SwiftShader has
   * neither f16 nor subgroup matrices), so only a profile with `matrixSlabs: "views"` and
   * `bufferViews` chooses it: bench/matrix.ts checks and times it.
   */
  readonly viewSlabs?: boolean;
  /**
   * Without `matrix`: the workgroup layout (codegen/tiles `WorkgroupLayout`; default 16 x 16).
   * With `run` < `x` a subgroup of 32 covers, say, 8 x 4 blocks instead of 16 x 2 and reads fewer
   * distinct workgroup-memory words a step. Chosen only under a profile that names a layout
   * (`DeviceProfile.invocations`), which no built-in one does until a GPU has timed them
   * (bench/tune.ts measures them).
   */
  readonly invocations?: WorkgroupLayout;
}

/** Sizes of a pairwise step by label group, and how its operands lie in memory. */
export interface PairShape {
  readonly batch: number;
  readonly m: number;
  readonly n: number;
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
  /** The tiled kernels multiply on the device's subgroup matrices (f16 on a profile that has them). */
  readonly matrix: boolean;
  /** ... loading them straight from the operands, whose layout allows it (codegen/access `matrixLayout`). */
  readonly matrixGlobal?: boolean;
  /** Which operands the tiled kernels read 16 bytes at a time (layout and aligned start). */
  readonly wide?: { readonly a: boolean; readonly b: boolean };
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

const TK = 16;
/**
 * The most workgroup memory double-buffered slabs may take: 128 x 128 x 8 f32 tiles (16.5 KiB).
 * Measured on an H200 (bench/results/h200-run2-full.json): with them the seed's
 * contraction went 17.6 -> 15.5 ms, the transposed GEMM 4.15 -> 3.65, attention scores 0.738 ->
 * 0.670, the GEMM unchanged; 128 x 64 x 16 tiles doubled (25.6 KiB) made attention values slower,
 * 0.556 -> 0.672 ms, and 64 x 64 x 16 ones (17 KiB) a GEMM 29.7 -> 26.2 TFLOP/s. The H100 profile
 * prefers single-buffered 128 x 64 x 16 tiles, faster still (maxTileArea).
 */
const DOUBLE_BUFFER_BYTES = 2 * 8 * (128 + 128 + 8) * 4;
/** Strided loads that cannot coalesce cost about this many times the bandwidth (one 32-byte sector per float). */
const UNCOALESCED_PENALTY = 8;
/**
 * The share of `matrixFlopsPerSecond` (the kernel that stages both operands with 16-byte loads in
 * 256 x 128 tiles) each subgroup-matrix kernel reached on an H200 at 8192^3: 110.5 TFLOP/s staged
 * with 16-byte loads and 48.6 with one operand read an element at a time in 128 x 128 tiles
 * (bench/results/h200-s5-probe-f16.json; 53.9 with an earlier slab layout, h200-2026-11-26-f16-variants.json);
 * 70.5 loading from memory (a kernel without slabs) and 37 with both operands read an element at
 * a time (h200-2026-11-26-f16-variants.json).
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
  const out: Candidate[] = [costDirect(shape, profile, tiles), costTtgt(shape, profile, tiles), costLoop(shape, profile, 2)];
  const split = costSplitK(shape, profile, tiles);
  if (split !== undefined) out.splice(1, 0, split);
  return out;
}

/** A one-operand step (reduction, diagonal, permutation): only the loop kernel runs it. */
export function costSingle(inElements: number, outElements: number, profile: DeviceProfile, elementBytes = 4): Candidate {
  const bytesRead = inElements * elementBytes;
  const bytesWritten = outElements * elementBytes;
  const flops = Math.max(0, inElements - outElements);
  // The input holds each output's terms once (its labels are distinct), so each output sums in/out of them.
  const terms = outElements > 0 ? inElements / outElements : 0;
  const seconds = loopSeconds(Math.max(flops / (profile.flopsPerSecond * profile.loopEfficiency), (bytesRead + bytesWritten) / profile.bytesPerSecond), outElements, terms, profile);
  return { strategy: "loop", cost: cost(flops, bytesRead, bytesWritten, 0, outElements > 0 ? 1 : 0, seconds, profile), notes: [] };
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

/**
 * The output tile and k slab of the tiled kernel: the profile's largest side where the step still
 * gives every compute unit a workgroup, smaller sides for small sizes; under a profile with a
 * measured tile table, the entry nearest to the step's sizes (no side larger than the step needs);
 * `forced` (a plan option) wins over both.
 */
export function chooseTiles(shape: Pick<PairShape, "batch" | "m" | "n"> & Partial<Pick<PairShape, "k" | "matrix" | "matrixGlobal" | "wide">>, profile: DeviceProfile, splits = 1, forced?: Partial<TileShape>): TileConfig {
  if (shape.matrix === true && profile.subgroupMatrix !== undefined) return matrixTiles(shape, profile.subgroupMatrix, profile, splits, forced);
  const side = (size: number, largest: number) => TILE_SIDES.filter((t) => t <= Math.max(16, largest)).find((t) => t >= size) ?? largest;
  const measured = tableTiles(profile.tileTable, shape.m, shape.n, shape.k ?? 1);
  const [tm, tn] =
    measured !== undefined
      ? [Math.min(measured.tm, side(shape.m, 256)), Math.min(measured.tn, side(shape.n, 256))]
      : fillDevice(...capArea(side(shape.m, profile.maxTile), side(shape.n, profile.maxTile), profile.maxTileArea), shape, profile);
  // 128 x 128 tiles run best with 8-deep slabs (an H200, bench/results/h200-tune.json); smaller ones with 16.
  const tk = forced?.tk ?? measured?.tk ?? ((forced?.tm ?? tm) * (forced?.tn ?? tn) >= 128 * 128 ? 8 : TK);
  // 256 invocations stage a side x tk slab: a shallow slab needs a wide enough side.
  const fit = (t: number) => Math.max(t, 256 / tk);
  const [finalM, finalN] = [forced?.tm ?? fit(tm), forced?.tn ?? fit(tn)];
  // The workgroup layout the table's entry (else the profile) names, where these tiles divide among it; 16 x 16 otherwise.
  const named = measured?.invocations ?? profile.invocations;
  const laidOut = named === undefined ? undefined : withLayout(finalM, finalN, tk, forced?.tk === undefined && measured?.tk === undefined, named, profile.maxSlabLoads);
  const depth = laidOut ?? tk;
  // Two slab buffers of f32 (rows padded by up to 4), where the profile asks for them and they stay small.
  const double = profile.doubleBuffer === true && 2 * depth * (finalM + finalN + 8) * 4 <= DOUBLE_BUFFER_BYTES;
  return { tm: finalM, tn: finalN, tk: depth, splits, ...(double ? { doubleBuffer: true } : {}), ...(laidOut === undefined ? {} : { invocations: named! }) };
}

/**
 * The slab depth at which tm x tn tiles run on `layout`, or undefined where they cannot: its
 * invocations must take whole rows, columns and slab loads (`layoutFits`), and at most
 * `maxSlabLoads` loads each a slab; a depth the planner chose (`shallower`) is halved, down to 8,
 * to get there.
 */
function withLayout(tm: number, tn: number, tk: number, shallower: boolean, layout: WorkgroupLayout, maxSlabLoads = Infinity): number | undefined {
  const loads = (depth: number) => slabLoads({ tm, tn, tk: depth }, layout);
  let depth = tk;
  while (shallower && depth > TILE_DEPTHS[0] && loads(depth) > maxSlabLoads) depth /= 2;
  return loads(depth) <= maxSlabLoads && layoutFits({ tm, tn, tk: depth }, layout) ? depth : undefined;
}

/**
 * Tiles of the subgroup-matrix kernels. Staged with 16-byte loads of both operands: 256 x 128,
 * 8 subgroups in 4 x 2 (64 x 64 each; on an H200 at 8192^3 97.9 TFLOP/s against 81.1 for 128 x
 * 128). Otherwise up to 128 x 128 (staged: 8 subgroups in 2 x 4; loaded from memory: 4 in 2 x 2),
 * the sides the other layouts were measured with. Smaller sides (down to 64) where larger ones
 * would leave compute units idle; slabs 32 deep. Sides must be multiples of the subgroups' result
 * matrices. Never double-buffered: that measured slower here (66 against 81 TFLOP/s).
 */
function matrixTiles(shape: Pick<PairShape, "batch" | "m" | "n"> & Partial<Pick<PairShape, "k" | "matrixGlobal" | "wide">>, matrix: SubgroupMatrixShape, profile: DeviceProfile, splits: number, forced?: Partial<TileShape>): TileConfig {
  const bothWide = shape.matrixGlobal !== true && shape.wide?.a === true && shape.wide.b === true;
  const [fillM, fillN] = fillDevice(bothWide ? 256 : 128, 128, shape, profile);
  const tm = Math.max(forced?.tm ?? fillM, 2 * matrix.m, 64);
  const tn = Math.max(forced?.tn ?? fillN, 4 * matrix.n, 64);
  if (shape.matrixGlobal === true) {
    // Two k steps per iteration (their loads issued together) where K allows it.
    const tk = forced?.tk !== undefined ? Math.max(matrix.k, Math.min(forced.tk, 2 * matrix.k)) : (shape.k ?? 0) % (2 * matrix.k) === 0 ? 2 * matrix.k : matrix.k;
    return { tm, tn, tk: (shape.k ?? 0) % tk === 0 ? tk : matrix.k, splits, matrix, global: true };
  }
  // Slabs as the profile asks: per subgroup, or through buffer views where the device has them
  // and both operands are read 16 bytes at a time (the kernel's view slabs need both).
  const slabs = profile.matrixSlabs === "per-subgroup" ? { subgroupSlabs: true } : profile.matrixSlabs === "views" && profile.bufferViews === true && bothWide ? { viewSlabs: true } : {};
  return { tm, tn, tk: Math.max(forced?.tk ?? 32, matrix.k, 256 / Math.min(tm, tn)), splits, matrix, ...slabs };
}

/** Halves tn, then tm, while the tile is larger than the profile allows. */
function capArea(tm: number, tn: number, area = Infinity): [number, number] {
  while (tm * tn > area) {
    if (tn >= tm) tn /= 2;
    else tm /= 2;
  }
  return [tm, tn];
}

/** Halves the larger tile side (down to 64) while the step would leave compute units idle. */
function fillDevice(tm: number, tn: number, shape: Pick<PairShape, "batch" | "m" | "n">, profile: DeviceProfile): [number, number] {
  while (Math.max(tm, tn) > 64 && shape.batch * Math.ceil(shape.m / tm) * Math.ceil(shape.n / tn) < profile.parallelWorkgroups) {
    if (tm >= tn) tm /= 2;
    else tn /= 2;
  }
  return [tm, tn];
}

function costDirect(s: PairShape, p: DeviceProfile, forced: Partial<TileShape> | undefined): Candidate {
  const tiles = chooseTiles(s, p, 1, forced);
  const notes: string[] = [];
  if (!s.aCoalesced) notes.push("the left operand has no unit stride along its free or contracted labels, so its loads do not coalesce");
  if (!s.bCoalesced) notes.push("the right operand has no unit stride along its free or contracted labels, so its loads do not coalesce");
  const seconds = gemmSeconds(s, tiles, p, s.aCoalesced, s.bCoalesced);
  const c = cost(2 * s.batch * s.m * s.n * s.k, (s.aElements + s.bElements) * s.elementBytes, s.outElements * s.elementBytes, 0, 1, seconds, p);
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
  const c = cost(2 * s.batch * s.m * s.n * s.k + tiles.splits * s.outElements, (s.aElements + s.bElements) * s.elementBytes + partial, partial + s.outElements * s.elementBytes, partial, 2, gemm + reduce, p);
  return { strategy: "split-k", cost: c, tiles, notes: [] };
}

function costTtgt(s: PairShape, p: DeviceProfile, forced: Partial<TileShape> | undefined): Candidate {
  const tiles = chooseTiles(s, p, 1, forced);
  const copies = [...(s.aGemmReady ? [] : [0]), ...(s.bGemmReady ? [] : [1])];
  // A ttgt copy holds the operand as the GEMM reads it: batch x m x k (or k x n), broadcasts materialized.
  const copyElements = copies.map((i) => (i === 0 ? s.batch * s.m * s.k : s.batch * s.k * s.n));
  const copied = copyElements.reduce((a, b) => a + b, 0) * s.elementBytes;
  const copyRead = copies.map((i) => (i === 0 ? s.aElements : s.bElements)).reduce((a, b) => a + b, 0) * s.elementBytes;
  const copySeconds = copies.length === 0 ? 0 : (copyRead * (s.aCoalesced && s.bCoalesced ? 1 : UNCOALESCED_PENALTY / 2) + copied) / p.bytesPerSecond;
  const seconds = gemmSeconds(s, tiles, p, true, true) + copySeconds;
  const read = (copies.includes(0) ? s.batch * s.m * s.k : s.aElements) + (copies.includes(1) ? s.batch * s.k * s.n : s.bElements);
  const c = cost(2 * s.batch * s.m * s.n * s.k, copyRead + read * s.elementBytes, copied + s.outElements * s.elementBytes, copied, 1 + copies.length, seconds, p);
  const notes = copies.length > 0 ? [`copies ${copies.map((i) => (i === 0 ? "the left" : "the right")).join(" and ")} operand (${copied} bytes) into GEMM layout first`] : [];
  return { strategy: "ttgt", cost: c, tiles, copies, notes };
}

function costLoop(s: PairShape, p: DeviceProfile, inputs: number): Candidate {
  const flops = 2 * s.batch * s.m * s.n * s.k;
  const reads = s.outElements * Math.max(1, s.k) * inputs * s.elementBytes;
  const full = Math.max(flops / (p.flopsPerSecond * p.loopEfficiency), reads / (p.bytesPerSecond * LOOP_CACHE_REUSE));
  const seconds = loopSeconds(full, s.outElements, s.k, p) + writeSeconds(s.outElements * s.elementBytes, p);
  return { strategy: "loop", cost: cost(flops, reads, s.outElements * s.elementBytes, 0, s.outElements > 0 ? 1 : 0, seconds, p), notes: [] };
}

/** Time of the tiled kernel: compute at the device's rate scaled by how full the tiles and waves are, or its reads if slower, then its writes. */
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
  const rate = t.matrix === undefined ? p.flopsPerSecond : (p.matrixFlopsPerSecond ?? p.flopsPerSecond) * matrixShare(t.global === true, s.wide);
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
 * bring the H200 estimates of output-heavy steps near the clock (h200-s5-full.json:
 * attention scores, 512 MiB out, 0.467 -> 0.646 ms against 0.643 measured; the outer product on
 * the loop kernel 0.149 -> 0.507 against 0.436) and move the GEMMs by under 1%.
 */
function writeSeconds(bytes: number, p: DeviceProfile): number {
  return bytes / p.bytesPerSecond;
}

function cost(flops: number, bytesRead: number, bytesWritten: number, temporaryBytes: number, dispatches: number, seconds: number, p: DeviceProfile): Cost {
  return { flops, bytesRead, bytesWritten, temporaryBytes, dispatches, estimatedSeconds: seconds + dispatches * p.launchSeconds };
}

export const STRATEGIES = ["direct", "split-k", "ttgt", "loop"];
const F32 = 4;
const TK = 16;
/** Strided loads that cannot coalesce cost about this many times the bandwidth (one 32-byte sector per float). */
const UNCOALESCED_PENALTY = 8;
/** A loop kernel keeps no tile in fast memory; neighbouring outputs share reads through the cache. */
const LOOP_CACHE_REUSE = 8;
/** Every strategy that can run a pairwise step, costed. */
export function costPair(shape, profile, tiles) {
    const out = [costDirect(shape, profile, tiles), costTtgt(shape, profile, tiles), costLoop(shape, profile, 2)];
    const split = costSplitK(shape, profile, tiles);
    if (split !== undefined)
        out.splice(1, 0, split);
    return out;
}
/** A one-operand step (reduction, diagonal, permutation): only the loop kernel runs it. */
export function costSingle(inElements, outElements, profile) {
    const bytesRead = inElements * F32;
    const bytesWritten = outElements * F32;
    const flops = Math.max(0, inElements - outElements);
    const seconds = Math.max(flops / (profile.flopsPerSecond * profile.loopEfficiency), (bytesRead + bytesWritten) / profile.bytesPerSecond);
    return { strategy: "loop", cost: cost(flops, bytesRead, bytesWritten, 0, outElements > 0 ? 1 : 0, seconds, profile), notes: [] };
}
/** Tile shapes the direct kernel accepts: sides of 16 x 16 invocations' blocks, slabs whose loads divide evenly. */
export const TILE_SIDES = [16, 32, 64, 128];
export const TILE_DEPTHS = [8, 16, 32];
/**
 * The output tile and k slab of the tiled kernel: the profile's largest side where the step still
 * gives every compute unit a workgroup, smaller sides for small sizes; `forced` (a plan option) wins.
 */
export function chooseTiles(shape, profile, splits = 1, forced) {
    const side = (size, largest) => TILE_SIDES.filter((t) => t <= Math.max(16, largest)).find((t) => t >= size) ?? largest;
    let [tm, tn] = [side(shape.m, profile.maxTile), side(shape.n, profile.maxTile)];
    // Halve the larger side while the step would leave compute units idle.
    while (Math.max(tm, tn) > 64 && shape.batch * Math.ceil(shape.m / tm) * Math.ceil(shape.n / tn) < profile.parallelWorkgroups) {
        if (tm >= tn)
            tm /= 2;
        else
            tn /= 2;
    }
    // Measured on an H200 (bench/results/h200-tune.json): 128 x 128 tiles run best with 8-deep slabs.
    const tk = forced?.tk ?? ((forced?.tm ?? tm) * (forced?.tn ?? tn) >= 128 * 128 ? 8 : TK);
    // 256 invocations stage a side x tk slab: a shallow slab needs a wide enough side.
    const fit = (t) => Math.max(t, 256 / tk);
    return { tm: forced?.tm ?? fit(tm), tn: forced?.tn ?? fit(tn), tk, splits };
}
function costDirect(s, p, forced) {
    const tiles = chooseTiles(s, p, 1, forced);
    const notes = [];
    if (!s.aCoalesced)
        notes.push("the left operand has no unit stride along its free or contracted labels, so its loads do not coalesce");
    if (!s.bCoalesced)
        notes.push("the right operand has no unit stride along its free or contracted labels, so its loads do not coalesce");
    const seconds = gemmSeconds(s, tiles, p, s.aCoalesced, s.bCoalesced);
    const c = cost(2 * s.batch * s.m * s.n * s.k, (s.aElements + s.bElements) * F32, s.outElements * F32, 0, 1, seconds, p);
    return { strategy: "direct", cost: c, tiles, notes };
}
function costSplitK(s, p, forced) {
    const base = chooseTiles(s, p, 1, forced);
    const workgroups = s.batch * Math.ceil(s.m / base.tm) * Math.ceil(s.n / base.tn);
    // Split only a step too small to fill the device: enough slices to occupy every compute unit once.
    const wanted = Math.ceil(p.parallelWorkgroups / Math.max(1, workgroups));
    const most = Math.floor(s.k / (base.tk * 8)); // each slice at least 8 K tiles long
    const splits = Math.min(wanted, most);
    if (splits < 2 || s.outElements === 0)
        return undefined;
    const chunk = Math.ceil(s.k / splits / base.tk) * base.tk;
    const tiles = { ...base, splits: Math.ceil(s.k / chunk) };
    const partial = tiles.splits * s.outElements * F32;
    const gemm = gemmSeconds(s, tiles, p, s.aCoalesced, s.bCoalesced);
    const reduce = (2 * partial) / p.bytesPerSecond;
    const c = cost(2 * s.batch * s.m * s.n * s.k + tiles.splits * s.outElements, (s.aElements + s.bElements) * F32 + partial, partial + s.outElements * F32, partial, 2, gemm + reduce, p);
    return { strategy: "split-k", cost: c, tiles, notes: [] };
}
function costTtgt(s, p, forced) {
    const tiles = chooseTiles(s, p, 1, forced);
    const copies = [...(s.aGemmReady ? [] : [0]), ...(s.bGemmReady ? [] : [1])];
    // A ttgt copy holds the operand as the GEMM reads it: batch x m x k (or k x n), broadcasts materialized.
    const copyElements = copies.map((i) => (i === 0 ? s.batch * s.m * s.k : s.batch * s.k * s.n));
    const copied = copyElements.reduce((a, b) => a + b, 0) * F32;
    const copyRead = copies.map((i) => (i === 0 ? s.aElements : s.bElements)).reduce((a, b) => a + b, 0) * F32;
    const copySeconds = copies.length === 0 ? 0 : (copyRead * (s.aCoalesced && s.bCoalesced ? 1 : UNCOALESCED_PENALTY / 2) + copied) / p.bytesPerSecond;
    const seconds = gemmSeconds(s, tiles, p, true, true) + copySeconds;
    const read = (copies.includes(0) ? s.batch * s.m * s.k : s.aElements) + (copies.includes(1) ? s.batch * s.k * s.n : s.bElements);
    const c = cost(2 * s.batch * s.m * s.n * s.k, copyRead + read * F32, copied + s.outElements * F32, copied, 1 + copies.length, seconds, p);
    const notes = copies.length > 0 ? [`copies ${copies.map((i) => (i === 0 ? "the left" : "the right")).join(" and ")} operand (${copied} bytes) into GEMM layout first`] : [];
    return { strategy: "ttgt", cost: c, tiles, copies, notes };
}
function costLoop(s, p, inputs) {
    const flops = 2 * s.batch * s.m * s.n * s.k;
    const reads = s.outElements * Math.max(1, s.k) * inputs * F32;
    const seconds = Math.max(flops / (p.flopsPerSecond * p.loopEfficiency), reads / (p.bytesPerSecond * LOOP_CACHE_REUSE));
    return { strategy: "loop", cost: cost(flops, reads, s.outElements * F32, 0, s.outElements > 0 ? 1 : 0, seconds, p), notes: [] };
}
/** Time of the tiled kernel: compute at the device's rate scaled by how full the tiles and waves are, or memory if slower. */
function gemmSeconds(s, t, p, aCoalesced, bCoalesced) {
    const tilesM = Math.ceil(s.m / t.tm);
    const tilesN = Math.ceil(s.n / t.tn);
    const workgroups = s.batch * tilesM * tilesN * t.splits;
    if (workgroups === 0)
        return 0;
    const waves = Math.ceil(workgroups / p.parallelWorkgroups);
    const occupancy = workgroups / (waves * p.parallelWorkgroups);
    const tileFill = (s.m * s.n) / (tilesM * t.tm * tilesN * t.tn);
    // The k loop runs whole TK-deep slabs, so a short contraction (an outer product: k = 1) pays for TK.
    const paddedK = Math.max(1, Math.ceil(s.k / t.tk)) * t.tk;
    const compute = (2 * s.batch * s.m * s.n * paddedK) / (p.flopsPerSecond * occupancy * tileFill);
    // Each A tile is read once per tile column and each B tile once per tile row; the cache absorbs about half.
    const aBytes = s.aElements * F32 * Math.max(1, tilesN / 2) * (aCoalesced ? 1 : UNCOALESCED_PENALTY);
    const bBytes = s.bElements * F32 * Math.max(1, tilesM / 2) * (bCoalesced ? 1 : UNCOALESCED_PENALTY);
    const memory = (aBytes + bBytes + s.outElements * F32 * t.splits) / p.bytesPerSecond;
    return Math.max(compute, memory);
}
function cost(flops, bytesRead, bytesWritten, temporaryBytes, dispatches, seconds, p) {
    return { flops, bytesRead, bytesWritten, temporaryBytes, dispatches, estimatedSeconds: seconds + dispatches * p.launchSeconds };
}

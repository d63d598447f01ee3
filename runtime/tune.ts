/**
 * `tuneTiles()`: the scalar tiled kernel's candidate tile shapes timed on this device, on a few f32
 * GEMMs, the fastest per size kept as a tile table (codegen/tiles). It is plain JSON: store it
 * (a file, localStorage) and give it to `gpu({ tileTable })` in later sessions; plans made with
 * the same table are the same. Also the timing loop the benchmarks use (`measure`).
 */
import "./jit.js"; // its einsums are planned just in time
import { compileEinsum } from "../codegen/compiled.js";
import { check, EinsightError } from "../codegen/errors.js";
import {
  checkCandidate,
  isNonEmptyList,
  slabLoads,
  TILE_CANDIDATES,
  type TileCandidate,
  type TileTable,
  type TileTableEntry,
} from "../codegen/tiles.js";
import type { Gpu } from "./device.js";
import { einsum } from "./einsum.js";
import { zeros } from "./tensor.js";

export interface TuneOptions {
  /**
   * GEMM sizes `[m, n, k]` to time. Default: the cubes of 256, 1024, 2048 and 4096 whose run the
   * device's profile expects to take at most 50 ms (256 always).
   */
  readonly sizes?: readonly (readonly [m: number, n: number, k: number])[];
  /**
   * Tile shapes to time, each with a workgroup layout where it should not be 16 x 16 (`invocations`,
   * which the shape must divide among). Default: TILE_CANDIDATES, on SwiftShader only those it
   * compiles in seconds (see `slowToCompile`).
   */
  readonly candidates?: readonly TileCandidate[];
  /** Seconds of back-to-back runs each candidate is timed over (default 0.2). */
  readonly minSeconds?: number;
}

/** Times each candidate tile shape on `ij,jk->ik` at each size; returns the fastest per size, with every time. */
export async function tuneTiles(g: Gpu, options: TuneOptions = {}): Promise<TileTable> {
  const minSeconds = options.minSeconds ?? 0.2;
  check(
    typeof minSeconds === "number" && minSeconds >= 0 && minSeconds <= 60,
    "invalidOption",
    () => `tuneTiles(): minSeconds must be a number of seconds from 0 to 60, got ${String(minSeconds)}.`,
  );
  const sizes =
    options.sizes ??
    [256, 1024, 2048, 4096]
      .filter((s, i) => i === 0 || (2 * s ** 3) / g.profile.flopsPerSecond <= 0.05)
      .map((s) => [s, s, s] as const);
  check(
    isNonEmptyList(sizes) &&
      sizes.every((s) => isNonEmptyList(s) && s.length === 3 && s.every((v) => Number.isSafeInteger(v) && v > 0)),
    "invalidOption",
    () =>
      `tuneTiles(): sizes must be a non-empty list of [m, n, k] positive integers, got ` + `${JSON.stringify(sizes)}.`,
  );
  const candidates: readonly TileCandidate[] =
    options.candidates ?? TILE_CANDIDATES.filter((t) => !slowToCompile(t, g));
  check(
    isNonEmptyList(candidates),
    "invalidOption",
    () => `tuneTiles(): candidates must be a non-empty list of tile shapes, got ` + `${JSON.stringify(candidates)}.`,
  );
  candidates.forEach((t, i) => checkCandidate(t, `candidates[${i}]`));
  const sync = () => g.device.queue.onSubmittedWorkDone();
  const { tileTable: _table, invocations: _layout, ...untuned } = g.profile;
  const entries: TileTableEntry[] = [];
  for (const [m, n, k] of sizes) {
    const a = zeros(g, [m, k]);
    const b = zeros(g, [k, n]);
    const measured: { tiles: TileCandidate; ms: number }[] = [];
    try {
      for (const { tm, tn, tk, invocations } of candidates) {
        const tiles = { tm, tn, tk, ...(invocations === undefined ? {} : { invocations }) };
        // the layout through the profile, which the planner applies to forced tiles that divide among it
        // (checkCandidate: these do);
        // never the device's own table's or profile's layout
        const profile = { ...untuned, ...(invocations === undefined ? {} : { invocations }) };
        const compiled = compileEinsum(
          "ij,jk->ik",
          [a, b],
          { strategy: "direct", tiles: { tm, tn, tk }, profile },
          g.limits.maxComputeWorkgroupsPerDimension,
        );
        try {
          measured.push({
            tiles,
            ms: await measure(() => einsum("ij,jk->ik", a, b, { compiled }).destroy(), sync, minSeconds, 4 * m * n),
          });
        } catch (e) {
          // a shape this device cannot run (its workgroup memory): not a candidate here
          if (!(e instanceof EinsightError)) throw e;
        }
        g.throwGpuError();
      }
    } finally {
      [a, b].forEach((t) => t.destroy());
    }
    const fastest = measured.reduce<(typeof measured)[number] | undefined>(
      (best, r) => (best === undefined || r.ms < best.ms ? r : best),
      undefined,
    );
    if (fastest === undefined)
      throw new EinsightError(
        "invalidOption",
        `tuneTiles(): no candidate tile shape runs on this device (${g.adapterName}) at ${m} x ${n} x ` +
          `${k}; give candidates with smaller tiles.`,
      );
    entries.push({ m, n, k, tiles: fastest.tiles, measured });
  }
  return { adapter: g.adapterName, entries };
}

/**
 * Whether the device would take minutes to compile the kernel: a software adapter (a profile with
 * `maxSlabLoads`: SwiftShader) slows steeply with the unrolled body (more than 64 x 64 x 32
 * outputs times depth) and with the loads an invocation makes a slab (more than `maxSlabLoads`).
 * GPUs' compilers take these in well under a second.
 */
export function slowToCompile(t: TileCandidate, g: Gpu): boolean {
  const limit = g.profile.maxSlabLoads;
  return limit !== undefined && (t.tm * t.tn * t.tk > 64 * 64 * 32 || slabLoads(t, t.invocations) > limit);
}

/** GPU memory that queued runs may hold at once (each run's output is freed only once the GPU is done with it). */
const IN_FLIGHT_BYTES = 2 ** 31;

/**
 * Milliseconds per run: a warm-up, then doubling repetitions queued back to back until they take
 * `minSeconds`, timed from the first queued run to the queue's completion (never one dispatch alone).
 * Each run allocates `bytesPerRun` (its output, temporaries) that a destroy frees only when the
 * queue reaches it, so the queue is drained every IN_FLIGHT_BYTES: without that, thousands of
 * queued 1 GiB outputs overcommit the card and the driver falls back to slow memory or fails.
 */
export async function measure(
  run: () => void,
  sync: () => Promise<void>,
  minSeconds: number,
  bytesPerRun = 0,
): Promise<number> {
  const batch = Math.max(1, Math.floor(IN_FLIGHT_BYTES / Math.max(1, bytesPerRun)));
  run();
  await sync();
  for (let reps = 1; ;) {
    const started = performance.now();
    for (let i = 0; i < reps; i++) {
      run();
      if ((i + 1) % batch === 0 && i + 1 < reps) await sync();
    }
    await sync();
    const ms = performance.now() - started;
    if (ms >= minSeconds * 1000 || reps >= 4096) return ms / reps;
    reps = Math.min(4096, Math.max(reps * 2, Math.ceil((reps * minSeconds * 1000) / Math.max(ms, 0.01))));
  }
}

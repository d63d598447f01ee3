/**
 * Tile shapes of the scalar tiled kernels (`direct`, `split-k`, `ttgt`'s GEMM): which ones the
 * kernel accepts, the candidates worth measuring, and measured tile tables. A tile table
 * (`runtime/tune.ts` makes one on a device) says which shape ran fastest for a few problem sizes;
 * under a profile that carries one, the planner takes the entry nearest to each step's sizes
 * instead of its own rule, so a plan stays deterministic for the same table.
 */
import { check } from "./errors.js";

/** The part of a TileConfig a plan option or a tile table may set. */
export interface TileShape {
  /** Output rows (the m labels) a workgroup computes. */
  readonly tm: number;
  /** Output columns (the n labels) a workgroup computes. */
  readonly tn: number;
  /** Depth of each slab of the contracted labels staged in workgroup memory. */
  readonly tk: number;
}

/** Tile sides the kernels accept: blocks of 16 x 16 invocations, runs of 4 from 64 up. */
export const TILE_SIDES = [16, 32, 64, 128, 256] as const;
export const TILE_DEPTHS = [8, 16, 32, 64] as const;

/**
 * The shapes worth measuring on a device (bench/suites/tune.ts, runtime/tune.ts); bench/RESULTS.md
 * has what they measured on an H200.
 */
export const TILE_CANDIDATES: readonly TileShape[] = [
  { tm: 64, tn: 64, tk: 16 },
  { tm: 64, tn: 64, tk: 32 },
  { tm: 128, tn: 64, tk: 16 },
  { tm: 64, tn: 128, tk: 16 },
  { tm: 128, tn: 128, tk: 8 },
  { tm: 128, tn: 128, tk: 16 },
  { tm: 128, tn: 128, tk: 32 },
  { tm: 32, tn: 128, tk: 16 },
  { tm: 256, tn: 128, tk: 8 },
  { tm: 128, tn: 256, tk: 8 },
];

/**
 * The scalar tiled kernels' workgroup: `x` invocations across the tile's n side and `y` down its m
 * side (default 16 x 16), each accumulating a (tm / y) x (tn / x) block; `run`: consecutive
 * invocations take `run` columns before the next row (default `x`).
 */
export interface WorkgroupLayout {
  readonly x: number;
  readonly y: number;
  readonly run?: number;
}

/**
 * Whether tiles divide among a layout's invocations: each invocation whole rows and columns and
 * whole loads of every slab, `run` dividing `x`, at most 256 invocations.
 */
export function layoutFits(tiles: TileShape, layout: WorkgroupLayout): boolean {
  const { x, y, run = x } = layout;
  const threads = x * y;
  const whole = (v: number) => Number.isInteger(v) && v > 0;
  return (
    whole(x) &&
    whole(y) &&
    whole(run) &&
    threads <= 256 &&
    x % run === 0 &&
    tiles.tm % y === 0 &&
    tiles.tn % x === 0 &&
    (tiles.tm * tiles.tk) % threads === 0 &&
    (tiles.tn * tiles.tk) % threads === 0
  );
}

/**
 * Slab elements one invocation of the scalar tiled kernel loads a slab: both sides' slabs shared among its
 * workgroup (default 16 x 16).
 */
export function slabLoads(tiles: TileShape, layout?: WorkgroupLayout): number {
  return ((tiles.tm + tiles.tn) * tiles.tk) / ((layout?.x ?? 16) * (layout?.y ?? 16));
}

/**
 * A tile shape, and the scalar kernel's workgroup layout where it is not the default 16 x 16: what a tile table
 * entry names and `tuneTiles()` times.
 */
export type TileCandidate = TileShape & { readonly invocations?: WorkgroupLayout };

/** `128x64x16`, `128x64x16@8x16`, `128x64x16@16x16/8`: a candidate as the CLI and the benchmarks write it. */
export function candidateName(t: TileCandidate): string {
  const inv = t.invocations;
  const run = inv?.run === undefined ? "" : `/${inv.run}`;
  return `${t.tm}x${t.tn}x${t.tk}${inv === undefined ? "" : `@${inv.x}x${inv.y}${run}`}`;
}

/** The inverse of candidateName; anything else is an `invalidOption` error (`name`: how the caller wrote it). */
export function parseCandidate(text: string, name = "tile candidate"): TileCandidate {
  const m = /^(\d+)x(\d+)x(\d+)(?:@(\d+)x(\d+)(?:\/(\d+))?)?$/.exec(text.trim());
  check(
    m !== null,
    "invalidOption",
    () =>
      `${name} "${text}" is not TMxTNxTK[@XxY[/RUN]], e.g. 128x64x16 or 128x64x16@8x16/8 (8 ` +
      `invocations across n, 16 down m, in runs of 8 columns).`,
  );
  const [tm, tn, tk, x, y, run] = m.slice(1).map((v) => (v === undefined ? undefined : Number(v)));
  const invocations = x === undefined ? undefined : { x, y: y!, ...(run === undefined ? {} : { run }) };
  return { tm: tm!, tn: tn!, tk: tk!, ...(invocations === undefined ? {} : { invocations }) };
}

/** A comma-separated list of candidates (`128x64x16,128x64x16@8x16/4`), as the CLI and the benchmarks take them. */
export function parseCandidates(list: string, name = "tile candidates"): TileCandidate[] {
  return list.split(",").map((text) => parseCandidate(text, name));
}

/** Refuses a candidate whose tile shape the kernels cannot run, or whose layout its tiles do not divide among. */
export function checkCandidate(t: TileCandidate, name: string): void {
  checkTileShape(t, name, true);
  const inv = t.invocations;
  check(
    inv === undefined || (typeof inv === "object" && inv !== null && layoutFits(t, inv)),
    "invalidOption",
    () =>
      `${name}.invocations ${JSON.stringify(inv)} is no layout ${t.tm}x${t.tn}x${t.tk} tiles divide ` +
      `among: x across n and y down m must divide tn and tm, run must divide x, x * y at most 256 and ` +
      `dividing each side times tk.`,
  );
}

/** Which tile shape ran fastest on one device, for a few GEMM sizes. */
export interface TileTable {
  /** The adapter it was measured on (for people: einsight does not compare it with the device). */
  readonly adapter: string;
  readonly entries: readonly TileTableEntry[];
}

export interface TileTableEntry {
  /** The measured GEMM: [m, k] x [k, n], f32, contiguous. */
  readonly m: number;
  readonly n: number;
  readonly k: number;
  /** The fastest shape there (with its workgroup layout, where a candidate named one). */
  readonly tiles: TileCandidate;
  /**
   * Milliseconds a run of each candidate took (runtime/tune.ts writes them; a table written by hand may leave them
   * out).
   */
  readonly measured?: readonly { readonly tiles: TileCandidate; readonly ms: number }[];
}

/**
 * Refuses a tile shape the kernels cannot run, saying which part is wrong (`name`: how the caller
 * wrote it). `whole`: tm, tn and tk must all be given (a table entry, a candidate), not some.
 */
export function checkTileShape(tiles: Partial<TileShape> | undefined, name = "tiles", whole = false): void {
  if (tiles === undefined && !whole) return;
  const sides: readonly number[] = TILE_SIDES;
  const depths: readonly number[] = TILE_DEPTHS;
  check(
    typeof tiles === "object" && tiles !== null,
    "invalidOption",
    () =>
      `${name} must be an object like { tm: 64, tn: 64, tk: 16 }, got ` + `${JSON.stringify(tiles) ?? "undefined"}.`,
  );
  check(
    !whole || [tiles.tm, tiles.tn, tiles.tk].every((v) => v !== undefined),
    "invalidOption",
    () => `${name} must give tm, tn and tk, got ${JSON.stringify(tiles)}.`,
  );
  for (const key of ["tm", "tn"] as const) {
    const v = tiles[key];
    check(
      v === undefined || sides.includes(v),
      "invalidOption",
      () => `${name}.${key} must be one of ${sides.join(", ")}, got ${String(v)}.`,
    );
  }
  check(
    tiles.tk === undefined || depths.includes(tiles.tk),
    "invalidOption",
    () => `${name}.tk must be one of ${depths.join(", ")}, got ${String(tiles.tk)}.`,
  );
  // 256 invocations stage each slab: every side x depth must be a whole number of loads each.
  const tk = tiles.tk ?? 16;
  for (const key of ["tm", "tn"] as const) {
    const side = tiles[key];
    check(
      side === undefined || (side * tk) % 256 === 0,
      "invalidOption",
      () =>
        `${name}.${key} x ${name}.tk = ${side} x ${tk} must be a multiple of 256 (one load per ` +
        `invocation); use a deeper tk or a larger side.`,
    );
  }
}

/** Refuses a malformed tile table (one read from a file, say), naming the entry at fault. */
export function checkTileTable(table: TileTable): void {
  check(
    typeof table === "object" && table !== null && isNonEmptyList(table.entries),
    "invalidOption",
    () =>
      `tileTable must be { adapter, entries: [{ m, n, k, tiles }, ...] } with at least one entry ` +
      `(runtime tuneTiles() makes one), got ${JSON.stringify(table)?.slice(0, 80) ?? typeof table}.`,
  );
  table.entries.forEach((e, i) => {
    const name = `tileTable.entries[${i}]`;
    check(typeof e === "object" && e !== null, "invalidOption", () => `${name} must be an object { m, n, k, tiles }.`);
    for (const key of ["m", "n", "k"] as const)
      check(
        Number.isInteger(e[key]) && e[key] > 0,
        "invalidOption",
        () => `${name}.${key} must be a positive integer, got ${String(e[key])}.`,
      );
    checkCandidate(e.tiles, `${name}.tiles`);
  });
}

/** Whether `v` is an array with elements (a plain boolean: Array.isArray's narrowing would make the elements `any`). */
export function isNonEmptyList(v: unknown): boolean {
  return Array.isArray(v) && v.length > 0;
}

/**
 * The tiles of the entry nearest to a step's sizes (by the distance of their logarithms; batch
 * indices are separate GEMMs, so they do not count), or undefined without a table. The earlier
 * entry wins a tie.
 */
export function tableTiles(table: TileTable | undefined, m: number, n: number, k: number): TileCandidate | undefined {
  if (table === undefined) return undefined;
  const log = (v: number) => Math.log2(Math.max(1, v));
  const distance = (e: TileTableEntry) =>
    (log(e.m) - log(m)) ** 2 + (log(e.n) - log(n)) ** 2 + (log(e.k) - log(k)) ** 2;
  let best: TileTableEntry | undefined;
  for (const e of table.entries) if (best === undefined || distance(e) < distance(best)) best = e;
  return best?.tiles;
}

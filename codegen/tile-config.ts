/**
 * How a tiled step's kernel runs (`direct`, `split-k`, `ttgt`'s GEMM), as the planner chooses it
 * and the WGSL emitters read it: one of three kinds, each with only the settings that kind runs.
 * `scalar`: the tiled kernel on f32 (or f16) scalars; `matrix-staged`: subgroup matrices (tensor
 * cores) loaded from slabs staged in workgroup memory; `matrix-global`: subgroup matrices loaded
 * straight from the operands.
 */
import type { SubgroupMatrixShape } from "./profile.js";
import type { WorkgroupLayout } from "./tiles.js";

/** What every kind has: the output tile of one workgroup (tm x tn), the slab depth, and the k slices. */
interface Tiling {
  readonly tm: number;
  readonly tn: number;
  readonly tk: number;
  /** Slices split-k cuts the contraction into (each slice's partial tile to a scratch buffer); 1 otherwise. */
  readonly splits: number;
}

/**
 * Which operands the kernel reads 16 bytes at a time, where their layout and start allow
 * (codegen/access `wideLoads`); `out`: the scalar f32 kernel stores its output 16 bytes at a time,
 * where its layout allows and it starts aligned (`wideStores`; an intermediate, a fresh result, or
 * an `out` view at an aligned offset; split-k's partials where their layout allows too).
 */
export interface WideAccess {
  readonly a: boolean;
  readonly b: boolean;
  readonly out?: boolean;
}

/** The 16-byte reads of the staged subgroup-matrix kernel, which stores its results an element at a time. */
export interface WideReads extends WideAccess {
  readonly out?: false;
}

/**
 * The scalar tiled kernel: 16 x 16 invocations (or `invocations`) each accumulating a block of the tile in
 * registers.
 */
export interface ScalarTiles extends Tiling {
  readonly kind: "scalar";
  readonly wide?: WideAccess;
  /**
   * Stage slabs in two workgroup buffers, one barrier per slab instead of two (the next slab is
   * stored while the current one is read): 128 x 128 x 8 tiles under a profile with `doubleBuffer`.
   */
  readonly doubleBuffer?: boolean;
  /**
   * The workgroup layout (codegen/tiles `WorkgroupLayout`; default 16 x 16). With `run` < `x` a
   * subgroup of 32 covers, say, 8 x 4 blocks instead of 16 x 2 and reads fewer distinct
   * workgroup-memory words a step. Chosen only under a profile (or a tile table entry) that names
   * a layout the tiles divide among.
   */
  readonly invocations?: WorkgroupLayout;
  // The other kinds' settings: never set here, so that any TileConfig reads them.
  readonly matrix?: undefined;
  readonly subgroupSlabs?: undefined;
  readonly viewSlabs?: undefined;
}

/** The subgroup-matrix kinds: f16 inputs, f32 accumulators, their own workgroups. */
interface MatrixTiling extends Tiling {
  /** Multiply on subgroup matrices of this shape. */
  readonly matrix: SubgroupMatrixShape;
  readonly invocations?: undefined;
}

/**
 * One pair of slabs, or two (`doubleBuffer`: one barrier a slab; slower on subgroup matrices, so the planner never
 * sets it here).
 */
interface SharedSlabs {
  readonly wide?: WideReads;
  readonly doubleBuffer?: boolean;
  readonly subgroupSlabs?: false;
  readonly viewSlabs?: false;
}

/**
 * Single-buffered slabs in parts: one slab of a per row of subgroups and one of b per column, so
 * that each matrix load names its part at a constant offset. Dawn's robustness wraps a
 * subgroup-matrix load in a bounds test unless its offset, stride and array are constants. Only a
 * profile with `matrixSlabs: "per-subgroup"` chooses them.
 */
interface SubgroupSlabs {
  readonly subgroupSlabs: true;
  readonly wide?: WideReads;
  readonly doubleBuffer?: false;
  readonly viewSlabs?: false;
}

/**
 * Single-buffered slabs of workgroup memory seen two ways (WGSL `buffer_view`), both operands read
 * 16 bytes at a time: a 16-byte load is stored as one 16-byte store instead of 8 f16 stores, and
 * the matrices are loaded from its f16 view. Only a profile with `matrixSlabs: "views"` and
 * `bufferViews` chooses them, where both operands allow 16-byte reads; without `wide` (ttgt's
 * GEMM, a plan read an element at a time: codegen/sized `withoutWideAccess`) the kernel stages one
 * shared pair instead.
 */
interface ViewSlabs {
  readonly viewSlabs: true;
  readonly wide?: { readonly a: true; readonly b: true; readonly out?: false };
  readonly doubleBuffer?: false;
  readonly subgroupSlabs?: false;
}

/** Subgroup matrices loaded from slabs staged in workgroup memory by 8 subgroups. */
export type StagedMatrixTiles = MatrixTiling & { readonly kind: "matrix-staged" } & (
    SharedSlabs | SubgroupSlabs | ViewSlabs
  );

/**
 * Subgroup matrices loaded straight from the operands by 4 subgroups, 16 (or 32) deep a step: no slabs, no 16-byte
 * loads.
 */
export interface GlobalMatrixTiles extends MatrixTiling {
  readonly kind: "matrix-global";
  // The staged kinds' settings: never set here, so that any TileConfig reads them.
  readonly wide?: undefined;
  readonly doubleBuffer?: undefined;
  readonly subgroupSlabs?: undefined;
  readonly viewSlabs?: undefined;
}

/** A tiled step's kernel and its settings. */
export type TileConfig = ScalarTiles | StagedMatrixTiles | GlobalMatrixTiles;

/**
 * The tiles with these 16-byte accesses (none where `wide` is undefined or all false): the scalar
 * kernel takes them all; the staged subgroup-matrix kernel its reads (view slabs both or none:
 * with one, the shared pair); the kernel that loads subgroup matrices from memory none.
 */
export function withWide(tiles: TileConfig, wide: WideAccess | undefined): TileConfig {
  if (tiles.kind === "matrix-global") return tiles;
  if (tiles.kind === "scalar") {
    const { wide: _, ...rest } = tiles;
    return wide !== undefined && (wide.a || wide.b || wide.out === true) ? { ...rest, wide } : rest;
  }
  const { wide: _, ...rest } = tiles;
  const reads = wide !== undefined && (wide.a || wide.b) ? { a: wide.a, b: wide.b } : undefined;
  if (reads === undefined) return rest;
  if (rest.viewSlabs !== true) return { ...rest, wide: reads };
  if (reads.a && reads.b) return { ...rest, wide: { a: true, b: true } };
  const { viewSlabs: __, ...shared } = rest;
  return { ...shared, wide: reads };
}

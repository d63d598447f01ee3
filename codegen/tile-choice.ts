/**
 * The tiles of a tiled step (codegen/tile-config): their kind by the device and the operands, their
 * sides by the step's sizes and the device's width, or a measured tile table, or the plan's
 * `tiles` option, which wins over both.
 */
import type { DeviceProfile, SubgroupMatrixShape } from "./profile.js";
import type { GlobalMatrixTiles, ScalarTiles, StagedMatrixTiles, TileConfig } from "./tile-config.js";
import {
  layoutFits,
  slabLoads,
  tableTiles,
  TILE_DEPTHS,
  TILE_SIDES,
  type TileShape,
  type WorkgroupLayout,
} from "./tiles.js";

/** What the tiles depend on: the step's sizes by label group, and how its operands can be read. */
export interface TileRequest {
  readonly batch: number;
  readonly m: number;
  readonly n: number;
  readonly k?: number;
  /** The step multiplies on the device's subgroup matrices (f16 on a profile that has them). */
  readonly matrix?: boolean;
  /** ... loading them straight from the operands, whose layout allows it (codegen/access `matrixLayout`). */
  readonly matrixGlobal?: boolean;
  /** Which operands the tiled kernels read 16 bytes at a time. */
  readonly wide?: { readonly a: boolean; readonly b: boolean };
}

/** The scalar kernel's slab depth where the tile is smaller than 128 x 128 (those take 8). */
const TK = 16;

/**
 * The most workgroup memory double-buffered slabs may take: two of 128 x 128 x 8 f32 (rows padded
 * by up to 4), 16.5 KiB. Larger double-buffered tiles ran slower than single-buffered ones.
 */
const DOUBLE_BUFFER_BYTES = 2 * 8 * (128 + 128 + 8) * 4;

/**
 * The tiles of a step: on subgroup matrices where the step multiplies on them and the profile has
 * them, else the scalar kernel's. Its sides: the profile's largest where the step still gives
 * every compute unit a workgroup, smaller for small sizes; under a profile with a measured tile
 * table, the entry nearest to the step's sizes (no side larger than the step needs); `forced` (a
 * plan option) wins over both.
 */
export function chooseTiles(
  shape: TileRequest,
  profile: DeviceProfile,
  splits = 1,
  forced?: Partial<TileShape>,
): TileConfig {
  if (shape.matrix === true && profile.subgroupMatrix !== undefined)
    return matrixTiles(shape, { matrix: profile.subgroupMatrix, profile, splits, forced });
  return scalarTiles(shape, profile, splits, forced);
}

function scalarTiles(
  shape: TileRequest,
  profile: DeviceProfile,
  splits: number,
  forced?: Partial<TileShape>,
): ScalarTiles {
  const side = (size: number, largest: number) =>
    TILE_SIDES.filter((t) => t <= Math.max(16, largest)).find((t) => t >= size) ?? largest;
  const measured = tableTiles(profile.tileTable, shape.m, shape.n, shape.k ?? 1);
  const [tm, tn] =
    measured !== undefined
      ? [Math.min(measured.tm, side(shape.m, 256)), Math.min(measured.tn, side(shape.n, 256))]
      : fillDevice(
          ...capArea(side(shape.m, profile.maxTile), side(shape.n, profile.maxTile), profile.maxTileArea),
          shape,
          profile,
        );
  // 128 x 128 tiles run best with 8-deep slabs; smaller ones with 16.
  const tk = forced?.tk ?? measured?.tk ?? ((forced?.tm ?? tm) * (forced?.tn ?? tn) >= 128 * 128 ? 8 : TK);
  // 256 invocations stage a side x tk slab: a shallow slab needs a wide enough side.
  const fit = (t: number) => Math.max(t, 256 / tk);
  const [finalM, finalN] = [forced?.tm ?? fit(tm), forced?.tn ?? fit(tn)];
  // The workgroup layout the table's entry (else the profile) names, where these tiles divide among it; 16 x 16
  // otherwise.
  const named = measured?.invocations ?? profile.invocations;
  const shallower = forced?.tk === undefined && measured?.tk === undefined;
  const laidOut =
    named === undefined
      ? undefined
      : withLayout({ tm: finalM, tn: finalN, tk }, { layout: named, shallower, maxSlabLoads: profile.maxSlabLoads });
  const depth = laidOut ?? tk;
  // Two slab buffers of f32 (rows padded by up to 4), where the profile asks for them and they stay small.
  const double = profile.doubleBuffer === true && 2 * depth * (finalM + finalN + 8) * 4 <= DOUBLE_BUFFER_BYTES;
  return {
    kind: "scalar",
    tm: finalM,
    tn: finalN,
    tk: depth,
    splits,
    ...(double ? { doubleBuffer: true } : {}),
    ...(laidOut === undefined || named === undefined ? {} : { invocations: named }),
  };
}

/**
 * The slab depth at which tiles run on `layout`, or undefined where they cannot: its invocations
 * must take whole rows, columns and slab loads (`layoutFits`), and at most `maxSlabLoads` loads
 * each a slab; a depth the planner chose (`shallower`) is halved, down to 8, to get there.
 */
function withLayout(
  tiles: TileShape,
  how: { readonly layout: WorkgroupLayout; readonly shallower: boolean; readonly maxSlabLoads?: number },
): number | undefined {
  const { layout, shallower, maxSlabLoads = Infinity } = how;
  const loads = (depth: number) => slabLoads({ ...tiles, tk: depth }, layout);
  let depth = tiles.tk;
  while (shallower && depth > TILE_DEPTHS[0] && loads(depth) > maxSlabLoads) depth /= 2;
  return loads(depth) <= maxSlabLoads && layoutFits({ ...tiles, tk: depth }, layout) ? depth : undefined;
}

interface MatrixChoice {
  readonly matrix: SubgroupMatrixShape;
  readonly profile: DeviceProfile;
  readonly splits: number;
  readonly forced: Partial<TileShape> | undefined;
}

/**
 * Tiles of the subgroup-matrix kernels. Staged with 16-byte loads of both operands: 256 x 128 (8
 * subgroups in 4 x 2, 64 x 64 each). Otherwise up to 128 x 128 (staged: 8 subgroups in 2 x 4;
 * loaded from memory: 4 in 2 x 2). Smaller sides (down to 64) where larger ones would leave
 * compute units idle. Sides are multiples of the subgroups' result matrices. Never
 * double-buffered: that ran slower.
 */
function matrixTiles(shape: TileRequest, choice: MatrixChoice): StagedMatrixTiles | GlobalMatrixTiles {
  const { matrix, profile, splits, forced } = choice;
  const bothWide = shape.matrixGlobal !== true && shape.wide?.a === true && shape.wide.b === true;
  const [fillM, fillN] = fillDevice(bothWide ? 256 : 128, 128, shape, profile);
  const tm = Math.max(forced?.tm ?? fillM, 2 * matrix.m, 64);
  const tn = Math.max(forced?.tn ?? fillN, 4 * matrix.n, 64);
  if (shape.matrixGlobal === true) {
    // Two k steps per iteration (their loads issued together) where K allows it.
    const tk =
      forced?.tk !== undefined
        ? Math.max(matrix.k, Math.min(forced.tk, 2 * matrix.k))
        : (shape.k ?? 0) % (2 * matrix.k) === 0
          ? 2 * matrix.k
          : matrix.k;
    return { kind: "matrix-global", tm, tn, tk: (shape.k ?? 0) % tk === 0 ? tk : matrix.k, splits, matrix };
  }
  const staged = {
    kind: "matrix-staged",
    tm,
    tn,
    tk: Math.max(forced?.tk ?? 32, matrix.k, 256 / Math.min(tm, tn)),
    splits,
    matrix,
  } as const;
  // Slabs as the profile asks: per subgroup, or through buffer views where the device has them
  // and both operands are read 16 bytes at a time (view slabs need both).
  if (profile.matrixSlabs === "per-subgroup") return { ...staged, subgroupSlabs: true };
  if (profile.matrixSlabs === "views" && profile.bufferViews === true && bothWide)
    return { ...staged, viewSlabs: true };
  return staged;
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
function fillDevice(
  tm: number,
  tn: number,
  shape: Pick<TileRequest, "batch" | "m" | "n">,
  profile: DeviceProfile,
): [number, number] {
  while (
    Math.max(tm, tn) > 64 &&
    shape.batch * Math.ceil(shape.m / tm) * Math.ceil(shape.n / tn) < profile.parallelWorkgroups
  ) {
    if (tm >= tn) tm /= 2;
    else tn /= 2;
  }
  return [tm, tn];
}

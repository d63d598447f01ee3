/**
 * The direct kernel on subgroup matrices staged in workgroup memory: 8 subgroups stage each slab
 * of a and b as f16 ([kk][m] read as column-major left matrices, [kk][n] as row-major right ones,
 * or transposed), then each multiplies its part of the tile. The subgroups cover the tile in 2 rows
 * of 4 (each TM/2 x TN/4), or in 4 rows of 2 for a 256 x 128 tile (64 x 64 each, so that every
 * matrix loaded from workgroup memory feeds 4 multiplies instead of 2 or 4).
 *
 * f16 slabs are stored one element at a time, so each 16-byte load goes down 8 rows of its slab
 * and consecutive invocations fill a row: a slab loaded along the free side is kept transposed
 * ([free][kk]). Matrices are read 8 rows of 16 bytes at a time: rows a multiple of 128 bytes apart
 * would share banks, so rows get 16 bytes more. With view slabs each slab is workgroup memory
 * seen two ways (WGSL's buffer_view): a 16-byte load stays one store, along a row that runs the
 * way its operand does.
 */
import type { StagedMatrixTiles } from "../tile-config.js";
import type { SubgroupMatrixShape } from "../profile.js";
import { range, u32 } from "./common.js";
import { header, prologue, wideReads, type DirectFrame } from "./direct-frame.js";
import type { KernelSpec } from "./kernel.js";
import { epilogue, MATRIX_SUBGROUP, matrixTypes, resultMatrices, subgroupSetup, type ResultMatrix } from "./matrix.js";
import { freeRows, loadSetup, slabLoop, storeSlab, type HalfSlab, type Operand, type Slabs } from "./slab.js";

/** Invocations of the kernel: 8 subgroups of 32. */
const MATRIX_INVOCATIONS = 256;

/** How one operand's slab lies in workgroup memory. */
interface StagedSlab {
  /** Loads go along k (consecutive invocations take consecutive kk). */
  readonly kFast: boolean;
  /** Where read 16 bytes at a time: how the 8 halves of a load are stored. */
  readonly half?: HalfSlab;
  /** Rows are free indices ([free][kk]), not kk. */
  readonly across: boolean;
  /** Parts of the slab (per-subgroup slabs: one per row, or column, of subgroups), `side` free indices each. */
  readonly parts: number;
  readonly side: number;
  /** Elements per row, padded by 16 bytes (A_ROW, B_ROW). */
  readonly row: number;
  /** Rows of the slab, all parts. */
  readonly rows: number;
}

export function stagedMatrixKernel(f: DirectFrame, tiles: StagedMatrixTiles): KernelSpec {
  const { tm, tn, tk } = tiles;
  const wide = wideReads(f, MATRIX_INVOCATIONS);
  // View slabs store whole 16-byte loads: both operands must be read so.
  const views = tiles.viewSlabs === true && wide.a && wide.b;
  const [a, b] = [
    stagedSlab("a", f, tiles, { wide: wide.a, views }),
    stagedSlab("b", f, tiles, { wide: wide.b, views }),
  ];
  const head = header(f, {
    wide,
    wideOut: false,
    views,
    rows: {
      a: { length: a.row, across: a.across, side: a.side },
      b: { length: b.row, across: b.across, side: b.side },
    },
  });
  const slabs: Slabs = {
    tm,
    tn,
    tk,
    threads: MATRIX_INVOCATIONS,
    per: { a: wide.a ? f.lanes : 1, b: wide.b ? f.lanes : 1 },
    type: f.type,
    double: tiles.doubleBuffer === true,
  };
  const slab = (x: Operand) => (x === "a" ? a : b);
  const store = (x: Operand, at: string) =>
    views
      ? range(((x === "a" ? tm : tn) * tk) / (MATRIX_INVOCATIONS * f.lanes)).map(
          (r) => `    ${x}_wide[${x}_slot${r} / 8u] = ${x}_v${r};`,
        )
      : storeSlab(slabs, x, {
          vec: 1,
          convert: (v) => `f16(${v})`,
          kFast: slab(x).kFast || slab(x).across,
          at,
          parted: slab(x).parts > 1,
        });
  const loads = (["a", "b"] as const).flatMap((x) =>
    loadSetup(slabs, x, {
      kFast: slab(x).kFast,
      half: slab(x).half,
      ...(slab(x).parts > 1 ? { part: slab(x).side } : {}),
    }),
  );
  const buffers = slabs.double ? 2 : 1;
  const staging: Staging = {
    shape: tiles.matrix,
    tm,
    tn,
    buffers,
    read: { a: slabs.double ? "a_read + " : "", b: slabs.double ? "b_read + " : "" },
    transposed: { a: a.across, b: b.across },
    ...(a.parts > 1
      ? {
          split: {
            tk,
            aRow: a.row,
            bRow: b.row,
            aPart: (a.across ? a.side : tk) * a.row,
            bPart: (b.across ? b.side : tk) * b.row,
          },
        }
      : {}),
    ...(views ? { views: { aBytes: 2 * a.rows * a.row, bBytes: 2 * b.rows * b.row } } : {}),
  };
  const body = stagedBody(staging, (compute) => slabLoop(slabs, compute, store), f.write);
  const workgroupBytes = buffers * 2 * (a.rows * a.row + b.rows * b.row) + body.stageBytes;
  const code = [
    ...head,
    ...body.declarations,
    ...f.offsets,
    ...prologue(f, { workgroupSize: `${MATRIX_INVOCATIONS}`, builtins: "", loads }),
    ...body.main,
    "}",
    "",
  ].join("\n");
  return { code, workgroups: [...f.workgroups], workgroupBytes };
}

/** Operand x's slab, read 16 bytes at a time (`wide`) or not, into view slabs (`views`) or not. */
function stagedSlab(
  x: Operand,
  f: DirectFrame,
  tiles: StagedMatrixTiles,
  read: { readonly wide: boolean; readonly views: boolean },
): StagedSlab {
  const { tm, tn, tk } = tiles;
  const kFast = x === "a" ? f.aKFast : !f.bNFast;
  const half: HalfSlab | undefined = !read.wide ? undefined : read.views ? "vector" : kFast ? "kk-rows" : "free-rows";
  const across = freeRows(half, kFast);
  const grid = subgroupGrid(tm, tn);
  const parts = tiles.subgroupSlabs === true ? (x === "a" ? grid.down : grid.across) : 1;
  const free = x === "a" ? tm : tn;
  const side = free / parts;
  return {
    kFast,
    ...(half === undefined ? {} : { half }),
    across,
    parts,
    side,
    row: (across ? tk : side) + 8,
    rows: across ? free : tk * parts,
  };
}

/** How the kernel's body holds its slabs. */
interface Staging {
  readonly shape: SubgroupMatrixShape;
  readonly tm: number;
  readonly tn: number;
  /** 1, or 2 for double-buffered slabs (read at `read` + offset). */
  readonly buffers: number;
  readonly read: { readonly a: string; readonly b: string };
  /** Slabs kept [free][kk] instead of [kk][free]. */
  readonly transposed: { readonly a: boolean; readonly b: boolean };
  /** Per-subgroup slabs: elements per part of a and b, their rows, and the slab depth. */
  readonly split?: {
    readonly tk: number;
    readonly aRow: number;
    readonly bRow: number;
    readonly aPart: number;
    readonly bPart: number;
  };
  /** Slabs in `buffer`s seen as f16 (`a_tile`) and as vec4<u32> (`a_wide`): their bytes. */
  readonly views?: { readonly aBytes: number; readonly bBytes: number };
}

/**
 * The body: the slabs' declarations, then main: each subgroup's part of the tile as result
 * matrices of f32, the k loop (`loop` around the multiplies of one slab), and the results out
 * through a per-subgroup f32 stage.
 */
function stagedBody(
  st: Staging,
  loop: (compute: readonly string[]) => string[],
  write: (target: string, value: string) => string,
): { declarations: string[]; main: string[]; stageBytes: number } {
  const { down, across } = subgroupGrid(st.tm, st.tn);
  const pairs = resultMatrices(st.tm / down / st.shape.m, st.tn / across / st.shape.n);
  const frag = st.shape.m * st.shape.n;
  const stage = frag * (MATRIX_INVOCATIONS / MATRIX_SUBGROUP);
  const views =
    st.views === undefined
      ? []
      : [
          "  let a_tile = bufferView<array<f16>>(&a_mem, 0);",
          "  let a_wide = bufferView<array<vec4<u32>>>(&a_mem, 0);",
          "  let b_tile = bufferView<array<f16>>(&b_mem, 0);",
          "  let b_wide = bufferView<array<vec4<u32>>>(&b_mem, 0);",
        ];
  return {
    stageBytes: 4 * stage,
    declarations: [
      ...slabDeclarations(st),
      `var<workgroup> stage: array<f32, ${stage}>; // one result matrix per subgroup on its way out`,
      "",
    ],
    main: [
      ...views,
      ...subgroupSetup(across, st.tm / down, st.tn / across, pairs, matrixTypes(st.shape).result),
      ...loop(slabMultiplies(st, pairs)),
      ...epilogue(pairs, st.shape, write),
    ],
  };
}

function slabDeclarations(st: Staging): string[] {
  const { transposed, split, views } = st;
  const { down, across } = subgroupGrid(st.tm, st.tn);
  const [aSlab, bSlab] = [transposed.a ? "TM * A_ROW" : "TK * A_ROW", transposed.b ? "TN * B_ROW" : "TK * B_ROW"];
  const [aShape, bShape] = [transposed.a ? "[mm][kk]" : "[kk][mm]", transposed.b ? "[nn][kk]" : "[kk][nn]"];
  if (split !== undefined)
    return [
      `var<workgroup> a_tile: array<array<f16, ${split.aPart}>, ${down}>; // a ${aShape} slab per row of subgroups`,
      `var<workgroup> b_tile: array<array<f16, ${split.bPart}>, ${across}>; // a ${bShape} slab per ` +
        `column of subgroups`,
    ];
  if (views !== undefined)
    return [
      `var<workgroup> a_mem: buffer<${views.aBytes}>; // a's ${aShape} slab: stored as vec4<u32>, read ` + `as f16`,
      `var<workgroup> b_mem: buffer<${views.bBytes}>; // b's ${bShape} slab`,
    ];
  if (st.buffers === 2)
    return [
      `var<workgroup> a_tile: array<f16, 2 * ${aSlab}>; // ${aShape} x 2 buffers`,
      `var<workgroup> b_tile: array<f16, 2 * ${bSlab}>; // ${bShape} x 2 buffers`,
      `const A_SLAB: u32 = ${aSlab};`,
      `const B_SLAB: u32 = ${bSlab};`,
    ];
  return [
    `var<workgroup> a_tile: array<f16, ${aSlab}>; // ${aShape}`,
    `var<workgroup> b_tile: array<f16, ${bSlab}>; // ${bShape}`,
  ];
}

/**
 * The matrix loads and multiplies of one slab. Per-subgroup slabs: every load names its
 * subgroup's part and a constant offset (the k steps unrolled), which spares it Dawn's bounds
 * test; otherwise one k step a loop iteration.
 */
function slabMultiplies(st: Staging, pairs: readonly ResultMatrix[]): string[] {
  const { transposed, read, split } = st;
  const [fm, fn, fk] = [st.shape.m, st.shape.n, st.shape.k];
  const { down, across } = subgroupGrid(st.tm, st.tn);
  const [rows, cols] = [st.tm / down / fm, st.tn / across / fn];
  const { left, right } = matrixTypes(st.shape);
  const multiplies = pairs.map(
    ({ i, j }) => `      acc_${i}_${j} = subgroupMatrixMultiplyAccumulate(l${i}, r${j}, acc_${i}_${j});`,
  );
  if (split !== undefined) {
    return range(split.tk / fk).flatMap((u) => [
      `    { // k step ${u}: offsets are constants`,
      ...range(rows).map(
        (i) =>
          `      let l${i} = subgroupMatrixLoad<${left}>(&a_tile[sg / ${u32(across)}], ` +
          `${u32(transposed.a ? i * fm * split.aRow + u * fk : u * fk * split.aRow + i * fm)}, ` +
          `${transposed.a ? "false" : "true"}, A_ROW);`,
      ),
      ...range(cols).map(
        (j) =>
          `      let r${j} = subgroupMatrixLoad<${right}>(&b_tile[sg % ${u32(across)}], ` +
          `${u32(transposed.b ? j * fn * split.bRow + u * fk : u * fk * split.bRow + j * fn)}, ` +
          `${transposed.b ? "true" : "false"}, B_ROW);`,
      ),
      ...multiplies,
      "    }",
    ]);
  }
  // A left matrix is column-major in a [kk][mm] slab, row-major in [mm][kk]; a right one the other way round.
  const leftAt = (i: number) =>
    transposed.a
      ? `(row0 + ${u32(i * fm)}) * A_ROW + ${read.a}kk, false`
      : `${read.a}kk * A_ROW + row0 + ${u32(i * fm)}, true`;
  const rightAt = (j: number) =>
    transposed.b
      ? `(col0 + ${u32(j * fn)}) * B_ROW + ${read.b}kk, true`
      : `${read.b}kk * B_ROW + col0 + ${u32(j * fn)}, false`;
  return [
    `    for (var kk = 0u; kk < TK; kk += ${u32(fk)}) {`,
    ...range(rows).map((i) => `      let l${i} = ${slabLoad(st, left, "a_tile", leftAt(i))};`),
    ...range(cols).map((j) => `      let r${j} = ${slabLoad(st, right, "b_tile", rightAt(j))};`),
    ...multiplies,
    "    }",
  ];
}

/**
 * A matrix load from a slab: the 4-argument form on an array, the major order as a template
 * argument on a view (the form Dawn's buffer_view tests use; Dawn calls the other deprecated).
 */
function slabLoad(st: Staging, type: string, slab: "a_tile" | "b_tile", at: string): string {
  const row = slab === "a_tile" ? "A_ROW" : "B_ROW";
  if (st.views === undefined) return `subgroupMatrixLoad<${type}>(&${slab}, ${at}, ${row})`;
  const [offset, colMajor] = at.split(/, (?=true$|false$)/);
  return `subgroupMatrixLoad<${type}, ${colMajor === "true" ? "col_major" : "row_major"}>(${slab}, ${offset!}, ${row})`;
}

/**
 * How the 8 subgroups cover a tile: 2 rows of 4 (each TM/2 x TN/4), or 4 rows of 2 for a 256 x
 * 128 tile (64 x 64 each).
 */
function subgroupGrid(tm: number, tn: number): { down: number; across: number } {
  const down = tm >= 256 && tm >= 2 * tn ? 4 : 2;
  return { down, across: MATRIX_INVOCATIONS / MATRIX_SUBGROUP / down };
}

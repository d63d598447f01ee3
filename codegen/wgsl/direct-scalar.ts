/**
 * The direct kernel on scalars: its invocations (16 x 16 unless `tiles.invocations` says
 * otherwise) stage each TK-deep slab of a and b in workgroup memory as f32, each accumulating an
 * RM x RN block of the tile in registers.
 *
 *        n ->                       a_tile[kk][mm]  (TK x TM)      b_tile[kk][nn]  (TK x TN)
 *      +------+------+
 *   m  | wg 0 | wg 1 |   invocation (tx, ty) owns rows ty, ty+16, ... and columns tx, tx+16, ...
 *   |  +------+------+   of its workgroup's tile: RM x RN accumulators; when RM (RN) is a multiple
 *                        of 4 it owns runs of 4 rows (4ty.., 4(ty+16)..) read as one vec4
 */
import type { ScalarTiles } from "../tile-config.js";
import { range, u32 } from "./common.js";
import { header, prologue, sizedParams, wideReads, type DirectFrame } from "./direct-frame.js";
import type { KernelSpec } from "./kernel.js";
import { loadSetup, slabLoop, storeSlab, type Slabs } from "./slab.js";

/** Invocations per side of the default workgroup. */
export const SIDE = 16;

/**
 * Each invocation's block of the tile: `rm` x `rn` accumulators, in runs of `va` rows and `vb`
 * columns (4 where the block allows, so that one vec4 read of workgroup memory feeds 4 of them).
 */
interface Block {
  readonly x: number;
  readonly y: number;
  /** Consecutive invocations take `run` columns before the next row. */
  readonly run: number;
  readonly rm: number;
  readonly rn: number;
  readonly va: number;
  readonly vb: number;
}

/** The kernel's workgroup layout and each invocation's block of a tile. */
export function scalarBlock(tiles: ScalarTiles): Block {
  const x = tiles.invocations?.x ?? SIDE;
  const y = tiles.invocations?.y ?? SIDE;
  const [rm, rn] = [tiles.tm / y, tiles.tn / x];
  return { x, y, run: tiles.invocations?.run ?? x, rm, rn, va: rm % 4 === 0 ? 4 : 1, vb: rn % 4 === 0 ? 4 : 1 };
}

export function scalarKernel(f: DirectFrame, tiles: ScalarTiles): KernelSpec {
  const { tm, tn, tk } = tiles;
  const block = scalarBlock(tiles);
  const threads = block.x * block.y;
  const wide = wideReads(f, threads);
  // 16-byte stores of the f32 kernel's runs of 4 columns, where the output allows them
  // (`tiles.wide.out`) and each invocation's columns come in whole runs of 4.
  const wideOut = tiles.wide?.out === true && f.type.wgsl === "f32" && block.rn % 4 === 0;
  // A slab loaded along k puts consecutive invocations TM (TN) elements apart in workgroup memory:
  // all in one bank. Padded rows spread them over the banks and keep vec4 (16-byte) alignment.
  const [aRow, bRow] = [tm + (f.aKFast ? 4 : 0), tn + (f.bNFast ? 0 : 4)];
  const head = header(f, {
    wide,
    wideOut,
    views: false,
    rows: { a: { length: aRow, across: false, side: tm }, b: { length: bRow, across: false, side: tn } },
  });
  const slabs: Slabs = {
    tm,
    tn,
    tk,
    threads,
    per: { a: wide.a ? f.lanes : 1, b: wide.b ? f.lanes : 1 },
    type: f.type,
    double: tiles.doubleBuffer === true,
  };
  const buffers = slabs.double ? 2 : 1;
  const { va, vb } = block;
  const tileType = (v: number) => (v === 4 ? "vec4<f32>" : "f32");
  const loads = [...loadSetup(slabs, "a", { kFast: f.aKFast }), ...loadSetup(slabs, "b", { kFast: !f.bNFast })];
  const store = (x: "a" | "b", at: string) =>
    storeSlab(slabs, x, { vec: x === "a" ? va : vb, convert: (v) => v, kFast: x === "a" ? f.aKFast : !f.bNFast, at });
  const code = [
    ...head.slice(0, -1),
    `//   ${block.rm}x${block.rn} per invocation (runs of ${va}x${vb})`,
    "",
    `var<workgroup> a_tile: array<${tileType(va)}, ${(buffers * tk * aRow) / va}>; // ` +
      `[kk][mm]${slabs.double ? " x 2 buffers" : ""}`,
    `var<workgroup> b_tile: array<${tileType(vb)}, ${(buffers * tk * bRow) / vb}>; // ` +
      `[kk][nn]${slabs.double ? " x 2 buffers" : ""}`,
    ...(slabs.double
      ? [`const A_SLAB: u32 = ${u32((tk * aRow) / va)};`, `const B_SLAB: u32 = ${u32((tk * bRow) / vb)};`]
      : []),
    "",
    ...f.offsets,
    ...invocationMain(f, block, loads),
    ...range(block.rm).flatMap((r) =>
      range(block.rn / vb).map((j) => `  var acc_${r}_${j} = ${vb === 4 ? "vec4<f32>()" : "0.0"};`),
    ),
    ...slabLoop(slabs, blockMath(block, { aRow, bRow, double: slabs.double }), store),
    ...blockStores(block, wideOut, f.write),
    "}",
    "",
  ].join("\n");
  return { code, workgroups: [...f.workgroups], workgroupBytes: buffers * 4 * tk * (aRow + bRow), ...sizedParams(f) };
}

/** The head of main and this invocation's place in the workgroup: column tx, row ty. */
function invocationMain(f: DirectFrame, block: Block, loads: readonly string[]): string[] {
  const { x, y, run } = block;
  if (run === x)
    return [
      ...prologue(f, {
        workgroupSize: `${x}, ${y}`,
        builtins: "@builtin(local_invocation_id) lid: vec3<u32>, ",
        loads,
      }),
      "  let tx = lid.x;",
      "  let ty = lid.y;",
    ];
  return [
    ...prologue(f, { workgroupSize: `${x * y}`, builtins: "", loads }),
    `  // invocations in bands of ${run} columns, row by row within a band: a subgroup of 32 covers ` +
      `${run} x ${32 / run} blocks`,
    `  let tx = (li / ${u32(run * y)}) * ${u32(run)} + li % ${u32(run)};`,
    `  let ty = (li % ${u32(run * y)}) / ${u32(run)};`,
  ];
}

/** Row r of the invocation's block: the e-th of run i, at tile position (i * y + ty) * va + e. */
function blockRows(block: Block): { r: number; i: number; e: number }[] {
  return range(block.rm).map((r) => ({ r, i: Math.floor(r / block.va), e: r % block.va }));
}

/** One slab's multiply-adds into the block: a run of rows and one of columns from the slabs per step of kk. */
function blockMath(
  block: Block,
  slab: { readonly aRow: number; readonly bRow: number; readonly double: boolean },
): string[] {
  const { x, y, va, vb } = block;
  const read = { a: slab.double ? "a_read + " : "", b: slab.double ? "b_read + " : "" };
  const colGroups = range(block.rn / vb);
  const aValue = (row: { i: number; e: number }) => (va === 4 ? `a${row.i}[${row.e}]` : `a${row.i}`);
  return [
    "    for (var kk = 0u; kk < TK; kk++) {",
    ...range(block.rm / va).map(
      (i) => `      let a${i} = a_tile[${read.a}kk * ${u32(slab.aRow / va)} + ${u32(i * y)} + ty];`,
    ),
    ...colGroups.map((j) => `      let b${j} = b_tile[${read.b}kk * ${u32(slab.bRow / vb)} + ${u32(j * x)} + tx];`),
    ...blockRows(block).flatMap((row) =>
      colGroups.map(
        (j) =>
          `      acc_${row.r}_${j} = fma(${vb === 4 ? `vec4<f32>(${aValue(row)})` : aValue(row)}, b${j}, ` +
          `acc_${row.r}_${j});`,
      ),
    ),
    "    }",
  ];
}

/** The block to the output, within its edges; where `wideOut`, each run of 4 columns as one 16-byte store. */
function blockStores(block: Block, wideOut: boolean, write: (target: string, value: string) => string): string[] {
  const { x, y, va, vb } = block;
  const colGroups = range(block.rn / vb);
  return [
    ...colGroups.flatMap((j) =>
      range(wideOut ? 1 : vb).map((c) => `  let out_n${j}_${c} = n0 + (${u32(j * x)} + tx) * ${u32(vb)} + ${u32(c)};`),
    ),
    ...blockRows(block).flatMap(({ r, i, e }) => [
      `  let out_m${r} = m0 + (${u32(i * y)} + ty) * ${u32(va)} + ${u32(e)};`,
      `  if (out_m${r} < M) {`,
      `    let row${r} = out_base + out_m(out_m${r});`,
      // a run of 4 columns starts on a 16-byte boundary and lies all inside N or all outside
      ...colGroups.flatMap((j) =>
        wideOut
          ? [`    if (out_n${j}_0 < N) { ${write(`out[(row${r} + out_n(out_n${j}_0)) / 4u]`, `acc_${r}_${j}`)} }`]
          : range(vb).map(
              (c) =>
                `    if (out_n${j}_${c} < N) { ` +
                `${write(`out[row${r} + out_n(out_n${j}_${c})]`, `acc_${r}_${j}${vb === 4 ? `[${c}]` : ""}`)} }`,
            ),
      ),
      "  }",
    ]),
  ];
}

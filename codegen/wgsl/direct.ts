/**
 * The `direct` kernel (GETT): a pairwise contraction read straight through the operands' strides.
 * Labels are grouped into logical dimensions (batch, m, n, k) by index arithmetic; each workgroup
 * computes a TM x TN tile of the output for one batch index, stepping over k in TK-deep slabs that
 * its invocations (16 x 16 unless `tiles.invocations` says otherwise) stage in workgroup memory,
 * each invocation accumulating a RM x RN block in registers. Edges (sizes that are not multiples
 * of the tiles, size 1, size 0) are bounds-checked.
 * With `splits` > 1 the k range is cut into slices whose partial tiles go to a scratch buffer
 * (split-k); a loop kernel then sums them.
 * Bindings: 0 `a`, 1 `b`, 2 `out`, 3 `params` (`a_offset`, `b_offset`, `out_offset`).
 *
 *        n ->                       a_tile[kk][mm]  (TK x TM)      b_tile[kk][nn]  (TK x TN)
 *      +------+------+
 *   m  | wg 0 | wg 1 |   invocation (tx, ty) owns rows ty, ty+16, ... and columns tx, tx+16, ...
 *   |  +------+------+   of its workgroup's tile: RM x RN accumulators; when RM (RN) is a multiple
 *                        of 4 it owns runs of 4 rows (4ty.., 4(ty+16)..) read as one vec4
 */
import { loadsAlongFirst, matrixLayout, strideOf, type Groups, type MatrixLayout, type Strided } from "../access.js";
import type { TileConfig } from "../cost.js";
import type { Dtype } from "../dtype.js";
import type { SubgroupMatrixShape } from "../profile.js";
import { layoutFits } from "../tiles.js";
import { canonicalNames, decompose, dot, elementType, KernelDims, paramsStruct, shown, u32, type ElementType, type Value } from "./common.js";
import { dispatchGrid, type KernelSpec } from "./kernel.js";

const SIDE = 16; // invocations per side of the workgroup

export interface DirectKernelSpec {
  readonly a: Strided;
  readonly b: Strided;
  /** Where each output label goes (element strides); labels of the groups batch, m and n. */
  readonly out: Strided;
  readonly groups: Groups;
  readonly sizes: Readonly<Record<string, number>>;
  /**
   * `wide`: the 16-byte accesses that a, b and out as given here allow by layout and start
   * (codegen/access); the kernel makes them where its tiles give every invocation whole ones.
   */
  readonly tiles: TileConfig;
  /** split-k: elements between consecutive slices' partial outputs. */
  readonly splitStride?: number;
  /** Add into the output instead of overwriting it. */
  readonly accumulate?: boolean;
  readonly title: string;
  /** Element type of a, b and out (default f32); the kernel accumulates in f32. */
  readonly dtype?: Dtype;
  /** Labels whose sizes (and the strides that follow from them) are read from params: see KernelDims. */
  readonly runtimeSizes?: readonly string[];
}

export function emitDirectKernel(spec: DirectKernelSpec, maxWorkgroupsPerDimension: number): KernelSpec | undefined {
  const { groups, tiles } = spec;
  const { tm, tn, tk } = tiles;
  const t = elementType(spec.dtype);
  const names = canonicalNames([spec.a.labels, spec.b.labels, spec.out.labels]);
  const n = (l: string) => names.get(l)!;
  const dims = new KernelDims(spec.sizes, spec.runtimeSizes === undefined ? undefined : new Set(spec.runtimeSizes), n);
  const [B, M, N, K] = [dims.product(groups.batch), dims.product(groups.m), dims.product(groups.n), dims.product(groups.k)];
  const splits = Math.max(1, tiles.splits);
  const matrix = tiles.matrix;
  // The scalar kernel's workgroup (tiles.invocations), or the staged subgroup-matrix kernel's 256 invocations.
  const inv = { x: tiles.invocations?.x ?? SIDE, y: tiles.invocations?.y ?? SIDE };
  const run = tiles.invocations?.run ?? inv.x;
  const threads = matrix === undefined ? inv.x * inv.y : MATRIX_INVOCATIONS;
  if (matrix !== undefined && tiles.invocations !== undefined) throw new Error("einsight internal error: tiles.invocations shapes the scalar kernel's workgroup; the subgroup-matrix kernels have their own.");
  if (matrix === undefined && !layoutFits(tiles, { ...inv, run }))
    throw new Error(`einsight internal error: tiles ${tm}x${tn}x${tk} do not divide among ${inv.x} x ${inv.y} invocations in runs of ${run} (each invocation needs whole rows and columns and whole slab loads; at most 256 invocations).`);
  if (dims.sized && (splits > 1 || matrix !== undefined)) throw new Error(`einsight internal error: a step sized at run time was planned with split-k or subgroup matrices, which need its sizes at build time.`);
  const ceilDiv = (v: Value, d: number, name: string): Value => (typeof v === "number" ? Math.ceil(v / d) : `(${name} + ${u32(d - 1)}) / ${u32(d)}`);
  const tilesM = ceilDiv(M, tm, "M");
  const tilesN = ceilDiv(N, tn, "N");
  const chunk = typeof K === "number" && splits > 1 ? Math.ceil(K / splits / tk) * tk : K;
  const total: Value = typeof tilesM === "number" && typeof tilesN === "number" && typeof B === "number" ? splits * B * tilesM * tilesN : "TILES_M * TILES_N * BATCH";
  if (total === 0) return undefined;
  const sizedDispatch = typeof total === "string";
  const workgroups = sizedDispatch ? ([0, 0] as const) : dispatchGrid(total, maxWorkgroupsPerDimension);
  const aKFast = loadsAlongFirst(spec.a, groups.k, groups.m);
  const bNFast = loadsAlongFirst(spec.b, groups.n, groups.k);
  // 16-byte loads where the planner found the layout and starts allow them and every invocation gets whole ones.
  const lanes = 16 / (t.wgsl === "f16" ? 2 : 4); // elements in 16 bytes
  const wide = { a: tiles.wide?.a === true && (tm * tk) % (lanes * threads) === 0, b: tiles.wide?.b === true && (tn * tk) % (lanes * threads) === 0 };
  const wideType = t.wgsl === "f16" ? "vec4<u32>" : "vec4<f32>"; // f16: 8 of them in 4 words
  // 16-byte stores of the scalar f32 kernel's runs of 4 columns, where the output allows them
  // (`tiles.wide.out`) and each invocation's columns come in whole runs of 4.
  const wideOut = tiles.wide?.out === true && matrix === undefined && t.wgsl === "f32" && (tn / inv.x) % 4 === 0;
  // A slab loaded along k puts consecutive invocations TM (TN) elements apart in workgroup memory:
  // all in one bank. Padded rows spread them over the banks and keep vec4 (16-byte) alignment.
  // f16 slabs for subgroup matrices are stored one element at a time, so each 16-byte load goes
  // down 8 rows of its slab and consecutive invocations fill a row: a slab loaded along the free
  // side is kept transposed ([free][kk], `across`). Subgroup matrices are read 8 rows of 16 bytes
  // at a time: rows a multiple of 128 bytes apart would share banks, so rows get 16 bytes more.
  // With tiles.viewSlabs (both operands wide, one slab buffer), each slab is workgroup
  // memory seen two ways (WGSL's buffer_view): 16-byte stores as vec4<u32>, matrix loads as f16.
  // A 16-byte load then stays one store, along a row that runs the way its operand does.
  const double = tiles.doubleBuffer === true;
  const views = matrix !== undefined && tiles.viewSlabs === true && wide.a && wide.b && tiles.global !== true && !double && tiles.subgroupSlabs !== true;
  const halfSlab = (isWide: boolean, kFast: boolean): HalfSlab | undefined => (matrix === undefined || !isWide ? undefined : views ? "vector" : kFast ? "kk-rows" : "free-rows");
  const slabs = { a: halfSlab(wide.a, aKFast), b: halfSlab(wide.b, !bNFast) };
  const across = { a: freeRows(slabs.a, aKFast), b: freeRows(slabs.b, !bNFast) };
  // Per-subgroup slabs (tiles.subgroupSlabs): a's slab cut into one part per row of subgroups, b's
  // into one per column, each part's free side `sides.a` (`sides.b`) long.
  const grid = subgroupGrid(tm, tn);
  const parts = matrix !== undefined && tiles.subgroupSlabs === true && tiles.global !== true && !double ? { a: grid.down, b: grid.across } : { a: 1, b: 1 };
  const sides = { a: tm / parts.a, b: tn / parts.b };
  const [aRow, bRow] = matrix === undefined ? [tm + (aKFast ? 4 : 0), tn + (bNFast ? 0 : 4)] : [(across.a ? tk : sides.a) + 8, (across.b ? tk : sides.b) + 8];
  const [aRows, bRows] = [across.a ? tm : tk * parts.a, across.b ? tn : tk * parts.b]; // rows of each slab, all parts
  const tileBytes = matrix === undefined ? 4 : 2;
  const equation = `${spec.a.labels.map(n).join("")},${spec.b.labels.map(n).join("")}->${spec.out.labels.map(n).join("")}`;
  const offsets = [
    offsetFn("a_batch", groups.batch, spec.a, 0, "a", dims, n),
    offsetFn("a_m", groups.m, spec.a, 0, "a", dims, n),
    offsetFn("a_k", groups.k, spec.a, 0, "a", dims, n),
    offsetFn("b_batch", groups.batch, spec.b, 1, "b", dims, n),
    offsetFn("b_k", groups.k, spec.b, 1, "b", dims, n),
    offsetFn("b_n", groups.n, spec.b, 1, "b", dims, n),
    offsetFn("out_batch", groups.batch, spec.out, "out", "out", dims, n),
    offsetFn("out_m", groups.m, spec.out, "out", "out", dims, n),
    offsetFn("out_n", groups.n, spec.out, "out", "out", dims, n),
    "",
  ];
  // Sizes known at build time are constants; those sized at run time are computed at the top of main.
  const values: [string, Value, string?][] = [
    ["M", M],
    ["N", N],
    ["K", K],
    ["TM", tm],
    ["TN", tn],
    ["TK", tk],
    ["A_ROW", aRow, ` // elements per ${across.a ? "mm" : "kk"} row of a_tile${aRow > (across.a ? tk : sides.a) ? " (padded)" : ""}`],
    ["B_ROW", bRow, ` // elements per ${across.b ? "nn" : "kk"} row of b_tile${bRow > (across.b ? tk : sides.b) ? " (padded)" : ""}`],
    ["CHUNK", chunk, " // k per slice"],
    ["TILES_M", tilesM],
    ["TILES_N", tilesN],
    ["BATCH", B],
    ["TILES", total],
    ["GRID_X", sizedDispatch ? dims.grid(1) : workgroups[0]],
  ];
  const constants = values.flatMap(([name, v, comment]) => (typeof v === "number" ? [`const ${name}: u32 = ${u32(v)};${comment ?? ""}`] : []));
  const atRunTime = values.flatMap(([name, v]) => (typeof v === "string" ? [`  let ${name} = ${v};`] : []));
  const head = [
    ...t.enable,
    ...(views ? ["requires buffer_view;"] : []),
    // Each subgroup's matrices sit at offsets from li / 32: uniform within the subgroup, which is
    // what the hardware needs, but WGSL's analysis proves only workgroup uniformity.
    ...(matrix === undefined ? [] : ["enable chromium_experimental_subgroup_matrix;", "diagnostic(off, chromium.subgroup_matrix_uniformity);"]),
    `// einsight: direct (GETT) kernel${matrix === undefined ? "" : ` on ${matrix.m}x${matrix.n}x${matrix.k} subgroup matrices`}, ${spec.title}`,
    `//   ${equation}   sizes ${[...names].map(([l, name]) => `${name}=${dims.showSize(l)}`).join(" ")}${dims.note}`,
    `//   groups batch [${groups.batch.map(n).join("")}]=${shown(B)} m [${groups.m.map(n).join("")}]=${shown(M)} n [${groups.n.map(n).join("")}]=${shown(N)} k [${groups.k.map(n).join("")}]=${shown(K)}`,
    `//   a strides ${describe(spec.a, n, dims)}; b strides ${describe(spec.b, n, dims)}; out strides ${describe(spec.out, n, dims)}`,
    `//   tile ${tm}x${tn}x${tk}, ${splits} k slice(s) of ${shown(chunk)}; loads: a along ${aKFast ? "k" : "m"}, b along ${bNFast ? "n" : "k"}`,
    `//   ${sizedDispatch ? "workgroups sized at run time" : `${total} workgroups, dispatch ${workgroups.join(" x ")}`}${spec.accumulate === true ? "; adds into out" : ""}`,
    paramsStruct(["a_offset", "b_offset", "out_offset", ...dims.fields.map((f) => f.name)]),
    `@group(0) @binding(0) var<storage, read> a: array<${wide.a ? wideType : t.wgsl}>;${wide.a ? ` // read ${lanes} elements at a time` : ""}`,
    `@group(0) @binding(1) var<storage, read> b: array<${wide.b ? wideType : t.wgsl}>;${wide.b ? ` // read ${lanes} elements at a time` : ""}`,
    `@group(0) @binding(2) var<storage, read_write> out: array<${wideOut ? wideType : t.wgsl}>;${wideOut ? " // written 4 elements at a time" : ""}`,
    "@group(0) @binding(3) var<uniform> params: Params;",
    "",
    ...constants,
    "",
  ];
  const sized: Pick<KernelSpec, "runtimeParams" | "runtimeDispatch"> = {
    ...(dims.fields.length === 0 ? {} : { runtimeParams: dims.fields.map((f) => f.ref) }),
    ...(sizedDispatch ? { runtimeDispatch: [{ labels: groups.m, per: tm }, { labels: groups.n, per: tn }, { labels: groups.batch, per: 1 }] } : {}),
  };
  // Which tile this workgroup computes, and the loads each invocation makes for every slab.
  const prologue = (workgroupSize: string, builtins: string, staged = true) => [
    `@compute @workgroup_size(${workgroupSize})`,
    `fn main(@builtin(workgroup_id) wg: vec3<u32>, ${builtins}@builtin(local_invocation_index) li: u32) {`,
    ...atRunTime,
    "  let tile = wg.x + wg.y * GRID_X;",
    "  if (tile >= TILES) { return; } // whole workgroups only: barriers stay uniform",
    "  let tile_n = tile % TILES_N;",
    "  let tile_m = (tile / TILES_N) % TILES_M;",
    "  let bi = (tile / (TILES_N * TILES_M)) % BATCH;",
    "  let slice = tile / (TILES_N * TILES_M * BATCH);",
    "  let m0 = tile_m * TM;",
    "  let n0 = tile_n * TN;",
    "  let k_begin = slice * CHUNK;",
    "  let k_end = min(K, k_begin + CHUNK);",
    "  let a_base = params.a_offset + a_batch(bi);",
    "  let b_base = params.b_offset + b_batch(bi);",
    `  let out_base = params.out_offset + out_batch(bi) + slice * ${u32(spec.splitStride ?? 0)};`,
    ...(staged ? [...loadSetup("a", tm, tk, threads, aKFast, "m", wide.a ? lanes : 1, slabs.a, parts.a > 1 ? sides.a : undefined), ...loadSetup("b", tn, tk, threads, !bNFast, "n", wide.b ? lanes : 1, slabs.b, parts.b > 1 ? sides.b : undefined)] : []),
  ];
  const write = (target: string, value: string) => t.write(target, value, spec.accumulate === true);
  // Double buffering: slab i is read from buffer i % 2 while slab i + 1 is stored into the other.
  const buffers = double ? 2 : 1;
  const read = { a: double ? "a_read + " : "", b: double ? "b_read + " : "" };
  // This invocation's share of the slab at k (into registers; `first`: declaring them).
  const fetch = (k: string, indent: string, first: boolean) => [
    ...fetchSlab("a", tm, tk, threads, k, indent, first, t, wide.a ? lanes : 1),
    ...fetchSlab("b", tn, tk, threads, k, indent, first, t, wide.b ? lanes : 1),
  ];
  const slabLoop = (compute: readonly string[], store: (x: "a" | "b", side: number, at: string) => string[]) =>
    double
      ? [
          "  // slab values are fetched into registers one slab ahead, so global loads overlap the math;",
          "  // slabs alternate between two buffers: one barrier a slab",
          ...fetch("k_begin", "  ", true),
          ...store("a", tm, "").map((l) => l.slice(2)),
          ...store("b", tn, "").map((l) => l.slice(2)),
          "  workgroupBarrier();",
          "  var buf = 0u;",
          "  for (var k0 = k_begin; k0 < k_end; k0 += TK) {",
          "    let a_read = buf * A_SLAB;",
          "    let b_read = buf * B_SLAB;",
          ...fetch("k0 + TK", "    ", false),
          ...compute,
          "    // the next slab into the other buffer, which nobody reads until after the barrier",
          ...store("a", tm, "(A_SLAB - a_read) + "),
          ...store("b", tn, "(B_SLAB - b_read) + "),
          "    workgroupBarrier();",
          "    buf = 1u - buf;",
          "  }",
        ]
      : [
          "  // slab values are fetched into registers one slab ahead, so global loads overlap the math",
          ...fetch("k_begin", "  ", true),
          "  for (var k0 = k_begin; k0 < k_end; k0 += TK) {",
          "    // stage the fetched TK-deep slab of a and b in workgroup memory (zeros past the edges)",
          ...store("a", tm, ""),
          ...store("b", tn, ""),
          "    workgroupBarrier();",
          ...fetch("k0 + TK", "    ", false),
          ...compute,
          "    workgroupBarrier();",
          "  }",
        ];
  if (matrix !== undefined && tiles.global === true) {
    const layout = matrixLayout(spec.a, spec.b, groups, spec.sizes, matrix);
    if (layout === undefined) throw new Error(`einsight internal error: ${equation} was planned to load subgroup matrices from memory, but its layout does not allow it.`);
    const body = globalMatrixBody(matrix, layout, tm, tn, tk, write);
    return { code: [...head, ...body.declarations, ...offsets, ...prologue(`${GLOBAL_INVOCATIONS}`, "", false), ...body.main, "}", ""].join("\n"), workgroups: [...workgroups], workgroupBytes: body.stageBytes };
  }
  if (matrix !== undefined) {
    // a wide load goes down rows of its slab: along k into a [kk][free] slab, along free into a transposed one
    const store = (x: "a" | "b", side: number, at: string) =>
      views ? range((side * tk) / (threads * lanes)).map((r) => `    ${x}_wide[${x}_slot${r} / 8u] = ${x}_v${r};`) : storeSlab(x, side, tk, threads, 1, (v) => `f16(${v})`, x === "a" ? wide.a : wide.b, x === "a" ? aKFast || across.a : !bNFast || across.b, t, at, parts[x] > 1);
    const split = parts.a > 1 ? { tk, aRow, bRow, aPart: (across.a ? sides.a : tk) * aRow, bPart: (across.b ? sides.b : tk) * bRow } : undefined;
    const body = matrixBody(matrix, tm, tn, (compute) => slabLoop(compute, store), write, { buffers, read, transposed: across, split, views: views ? { aBytes: tileBytes * aRows * aRow, bBytes: tileBytes * bRows * bRow } : undefined });
    const workgroupBytes = buffers * tileBytes * (aRows * aRow + bRows * bRow) + body.stageBytes;
    return { code: [...head, ...body.declarations, ...offsets, ...prologue(`${MATRIX_INVOCATIONS}`, ""), ...body.main, "}", ""].join("\n"), workgroups: [...workgroups], workgroupBytes };
  }
  const [rm, rn] = [tm / inv.y, tn / inv.x];
  // Invocations own rows (and columns) in runs of 4 when their block allows it, so that one vec4
  // read of workgroup memory feeds 4 rows (columns): a quarter of the shared-memory loads.
  const [va, vb] = [rm % 4 === 0 ? 4 : 1, rn % 4 === 0 ? 4 : 1];
  const tileType = (v: number) => (v === 4 ? "vec4<f32>" : "f32");
  // Row r of the invocation's block: the e-th of run i, at tile position (i * y + ty) * va + e.
  const rows = range(rm).map((r) => ({ r, i: Math.floor(r / va), e: r % va }));
  const colGroups = range(rn / vb);
  const aValue = (row: { i: number; e: number }) => (va === 4 ? `a${row.i}[${row.e}]` : `a${row.i}`);
  const code = [
    ...head.slice(0, -1),
    `//   ${rm}x${rn} per invocation (runs of ${va}x${vb})`,
    "",
    `var<workgroup> a_tile: array<${tileType(va)}, ${(buffers * tk * aRow) / va}>; // [kk][mm]${double ? " x 2 buffers" : ""}`,
    `var<workgroup> b_tile: array<${tileType(vb)}, ${(buffers * tk * bRow) / vb}>; // [kk][nn]${double ? " x 2 buffers" : ""}`,
    ...(double ? [`const A_SLAB: u32 = ${u32((tk * aRow) / va)};`, `const B_SLAB: u32 = ${u32((tk * bRow) / vb)};`] : []),
    "",
    ...offsets,
    ...(run === inv.x
      ? [...prologue(`${inv.x}, ${inv.y}`, "@builtin(local_invocation_id) lid: vec3<u32>, "), "  let tx = lid.x;", "  let ty = lid.y;"]
      : [
          ...prologue(`${threads}`, ""),
          `  // invocations in bands of ${run} columns, row by row within a band: a subgroup of 32 covers ${run} x ${32 / run} blocks`,
          `  let tx = (li / ${u32(run * inv.y)}) * ${u32(run)} + li % ${u32(run)};`,
          `  let ty = (li % ${u32(run * inv.y)}) / ${u32(run)};`,
        ]),
    ...rows.flatMap(({ r }) => colGroups.map((j) => `  var acc_${r}_${j} = ${vb === 4 ? "vec4<f32>()" : "0.0"};`)),
    ...slabLoop(
      [
        "    for (var kk = 0u; kk < TK; kk++) {",
        ...range(rm / va).map((i) => `      let a${i} = a_tile[${read.a}kk * ${u32(aRow / va)} + ${u32(i * inv.y)} + ty];`),
        ...colGroups.map((j) => `      let b${j} = b_tile[${read.b}kk * ${u32(bRow / vb)} + ${u32(j * inv.x)} + tx];`),
        ...rows.flatMap((row) => colGroups.map((j) => `      acc_${row.r}_${j} = fma(${vb === 4 ? `vec4<f32>(${aValue(row)})` : aValue(row)}, b${j}, acc_${row.r}_${j});`)),
        "    }",
      ],
      (x, side, at) => storeSlab(x, side, tk, threads, x === "a" ? va : vb, (v) => v, x === "a" ? wide.a : wide.b, x === "a" ? aKFast : !bNFast, t, at),
    ),
    ...colGroups.flatMap((j) => range(wideOut ? 1 : vb).map((c) => `  let out_n${j}_${c} = n0 + (${u32(j * inv.x)} + tx) * ${u32(vb)} + ${u32(c)};`)),
    ...rows.flatMap(({ r, i, e }) => [
      `  let out_m${r} = m0 + (${u32(i * inv.y)} + ty) * ${u32(va)} + ${u32(e)};`,
      `  if (out_m${r} < M) {`,
      `    let row${r} = out_base + out_m(out_m${r});`,
      // a run of 4 columns starts on a 16-byte boundary and lies all inside N or all outside
      ...colGroups.flatMap((j) =>
        wideOut
          ? [`    if (out_n${j}_0 < N) { ${write(`out[(row${r} + out_n(out_n${j}_0)) / 4u]`, `acc_${r}_${j}`)} }`]
          : range(vb).map((c) => `    if (out_n${j}_${c} < N) { ${write(`out[row${r} + out_n(out_n${j}_${c})]`, `acc_${r}_${j}${vb === 4 ? `[${c}]` : ""}`)} }`),
      ),
      "  }",
    ]),
    "}",
    "",
  ].join("\n");
  return { code, workgroups: [...workgroups], workgroupBytes: buffers * tileBytes * tk * (aRow + bRow), ...sized };
}

/** Invocations of the subgroup-matrix kernel: 8 subgroups of 32 (the planner uses it only where subgroups are 32 wide). */
const MATRIX_INVOCATIONS = 256;
const MATRIX_SUBGROUP = 32;

/** Invocations of the kernel that loads subgroup matrices from memory: 4 subgroups of 32 in 2 x 2. */
const GLOBAL_INVOCATIONS = 128;

/**
 * The subgroup-matrix body that loads straight from a and b (no workgroup staging, no barriers in
 * the k loop): subgroup s of 4 owns rows (s / 2) * TM/2 and columns (s % 2) * TN/2 of the tile, as
 * result matrices of f32; the caches share the loads of neighbouring subgroups. Results leave
 * through a per-subgroup f32 stage, as in the staged body. The planner prefers the staged body with
 * 16-byte loads where both operands allow them (faster on an H200: 83.5 against 70.5 TFLOP/s).
 */
function globalMatrixBody(shape: SubgroupMatrixShape, layout: MatrixLayout, tm: number, tn: number, tk: number, write: (target: string, value: string) => string): { declarations: string[]; main: string[]; stageBytes: number } {
  const [fm, fn, fk] = [shape.m, shape.n, shape.k];
  const steps = tk / fk; // k steps per iteration, all their loads issued before the multiplies
  const [rows, cols] = [tm / 2 / fm, tn / 2 / fn];
  const left = `subgroup_matrix_left<f16, ${fk}, ${fm}>`;
  const right = `subgroup_matrix_right<f16, ${fn}, ${fk}>`;
  const result = `subgroup_matrix_result<f32, ${fn}, ${fm}>`;
  const frag = fm * fn;
  const subgroups = GLOBAL_INVOCATIONS / MATRIX_SUBGROUP;
  const pairs = range(rows).flatMap((i) => range(cols).map((j) => ({ i, j })));
  // Element (r, c) of a left matrix is at r * A_M + c * A_K: row-major when A_K is 1, else column-major.
  const [aColMajor, aStride] = layout.aK === 1 ? [false, layout.aM] : [true, layout.aK];
  const [bColMajor, bStride] = layout.bN === 1 ? [false, layout.bK] : [true, layout.bN];
  return {
    stageBytes: 4 * frag * subgroups,
    declarations: [
      `const A_M: u32 = ${u32(layout.aM)}; // a's stride along m (its m labels as one)`,
      `const A_K: u32 = ${u32(layout.aK)};`,
      `const B_K: u32 = ${u32(layout.bK)};`,
      `const B_N: u32 = ${u32(layout.bN)};`,
      `var<workgroup> stage: array<f32, ${frag * subgroups}>; // one result matrix per subgroup on its way out`,
      "",
    ],
    main: [
      ...subgroupSetup(2, tm / 2, tn / 2, pairs, result),
      `  for (var k = k_begin; k < k_end; k += ${u32(tk)}) {`,
      ...range(steps).flatMap((u) => [
        ...range(rows).map((i) => `    let l${i}_${u} = subgroupMatrixLoad<${left}>(&a, a_base + (m0 + row0 + ${u32(i * fm)}) * A_M + (k + ${u32(u * fk)}) * A_K, ${aColMajor}, ${u32(aStride)});`),
        ...range(cols).map((j) => `    let r${j}_${u} = subgroupMatrixLoad<${right}>(&b, b_base + (k + ${u32(u * fk)}) * B_K + (n0 + col0 + ${u32(j * fn)}) * B_N, ${bColMajor}, ${u32(bStride)});`),
      ]),
      ...range(steps).flatMap((u) => pairs.map(({ i, j }) => `    acc_${i}_${j} = subgroupMatrixMultiplyAccumulate(l${i}_${u}, r${j}_${u}, acc_${i}_${j});`)),
      "  }",
      ...epilogue(pairs, fm, fn, write),
    ],
  };
}

/** Which part of the tile subgroup `sg` owns (rows of `across` subgroups, each `rows` x `cols`), and its zeroed result matrices. */
function subgroupSetup(across: number, rows: number, cols: number, pairs: readonly { i: number; j: number }[], result: string): string[] {
  return [
    `  let sg = li / ${u32(MATRIX_SUBGROUP)};`,
    `  let lane = li % ${u32(MATRIX_SUBGROUP)};`,
    `  let row0 = (sg / ${u32(across)}) * ${u32(rows)};`,
    `  let col0 = (sg % ${u32(across)}) * ${u32(cols)};`,
    ...pairs.map(({ i, j }) => `  var acc_${i}_${j} = ${result}();`),
  ];
}

/** Each subgroup's result matrices, one at a time through its slot of `stage`, to `out` with its strides, edges and rounding. */
function epilogue(pairs: readonly { i: number; j: number }[], fm: number, fn: number, write: (target: string, value: string) => string): string[] {
  const frag = fm * fn;
  return [
    `  let mine = sg * ${u32(frag)};`,
    ...pairs.flatMap(({ i, j }) => [
      `  subgroupMatrixStore(&stage, mine, acc_${i}_${j}, false, ${u32(fn)});`,
      "  workgroupBarrier();",
      `  for (var e = lane; e < ${u32(frag)}; e += ${u32(MATRIX_SUBGROUP)}) {`,
      `    let om = m0 + row0 + ${u32(i * fm)} + e / ${u32(fn)};`,
      `    let on = n0 + col0 + ${u32(j * fn)} + e % ${u32(fn)};`,
      `    if (om < M && on < N) { ${write("out[out_base + out_m(om) + out_n(on)]", "stage[mine + e]")} }`,
      "  }",
      "  workgroupBarrier();",
    ]),
  ];
}

/**
 * The subgroup-matrix body: slabs staged as f16 in workgroup memory ([kk][m] read as column-major
 * left matrices, [kk][n] as row-major right ones). The 8 subgroups cover the tile in 2 rows of 4
 * (each TM/2 x TN/4), or in 4 rows of 2 for a 256 x 128 tile (64 x 64 each, so that every matrix
 * loaded from workgroup memory feeds 4 multiplies instead of 2 or 4), each holding
 * its part as result matrices of f32. Results leave through a per-subgroup f32 stage, so that any
 * output strides, edges and f16 rounding are handled by plain stores.
 */
function matrixBody(
  shape: SubgroupMatrixShape,
  tm: number,
  tn: number,
  slabLoop: (compute: readonly string[]) => string[],
  write: (target: string, value: string) => string,
  staging: MatrixStaging,
): { declarations: string[]; main: string[]; stageBytes: number } {
  const { buffers, read, transposed, split, views } = staging;
  const [fm, fn, fk] = [shape.m, shape.n, shape.k];
  const { down, across } = subgroupGrid(tm, tn);
  const [rows, cols] = [tm / down / fm, tn / across / fn];
  const left = `subgroup_matrix_left<f16, ${fk}, ${fm}>`;
  const right = `subgroup_matrix_right<f16, ${fn}, ${fk}>`;
  const result = `subgroup_matrix_result<f32, ${fn}, ${fm}>`;
  const frag = fm * fn;
  const pairs = range(rows).flatMap((i) => range(cols).map((j) => ({ i, j })));
  const [aSlab, bSlab] = [transposed.a ? "TM * A_ROW" : "TK * A_ROW", transposed.b ? "TN * B_ROW" : "TK * B_ROW"];
  const [aShape, bShape] = [transposed.a ? "[mm][kk]" : "[kk][mm]", transposed.b ? "[nn][kk]" : "[kk][nn]"];
  // A left matrix is column-major in a [kk][mm] slab, row-major in [mm][kk]; a right one the other way round.
  const left_ = (i: number) => (transposed.a ? `(row0 + ${u32(i * fm)}) * A_ROW + ${read.a}kk, false` : `${read.a}kk * A_ROW + row0 + ${u32(i * fm)}, true`);
  const right_ = (j: number) => (transposed.b ? `(col0 + ${u32(j * fn)}) * B_ROW + ${read.b}kk, true` : `${read.b}kk * B_ROW + col0 + ${u32(j * fn)}, false`);
  // A load from a slab: the 4-argument form on an array, the major order as a template argument
  // on a view (the form Dawn's buffer_view tests use; Dawn calls the other deprecated).
  const load = (type: string, slab: string, at: string) => {
    if (views === undefined) return `subgroupMatrixLoad<${type}>(&${slab}, ${at}, ${slab === "a_tile" ? "A_ROW" : "B_ROW"})`;
    const [offset, colMajor] = at.split(/, (?=true$|false$)/);
    return `subgroupMatrixLoad<${type}, ${colMajor === "true" ? "col_major" : "row_major"}>(${slab}, ${offset!}, ${slab === "a_tile" ? "A_ROW" : "B_ROW"})`;
  };
  const multiplies = pairs.map(({ i, j }) => `      acc_${i}_${j} = subgroupMatrixMultiplyAccumulate(l${i}, r${j}, acc_${i}_${j});`);
  const declarations =
    split !== undefined
      ? [`var<workgroup> a_tile: array<array<f16, ${split.aPart}>, ${down}>; // a ${aShape} slab per row of subgroups`, `var<workgroup> b_tile: array<array<f16, ${split.bPart}>, ${across}>; // a ${bShape} slab per column of subgroups`]
      : views !== undefined
        ? [`var<workgroup> a_mem: buffer<${views.aBytes}>; // a's ${aShape} slab: stored as vec4<u32>, read as f16`, `var<workgroup> b_mem: buffer<${views.bBytes}>; // b's ${bShape} slab`]
      : buffers === 2
        ? [`var<workgroup> a_tile: array<f16, 2 * ${aSlab}>; // ${aShape} x 2 buffers`, `var<workgroup> b_tile: array<f16, 2 * ${bSlab}>; // ${bShape} x 2 buffers`, `const A_SLAB: u32 = ${aSlab};`, `const B_SLAB: u32 = ${bSlab};`]
        : [`var<workgroup> a_tile: array<f16, ${aSlab}>; // ${aShape}`, `var<workgroup> b_tile: array<f16, ${bSlab}>; // ${bShape}`];
  // Per-subgroup slabs: every load names its subgroup's part and a constant offset (the k steps
  // unrolled), which spares it Dawn's bounds test; otherwise one k step a loop iteration.
  const compute =
    split !== undefined
      ? range(split.tk / fk).flatMap((u) => [
          `    { // k step ${u}: offsets are constants`,
          ...range(rows).map((i) => `      let l${i} = subgroupMatrixLoad<${left}>(&a_tile[sg / ${u32(across)}], ${u32(transposed.a ? i * fm * split.aRow + u * fk : u * fk * split.aRow + i * fm)}, ${transposed.a ? "false" : "true"}, A_ROW);`),
          ...range(cols).map((j) => `      let r${j} = subgroupMatrixLoad<${right}>(&b_tile[sg % ${u32(across)}], ${u32(transposed.b ? j * fn * split.bRow + u * fk : u * fk * split.bRow + j * fn)}, ${transposed.b ? "true" : "false"}, B_ROW);`),
          ...multiplies,
          "    }",
        ])
      : [
          `    for (var kk = 0u; kk < TK; kk += ${u32(fk)}) {`,
          ...range(rows).map((i) => `      let l${i} = ${load(left, "a_tile", left_(i))};`),
          ...range(cols).map((j) => `      let r${j} = ${load(right, "b_tile", right_(j))};`),
          ...multiplies,
          "    }",
        ];
  return {
    stageBytes: 4 * frag * (MATRIX_INVOCATIONS / MATRIX_SUBGROUP),
    declarations: [...declarations, `var<workgroup> stage: array<f32, ${frag * (MATRIX_INVOCATIONS / MATRIX_SUBGROUP)}>; // one result matrix per subgroup on its way out`, ""],
    main: [
      ...(views === undefined ? [] : ["  let a_tile = bufferView<array<f16>>(&a_mem, 0);", "  let a_wide = bufferView<array<vec4<u32>>>(&a_mem, 0);", "  let b_tile = bufferView<array<f16>>(&b_mem, 0);", "  let b_wide = bufferView<array<vec4<u32>>>(&b_mem, 0);"]),
      ...subgroupSetup(across, tm / down, tn / across, pairs, result),
      ...slabLoop(compute),
      ...epilogue(pairs, fm, fn, write),
    ],
  };
}

/** How the staged subgroup-matrix body holds its slabs (see emitDirectKernel). */
interface MatrixStaging {
  /** 1, or 2 for double-buffered slabs (read at `read` + offset). */
  readonly buffers: number;
  readonly read: { readonly a: string; readonly b: string };
  /** Slabs kept [free][kk] instead of [kk][free]. */
  readonly transposed: { readonly a: boolean; readonly b: boolean };
  /** Per-subgroup slabs: elements per part of a and b, their rows, and the slab depth. */
  readonly split?: { readonly tk: number; readonly aRow: number; readonly bRow: number; readonly aPart: number; readonly bPart: number };
  /** Slabs in `buffer`s seen as f16 (`a_tile`) and as vec4<u32> (`a_wide`): their bytes. */
  readonly views?: { readonly aBytes: number; readonly bBytes: number };
}

/**
 * How the 8 subgroups of the staged kernel cover a tile: 2 rows of 4 (each TM/2 x TN/4), or 4
 * rows of 2 for a 256 x 128 tile (64 x 64 each).
 */
function subgroupGrid(tm: number, tn: number): { down: number; across: number } {
  const down = tm >= 256 && tm >= 2 * tn ? 4 : 2;
  return { down, across: MATRIX_INVOCATIONS / MATRIX_SUBGROUP / down };
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

function describe(op: Strided, n: (l: string) => string, dims: KernelDims): string {
  return op.labels.map((l, i) => `${n(l)}:${dims.showStride(op.strides[i]!)}`).join(" ") || "(scalar)";
}

/** `fn <name>(i: u32) -> u32`: the element offset of flat group index `i` in one operand. */
function offsetFn(name: string, group: readonly string[], op: Strided, binding: number | "out", owner: string, dims: KernelDims, n: (l: string) => string): string {
  if (group.every((l) => strideOf(op, l) === 0)) return `fn ${name}(i: u32) -> u32 { return 0u; }`;
  const strides = group.map((l) => dims.stride(binding, owner, l, strideOf(op, l)));
  const coords = group.map((l) => `c_${n(l)}`);
  const lines = decompose("i", group.map(n), group.map((l) => dims.size(l)), "c_");
  return [`fn ${name}(i: u32) -> u32 {`, ...lines, `  return ${dot(coords, strides)};`, "}"].join("\n");
}

/**
 * How a wide load's f16 halves are stored: one element a store, down `w` rows of a [kk][free]
 * slab when loaded along k (`kk-rows`) or down `w` rows of a transposed [free][kk] slab when
 * loaded along the free side (`free-rows`), consecutive invocations taking consecutive elements
 * of a row; or (`vector`, tiles.viewSlabs) as one 16-byte store along a row that runs the way the
 * load does ([free][kk] when loaded along k, [kk][free] otherwise).
 */
type HalfSlab = "kk-rows" | "free-rows" | "vector";

/** Whether an f16 slab's rows are free indices ([free][kk]): `free-rows`, or `vector` loaded along k. */
function freeRows(half: HalfSlab | undefined, kFast: boolean): boolean {
  return half === "free-rows" || (half === "vector" && kFast);
}

/**
 * Which slab elements each invocation loads, fixed for the whole k loop: `r` loads of (kk, free
 * index) per invocation. `kFast`: consecutive invocations take consecutive kk. `wide`: each load
 * is `w` neighbours along the fast side, read as one vec4. `half`: an f16 slab laid out so that
 * each of a subgroup's one-element stores fills one run of a row (no bank conflicts).
 */
function loadSetup(x: "a" | "b", t: number, tk: number, threads: number, kFast: boolean, free: "m" | "n", w: number, half?: HalfSlab, part?: number): string[] {
  const loads = (t * tk) / (threads * w);
  return range(loads).flatMap((r) => {
    const e = `(li + ${u32(r * threads)})`;
    const times = (x: string) => (w > 1 ? `(${x}) * ${u32(w)}` : x);
    const [kk, ff] =
      half === "kk-rows" ? [times(`${e} / ${u32(t)}`), `${e} % ${u32(t)}`]
      : half === "free-rows" ? [`${e} % ${u32(tk)}`, times(`${e} / ${u32(tk)}`)]
      : kFast ? [times(`${e} % ${u32(tk / w)}`), `${e} / ${u32(tk / w)}`]
      : [`${e} / ${u32(t / w)}`, times(`${e} % ${u32(t / w)}`)];
    const row = free === "m" ? "A_ROW" : "B_ROW";
    const origin = free === "m" ? "m0" : "n0";
    const limit = free === "m" ? "M" : "N";
    return [
      `  let ${x}_kk${r} = ${kk};`,
      `  let ${x}_${free}${r} = ${ff};`,
      `  let ${x}_ok${r} = ${origin} + ${x}_${free}${r} < ${limit};`,
      `  let ${x}_off${r} = select(0u, ${x}_${free === "m" ? "m" : "n"}(${origin} + ${x}_${free}${r}), ${x}_ok${r});`,
      // per-subgroup slabs: the part holding this free index, and the index within it
      ...(part === undefined ? [] : [`  let ${x}_part${r} = ${x}_${free}${r} / ${u32(part)};`]),
      `  let ${x}_slot${r} = ${freeRows(half, kFast) ? `${within(`${x}_${free}${r}`, part)} * ${row} + ${x}_kk${r}` : `${x}_kk${r} * ${row} + ${within(`${x}_${free}${r}`, part)}`};`,
    ];
  });
}

/** A free index within its part of a per-subgroup slab (`part` elements a part), or as it is. */
function within(index: string, part: number | undefined): string {
  return part === undefined ? index : `(${index} % ${u32(part)})`;
}

/** Loads this invocation's share of the slab starting at `k0` into registers `<x>_v<r>` (0 past the edges). */
function fetchSlab(x: "a" | "b", t: number, tk: number, threads: number, k0: string, indent: string, declare: boolean, type: ElementType, w: number): string[] {
  const loads = (t * tk) / (threads * w);
  const at = (r: number) => `${x}_base + ${x}_off${r} + ${x}_k(${k0} + ${x}_kk${r})`;
  const zero = w === 1 ? "0.0" : type.wgsl === "f16" ? "vec4<u32>()" : "vec4<f32>()";
  // w > 1: the planner guaranteed 16-byte aligned starts and sides of whole units, so a unit is all in or all out
  return range(loads).flatMap((r) => [
    `${indent}${declare ? "var " : ""}${x}_v${r} = ${zero};`,
    `${indent}if (${x}_ok${r} && ${k0} + ${x}_kk${r} < k_end) { ${x}_v${r} = ${w > 1 ? `${x}[(${at(r)}) / ${u32(w)}]` : type.load(`${x}[${at(r)}]`)}; }`,
  ]);
}

/**
 * Stores the fetched registers into the slab (`convert`: to the tile's element type); a wide load's
 * 4 values go down 4 kk rows (`kFast`) or along one row.
 */
function storeSlab(x: "a" | "b", t: number, tk: number, threads: number, v: number, convert: (value: string) => string, wide: boolean, kFast: boolean, type: ElementType, at = "", parted = false): string[] {
  const row = x === "a" ? "A_ROW" : "B_ROW";
  // the slab, or (per-subgroup slabs) the part that load r's elements go to
  const tile = (r: number) => (parted ? `${x}_tile[${x}_part${r}]` : `${x}_tile`);
  const store = (r: number, slot: string, value: string) => (v === 4 ? `    ${tile(r)}[${at}(${slot}) / 4u][(${slot}) % 4u] = ${convert(value)};` : `    ${tile(r)}[${at}${slot}] = ${convert(value)};`);
  if (!wide) return range((t * tk) / threads).map((r) => store(r, `${x}_slot${r}`, `${x}_v${r}`));
  if (type.wgsl === "f16") {
    // 8 halves in 4 words, into the f16 slab as they are (the low half of a word comes first in memory)
    return range((t * tk) / (threads * 8)).flatMap((r) =>
      range(8).map((c) => `    ${tile(r)}[${at}${x}_slot${r} + ${u32(c)}${kFast ? ` * ${row}` : ""}] = bitcast<vec2<f16>>(${x}_v${r}[${c >> 1}])[${c & 1}];`),
    );
  }
  return range((t * tk) / (threads * 4)).flatMap((r) =>
    kFast ? range(4).map((c) => store(r, `${x}_slot${r} + ${u32(c)} * ${row}`, `${x}_v${r}[${c}]`)) : v === 4 ? [`    ${tile(r)}[${at}${x}_slot${r} / 4u] = ${x}_v${r};`] : range(4).map((c) => store(r, `${x}_slot${r} + ${u32(c)}`, `${x}_v${r}[${c}]`)),
  );
}

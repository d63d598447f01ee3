/**
 * What every variant of the direct kernel shares: its sizes, dispatch and k slices, the functions
 * that turn a group's flat index into an element offset of an operand, the header (what the kernel
 * computes, its bindings and constants) and the head of main, which finds the tile its workgroup
 * computes.
 */
import { loadsAlongFirst, strideOf, type Groups, type Strided } from "../access.js";
import type { Dtype } from "../dtype.js";
import type { TileConfig } from "../tile-config.js";
import {
  canonicalNames,
  decompose,
  dot,
  elementType,
  KernelDims,
  paramsStruct,
  shown,
  u32,
  type ElementType,
  type Value,
} from "./common.js";
import { dispatchGrid, type KernelSpec } from "./kernel.js";

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

/** The direct kernel's part that its spec fixes, whichever variant runs it. */
export interface DirectFrame {
  readonly spec: DirectKernelSpec;
  readonly type: ElementType;
  /** Each label's WGSL name, in order of first appearance. */
  readonly names: ReadonlyMap<string, string>;
  readonly n: (label: string) => string;
  readonly dims: KernelDims;
  /** The batch, m, n and k groups' sizes. */
  readonly B: Value;
  readonly M: Value;
  readonly N: Value;
  readonly K: Value;
  readonly splits: number;
  /** k per slice. */
  readonly chunk: Value;
  readonly tilesM: Value;
  readonly tilesN: Value;
  /** Workgroups: slices x batch x tiles. */
  readonly total: Value;
  /** The workgroup count depends on sizes read at run time. */
  readonly sizedDispatch: boolean;
  readonly workgroups: readonly [number, number];
  readonly gridX: Value;
  /** a's slab loads go along k (else m); b's along n (else k). */
  readonly aKFast: boolean;
  readonly bNFast: boolean;
  /** Elements in 16 bytes. */
  readonly lanes: number;
  readonly equation: string;
  /** `fn a_batch(i: u32) -> u32` and the others: each group's flat index to an element offset of a, b and out. */
  readonly offsets: readonly string[];
  /** The statement that stores (or adds) an f32 value into an output element. */
  readonly write: (target: string, value: string) => string;
}

/** The frame of a direct kernel, or undefined where it has no workgroup to run (an empty output). */
export function directFrame(spec: DirectKernelSpec, maxWorkgroupsPerDimension: number): DirectFrame | undefined {
  const { groups, tiles } = spec;
  const type = elementType(spec.dtype);
  const names = canonicalNames([spec.a.labels, spec.b.labels, spec.out.labels]);
  const n = (l: string) => names.get(l)!;
  const dims = new KernelDims(spec.sizes, spec.runtimeSizes === undefined ? undefined : new Set(spec.runtimeSizes), n);
  const [B, M, N, K] = [
    dims.product(groups.batch),
    dims.product(groups.m),
    dims.product(groups.n),
    dims.product(groups.k),
  ];
  const splits = Math.max(1, tiles.splits);
  const ceilDiv = (v: Value, d: number, name: string): Value =>
    typeof v === "number" ? Math.ceil(v / d) : `(${name} + ${u32(d - 1)}) / ${u32(d)}`;
  const tilesM = ceilDiv(M, tiles.tm, "M");
  const tilesN = ceilDiv(N, tiles.tn, "N");
  const chunk = typeof K === "number" && splits > 1 ? Math.ceil(K / splits / tiles.tk) * tiles.tk : K;
  const total: Value =
    typeof tilesM === "number" && typeof tilesN === "number" && typeof B === "number"
      ? splits * B * tilesM * tilesN
      : "TILES_M * TILES_N * BATCH";
  if (total === 0) return undefined;
  const sizedDispatch = typeof total === "string";
  const workgroups = sizedDispatch ? ([0, 0] as const) : dispatchGrid(total, maxWorkgroupsPerDimension);
  const term = (labels: readonly string[]) => labels.map(n).join("");
  const equation = `${term(spec.a.labels)},${term(spec.b.labels)}->${term(spec.out.labels)}`;
  // In this order: the params a kernel sized at run time reads are named as they are first used.
  const offsets = offsetFns(spec, dims, n);
  const gridX = sizedDispatch ? dims.grid(1) : workgroups[0];
  return {
    spec,
    type,
    names,
    n,
    dims,
    B,
    M,
    N,
    K,
    splits,
    chunk,
    tilesM,
    tilesN,
    total,
    sizedDispatch,
    workgroups,
    gridX,
    equation,
    offsets,
    aKFast: loadsAlongFirst(spec.a, groups.k, groups.m),
    bNFast: loadsAlongFirst(spec.b, groups.n, groups.k),
    lanes: 16 / (type.wgsl === "f16" ? 2 : 4),
    write: (target, value) => type.write(target, value, spec.accumulate === true),
  };
}

/** Every `fn <group>(i: u32) -> u32` of a, b and out, and a blank line. */
function offsetFns(spec: DirectKernelSpec, dims: KernelDims, n: (l: string) => string): string[] {
  const { groups } = spec;
  const fns: [string, readonly string[], Strided, number | "out", string][] = [
    ["a_batch", groups.batch, spec.a, 0, "a"],
    ["a_m", groups.m, spec.a, 0, "a"],
    ["a_k", groups.k, spec.a, 0, "a"],
    ["b_batch", groups.batch, spec.b, 1, "b"],
    ["b_k", groups.k, spec.b, 1, "b"],
    ["b_n", groups.n, spec.b, 1, "b"],
    ["out_batch", groups.batch, spec.out, "out", "out"],
    ["out_m", groups.m, spec.out, "out", "out"],
    ["out_n", groups.n, spec.out, "out", "out"],
  ];
  return [
    ...fns.map(([name, group, op, binding, owner]) => offsetFn({ name, group, op, binding, owner }, dims, n)),
    "",
  ];
}

/** `fn <name>(i: u32) -> u32`: the element offset of flat group index `i` in one operand (`binding`, named `owner`). */
function offsetFn(
  fn: { name: string; group: readonly string[]; op: Strided; binding: number | "out"; owner: string },
  dims: KernelDims,
  n: (l: string) => string,
): string {
  const { name, group, op } = fn;
  if (group.every((l) => strideOf(op, l) === 0)) return `fn ${name}(i: u32) -> u32 { return 0u; }`;
  const strides = group.map((l) => dims.stride(fn.binding, fn.owner, l, strideOf(op, l)));
  const coords = group.map((l) => `c_${n(l)}`);
  const lines = decompose(
    "i",
    group.map(n),
    group.map((l) => dims.size(l)),
    "c_",
  );
  return [`fn ${name}(i: u32) -> u32 {`, ...lines, `  return ${dot(coords, strides)};`, "}"].join("\n");
}

/**
 * Which operands a kernel reads 16 bytes at a time: where its tiles ask and every one of `threads` invocations gets
 * whole loads.
 */
export function wideReads(f: DirectFrame, threads: number): { a: boolean; b: boolean } {
  const { tm, tn, tk, wide } = f.spec.tiles;
  return {
    a: wide?.a === true && (tm * tk) % (f.lanes * threads) === 0,
    b: wide?.b === true && (tn * tk) % (f.lanes * threads) === 0,
  };
}

/**
 * One slab's rows as the header describes them: elements per row, whether rows are free indices ([free][kk]), the
 * free side.
 */
export interface SlabRow {
  readonly length: number;
  readonly across: boolean;
  readonly side: number;
}

/** What the header declares of a variant: its 16-byte accesses, buffer views, and slab rows. */
export interface FrameLayout {
  readonly wide: { readonly a: boolean; readonly b: boolean };
  readonly wideOut: boolean;
  readonly views: boolean;
  readonly rows: { readonly a: SlabRow; readonly b: SlabRow };
}

/** The kernel's header: directives, what it computes, params and bindings, its constants, and a blank line. */
export function header(f: DirectFrame, layout: FrameLayout): string[] {
  const { spec, type: t, n, dims } = f;
  const { groups, tiles } = spec;
  const { wide, wideOut } = layout;
  const matrix = tiles.matrix;
  const wideType = t.wgsl === "f16" ? "vec4<u32>" : "vec4<f32>"; // f16: 8 of them in 4 words
  const dispatched = f.sizedDispatch
    ? "workgroups sized at run time"
    : `${f.total} workgroups, dispatch ${f.workgroups.join(" x ")}`;
  return [
    ...t.enable,
    ...(layout.views ? ["requires buffer_view;"] : []),
    // Each subgroup's matrices sit at offsets from li / 32: uniform within the subgroup, which is
    // what the hardware needs, but WGSL's analysis proves only workgroup uniformity.
    ...(matrix === undefined
      ? []
      : ["enable chromium_experimental_subgroup_matrix;", "diagnostic(off, chromium.subgroup_matrix_uniformity);"]),
    `// einsight: direct (GETT) ` +
      `kernel${matrix === undefined ? "" : ` on ${matrix.m}x${matrix.n}x${matrix.k} subgroup matrices`}, ` +
      `${spec.title}`,
    `//   ${f.equation}   sizes ` +
      `${[...f.names].map(([l, name]) => `${name}=${dims.showSize(l)}`).join(" ")}${dims.note}`,
    `//   groups batch [${groups.batch.map(n).join("")}]=${shown(f.B)} m ` +
      `[${groups.m.map(n).join("")}]=${shown(f.M)} n [${groups.n.map(n).join("")}]=${shown(f.N)} k ` +
      `[${groups.k.map(n).join("")}]=${shown(f.K)}`,
    `//   a strides ${describe(spec.a, f)}; b strides ${describe(spec.b, f)}; out strides ${describe(spec.out, f)}`,
    `//   tile ${tiles.tm}x${tiles.tn}x${tiles.tk}, ${f.splits} k slice(s) of ${shown(f.chunk)}; ` +
      `loads: a along ${f.aKFast ? "k" : "m"}, b along ${f.bNFast ? "n" : "k"}`,
    `//   ${dispatched}${spec.accumulate === true ? "; adds into out" : ""}`,
    paramsStruct(["a_offset", "b_offset", "out_offset", ...dims.fields.map((field) => field.name)]),
    `@group(0) @binding(0) var<storage, read> a: ` +
      `array<${wide.a ? wideType : t.wgsl}>;${wide.a ? ` // read ${f.lanes} elements at a time` : ""}`,
    `@group(0) @binding(1) var<storage, read> b: ` +
      `array<${wide.b ? wideType : t.wgsl}>;${wide.b ? ` // read ${f.lanes} elements at a time` : ""}`,
    `@group(0) @binding(2) var<storage, read_write> out: ` +
      `array<${wideOut ? wideType : t.wgsl}>;${wideOut ? " // written 4 elements at a time" : ""}`,
    "@group(0) @binding(3) var<uniform> params: Params;",
    "",
    ...constants(f, layout.rows),
    "",
  ];
}

/** The kernel's sizes as constants (those read from params are computed at the top of main instead). */
function constants(f: DirectFrame, rows: FrameLayout["rows"]): string[] {
  const { tm, tn, tk } = f.spec.tiles;
  const row = (x: "a" | "b", r: SlabRow) =>
    ` // elements per ${r.across ? (x === "a" ? "mm" : "nn") : "kk"} row of ` +
    `${x}_tile${r.length > (r.across ? tk : r.side) ? " (padded)" : ""}`;
  const values: [string, Value, string?][] = [
    ["M", f.M],
    ["N", f.N],
    ["K", f.K],
    ["TM", tm],
    ["TN", tn],
    ["TK", tk],
    ["A_ROW", rows.a.length, row("a", rows.a)],
    ["B_ROW", rows.b.length, row("b", rows.b)],
    ["CHUNK", f.chunk, " // k per slice"],
    ["TILES_M", f.tilesM],
    ["TILES_N", f.tilesN],
    ["BATCH", f.B],
    ["TILES", f.total],
    ["GRID_X", f.gridX],
  ];
  return values.flatMap(([name, v, comment]) =>
    typeof v === "number" ? [`const ${name}: u32 = ${u32(v)};${comment ?? ""}`] : [],
  );
}

function describe(op: Strided, f: DirectFrame): string {
  return op.labels.map((l, i) => `${f.n(l)}:${f.dims.showStride(op.strides[i]!)}`).join(" ") || "(scalar)";
}

/** The values sized at run time that main computes first, in the order of the constants. */
function atRunTime(f: DirectFrame): string[] {
  const values: [string, Value][] = [
    ["M", f.M],
    ["N", f.N],
    ["K", f.K],
    ["CHUNK", f.chunk],
    ["TILES_M", f.tilesM],
    ["TILES_N", f.tilesN],
    ["BATCH", f.B],
    ["TILES", f.total],
    ["GRID_X", f.gridX],
  ];
  return values.flatMap(([name, v]) => (typeof v === "string" ? [`  let ${name} = ${v};`] : []));
}

/**
 * The head of main: which tile this workgroup computes (and which k slice), where its operands and
 * output start, then `loads` (the slab loads each invocation makes, fixed for the whole k loop).
 */
export function prologue(
  f: DirectFrame,
  main: { readonly workgroupSize: string; readonly builtins: string; readonly loads: readonly string[] },
): string[] {
  return [
    `@compute @workgroup_size(${main.workgroupSize})`,
    `fn main(@builtin(workgroup_id) wg: vec3<u32>, ${main.builtins}@builtin(local_invocation_index) li: u32) {`,
    ...atRunTime(f),
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
    `  let out_base = params.out_offset + out_batch(bi) + slice * ${u32(f.spec.splitStride ?? 0)};`,
    ...main.loads,
  ];
}

/** What a kernel sized at run time reads from params after the offsets, and how its dispatch is sized. */
export function sizedParams(f: DirectFrame): Pick<KernelSpec, "runtimeParams" | "runtimeDispatch"> {
  const { dims, spec } = f;
  const { groups, tiles } = spec;
  return {
    ...(dims.fields.length === 0 ? {} : { runtimeParams: dims.fields.map((field) => field.ref) }),
    ...(f.sizedDispatch
      ? {
          runtimeDispatch: [
            { labels: groups.m, per: tiles.tm },
            { labels: groups.n, per: tiles.tn },
            { labels: groups.batch, per: 1 },
          ],
        }
      : {}),
  };
}

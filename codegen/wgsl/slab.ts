/**
 * The slabs the staged direct kernels (scalar and subgroup-matrix) step over k with: which slab
 * elements each invocation loads (fixed for the whole k loop), the loads of a slab into registers,
 * their stores into workgroup memory, and the k loop that alternates them with the math, one slab
 * buffer (two barriers a slab) or two (one).
 */
import { range, u32, type ElementType } from "./common.js";

/** How a kernel stages the TK-deep slabs of a (TM wide) and b (TN wide). */
export interface Slabs {
  readonly tm: number;
  readonly tn: number;
  readonly tk: number;
  /** Invocations that share each slab's loads. */
  readonly threads: number;
  /** Elements per load of a and of b: 16 bytes' worth where read 16 bytes at a time, else 1. */
  readonly per: { readonly a: number; readonly b: number };
  readonly type: ElementType;
  /** Two slab buffers: slab i is read from buffer i % 2 while slab i + 1 is stored into the other. */
  readonly double: boolean;
}

export type Operand = "a" | "b";

/**
 * How a wide load's f16 halves are stored: one element a store, down `w` rows of a [kk][free]
 * slab when loaded along k (`kk-rows`) or down `w` rows of a transposed [free][kk] slab when
 * loaded along the free side (`free-rows`), consecutive invocations taking consecutive elements
 * of a row; or (`vector`, tiles.viewSlabs) as one 16-byte store along a row that runs the way the
 * load does ([free][kk] when loaded along k, [kk][free] otherwise).
 */
export type HalfSlab = "kk-rows" | "free-rows" | "vector";

/** Whether an f16 slab's rows are free indices ([free][kk]): `free-rows`, or `vector` loaded along k. */
export function freeRows(half: HalfSlab | undefined, kFast: boolean): boolean {
  return half === "free-rows" || (half === "vector" && kFast);
}

function side(s: Slabs, x: Operand): number {
  return x === "a" ? s.tm : s.tn;
}

/** How one operand's slab is laid out and loaded. */
export interface SlabLoads {
  /** Consecutive invocations take consecutive kk. */
  readonly kFast: boolean;
  /**
   * An f16 slab laid out so that each of a subgroup's one-element stores fills one run of a row (no bank
   * conflicts).
   */
  readonly half?: HalfSlab;
  /** Per-subgroup slabs: free indices per part. */
  readonly part?: number;
}

/**
 * Which slab elements each invocation loads, fixed for the whole k loop: its loads of (kk, free
 * index), each `per` neighbours along the fast side read as one vec4 where more than 1.
 */
export function loadSetup(s: Slabs, x: Operand, how: SlabLoads): string[] {
  const { kFast, half, part } = how;
  const [t, tk, threads, w] = [side(s, x), s.tk, s.threads, s.per[x]];
  const free = x === "a" ? "m" : "n";
  const loads = (t * tk) / (threads * w);
  return range(loads).flatMap((r) => {
    const e = `(li + ${u32(r * threads)})`;
    const times = (x: string) => (w > 1 ? `(${x}) * ${u32(w)}` : x);
    const [kk, ff] =
      half === "kk-rows"
        ? [times(`${e} / ${u32(t)}`), `${e} % ${u32(t)}`]
        : half === "free-rows"
          ? [`${e} % ${u32(tk)}`, times(`${e} / ${u32(tk)}`)]
          : kFast
            ? [times(`${e} % ${u32(tk / w)}`), `${e} / ${u32(tk / w)}`]
            : [`${e} / ${u32(t / w)}`, times(`${e} % ${u32(t / w)}`)];
    const row = free === "m" ? "A_ROW" : "B_ROW";
    const origin = free === "m" ? "m0" : "n0";
    const limit = free === "m" ? "M" : "N";
    // the slab slot of (free index f, k index kk): rows of free indices, or rows of k
    const slot = (f: string, kk: string) => (freeRows(half, kFast) ? `${f} * ${row} + ${kk}` : `${kk} * ${row} + ${f}`);
    return [
      `  let ${x}_kk${r} = ${kk};`,
      `  let ${x}_${free}${r} = ${ff};`,
      `  let ${x}_ok${r} = ${origin} + ${x}_${free}${r} < ${limit};`,
      `  let ${x}_off${r} = select(0u, ${x}_${free}(${origin} + ${x}_${free}${r}), ${x}_ok${r});`,
      // per-subgroup slabs: the part holding this free index, and the index within it
      ...(part === undefined ? [] : [`  let ${x}_part${r} = ${x}_${free}${r} / ${u32(part)};`]),
      `  let ${x}_slot${r} = ${slot(within(`${x}_${free}${r}`, part), `${x}_kk${r}`)};`,
    ];
  });
}

/** A free index within its part of a per-subgroup slab (`part` elements a part), or as it is. */
function within(index: string, part: number | undefined): string {
  return part === undefined ? index : `(${index} % ${u32(part)})`;
}

/** Where a slab's loads go: the slab's first k, the lines' indent, and whether they declare the registers. */
interface FetchAt {
  readonly k0: string;
  readonly indent: string;
  readonly declare: boolean;
}

/** Loads this invocation's share of the slab starting at `k0` into registers `<x>_v<r>` (0 past the edges). */
function fetchSlab(s: Slabs, x: Operand, at: FetchAt): string[] {
  const { k0, indent, declare } = at;
  const w = s.per[x];
  const loads = (side(s, x) * s.tk) / (s.threads * w);
  const where = (r: number) => `${x}_base + ${x}_off${r} + ${x}_k(${k0} + ${x}_kk${r})`;
  const zero = w === 1 ? "0.0" : s.type.wgsl === "f16" ? "vec4<u32>()" : "vec4<f32>()";
  // w > 1: the planner guaranteed 16-byte aligned starts and sides of whole units, so a unit is all in or all out
  return range(loads).flatMap((r) => [
    `${indent}${declare ? "var " : ""}${x}_v${r} = ${zero};`,
    `${indent}if (${x}_ok${r} && ${k0} + ${x}_kk${r} < k_end) { ${x}_v${r} = ` +
      `${w > 1 ? `${x}[(${where(r)}) / ${u32(w)}]` : s.type.load(`${x}[${where(r)}]`)}; }`,
  ]);
}

/** How fetched registers go into a slab. */
export interface SlabStores {
  /** Elements per slab element: 4 where the scalar kernel's slab holds vec4 runs, else 1. */
  readonly vec: number;
  /** To the slab's element type. */
  readonly convert: (value: string) => string;
  /** A wide load's values go down kk rows (else along one row). */
  readonly kFast: boolean;
  /** The slab buffer's start (double buffering), prefixed to every index. */
  readonly at?: string;
  /** Per-subgroup slabs: each load's elements go to its part. */
  readonly parted?: boolean;
}

/** Stores the fetched registers into the slab; a wide load's 4 values go down 4 kk rows (`kFast`) or along one row. */
export function storeSlab(s: Slabs, x: Operand, how: SlabStores): string[] {
  const { vec: v, convert, kFast, at = "", parted = false } = how;
  const [t, tk, threads] = [side(s, x), s.tk, s.threads];
  const row = x === "a" ? "A_ROW" : "B_ROW";
  // the slab, or (per-subgroup slabs) the part that load r's elements go to
  const tile = (r: number) => (parted ? `${x}_tile[${x}_part${r}]` : `${x}_tile`);
  const store = (r: number, slot: string, value: string) =>
    v === 4
      ? `    ${tile(r)}[${at}(${slot}) / 4u][(${slot}) % 4u] = ${convert(value)};`
      : `    ${tile(r)}[${at}${slot}] = ${convert(value)};`;
  if (s.per[x] === 1) return range((t * tk) / threads).map((r) => store(r, `${x}_slot${r}`, `${x}_v${r}`));
  if (s.type.wgsl === "f16") {
    // 8 halves in 4 words, into the f16 slab as they are (the low half of a word comes first in memory)
    return range((t * tk) / (threads * 8)).flatMap((r) =>
      range(8).map(
        (c) =>
          `    ${tile(r)}[${at}${x}_slot${r} + ${u32(c)}${kFast ? ` * ${row}` : ""}] = ` +
          `bitcast<vec2<f16>>(${x}_v${r}[${c >> 1}])[${c & 1}];`,
      ),
    );
  }
  return range((t * tk) / (threads * 4)).flatMap((r) =>
    kFast
      ? range(4).map((c) => store(r, `${x}_slot${r} + ${u32(c)} * ${row}`, `${x}_v${r}[${c}]`))
      : v === 4
        ? [`    ${tile(r)}[${at}${x}_slot${r} / 4u] = ${x}_v${r};`]
        : range(4).map((c) => store(r, `${x}_slot${r} + ${u32(c)}`, `${x}_v${r}[${c}]`)),
  );
}

/**
 * The k loop: slab values are fetched into registers one slab ahead, so that global loads overlap
 * the math (`compute`, which reads the slabs); `store(x, at)` puts the fetched registers of x into
 * its slab at buffer start `at`.
 */
export function slabLoop(s: Slabs, compute: readonly string[], store: (x: Operand, at: string) => string[]): string[] {
  const fetch = (k0: string, indent: string, declare: boolean) => [
    ...fetchSlab(s, "a", { k0, indent, declare }),
    ...fetchSlab(s, "b", { k0, indent, declare }),
  ];
  if (!s.double) {
    return [
      "  // slab values are fetched into registers one slab ahead, so global loads overlap the math",
      ...fetch("k_begin", "  ", true),
      "  for (var k0 = k_begin; k0 < k_end; k0 += TK) {",
      "    // stage the fetched TK-deep slab of a and b in workgroup memory (zeros past the edges)",
      ...store("a", ""),
      ...store("b", ""),
      "    workgroupBarrier();",
      ...fetch("k0 + TK", "    ", false),
      ...compute,
      "    workgroupBarrier();",
      "  }",
    ];
  }
  return [
    "  // slab values are fetched into registers one slab ahead, so global loads overlap the math;",
    "  // slabs alternate between two buffers: one barrier a slab",
    ...fetch("k_begin", "  ", true),
    ...store("a", "").map((l) => l.slice(2)),
    ...store("b", "").map((l) => l.slice(2)),
    "  workgroupBarrier();",
    "  var buf = 0u;",
    "  for (var k0 = k_begin; k0 < k_end; k0 += TK) {",
    "    let a_read = buf * A_SLAB;",
    "    let b_read = buf * B_SLAB;",
    ...fetch("k0 + TK", "    ", false),
    ...compute,
    "    // the next slab into the other buffer, which nobody reads until after the barrier",
    ...store("a", "(A_SLAB - a_read) + "),
    ...store("b", "(B_SLAB - b_read) + "),
    "    workgroupBarrier();",
    "    buf = 1u - buf;",
    "  }",
  ];
}

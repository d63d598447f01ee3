/** Small WGSL-writing helpers shared by the kernel emitters. */
import type { Dtype } from "../plan.js";

/**
 * How kernels hold one element type: the storage type, the `enable` directive it needs, and
 * conversions to and from f32, which every kernel computes and accumulates in.
 */
export interface ElementType {
  readonly wgsl: Dtype;
  /** Lines that open the shader (`enable f16;`), none for f32. */
  readonly enable: readonly string[];
  /** An f32 expression from a stored element. */
  load(expr: string): string;
  /** A stored element from an f32 expression. */
  store(expr: string): string;
  /** The statement that stores f32 `value` into element `target`, or adds it to what is there. */
  write(target: string, value: string, accumulate: boolean): string;
}

export function elementType(dtype: Dtype = "f32"): ElementType {
  if (dtype === "f32") return { wgsl: "f32", enable: [], load: (e) => e, store: (e) => e, write: (target, value, add) => `${target} ${add ? "+=" : "="} ${value};` };
  const [load, store] = [(e: string) => `f32(${e})`, (e: string) => `f16(${e})`];
  return { wgsl: "f16", enable: ["enable f16;"], load, store, write: (target, value, add) => `${target} = ${store(add ? `${load(target)} + ${value}` : value)};` };
}

export function u32(n: number): string {
  if (!Number.isSafeInteger(n) || n < 0 || n > 0xffffffff) throw new RangeError(`${n} does not fit a WGSL u32`);
  return `${n}u`;
}

/**
 * Canonical WGSL names for labels, in first-appearance order (a, b, ..., z, A, ..., Z, l52, ...), so
 * that `ij,jk->ik` and `ab,bc->ac` generate the same source and share one pipeline.
 */
export function canonicalNames(labelLists: readonly (readonly string[])[]): Map<string, string> {
  const names = new Map<string, string>();
  const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  for (const labels of labelLists) {
    for (const l of labels) if (!names.has(l)) names.set(l, letters[names.size] ?? `l${names.size}`);
  }
  return names;
}

/** `struct Params` of u32 fields, padded to 16 bytes as uniform buffers require. */
export function paramsStruct(fields: readonly string[]): string {
  const padded = [...fields];
  while (padded.length % 4 !== 0 || padded.length === 0) padded.push(`pad${padded.length}`);
  return `struct Params {\n${padded.map((f) => `  ${f}: u32,`).join("\n")}\n}`;
}

/** Number of u32 words `paramsStruct(fields)` occupies. */
export function paramsWords(fieldCount: number): number {
  return Math.max(4, Math.ceil(fieldCount / 4) * 4);
}

/**
 * Lines that split the flat index `index` over dimensions `names` (outermost first, sizes `sizes`)
 * into `let <prefix><name>` coordinates, innermost first by constant div/mod.
 */
export function decompose(index: string, names: readonly string[], sizes: readonly number[], prefix: string, indent = "  "): string[] {
  if (names.length === 0) return [];
  if (names.length === 1) return [`${indent}let ${prefix}${names[0]} = ${index};`];
  const rest = `${prefix}rest`;
  const lines = [`${indent}var ${rest} = ${index};`];
  for (let d = names.length - 1; d >= 0; d--) {
    if (d === 0) lines.push(`${indent}let ${prefix}${names[d]} = ${rest};`);
    else lines.push(`${indent}let ${prefix}${names[d]} = ${rest} % ${u32(sizes[d]!)};`, `${indent}${rest} = ${rest} / ${u32(sizes[d]!)};`);
  }
  return lines;
}

/** `c_a * 3u + c_b * 1u`, skipping zero strides; "0u" when nothing is left. */
export function dot(coords: readonly string[], strides: readonly number[]): string {
  const terms = coords.flatMap((c, i) => (strides[i] === 0 ? [] : [strides[i] === 1 ? c : `${c} * ${u32(strides[i]!)}`]));
  return terms.length === 0 ? "0u" : terms.join(" + ");
}

/** Invocations per workgroup of the one-invocation-per-element kernels: within every adapter's default limits. */
export const ELEMENT_WORKGROUP = 256;

/**
 * The head of a kernel with one invocation per output element over a 2-D grid of
 * `ELEMENT_WORKGROUP`-wide workgroups: `i` is the element, invocations past `count` return.
 */
export function perElementMain(count: number, gridX: number): string[] {
  return [
    `const COUNT: u32 = ${u32(count)};`,
    `const ROW: u32 = ${u32(gridX * ELEMENT_WORKGROUP)}; // invocations per row of the dispatch grid`,
    "",
    `@compute @workgroup_size(${ELEMENT_WORKGROUP})`,
    "fn main(@builtin(global_invocation_id) gid: vec3<u32>) {",
    "  let i = gid.x + gid.y * ROW;",
    "  if (i >= COUNT) { return; }",
  ];
}

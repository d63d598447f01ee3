/** Small WGSL-writing helpers shared by the kernel emitters. */
import type { Dtype } from "../dtype.js";
import type { ParamRef } from "./kernel.js";

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
  if (dtype === "f32")
    return {
      wgsl: "f32",
      enable: [],
      load: (e) => e,
      store: (e) => e,
      write: (target, value, add) => `${target} ${add ? "+=" : "="} ${value};`,
    };
  const [load, store] = [(e: string) => `f32(${e})`, (e: string) => `f16(${e})`];
  return {
    wgsl: "f16",
    enable: ["enable f16;"],
    load,
    store,
    write: (target, value, add) => `${target} = ${store(add ? `${load(target)} + ${value}` : value)};`,
  };
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

/** A u32 a kernel uses: a constant baked into its source, or a WGSL expression it reads at run time. */
export type Value = number | string;

export function wgsl(v: Value): string {
  return typeof v === "number" ? u32(v) : v;
}

/** A value as a header comment shows it: the constant, or "?" for one read from params. */
export function shown(v: Value): string {
  return typeof v === "number" ? String(v) : "?";
}

/**
 * Where a kernel's sizes and strides come from. A plan made with every size known bakes them all
 * in as constants. A plan made before some labels' sizes were known (`runtimeSizes`, sized at run
 * time) reads those sizes, and every stride other than 0 and 1 (which are structure the plan relies
 * on), from `params`: `fields` lists them in order after the buffer offsets.
 */
export class KernelDims {
  readonly fields: { readonly name: string; readonly ref: ParamRef }[] = [];

  constructor(
    private readonly sizes: Readonly<Record<string, number>>,
    private readonly runtime: ReadonlySet<string> | undefined,
    private readonly name: (label: string) => string,
  ) {}

  /** Whether the kernel's sizes are left to run time (some may still be constants). */
  get sized(): boolean {
    return this.runtime !== undefined;
  }

  size(label: string): Value {
    return this.runtime?.has(label) === true
      ? this.field(`size_${this.name(label)}`, { size: label })
      : this.sizes[label]!;
  }

  /** The product of the labels' sizes, constants folded. */
  product(labels: readonly string[]): Value {
    const values = labels.map((l) => this.size(l));
    const constant = values.reduce<number>((acc, v) => acc * (typeof v === "number" ? v : 1), 1);
    const fields = values.filter((v): v is string => typeof v === "string");
    if (fields.length === 0 || constant === 0) return constant;
    const factors = [...fields, ...(constant === 1 ? [] : [u32(constant)])];
    return factors.length === 1 ? factors[0]! : `(${factors.join(" * ")})`;
  }

  /** The stride of binding `binding` (its WGSL name `owner`) along `label`, `value` in the plan. */
  stride(binding: number | "out", owner: string, label: string, value: number): Value {
    if (this.runtime === undefined || value === 0 || value === 1) return value;
    return this.field(`${owner}_stride_${this.name(label)}`, { stride: binding, label });
  }

  /** A label's size as a header comment shows it: "?" where the kernel reads it from params. */
  showSize(label: string): string {
    return this.runtime?.has(label) === true ? "?" : String(this.sizes[label]);
  }

  /** A stride as a header comment shows it: "?" where the kernel reads it from params. */
  showStride(value: number): string {
    return this.runtime !== undefined && value !== 0 && value !== 1 ? "?" : String(value);
  }

  /** A header comment's note on the "?" it shows, if any. */
  get note(): string {
    return this.sized ? " (? read from params: sized at run time)" : "";
  }

  /** The dispatch grid's x side times `times`, written by the runtime when it sizes the dispatch. */
  grid(times: number): string {
    return this.field("grid", { grid: times });
  }

  private field(name: string, ref: ParamRef): string {
    if (!this.fields.some((f) => f.name === name)) this.fields.push({ name, ref });
    return `params.${name}`;
  }
}

/**
 * Lines that split the flat index `index` over dimensions `names` (outermost first, sizes `sizes`)
 * into `let <prefix><name>` coordinates, innermost first by div/mod.
 */
export function decompose(
  index: string,
  names: readonly string[],
  sizes: readonly Value[],
  prefix: string,
  indent = "  ",
): string[] {
  if (names.length === 0) return [];
  // A side of 0 has no index to decompose (no invocation or loop reaches it), but WGSL refuses `% 0u`.
  const side = (d: number) => wgsl(sizes[d] === 0 ? 1 : sizes[d]!);
  if (names.length === 1) return [`${indent}let ${prefix}${names[0]} = ${index};`];
  const rest = `${prefix}rest`;
  const lines = [`${indent}var ${rest} = ${index};`];
  for (let d = names.length - 1; d >= 0; d--) {
    if (d === 0) lines.push(`${indent}let ${prefix}${names[d]} = ${rest};`);
    else
      lines.push(
        `${indent}let ${prefix}${names[d]} = ${rest} % ${side(d)};`,
        `${indent}${rest} = ${rest} / ${side(d)};`,
      );
  }
  return lines;
}

/** `c_a * 3u + c_b * 1u`, skipping zero strides; "0u" when nothing is left. */
export function dot(coords: readonly string[], strides: readonly Value[]): string {
  const terms = coords.flatMap((c, i) =>
    strides[i] === 0 ? [] : [strides[i] === 1 ? c : `${c} * ${wgsl(strides[i]!)}`],
  );
  return terms.length === 0 ? "0u" : terms.join(" + ");
}

/** Invocations per workgroup of the one-invocation-per-element kernels: within every adapter's default limits. */
export const ELEMENT_WORKGROUP = 256;

/** A module-scope `const` for a value known when the kernel is emitted (none for one read from params). */
export function knownConstant(name: string, v: Value, comment = ""): string[] {
  return typeof v === "number" ? [`const ${name}: u32 = ${u32(v)};${comment}`] : [];
}

/** The `let` at the top of main for a value read from params (none for a known one: see knownConstant). */
export function laterConstant(name: string, v: Value): string[] {
  return typeof v === "string" ? [`  let ${name} = ${v};`] : [];
}

/**
 * The head of a kernel with one invocation per output element over a 2-D grid of
 * `ELEMENT_WORKGROUP`-wide workgroups: `i` is the element, invocations past `count` return.
 * `row`: invocations per row of the grid (a constant, or read from params when sized at run time).
 */
export function perElementMain(count: Value, row: Value): string[] {
  const [known, later] = [knownConstant, laterConstant];
  const constants = [...known("COUNT", count), ...known("ROW", row, " // invocations per row of the dispatch grid")];
  return [
    ...(constants.length === 0 ? [] : [...constants, ""]),
    `@compute @workgroup_size(${ELEMENT_WORKGROUP})`,
    "fn main(@builtin(global_invocation_id) gid: vec3<u32>) {",
    ...later("COUNT", count),
    ...later("ROW", row),
    "  let i = gid.x + gid.y * ROW;",
    "  if (i >= COUNT) { return; }",
  ];
}

/** 0, 1, ..., n - 1: the unrolled copies of a line. */
export function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

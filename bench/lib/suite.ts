/**
 * The benchmark suite (docs/design.md, "Benchmarks"): the contractions einsight is judged on, at
 * full size for GPUs and scaled down ("small") for machines that run WebGPU on the CPU.
 */
import { contiguousStrides, elementCount, type View } from "../../codegen/views.js";

export type Preset = "full" | "small";

export interface BenchOperand {
  /** The operand as einsum sees it: a view of `base`. */
  readonly view: Omit<View, "strides"> & { readonly strides?: readonly number[] };
  /** The buffer the view lives in; the view is the whole of it unless this is larger. */
  readonly base: readonly number[];
}

export interface BenchCase {
  readonly name: string;
  readonly equation: string;
  readonly operands: readonly BenchOperand[];
  /** The same computation with tf.matMul (and friends), where one exists. */
  readonly matMul?: MatMulForm;
}

/** How to write a case with tf.matMul: transposes, and whether the batch dimension is summed after. */
export interface MatMulForm {
  readonly transposeA: boolean;
  readonly transposeB: boolean;
  readonly sumBatch?: boolean;
}

const whole = (shape: readonly number[]): BenchOperand => ({ view: { shape, offset: 0 }, base: shape });

export function suite(preset: Preset): BenchCase[] {
  const s = preset === "full" ? 1 : 0; // pick full or small sizes
  const pick = (full: number, small: number) => (s === 1 ? full : small);
  const n = pick(4096, 128);
  // the seed: x = X[3:11] of X (16, 16384, 2048), 'ijk,ikl->jl' with Y (8, 2048, 1024)
  const [sj, sk, sl] = [pick(16384, 256), pick(2048, 64), pick(1024, 32)];
  const X = [16, sj, sk];
  const seedX: BenchOperand = {
    view: { shape: [8, sj, sk], strides: contiguousStrides(X), offset: 3 * sj * sk },
    base: X,
  };
  const [b, h, q, d] = [pick(8, 2), pick(16, 2), pick(1024, 64), 64];
  const e = pick(64, 12);
  const [ci, cj, cl] = [pick(4096, 128), pick(256, 16), pick(64, 16)];
  const outer = pick(16384, 512);
  const [rb, ri, rj] = [pick(64, 8), pick(4096, 64), pick(1024, 64)];
  return [
    {
      name: "matmul",
      equation: "ij,jk->ik",
      operands: [whole([n, n]), whole([n, n])],
      matMul: { transposeA: false, transposeB: false },
    },
    {
      name: "seed (slice of X)",
      equation: "ijk,ikl->jl",
      operands: [seedX, whole([8, sk, sl])],
      matMul: { transposeA: false, transposeB: false, sumBatch: true },
    },
    {
      name: "attention scores",
      equation: "bhqd,bhkd->bhqk",
      operands: [whole([b, h, q, d]), whole([b, h, q, d])],
      matMul: { transposeA: false, transposeB: true },
    },
    {
      name: "attention values",
      equation: "bhqk,bhkd->bhqd",
      operands: [whole([b, h, q, q]), whole([b, h, q, d])],
      matMul: { transposeA: false, transposeB: false },
    },
    {
      name: "transposed matmul",
      equation: "ji,jk->ik",
      operands: [whole([n, n]), whole([n, n])],
      matMul: { transposeA: true, transposeB: false },
    },
    { name: "4-d contraction", equation: "abcd,cdef->abef", operands: [whole([e, e, e, e]), whole([e, e, e, e])] },
    { name: "chain", equation: "ij,jk,kl->il", operands: [whole([ci, cj]), whole([cj, ci]), whole([ci, cl])] },
    { name: "outer product", equation: "i,j->ij", operands: [whole([outer]), whole([outer])] },
    { name: "reduction", equation: "bij->bj", operands: [whole([rb, ri, rj])] },
  ];
}

/** Element count of an operand's buffer. */
export function baseSize(op: BenchOperand): number {
  return elementCount(op.base);
}

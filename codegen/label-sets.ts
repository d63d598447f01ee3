/**
 * The labels of an einsum for the contraction-order search: numbered by first appearance, with
 * per-node label lists (`Labels`) and their products, and label sets as masks of 32-bit words
 * whose products are table lookups. Any number of labels.
 */

export type Sizes = Readonly<Record<string, number>>;

/**
 * The distinct labels of a node in order of first appearance across its operands (taken in
 * index order), with `first[k]`: the position in `operands.flat()` where `ids[k]` first appears.
 * That order is the one `keep` lists an intermediate's labels in.
 */
export interface Labels {
  readonly ids: Int32Array;
  readonly first: Int32Array;
}

/** An einsum's labels, numbered by first appearance in the operands, then the output. */
export class Problem {
  readonly n: number;
  readonly names: string[] = [];
  readonly size: number[] = [];
  /** 1 for the output's labels. */
  readonly inOutput: Uint8Array;
  readonly output: readonly number[];
  readonly leaves: Labels[];
  /** Scratch marks over labels; `nextStamp()` gives a value no mark holds yet. */
  readonly marks: Int32Array;
  private stamp = 0;

  constructor(operands: readonly (readonly string[])[], output: readonly string[], sizes: Sizes) {
    this.n = operands.length;
    const id = new Map<string, number>();
    const number = (l: string) => {
      let k = id.get(l);
      if (k === undefined) {
        k = this.names.length;
        id.set(l, k);
        this.names.push(l);
        this.size.push(sizes[l]!);
      }
      return k;
    };
    let position = 0;
    this.leaves = operands.map((labels) => {
      const ids: number[] = [];
      const first: number[] = [];
      for (const l of labels) {
        const k = number(l);
        if (!ids.includes(k)) {
          ids.push(k);
          first.push(position);
        }
        position += 1;
      }
      return { ids: Int32Array.from(ids), first: Int32Array.from(first) };
    });
    this.output = [...new Set(output.map(number))];
    this.inOutput = new Uint8Array(this.names.length);
    for (const k of this.output) this.inOutput[k] = 1;
    this.marks = new Int32Array(this.names.length);
  }

  nextStamp(): number {
    this.stamp += 1;
    return this.stamp;
  }

  /** The labels of a node joining `a` and `b` that `kept` accepts, in `Labels` order. */
  joinLabels(a: Labels, b: Labels, kept: (id: number) => boolean): Labels {
    const stamp = this.nextStamp();
    const ids: number[] = [];
    const first: number[] = [];
    let i = 0;
    let j = 0;
    while (i < a.ids.length || j < b.ids.length) {
      const fromA = j === b.ids.length || (i < a.ids.length && a.first[i]! < b.first[j]!);
      const k = fromA ? a.ids[i]! : b.ids[j]!;
      const at = fromA ? a.first[i++]! : b.first[j++]!;
      if (this.marks[k] !== stamp && kept(k)) {
        this.marks[k] = stamp;
        ids.push(k);
        first.push(at);
      }
    }
    return { ids: Int32Array.from(ids), first: Int32Array.from(first) };
  }

  product(labels: Labels): number {
    let p = 1;
    for (const k of labels.ids) p *= this.size[k]!;
    return p;
  }
}

/**
 * Label sets as masks of `words` 32-bit words (label k: bit k & 31 of word k >>> 5), with, per
 * word and byte, the product of the sizes of the labels each byte value sets: a mask's product is
 * then four lookups a word.
 */
export function labelMasks(problem: Problem) {
  const words = Math.max(1, Math.ceil(problem.names.length / 32));
  const table = new Float64Array(words * 4 * 256).fill(1);
  problem.size.forEach((size, k) => {
    const at = (k >>> 3) * 256; // the table of word k >>> 5, byte (k >>> 3) & 3
    const bit = 1 << (k & 7);
    for (let byte = bit; byte < 256; byte = (byte + 1) | bit) table[at + byte]! *= size;
  });
  return {
    words,
    table,
    /** The product of the sizes of the labels of the mask at `masks[at..at + words]`. */
    product(masks: Int32Array, at: number): number {
      let p = 1;
      for (let w = 0; w < words; w++) {
        const x = masks[at + w]!;
        if (x !== 0) p *= byteProduct(table, w << 10, x);
      }
      return p;
    },
  };
}

export function byteProduct(table: Float64Array, at: number, x: number): number {
  return (
    table[at + (x & 255)]! *
    table[at + 256 + ((x >>> 8) & 255)]! *
    table[at + 512 + ((x >>> 16) & 255)]! *
    table[at + 768 + (x >>> 24)]!
  );
}

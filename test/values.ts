/** Deterministic test data: `n` values in [-1, 1) from a small LCG, different for each seed. */
export function values(n: number, seed: number): Float32Array {
  let x = (seed * 2654435761) >>> 0;
  return Float32Array.from({ length: n }, () => {
    x = (x * 1664525 + 1013904223) >>> 0;
    return x / 2 ** 31 - 1;
  });
}

/** Data for benchmarks and tests: deterministic values, and how far a result is from a reference. */

/** `n` values in [-1, 1) from a small LCG, different for each seed. */
export function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let x = (seed * 2654435761) >>> 0;
  for (let i = 0; i < n; i++) {
    x = (x * 1664525 + 1013904223) >>> 0;
    out[i] = x / 2 ** 31 - 1;
  }
  return out;
}

export { maxRelativeError } from "../../codegen/reference.js";

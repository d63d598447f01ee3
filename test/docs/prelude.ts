/**
 * The placeholders of the TypeScript blocks in README.md and docs/ (test/docs/snippets.test.ts).
 * A block that uses one of these names without declaring or importing it gets it from here, as if
 * it had imported it (einsight's own exports it gets from "einsight"). A block that declares the
 * name itself keeps its own.
 *
 * Every value is real and small, so a block that uses them runs, except `data` and `data2`: they
 * stand for a user's numbers, whose count only the block's shape knows, so reading them throws
 * (a block that uses them is marked `<!-- no-run: ... -->`, or makes its own data).
 */
import { gpu, tensor, type Tensor } from "einsight";

/** The device every placeholder tensor lives on. */
export const g = await gpu();

/** A tensor of this shape holding small distinct values (`t([2, 3])`: `Tensor<[2, 3]>`). */
export function t<const S extends readonly number[]>(shape: S): Tensor<[...S]> {
  const count = shape.reduce((n, d) => n * d, 1);
  return tensor(
    g,
    Array.from({ length: count }, (_, i) => ((i % 7) - 3) / 4),
    [...shape],
  ) as Tensor<[...S]>;
}

/** Operands of the small examples: `a` [2, 3], `b` [3, 4], `c` [4, 5], `m` [3, 3], `x` [2, 3]. */
export const a = t([2, 3]);
export const b = t([3, 4]);
export const c = t([4, 5]);
export const m = t([3, 3]);
export const x = t([2, 3]);
/** The README's X [16, 64, 32] and Y [8, 32, 24]: `einsum("ijk,ikl->jl", X.slice(0, 3, 11), Y)`. */
export const X = t([16, 64, 32]);
export const Y = t([8, 32, 24]);

/** An equation the linter cannot see: a `string`, not a literal. */
export const equation: string = ["ij", "jk->ik"].join(",");

/** The loss's gradient with respect to an einsum's output (here: of the loss sum(output), ones). */
export function lossGradient<S extends readonly number[]>(output: Tensor<S>): Tensor<S> {
  return tensor(g, new Float32Array(output.size).fill(1), output.shape);
}

/** A user's numbers (any length): a block that reads these cannot run. */
export const data: number[] = placeholder("data");
export const data2: number[] = placeholder("data2");

function placeholder(name: string): number[] {
  return new Proxy([], {
    get() {
      throw new Error(
        `'${name}' is a placeholder for a user's numbers (test/docs/prelude.ts): a block that reads it cannot run; make the data in the block, or mark it <!-- no-run: ... -->.`,
      );
    },
  });
}

/** The examples the playground starts from: each a small program with einsums whose shapes the types know. */
export interface Example {
  readonly name: string;
  readonly code: string;
}

const header = 'import { einsum, gpu, zeros } from "einsight";\n\nconst g = await gpu();\n';

export const EXAMPLES: readonly Example[] = [
  {
    name: "The seed: a contraction over slices",
    code:
      header +
      `const X = zeros(g, [16, 96, 64]);
const Y = zeros(g, [8, 64, 80]);
// a slice of X, read in place (no copy: its strides are X's), contracted with Y over i and k
const out = einsum("ijk,ikl->jl", X.slice(0, 2, 10), Y);
`,
  },
  {
    name: "Attention scores",
    code:
      header +
      `const q = zeros(g, [2, 4, 128, 64]); // batch, heads, queries, head size
const k = zeros(g, [2, 4, 128, 64]);
const scores = einsum("bhqd,bhkd->bhqk", q, k);
`,
  },
  {
    name: "A chain of three",
    code:
      header +
      `const a = zeros(g, [64, 256]);
const b = zeros(g, [256, 512]);
const c = zeros(g, [512, 32]);
// the path: which pair first decides the intermediate's size
const abc = einsum("ij,jk,kl->il", a, b, c);
`,
  },
  {
    name: "A diagonal",
    code:
      header +
      `const m = zeros(g, [8, 256, 256]);
// each matrix's diagonal: a repeated label reads it in place
const d = einsum("bii->bi", m);
`,
  },
  {
    name: "An ellipsis broadcast",
    code:
      header +
      `const a = zeros(g, [8, 1, 32, 64]);
const b = zeros(g, [4, 64, 16]);
// '...' stands for the leading dimensions, broadcast as numpy does: [8, 4]
const c = einsum("...ij,...jk->...ik", a, b);
`,
  },
];

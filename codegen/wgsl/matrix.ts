/**
 * What both subgroup-matrix kernels share: subgroups of 32 invocations, each owning a part of the
 * tile as f32 result matrices, which leave through a per-subgroup f32 stage so that any output
 * strides, edges and f16 rounding are handled by plain stores.
 */
import type { SubgroupMatrixShape } from "../profile.js";
import { range, u32 } from "./common.js";

/** Invocations of a subgroup (the planner uses subgroup matrices only where subgroups are 32 wide). */
export const MATRIX_SUBGROUP = 32;

/** One result matrix of a subgroup's part: row i, column j of it. */
export interface ResultMatrix {
  readonly i: number;
  readonly j: number;
}

/** The WGSL types of a left (M x K, f16), right (K x N, f16) and result (M x N, f32) matrix. */
export function matrixTypes(shape: SubgroupMatrixShape): { left: string; right: string; result: string } {
  return {
    left: `subgroup_matrix_left<f16, ${shape.k}, ${shape.m}>`,
    right: `subgroup_matrix_right<f16, ${shape.n}, ${shape.k}>`,
    result: `subgroup_matrix_result<f32, ${shape.n}, ${shape.m}>`,
  };
}

/** The result matrices of a part `rows` x `cols` matrices large, row by row. */
export function resultMatrices(rows: number, cols: number): ResultMatrix[] {
  return range(rows).flatMap((i) => range(cols).map((j) => ({ i, j })));
}

/**
 * Which part of the tile subgroup `sg` owns (rows of `across` subgroups, each `rows` x `cols`), and its zeroed
 * result matrices.
 */
export function subgroupSetup(
  across: number,
  rows: number,
  cols: number,
  pairs: readonly ResultMatrix[],
  result: string,
): string[] {
  return [
    `  let sg = li / ${u32(MATRIX_SUBGROUP)};`,
    `  let lane = li % ${u32(MATRIX_SUBGROUP)};`,
    `  let row0 = (sg / ${u32(across)}) * ${u32(rows)};`,
    `  let col0 = (sg % ${u32(across)}) * ${u32(cols)};`,
    ...pairs.map(({ i, j }) => `  var acc_${i}_${j} = ${result}();`),
  ];
}

/**
 * Each subgroup's result matrices, one at a time through its slot of `stage`, to `out` with its strides, edges and
 * rounding.
 */
export function epilogue(
  pairs: readonly ResultMatrix[],
  shape: SubgroupMatrixShape,
  write: (target: string, value: string) => string,
): string[] {
  const [fm, fn] = [shape.m, shape.n];
  const frag = fm * fn;
  return [
    `  let mine = sg * ${u32(frag)};`,
    ...pairs.flatMap(({ i, j }) => [
      `  subgroupMatrixStore(&stage, mine, acc_${i}_${j}, false, ${u32(fn)});`,
      "  workgroupBarrier();",
      `  for (var e = lane; e < ${u32(frag)}; e += ${u32(MATRIX_SUBGROUP)}) {`,
      `    let om = m0 + row0 + ${u32(i * fm)} + e / ${u32(fn)};`,
      `    let on = n0 + col0 + ${u32(j * fn)} + e % ${u32(fn)};`,
      `    if (om < M && on < N) { ${write("out[out_base + out_m(om) + out_n(on)]", "stage[mine + e]")} }`,
      "  }",
      "  workgroupBarrier();",
    ]),
  ];
}

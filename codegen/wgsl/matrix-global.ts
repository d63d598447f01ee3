/**
 * The direct kernel on subgroup matrices loaded straight from a and b: no workgroup staging, no
 * barriers in the k loop. Subgroup s of 4 owns rows (s / 2) * TM/2 and columns (s % 2) * TN/2 of
 * the tile, as result matrices of f32; the caches share the loads of neighbouring subgroups. The
 * planner prefers the staged kernel with 16-byte loads where both operands allow them (faster).
 */
import { matrixLayout, type MatrixLayout } from "../access.js";
import type { GlobalMatrixTiles } from "../tile-config.js";
import { range, u32 } from "./common.js";
import { header, prologue, type DirectFrame } from "./direct-frame.js";
import type { KernelSpec } from "./kernel.js";
import { epilogue, MATRIX_SUBGROUP, matrixTypes, resultMatrices, subgroupSetup } from "./matrix.js";

/** Invocations of the kernel: 4 subgroups of 32 in 2 x 2. */
const GLOBAL_INVOCATIONS = 128;

export function globalMatrixKernel(f: DirectFrame, tiles: GlobalMatrixTiles): KernelSpec {
  const { spec } = f;
  const layout = matrixLayout(spec.a, spec.b, spec.groups, spec.sizes, tiles.matrix);
  if (layout === undefined)
    throw new Error(
      `einsight internal error: ${f.equation} was planned to load subgroup matrices from memory, but ` +
        `its layout does not allow it.`,
    );
  // No slabs: the header still names the rows a staged kernel's slabs would have.
  const rows = {
    a: { length: tiles.tm + 8, across: false, side: tiles.tm },
    b: { length: tiles.tn + 8, across: false, side: tiles.tn },
  };
  const head = header(f, { wide: { a: false, b: false }, wideOut: false, views: false, rows });
  const body = globalBody(tiles, layout, f.write);
  const code = [
    ...head,
    ...body.declarations,
    ...f.offsets,
    ...prologue(f, { workgroupSize: `${GLOBAL_INVOCATIONS}`, builtins: "", loads: [] }),
    ...body.main,
    "}",
    "",
  ].join("\n");
  return { code, workgroups: [...f.workgroups], workgroupBytes: body.stageBytes };
}

/** The declarations and main of the kernel: its strides, stage, and k loop of loads and multiplies. */
function globalBody(
  tiles: GlobalMatrixTiles,
  layout: MatrixLayout,
  write: (target: string, value: string) => string,
): { declarations: string[]; main: string[]; stageBytes: number } {
  const { tm, tn, tk, matrix: shape } = tiles;
  const [fm, fn, fk] = [shape.m, shape.n, shape.k];
  const steps = tk / fk; // k steps per iteration, all their loads issued before the multiplies
  const [rows, cols] = [tm / 2 / fm, tn / 2 / fn];
  const { left, right, result } = matrixTypes(shape);
  const frag = fm * fn;
  const subgroups = GLOBAL_INVOCATIONS / MATRIX_SUBGROUP;
  const pairs = resultMatrices(rows, cols);
  // Element (r, c) of a left matrix is at r * A_M + c * A_K: row-major when A_K is 1, else column-major.
  const [aColMajor, aStride] = layout.aK === 1 ? [false, layout.aM] : [true, layout.aK];
  const [bColMajor, bStride] = layout.bN === 1 ? [false, layout.bK] : [true, layout.bN];
  return {
    stageBytes: 4 * frag * subgroups,
    declarations: [
      `const A_M: u32 = ${u32(layout.aM)}; // a's stride along m (its m labels as one)`,
      `const A_K: u32 = ${u32(layout.aK)};`,
      `const B_K: u32 = ${u32(layout.bK)};`,
      `const B_N: u32 = ${u32(layout.bN)};`,
      `var<workgroup> stage: array<f32, ${frag * subgroups}>; // one result matrix per subgroup on its way out`,
      "",
    ],
    main: [
      ...subgroupSetup(2, tm / 2, tn / 2, pairs, result),
      `  for (var k = k_begin; k < k_end; k += ${u32(tk)}) {`,
      ...range(steps).flatMap((u) => [
        ...range(rows).map(
          (i) =>
            `    let l${i}_${u} = subgroupMatrixLoad<${left}>(&a, a_base + (m0 + row0 + ${u32(i * fm)}) * ` +
            `A_M + (k + ${u32(u * fk)}) * A_K, ${aColMajor}, ${u32(aStride)});`,
        ),
        ...range(cols).map(
          (j) =>
            `    let r${j}_${u} = subgroupMatrixLoad<${right}>(&b, b_base + (k + ${u32(u * fk)}) * B_K + (n0 ` +
            `+ col0 + ${u32(j * fn)}) * B_N, ${bColMajor}, ${u32(bStride)});`,
        ),
      ]),
      ...range(steps).flatMap((u) =>
        pairs.map(
          ({ i, j }) => `    acc_${i}_${j} = subgroupMatrixMultiplyAccumulate(l${i}_${u}, r${j}_${u}, acc_${i}_${j});`,
        ),
      ),
      "  }",
      ...epilogue(pairs, shape, write),
    ],
  };
}

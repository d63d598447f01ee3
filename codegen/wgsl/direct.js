import { canonicalNames, decompose, dot, paramsStruct, u32 } from "./common.js";
import { dispatchGrid } from "./kernel.js";
const SIDE = 16; // invocations per side of the workgroup
export function emitDirectKernel(spec, maxWorkgroupsPerDimension) {
    const { groups, tiles } = spec;
    const { tm, tn, tk } = tiles;
    const size = (ls) => ls.reduce((acc, l) => acc * spec.sizes[l], 1);
    const [B, M, N, K] = [size(groups.batch), size(groups.m), size(groups.n), size(groups.k)];
    const tilesM = Math.ceil(M / tm);
    const tilesN = Math.ceil(N / tn);
    const splits = Math.max(1, tiles.splits);
    const chunk = splits > 1 ? Math.ceil(K / splits / tk) * tk : K;
    const total = splits * B * tilesM * tilesN;
    if (total === 0)
        return undefined;
    const workgroups = dispatchGrid(total, maxWorkgroupsPerDimension);
    const names = canonicalNames([spec.a.labels, spec.b.labels, spec.out.labels]);
    const n = (l) => names.get(l);
    const [rm, rn] = [tm / SIDE, tn / SIDE];
    // Invocations own rows (and columns) in runs of 4 when their block allows it, so that one vec4
    // read of workgroup memory feeds 4 rows (columns): a quarter of the shared-memory loads.
    const [va, vb] = [rm % 4 === 0 ? 4 : 1, rn % 4 === 0 ? 4 : 1];
    const aKFast = isUnit(spec.a, groups.k) || !isUnit(spec.a, groups.m);
    const bNFast = isUnit(spec.b, groups.n) || !isUnit(spec.b, groups.k);
    const equation = `${spec.a.labels.map(n).join("")},${spec.b.labels.map(n).join("")}->${spec.out.labels.map(n).join("")}`;
    const tileType = (v) => (v === 4 ? "vec4<f32>" : "f32");
    // Row r of the invocation's block: the e-th of run i, at tile position (i * SIDE + ty) * va + e.
    const rows = range(rm).map((r) => ({ r, i: Math.floor(r / va), e: r % va }));
    const colGroups = range(rn / vb);
    const aValue = (row) => (va === 4 ? `a${row.i}[${row.e}]` : `a${row.i}`);
    const code = [
        `// einsight: direct (GETT) kernel, ${spec.title}`,
        `//   ${equation}   sizes ${[...names].map(([l, name]) => `${name}=${spec.sizes[l]}`).join(" ")}`,
        `//   groups batch [${groups.batch.map(n).join("")}]=${B} m [${groups.m.map(n).join("")}]=${M} n [${groups.n.map(n).join("")}]=${N} k [${groups.k.map(n).join("")}]=${K}`,
        `//   a strides ${describe(spec.a, n)}; b strides ${describe(spec.b, n)}; out strides ${describe(spec.out, n)}`,
        `//   tile ${tm}x${tn}x${tk}, ${rm}x${rn} per invocation (runs of ${va}x${vb}), ${splits} k slice(s) of ${chunk}; loads: a along ${aKFast ? "k" : "m"}, b along ${bNFast ? "n" : "k"}`,
        `//   ${total} workgroups, dispatch ${workgroups.join(" x ")}${spec.accumulate === true ? "; adds into out" : ""}`,
        paramsStruct(["a_offset", "b_offset", "out_offset"]),
        "@group(0) @binding(0) var<storage, read> a: array<f32>;",
        "@group(0) @binding(1) var<storage, read> b: array<f32>;",
        "@group(0) @binding(2) var<storage, read_write> out: array<f32>;",
        "@group(0) @binding(3) var<uniform> params: Params;",
        "",
        `const M: u32 = ${u32(M)};`,
        `const N: u32 = ${u32(N)};`,
        `const K: u32 = ${u32(K)};`,
        `const TM: u32 = ${u32(tm)};`,
        `const TN: u32 = ${u32(tn)};`,
        `const TK: u32 = ${u32(tk)};`,
        `const CHUNK: u32 = ${u32(chunk)}; // k per slice`,
        `const TILES_M: u32 = ${u32(tilesM)};`,
        `const TILES_N: u32 = ${u32(tilesN)};`,
        `const BATCH: u32 = ${u32(B)};`,
        `const TILES: u32 = ${u32(total)};`,
        `const GRID_X: u32 = ${u32(workgroups[0])};`,
        "",
        `var<workgroup> a_tile: array<${tileType(va)}, ${(tk * tm) / va}>; // [kk][mm]`,
        `var<workgroup> b_tile: array<${tileType(vb)}, ${(tk * tn) / vb}>; // [kk][nn]`,
        "",
        offsetFn("a_batch", groups.batch, spec.a, spec.sizes, n),
        offsetFn("a_m", groups.m, spec.a, spec.sizes, n),
        offsetFn("a_k", groups.k, spec.a, spec.sizes, n),
        offsetFn("b_batch", groups.batch, spec.b, spec.sizes, n),
        offsetFn("b_k", groups.k, spec.b, spec.sizes, n),
        offsetFn("b_n", groups.n, spec.b, spec.sizes, n),
        offsetFn("out_batch", groups.batch, spec.out, spec.sizes, n),
        offsetFn("out_m", groups.m, spec.out, spec.sizes, n),
        offsetFn("out_n", groups.n, spec.out, spec.sizes, n),
        "",
        `@compute @workgroup_size(${SIDE}, ${SIDE})`,
        "fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>, @builtin(local_invocation_index) li: u32) {",
        "  let tile = wg.x + wg.y * GRID_X;",
        "  if (tile >= TILES) { return; } // whole workgroups only: barriers stay uniform",
        "  let tile_n = tile % TILES_N;",
        "  let tile_m = (tile / TILES_N) % TILES_M;",
        "  let bi = (tile / (TILES_N * TILES_M)) % BATCH;",
        "  let slice = tile / (TILES_N * TILES_M * BATCH);",
        "  let m0 = tile_m * TM;",
        "  let n0 = tile_n * TN;",
        "  let k_begin = slice * CHUNK;",
        "  let k_end = min(K, k_begin + CHUNK);",
        "  let a_base = params.a_offset + a_batch(bi);",
        "  let b_base = params.b_offset + b_batch(bi);",
        "  let tx = lid.x;",
        "  let ty = lid.y;",
        ...loadSetup("a", tm, tk, aKFast, "m"),
        ...loadSetup("b", tn, tk, !bNFast, "n"),
        ...rows.flatMap(({ r }) => colGroups.map((j) => `  var acc_${r}_${j} = ${vb === 4 ? "vec4<f32>()" : "0.0"};`)),
        "  // slab values are fetched into registers one slab ahead, so global loads overlap the math",
        ...fetchSlab("a", tm, tk, "k_begin", "  ", true),
        ...fetchSlab("b", tn, tk, "k_begin", "  ", true),
        "  for (var k0 = k_begin; k0 < k_end; k0 += TK) {",
        "    // stage the fetched TK-deep slab of a and b in workgroup memory (zeros past the edges)",
        ...storeSlab("a", tm, tk, va),
        ...storeSlab("b", tn, tk, vb),
        "    workgroupBarrier();",
        ...fetchSlab("a", tm, tk, "k0 + TK", "    ", false),
        ...fetchSlab("b", tn, tk, "k0 + TK", "    ", false),
        "    for (var kk = 0u; kk < TK; kk++) {",
        ...range(rm / va).map((i) => `      let a${i} = a_tile[kk * ${u32(tm / va)} + ${u32(i * SIDE)} + ty];`),
        ...colGroups.map((j) => `      let b${j} = b_tile[kk * ${u32(tn / vb)} + ${u32(j * SIDE)} + tx];`),
        ...rows.flatMap((row) => colGroups.map((j) => `      acc_${row.r}_${j} = fma(${vb === 4 ? `vec4<f32>(${aValue(row)})` : aValue(row)}, b${j}, acc_${row.r}_${j});`)),
        "    }",
        "    workgroupBarrier();",
        "  }",
        `  let out_base = params.out_offset + out_batch(bi) + slice * ${u32(spec.splitStride ?? 0)};`,
        ...colGroups.flatMap((j) => range(vb).map((c) => `  let out_n${j}_${c} = n0 + (${u32(j * SIDE)} + tx) * ${u32(vb)} + ${u32(c)};`)),
        ...rows.flatMap(({ r, i, e }) => [
            `  let out_m${r} = m0 + (${u32(i * SIDE)} + ty) * ${u32(va)} + ${u32(e)};`,
            `  if (out_m${r} < M) {`,
            `    let row${r} = out_base + out_m(out_m${r});`,
            ...colGroups.flatMap((j) => range(vb).map((c) => `    if (out_n${j}_${c} < N) { out[row${r} + out_n(out_n${j}_${c})] ${spec.accumulate === true ? "+=" : "="} acc_${r}_${j}${vb === 4 ? `[${c}]` : ""}; }`)),
            "  }",
        ]),
        "}",
        "",
    ].join("\n");
    return { code, workgroups };
}
function range(n) {
    return Array.from({ length: n }, (_, i) => i);
}
function strideIn(op, label) {
    const i = op.labels.indexOf(label);
    return i < 0 ? 0 : op.strides[i];
}
function isUnit(op, group) {
    return group.length > 0 && strideIn(op, group[group.length - 1]) === 1;
}
function describe(op, n) {
    return op.labels.map((l, i) => `${n(l)}:${op.strides[i]}`).join(" ") || "(scalar)";
}
/** `fn <name>(i: u32) -> u32`: the element offset of flat group index `i` in one operand. */
function offsetFn(name, group, op, sizes, n) {
    const strides = group.map((l) => strideIn(op, l));
    if (strides.every((s) => s === 0))
        return `fn ${name}(i: u32) -> u32 { return 0u; }`;
    const coords = group.map((l) => `c_${n(l)}`);
    const lines = decompose("i", group.map(n), group.map((l) => sizes[l]), "c_");
    return [`fn ${name}(i: u32) -> u32 {`, ...lines, `  return ${dot(coords, strides)};`, "}"].join("\n");
}
/**
 * Which slab element each invocation loads, fixed for the whole k loop: `r` loads of
 * (kk, free index) per invocation. `kFast`: consecutive invocations take consecutive kk.
 */
function loadSetup(x, t, tk, kFast, free) {
    const loads = (t * tk) / (SIDE * SIDE);
    return range(loads).flatMap((r) => {
        const e = `(li + ${u32(r * SIDE * SIDE)})`;
        const [kk, ff] = kFast ? [`${e} % ${u32(tk)}`, `${e} / ${u32(tk)}`] : [`${e} / ${u32(t)}`, `${e} % ${u32(t)}`];
        const origin = free === "m" ? "m0" : "n0";
        const limit = free === "m" ? "M" : "N";
        return [
            `  let ${x}_kk${r} = ${kk};`,
            `  let ${x}_${free}${r} = ${ff};`,
            `  let ${x}_ok${r} = ${origin} + ${x}_${free}${r} < ${limit};`,
            `  let ${x}_off${r} = select(0u, ${x}_${free === "m" ? "m" : "n"}(${origin} + ${x}_${free}${r}), ${x}_ok${r});`,
            `  let ${x}_slot${r} = ${x}_kk${r} * ${free === "m" ? "TM" : "TN"} + ${x}_${free}${r};`,
        ];
    });
}
/** Loads this invocation's share of the slab starting at `k0` into registers `<x>_v<r>` (0 past the edges). */
function fetchSlab(x, t, tk, k0, indent, declare) {
    const loads = (t * tk) / (SIDE * SIDE);
    return range(loads).flatMap((r) => [
        `${indent}${declare ? "var " : ""}${x}_v${r} = 0.0;`,
        `${indent}if (${x}_ok${r} && ${k0} + ${x}_kk${r} < k_end) { ${x}_v${r} = ${x}[${x}_base + ${x}_off${r} + ${x}_k(${k0} + ${x}_kk${r})]; }`,
    ]);
}
function storeSlab(x, t, tk, v) {
    const loads = (t * tk) / (SIDE * SIDE);
    return range(loads).map((r) => (v === 4 ? `    ${x}_tile[${x}_slot${r} / 4u][${x}_slot${r} % 4u] = ${x}_v${r};` : `    ${x}_tile[${x}_slot${r}] = ${x}_v${r};`));
}

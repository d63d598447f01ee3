// ===== matrix loaded from memory (ijk,jkl->il)
enable f16;
enable chromium_experimental_subgroup_matrix;
diagnostic(off, chromium.subgroup_matrix_uniformity);
// einsight: direct (GETT) kernel on 16x16x16 subgroup matrices, contraction step, direct
//   abc,bcd->ad   sizes a=64 b=4 c=4 d=64
//   groups batch []=1 m [a]=64 n [d]=64 k [bc]=16
//   a strides a:16 b:4 c:1; b strides b:256 c:64 d:1; out strides a:64 d:1
//   tile 64x64x16, 1 k slice(s) of 16; loads: a along k, b along n
//   1 workgroups, dispatch 1 x 1
struct Params {
  a_offset: u32,
  b_offset: u32,
  out_offset: u32,
  pad3: u32,
}
@group(0) @binding(0) var<storage, read> a: array<f16>;
@group(0) @binding(1) var<storage, read> b: array<f16>;
@group(0) @binding(2) var<storage, read_write> out: array<f16>;
@group(0) @binding(3) var<uniform> params: Params;

const M: u32 = 64u;
const N: u32 = 64u;
const K: u32 = 16u;
const TM: u32 = 64u;
const TN: u32 = 64u;
const TK: u32 = 16u;
const A_ROW: u32 = 72u; // elements per kk row of a_tile (padded)
const B_ROW: u32 = 72u; // elements per kk row of b_tile (padded)
const CHUNK: u32 = 16u; // k per slice
const TILES_M: u32 = 1u;
const TILES_N: u32 = 1u;
const BATCH: u32 = 1u;
const TILES: u32 = 1u;
const GRID_X: u32 = 1u;

const A_M: u32 = 16u; // a's stride along m (its m labels as one)
const A_K: u32 = 1u;
const B_K: u32 = 64u;
const B_N: u32 = 1u;
var<workgroup> stage: array<f32, 1024>; // one result matrix per subgroup on its way out

fn a_batch(i: u32) -> u32 { return 0u; }
fn a_m(i: u32) -> u32 {
  let c_a = i;
  return c_a * 16u;
}
fn a_k(i: u32) -> u32 {
  var c_rest = i;
  let c_c = c_rest % 4u;
  c_rest = c_rest / 4u;
  let c_b = c_rest;
  return c_b * 4u + c_c;
}
fn b_batch(i: u32) -> u32 { return 0u; }
fn b_k(i: u32) -> u32 {
  var c_rest = i;
  let c_c = c_rest % 4u;
  c_rest = c_rest / 4u;
  let c_b = c_rest;
  return c_b * 256u + c_c * 64u;
}
fn b_n(i: u32) -> u32 {
  let c_d = i;
  return c_d;
}
fn out_batch(i: u32) -> u32 { return 0u; }
fn out_m(i: u32) -> u32 {
  let c_a = i;
  return c_a * 64u;
}
fn out_n(i: u32) -> u32 {
  let c_d = i;
  return c_d;
}

@compute @workgroup_size(128)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let tile = wg.x + wg.y * GRID_X;
  if (tile >= TILES) { return; } // whole workgroups only: barriers stay uniform
  let tile_n = tile % TILES_N;
  let tile_m = (tile / TILES_N) % TILES_M;
  let bi = (tile / (TILES_N * TILES_M)) % BATCH;
  let slice = tile / (TILES_N * TILES_M * BATCH);
  let m0 = tile_m * TM;
  let n0 = tile_n * TN;
  let k_begin = slice * CHUNK;
  let k_end = min(K, k_begin + CHUNK);
  let a_base = params.a_offset + a_batch(bi);
  let b_base = params.b_offset + b_batch(bi);
  let out_base = params.out_offset + out_batch(bi) + slice * 0u;
  let sg = li / 32u;
  let lane = li % 32u;
  let row0 = (sg / 2u) * 32u;
  let col0 = (sg % 2u) * 32u;
  var acc_0_0 = subgroup_matrix_result<f32, 16, 16>();
  var acc_0_1 = subgroup_matrix_result<f32, 16, 16>();
  var acc_1_0 = subgroup_matrix_result<f32, 16, 16>();
  var acc_1_1 = subgroup_matrix_result<f32, 16, 16>();
  for (var k = k_begin; k < k_end; k += 16u) {
    let l0_0 = subgroupMatrixLoad<subgroup_matrix_left<f16, 16, 16>>(&a, a_base + (m0 + row0 + 0u) * A_M + (k + 0u) * A_K, false, 16u);
    let l1_0 = subgroupMatrixLoad<subgroup_matrix_left<f16, 16, 16>>(&a, a_base + (m0 + row0 + 16u) * A_M + (k + 0u) * A_K, false, 16u);
    let r0_0 = subgroupMatrixLoad<subgroup_matrix_right<f16, 16, 16>>(&b, b_base + (k + 0u) * B_K + (n0 + col0 + 0u) * B_N, false, 64u);
    let r1_0 = subgroupMatrixLoad<subgroup_matrix_right<f16, 16, 16>>(&b, b_base + (k + 0u) * B_K + (n0 + col0 + 16u) * B_N, false, 64u);
    acc_0_0 = subgroupMatrixMultiplyAccumulate(l0_0, r0_0, acc_0_0);
    acc_0_1 = subgroupMatrixMultiplyAccumulate(l0_0, r1_0, acc_0_1);
    acc_1_0 = subgroupMatrixMultiplyAccumulate(l1_0, r0_0, acc_1_0);
    acc_1_1 = subgroupMatrixMultiplyAccumulate(l1_0, r1_0, acc_1_1);
  }
  let mine = sg * 256u;
  subgroupMatrixStore(&stage, mine, acc_0_0, false, 16u);
  workgroupBarrier();
  for (var e = lane; e < 256u; e += 32u) {
    let om = m0 + row0 + 0u + e / 16u;
    let on = n0 + col0 + 0u + e % 16u;
    if (om < M && on < N) { out[out_base + out_m(om) + out_n(on)] = f16(stage[mine + e]); }
  }
  workgroupBarrier();
  subgroupMatrixStore(&stage, mine, acc_0_1, false, 16u);
  workgroupBarrier();
  for (var e = lane; e < 256u; e += 32u) {
    let om = m0 + row0 + 0u + e / 16u;
    let on = n0 + col0 + 16u + e % 16u;
    if (om < M && on < N) { out[out_base + out_m(om) + out_n(on)] = f16(stage[mine + e]); }
  }
  workgroupBarrier();
  subgroupMatrixStore(&stage, mine, acc_1_0, false, 16u);
  workgroupBarrier();
  for (var e = lane; e < 256u; e += 32u) {
    let om = m0 + row0 + 16u + e / 16u;
    let on = n0 + col0 + 0u + e % 16u;
    if (om < M && on < N) { out[out_base + out_m(om) + out_n(on)] = f16(stage[mine + e]); }
  }
  workgroupBarrier();
  subgroupMatrixStore(&stage, mine, acc_1_1, false, 16u);
  workgroupBarrier();
  for (var e = lane; e < 256u; e += 32u) {
    let om = m0 + row0 + 16u + e / 16u;
    let on = n0 + col0 + 16u + e % 16u;
    if (om < M && on < N) { out[out_base + out_m(om) + out_n(on)] = f16(stage[mine + e]); }
  }
  workgroupBarrier();
}

// ===== matrix
// binds [{"input":0},{"input":1},{"output":true}], 17920 bytes of workgroup memory
enable f16;
enable chromium_experimental_subgroup_matrix;
diagnostic(off, chromium.subgroup_matrix_uniformity);
// einsight: direct (GETT) kernel on 16x16x16 subgroup matrices, contraction step, direct
//   abc,acd->bd   sizes a=3 b=20 c=40 d=24
//   groups batch []=1 m [b]=20 n [d]=24 k [ac]=120
//   a strides a:1600 b:40 c:1; b strides a:960 c:24 d:1; out strides b:24 d:1
//   tile 64x64x32, 1 k slice(s) of 120; loads: a along k, b along n
//   1 workgroups, dispatch 1 x 1
struct Params {
  a_offset: u32,
  b_offset: u32,
  out_offset: u32,
  pad3: u32,
}
@group(0) @binding(0) var<storage, read> a: array<vec4<u32>>; // read 8 elements at a time
@group(0) @binding(1) var<storage, read> b: array<vec4<u32>>; // read 8 elements at a time
@group(0) @binding(2) var<storage, read_write> out: array<f16>;
@group(0) @binding(3) var<uniform> params: Params;

const M: u32 = 20u;
const N: u32 = 24u;
const K: u32 = 120u;
const TM: u32 = 64u;
const TN: u32 = 64u;
const TK: u32 = 32u;
const A_ROW: u32 = 72u; // elements per kk row of a_tile (padded)
const B_ROW: u32 = 40u; // elements per nn row of b_tile (padded)
const CHUNK: u32 = 120u; // k per slice
const TILES_M: u32 = 1u;
const TILES_N: u32 = 1u;
const BATCH: u32 = 1u;
const TILES: u32 = 1u;
const GRID_X: u32 = 1u;

var<workgroup> a_tile: array<f16, TK * A_ROW>; // [kk][mm]
var<workgroup> b_tile: array<f16, TN * B_ROW>; // [nn][kk]
var<workgroup> stage: array<f32, 2048>; // one result matrix per subgroup on its way out

fn a_batch(i: u32) -> u32 { return 0u; }
fn a_m(i: u32) -> u32 {
  let c_b = i;
  return c_b * 40u;
}
fn a_k(i: u32) -> u32 {
  var c_rest = i;
  let c_c = c_rest % 40u;
  c_rest = c_rest / 40u;
  let c_a = c_rest;
  return c_a * 1600u + c_c;
}
fn b_batch(i: u32) -> u32 { return 0u; }
fn b_k(i: u32) -> u32 {
  var c_rest = i;
  let c_c = c_rest % 40u;
  c_rest = c_rest / 40u;
  let c_a = c_rest;
  return c_a * 960u + c_c * 24u;
}
fn b_n(i: u32) -> u32 {
  let c_d = i;
  return c_d;
}
fn out_batch(i: u32) -> u32 { return 0u; }
fn out_m(i: u32) -> u32 {
  let c_b = i;
  return c_b * 24u;
}
fn out_n(i: u32) -> u32 {
  let c_d = i;
  return c_d;
}

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let tile = wg.x + wg.y * GRID_X;
  if (tile >= TILES) { return; } // whole workgroups only: barriers stay uniform
  let tile_n = tile % TILES_N;
  let tile_m = (tile / TILES_N) % TILES_M;
  let bi = (tile / (TILES_N * TILES_M)) % BATCH;
  let slice = tile / (TILES_N * TILES_M * BATCH);
  let m0 = tile_m * TM;
  let n0 = tile_n * TN;
  let k_begin = slice * CHUNK;
  let k_end = min(K, k_begin + CHUNK);
  let a_base = params.a_offset + a_batch(bi);
  let b_base = params.b_offset + b_batch(bi);
  let out_base = params.out_offset + out_batch(bi) + slice * 0u;
  let a_kk0 = ((li + 0u) / 64u) * 8u;
  let a_m0 = (li + 0u) % 64u;
  let a_ok0 = m0 + a_m0 < M;
  let a_off0 = select(0u, a_m(m0 + a_m0), a_ok0);
  let a_slot0 = a_kk0 * A_ROW + a_m0;
  let b_kk0 = (li + 0u) % 32u;
  let b_n0 = ((li + 0u) / 32u) * 8u;
  let b_ok0 = n0 + b_n0 < N;
  let b_off0 = select(0u, b_n(n0 + b_n0), b_ok0);
  let b_slot0 = b_n0 * B_ROW + b_kk0;
  let sg = li / 32u;
  let lane = li % 32u;
  let row0 = (sg / 4u) * 32u;
  let col0 = (sg % 4u) * 16u;
  var acc_0_0 = subgroup_matrix_result<f32, 16, 16>();
  var acc_1_0 = subgroup_matrix_result<f32, 16, 16>();
  // slab values are fetched into registers one slab ahead, so global loads overlap the math
  var a_v0 = vec4<u32>();
  if (a_ok0 && k_begin + a_kk0 < k_end) { a_v0 = a[(a_base + a_off0 + a_k(k_begin + a_kk0)) / 8u]; }
  var b_v0 = vec4<u32>();
  if (b_ok0 && k_begin + b_kk0 < k_end) { b_v0 = b[(b_base + b_off0 + b_k(k_begin + b_kk0)) / 8u]; }
  for (var k0 = k_begin; k0 < k_end; k0 += TK) {
    // stage the fetched TK-deep slab of a and b in workgroup memory (zeros past the edges)
    a_tile[a_slot0 + 0u * A_ROW] = bitcast<vec2<f16>>(a_v0[0])[0];
    a_tile[a_slot0 + 1u * A_ROW] = bitcast<vec2<f16>>(a_v0[0])[1];
    a_tile[a_slot0 + 2u * A_ROW] = bitcast<vec2<f16>>(a_v0[1])[0];
    a_tile[a_slot0 + 3u * A_ROW] = bitcast<vec2<f16>>(a_v0[1])[1];
    a_tile[a_slot0 + 4u * A_ROW] = bitcast<vec2<f16>>(a_v0[2])[0];
    a_tile[a_slot0 + 5u * A_ROW] = bitcast<vec2<f16>>(a_v0[2])[1];
    a_tile[a_slot0 + 6u * A_ROW] = bitcast<vec2<f16>>(a_v0[3])[0];
    a_tile[a_slot0 + 7u * A_ROW] = bitcast<vec2<f16>>(a_v0[3])[1];
    b_tile[b_slot0 + 0u * B_ROW] = bitcast<vec2<f16>>(b_v0[0])[0];
    b_tile[b_slot0 + 1u * B_ROW] = bitcast<vec2<f16>>(b_v0[0])[1];
    b_tile[b_slot0 + 2u * B_ROW] = bitcast<vec2<f16>>(b_v0[1])[0];
    b_tile[b_slot0 + 3u * B_ROW] = bitcast<vec2<f16>>(b_v0[1])[1];
    b_tile[b_slot0 + 4u * B_ROW] = bitcast<vec2<f16>>(b_v0[2])[0];
    b_tile[b_slot0 + 5u * B_ROW] = bitcast<vec2<f16>>(b_v0[2])[1];
    b_tile[b_slot0 + 6u * B_ROW] = bitcast<vec2<f16>>(b_v0[3])[0];
    b_tile[b_slot0 + 7u * B_ROW] = bitcast<vec2<f16>>(b_v0[3])[1];
    workgroupBarrier();
    a_v0 = vec4<u32>();
    if (a_ok0 && k0 + TK + a_kk0 < k_end) { a_v0 = a[(a_base + a_off0 + a_k(k0 + TK + a_kk0)) / 8u]; }
    b_v0 = vec4<u32>();
    if (b_ok0 && k0 + TK + b_kk0 < k_end) { b_v0 = b[(b_base + b_off0 + b_k(k0 + TK + b_kk0)) / 8u]; }
    for (var kk = 0u; kk < TK; kk += 16u) {
      let l0 = subgroupMatrixLoad<subgroup_matrix_left<f16, 16, 16>>(&a_tile, kk * A_ROW + row0 + 0u, true, A_ROW);
      let l1 = subgroupMatrixLoad<subgroup_matrix_left<f16, 16, 16>>(&a_tile, kk * A_ROW + row0 + 16u, true, A_ROW);
      let r0 = subgroupMatrixLoad<subgroup_matrix_right<f16, 16, 16>>(&b_tile, (col0 + 0u) * B_ROW + kk, true, B_ROW);
      acc_0_0 = subgroupMatrixMultiplyAccumulate(l0, r0, acc_0_0);
      acc_1_0 = subgroupMatrixMultiplyAccumulate(l1, r0, acc_1_0);
    }
    workgroupBarrier();
  }
  let mine = sg * 256u;
  subgroupMatrixStore(&stage, mine, acc_0_0, false, 16u);
  workgroupBarrier();
  for (var e = lane; e < 256u; e += 32u) {
    let om = m0 + row0 + 0u + e / 16u;
    let on = n0 + col0 + 0u + e % 16u;
    if (om < M && on < N) { out[out_base + out_m(om) + out_n(on)] = f16(stage[mine + e]); }
  }
  workgroupBarrier();
  subgroupMatrixStore(&stage, mine, acc_1_0, false, 16u);
  workgroupBarrier();
  for (var e = lane; e < 256u; e += 32u) {
    let om = m0 + row0 + 16u + e / 16u;
    let on = n0 + col0 + 0u + e % 16u;
    if (om < M && on < N) { out[out_base + out_m(om) + out_n(on)] = f16(stage[mine + e]); }
  }
  workgroupBarrier();
}

// ===== scalar
// binds [{"input":0},{"input":1},{"output":true}], 8704 bytes of workgroup memory
enable f16;
// einsight: direct (GETT) kernel, contraction step, direct
//   abc,acd->bd   sizes a=3 b=20 c=40 d=24
//   groups batch []=1 m [b]=20 n [d]=24 k [ac]=120
//   a strides a:1600 b:40 c:1; b strides a:960 c:24 d:1; out strides b:24 d:1
//   tile 32x32x16, 1 k slice(s) of 120; loads: a along k, b along n
//   1 workgroups, dispatch 1 x 1
struct Params {
  a_offset: u32,
  b_offset: u32,
  out_offset: u32,
  pad3: u32,
}
@group(0) @binding(0) var<storage, read> a: array<f16>;
@group(0) @binding(1) var<storage, read> b: array<f16>;
@group(0) @binding(2) var<storage, read_write> out: array<f16>;
@group(0) @binding(3) var<uniform> params: Params;

const M: u32 = 20u;
const N: u32 = 24u;
const K: u32 = 120u;
const TM: u32 = 32u;
const TN: u32 = 32u;
const TK: u32 = 16u;
const A_ROW: u32 = 36u; // elements per kk row of a_tile (padded)
const B_ROW: u32 = 32u; // elements per kk row of b_tile
const CHUNK: u32 = 120u; // k per slice
const TILES_M: u32 = 1u;
const TILES_N: u32 = 1u;
const BATCH: u32 = 1u;
const TILES: u32 = 1u;
const GRID_X: u32 = 1u;
//   2x2 per invocation (runs of 1x1)

var<workgroup> a_tile: array<f32, 1152>; // [kk][mm] x 2 buffers
var<workgroup> b_tile: array<f32, 1024>; // [kk][nn] x 2 buffers
const A_SLAB: u32 = 576u;
const B_SLAB: u32 = 512u;

fn a_batch(i: u32) -> u32 { return 0u; }
fn a_m(i: u32) -> u32 {
  let c_b = i;
  return c_b * 40u;
}
fn a_k(i: u32) -> u32 {
  var c_rest = i;
  let c_c = c_rest % 40u;
  c_rest = c_rest / 40u;
  let c_a = c_rest;
  return c_a * 1600u + c_c;
}
fn b_batch(i: u32) -> u32 { return 0u; }
fn b_k(i: u32) -> u32 {
  var c_rest = i;
  let c_c = c_rest % 40u;
  c_rest = c_rest / 40u;
  let c_a = c_rest;
  return c_a * 960u + c_c * 24u;
}
fn b_n(i: u32) -> u32 {
  let c_d = i;
  return c_d;
}
fn out_batch(i: u32) -> u32 { return 0u; }
fn out_m(i: u32) -> u32 {
  let c_b = i;
  return c_b * 24u;
}
fn out_n(i: u32) -> u32 {
  let c_d = i;
  return c_d;
}

@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let tile = wg.x + wg.y * GRID_X;
  if (tile >= TILES) { return; } // whole workgroups only: barriers stay uniform
  let tile_n = tile % TILES_N;
  let tile_m = (tile / TILES_N) % TILES_M;
  let bi = (tile / (TILES_N * TILES_M)) % BATCH;
  let slice = tile / (TILES_N * TILES_M * BATCH);
  let m0 = tile_m * TM;
  let n0 = tile_n * TN;
  let k_begin = slice * CHUNK;
  let k_end = min(K, k_begin + CHUNK);
  let a_base = params.a_offset + a_batch(bi);
  let b_base = params.b_offset + b_batch(bi);
  let out_base = params.out_offset + out_batch(bi) + slice * 0u;
  let a_kk0 = (li + 0u) % 16u;
  let a_m0 = (li + 0u) / 16u;
  let a_ok0 = m0 + a_m0 < M;
  let a_off0 = select(0u, a_m(m0 + a_m0), a_ok0);
  let a_slot0 = a_kk0 * A_ROW + a_m0;
  let a_kk1 = (li + 256u) % 16u;
  let a_m1 = (li + 256u) / 16u;
  let a_ok1 = m0 + a_m1 < M;
  let a_off1 = select(0u, a_m(m0 + a_m1), a_ok1);
  let a_slot1 = a_kk1 * A_ROW + a_m1;
  let b_kk0 = (li + 0u) / 32u;
  let b_n0 = (li + 0u) % 32u;
  let b_ok0 = n0 + b_n0 < N;
  let b_off0 = select(0u, b_n(n0 + b_n0), b_ok0);
  let b_slot0 = b_kk0 * B_ROW + b_n0;
  let b_kk1 = (li + 256u) / 32u;
  let b_n1 = (li + 256u) % 32u;
  let b_ok1 = n0 + b_n1 < N;
  let b_off1 = select(0u, b_n(n0 + b_n1), b_ok1);
  let b_slot1 = b_kk1 * B_ROW + b_n1;
  let tx = lid.x;
  let ty = lid.y;
  var acc_0_0 = 0.0;
  var acc_0_1 = 0.0;
  var acc_1_0 = 0.0;
  var acc_1_1 = 0.0;
  // slab values are fetched into registers one slab ahead, so global loads overlap the math;
  // slabs alternate between two buffers: one barrier a slab
  var a_v0 = 0.0;
  if (a_ok0 && k_begin + a_kk0 < k_end) { a_v0 = f32(a[a_base + a_off0 + a_k(k_begin + a_kk0)]); }
  var a_v1 = 0.0;
  if (a_ok1 && k_begin + a_kk1 < k_end) { a_v1 = f32(a[a_base + a_off1 + a_k(k_begin + a_kk1)]); }
  var b_v0 = 0.0;
  if (b_ok0 && k_begin + b_kk0 < k_end) { b_v0 = f32(b[b_base + b_off0 + b_k(k_begin + b_kk0)]); }
  var b_v1 = 0.0;
  if (b_ok1 && k_begin + b_kk1 < k_end) { b_v1 = f32(b[b_base + b_off1 + b_k(k_begin + b_kk1)]); }
  a_tile[a_slot0] = a_v0;
  a_tile[a_slot1] = a_v1;
  b_tile[b_slot0] = b_v0;
  b_tile[b_slot1] = b_v1;
  workgroupBarrier();
  var buf = 0u;
  for (var k0 = k_begin; k0 < k_end; k0 += TK) {
    let a_read = buf * A_SLAB;
    let b_read = buf * B_SLAB;
    a_v0 = 0.0;
    if (a_ok0 && k0 + TK + a_kk0 < k_end) { a_v0 = f32(a[a_base + a_off0 + a_k(k0 + TK + a_kk0)]); }
    a_v1 = 0.0;
    if (a_ok1 && k0 + TK + a_kk1 < k_end) { a_v1 = f32(a[a_base + a_off1 + a_k(k0 + TK + a_kk1)]); }
    b_v0 = 0.0;
    if (b_ok0 && k0 + TK + b_kk0 < k_end) { b_v0 = f32(b[b_base + b_off0 + b_k(k0 + TK + b_kk0)]); }
    b_v1 = 0.0;
    if (b_ok1 && k0 + TK + b_kk1 < k_end) { b_v1 = f32(b[b_base + b_off1 + b_k(k0 + TK + b_kk1)]); }
    for (var kk = 0u; kk < TK; kk++) {
      let a0 = a_tile[a_read + kk * 36u + 0u + ty];
      let a1 = a_tile[a_read + kk * 36u + 16u + ty];
      let b0 = b_tile[b_read + kk * 32u + 0u + tx];
      let b1 = b_tile[b_read + kk * 32u + 16u + tx];
      acc_0_0 = fma(a0, b0, acc_0_0);
      acc_0_1 = fma(a0, b1, acc_0_1);
      acc_1_0 = fma(a1, b0, acc_1_0);
      acc_1_1 = fma(a1, b1, acc_1_1);
    }
    // the next slab into the other buffer, which nobody reads until after the barrier
    a_tile[(A_SLAB - a_read) + a_slot0] = a_v0;
    a_tile[(A_SLAB - a_read) + a_slot1] = a_v1;
    b_tile[(B_SLAB - b_read) + b_slot0] = b_v0;
    b_tile[(B_SLAB - b_read) + b_slot1] = b_v1;
    workgroupBarrier();
    buf = 1u - buf;
  }
  let out_n0_0 = n0 + (0u + tx) * 1u + 0u;
  let out_n1_0 = n0 + (16u + tx) * 1u + 0u;
  let out_m0 = m0 + (0u + ty) * 1u + 0u;
  if (out_m0 < M) {
    let row0 = out_base + out_m(out_m0);
    if (out_n0_0 < N) { out[row0 + out_n(out_n0_0)] = f16(acc_0_0); }
    if (out_n1_0 < N) { out[row0 + out_n(out_n1_0)] = f16(acc_0_1); }
  }
  let out_m1 = m0 + (16u + ty) * 1u + 0u;
  if (out_m1 < M) {
    let row1 = out_base + out_m(out_m1);
    if (out_n0_0 < N) { out[row1 + out_n(out_n0_0)] = f16(acc_1_0); }
    if (out_n1_0 < N) { out[row1 + out_n(out_n1_0)] = f16(acc_1_1); }
  }
}

// ===== split-k matrix
// binds [{"input":0},{"input":1},{"output":true}], 0 bytes of workgroup memory
enable f16;
// einsight: loop kernel, contraction step, loop: one invocation per output element
//   abc,acd->bd   sizes a=3 b=20 c=40 d=24
//   in0 strides a:1600 b:40 c:1
//   in1 strides a:960 c:24 d:1
//   480 outputs of 120 terms, workgroup size 256, dispatch 2 x 1
struct Params {
  in0_offset: u32,
  in1_offset: u32,
  out_offset: u32,
  pad3: u32,
}
@group(0) @binding(0) var<storage, read> in0: array<f16>;
@group(0) @binding(1) var<storage, read> in1: array<f16>;
@group(0) @binding(2) var<storage, read_write> out: array<f16>;
@group(0) @binding(3) var<uniform> params: Params;

const COUNT: u32 = 480u;
const ROW: u32 = 512u; // invocations per row of the dispatch grid

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x + gid.y * ROW;
  if (i >= COUNT) { return; }
  // output index -> output coordinates -> where each input's sum starts
  var c_rest = i;
  let c_d = c_rest % 24u;
  c_rest = c_rest / 24u;
  let c_b = c_rest;
  let in0_base = params.in0_offset + c_b * 40u;
  let in1_base = params.in1_offset + c_d;
  var acc = 0.0;
  // the terms in blocks of 8, combined pairwise through a binary counter of partial sums
  let rounds = 120u / 8u;
  var levels: array<f32, 4>;
  for (var b = 0u; b < rounds; b++) {
    var block = 0.0;
    for (var e = 0u; e < 8u; e++) {
      var s_rest = b * 8u + e;
      let s_c = s_rest % 40u;
      s_rest = s_rest / 40u;
      let s_a = s_rest;
      let term = f32(in0[in0_base + s_a * 1600u + s_c]) * f32(in1[in1_base + s_a * 960u + s_c * 24u]);
      block += term;
    }
    let carries = countTrailingZeros(b + 1u);
    for (var l = 0u; l < carries; l++) { block = levels[l] + block; }
    levels[carries] = block;
  }
  for (var r = 0u; r < 120u - rounds * 8u; r++) {
    var s_rest = rounds * 8u + r;
    let s_c = s_rest % 40u;
    s_rest = s_rest / 40u;
    let s_a = s_rest;
    let term = f32(in0[in0_base + s_a * 1600u + s_c]) * f32(in1[in1_base + s_a * 960u + s_c * 24u]);
    acc += term;
  }
  for (var l = 0u; l < 4u; l++) {
    if ((rounds & (1u << l)) != 0u) { acc = levels[l] + acc; }
  }
  out[params.out_offset + i] = f16(acc);
}

// ===== ttgt matrix
// binds [{"input":0},{"scratch":0}], 0 bytes of workgroup memory
enable f16;
// einsight: copy a strided view into a contiguous tensor
//   source shape [20, 3, 40], strides [40, 1600, 1]
//   coalesced to shape [20, 3, 40], strides [40, 1600, 1]
//   2400 elements, workgroup size 256, dispatch 10 x 1
struct Params {
  src_offset: u32,
  dst_offset: u32,
  pad2: u32,
  pad3: u32,
}
@group(0) @binding(0) var<storage, read> src: array<f16>;
@group(0) @binding(1) var<storage, read_write> dst: array<f16>;
@group(0) @binding(2) var<uniform> params: Params;

const COUNT: u32 = 2400u;
const ROW: u32 = 2560u; // invocations per row of the dispatch grid

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x + gid.y * ROW;
  if (i >= COUNT) { return; }
  // output index -> source coordinates -> source index
  var src_crest = i;
  let src_c2 = src_crest % 40u;
  src_crest = src_crest / 40u;
  let src_c1 = src_crest % 3u;
  src_crest = src_crest / 3u;
  let src_c0 = src_crest;
  dst[params.dst_offset + i] = src[params.src_offset + src_c0 * 40u + src_c1 * 1600u + src_c2];
}

// binds [{"scratch":0},{"input":1},{"output":true}], 17408 bytes of workgroup memory
enable f16;
enable chromium_experimental_subgroup_matrix;
diagnostic(off, chromium.subgroup_matrix_uniformity);
// einsight: direct (GETT) kernel on 16x16x16 subgroup matrices, contraction step, ttgt
//   abc,bcd->ad   sizes a=20 b=3 c=40 d=24
//   groups batch []=1 m [a]=20 n [d]=24 k [bc]=120
//   a strides a:120 b:40 c:1; b strides b:960 c:24 d:1; out strides a:24 d:1
//   tile 64x64x32, 1 k slice(s) of 120; loads: a along k, b along n
//   1 workgroups, dispatch 1 x 1
struct Params {
  a_offset: u32,
  b_offset: u32,
  out_offset: u32,
  pad3: u32,
}
@group(0) @binding(0) var<storage, read> a: array<f16>;
@group(0) @binding(1) var<storage, read> b: array<f16>;
@group(0) @binding(2) var<storage, read_write> out: array<f16>;
@group(0) @binding(3) var<uniform> params: Params;

const M: u32 = 20u;
const N: u32 = 24u;
const K: u32 = 120u;
const TM: u32 = 64u;
const TN: u32 = 64u;
const TK: u32 = 32u;
const A_ROW: u32 = 72u; // elements per kk row of a_tile (padded)
const B_ROW: u32 = 72u; // elements per kk row of b_tile (padded)
const CHUNK: u32 = 120u; // k per slice
const TILES_M: u32 = 1u;
const TILES_N: u32 = 1u;
const BATCH: u32 = 1u;
const TILES: u32 = 1u;
const GRID_X: u32 = 1u;

var<workgroup> a_tile: array<f16, TK * A_ROW>; // [kk][mm]
var<workgroup> b_tile: array<f16, TK * B_ROW>; // [kk][nn]
var<workgroup> stage: array<f32, 2048>; // one result matrix per subgroup on its way out

fn a_batch(i: u32) -> u32 { return 0u; }
fn a_m(i: u32) -> u32 {
  let c_a = i;
  return c_a * 120u;
}
fn a_k(i: u32) -> u32 {
  var c_rest = i;
  let c_c = c_rest % 40u;
  c_rest = c_rest / 40u;
  let c_b = c_rest;
  return c_b * 40u + c_c;
}
fn b_batch(i: u32) -> u32 { return 0u; }
fn b_k(i: u32) -> u32 {
  var c_rest = i;
  let c_c = c_rest % 40u;
  c_rest = c_rest / 40u;
  let c_b = c_rest;
  return c_b * 960u + c_c * 24u;
}
fn b_n(i: u32) -> u32 {
  let c_d = i;
  return c_d;
}
fn out_batch(i: u32) -> u32 { return 0u; }
fn out_m(i: u32) -> u32 {
  let c_a = i;
  return c_a * 24u;
}
fn out_n(i: u32) -> u32 {
  let c_d = i;
  return c_d;
}

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let tile = wg.x + wg.y * GRID_X;
  if (tile >= TILES) { return; } // whole workgroups only: barriers stay uniform
  let tile_n = tile % TILES_N;
  let tile_m = (tile / TILES_N) % TILES_M;
  let bi = (tile / (TILES_N * TILES_M)) % BATCH;
  let slice = tile / (TILES_N * TILES_M * BATCH);
  let m0 = tile_m * TM;
  let n0 = tile_n * TN;
  let k_begin = slice * CHUNK;
  let k_end = min(K, k_begin + CHUNK);
  let a_base = params.a_offset + a_batch(bi);
  let b_base = params.b_offset + b_batch(bi);
  let out_base = params.out_offset + out_batch(bi) + slice * 0u;
  let a_kk0 = (li + 0u) % 32u;
  let a_m0 = (li + 0u) / 32u;
  let a_ok0 = m0 + a_m0 < M;
  let a_off0 = select(0u, a_m(m0 + a_m0), a_ok0);
  let a_slot0 = a_kk0 * A_ROW + a_m0;
  let a_kk1 = (li + 256u) % 32u;
  let a_m1 = (li + 256u) / 32u;
  let a_ok1 = m0 + a_m1 < M;
  let a_off1 = select(0u, a_m(m0 + a_m1), a_ok1);
  let a_slot1 = a_kk1 * A_ROW + a_m1;
  let a_kk2 = (li + 512u) % 32u;
  let a_m2 = (li + 512u) / 32u;
  let a_ok2 = m0 + a_m2 < M;
  let a_off2 = select(0u, a_m(m0 + a_m2), a_ok2);
  let a_slot2 = a_kk2 * A_ROW + a_m2;
  let a_kk3 = (li + 768u) % 32u;
  let a_m3 = (li + 768u) / 32u;
  let a_ok3 = m0 + a_m3 < M;
  let a_off3 = select(0u, a_m(m0 + a_m3), a_ok3);
  let a_slot3 = a_kk3 * A_ROW + a_m3;
  let a_kk4 = (li + 1024u) % 32u;
  let a_m4 = (li + 1024u) / 32u;
  let a_ok4 = m0 + a_m4 < M;
  let a_off4 = select(0u, a_m(m0 + a_m4), a_ok4);
  let a_slot4 = a_kk4 * A_ROW + a_m4;
  let a_kk5 = (li + 1280u) % 32u;
  let a_m5 = (li + 1280u) / 32u;
  let a_ok5 = m0 + a_m5 < M;
  let a_off5 = select(0u, a_m(m0 + a_m5), a_ok5);
  let a_slot5 = a_kk5 * A_ROW + a_m5;
  let a_kk6 = (li + 1536u) % 32u;
  let a_m6 = (li + 1536u) / 32u;
  let a_ok6 = m0 + a_m6 < M;
  let a_off6 = select(0u, a_m(m0 + a_m6), a_ok6);
  let a_slot6 = a_kk6 * A_ROW + a_m6;
  let a_kk7 = (li + 1792u) % 32u;
  let a_m7 = (li + 1792u) / 32u;
  let a_ok7 = m0 + a_m7 < M;
  let a_off7 = select(0u, a_m(m0 + a_m7), a_ok7);
  let a_slot7 = a_kk7 * A_ROW + a_m7;
  let b_kk0 = (li + 0u) / 64u;
  let b_n0 = (li + 0u) % 64u;
  let b_ok0 = n0 + b_n0 < N;
  let b_off0 = select(0u, b_n(n0 + b_n0), b_ok0);
  let b_slot0 = b_kk0 * B_ROW + b_n0;
  let b_kk1 = (li + 256u) / 64u;
  let b_n1 = (li + 256u) % 64u;
  let b_ok1 = n0 + b_n1 < N;
  let b_off1 = select(0u, b_n(n0 + b_n1), b_ok1);
  let b_slot1 = b_kk1 * B_ROW + b_n1;
  let b_kk2 = (li + 512u) / 64u;
  let b_n2 = (li + 512u) % 64u;
  let b_ok2 = n0 + b_n2 < N;
  let b_off2 = select(0u, b_n(n0 + b_n2), b_ok2);
  let b_slot2 = b_kk2 * B_ROW + b_n2;
  let b_kk3 = (li + 768u) / 64u;
  let b_n3 = (li + 768u) % 64u;
  let b_ok3 = n0 + b_n3 < N;
  let b_off3 = select(0u, b_n(n0 + b_n3), b_ok3);
  let b_slot3 = b_kk3 * B_ROW + b_n3;
  let b_kk4 = (li + 1024u) / 64u;
  let b_n4 = (li + 1024u) % 64u;
  let b_ok4 = n0 + b_n4 < N;
  let b_off4 = select(0u, b_n(n0 + b_n4), b_ok4);
  let b_slot4 = b_kk4 * B_ROW + b_n4;
  let b_kk5 = (li + 1280u) / 64u;
  let b_n5 = (li + 1280u) % 64u;
  let b_ok5 = n0 + b_n5 < N;
  let b_off5 = select(0u, b_n(n0 + b_n5), b_ok5);
  let b_slot5 = b_kk5 * B_ROW + b_n5;
  let b_kk6 = (li + 1536u) / 64u;
  let b_n6 = (li + 1536u) % 64u;
  let b_ok6 = n0 + b_n6 < N;
  let b_off6 = select(0u, b_n(n0 + b_n6), b_ok6);
  let b_slot6 = b_kk6 * B_ROW + b_n6;
  let b_kk7 = (li + 1792u) / 64u;
  let b_n7 = (li + 1792u) % 64u;
  let b_ok7 = n0 + b_n7 < N;
  let b_off7 = select(0u, b_n(n0 + b_n7), b_ok7);
  let b_slot7 = b_kk7 * B_ROW + b_n7;
  let sg = li / 32u;
  let lane = li % 32u;
  let row0 = (sg / 4u) * 32u;
  let col0 = (sg % 4u) * 16u;
  var acc_0_0 = subgroup_matrix_result<f32, 16, 16>();
  var acc_1_0 = subgroup_matrix_result<f32, 16, 16>();
  // slab values are fetched into registers one slab ahead, so global loads overlap the math
  var a_v0 = 0.0;
  if (a_ok0 && k_begin + a_kk0 < k_end) { a_v0 = f32(a[a_base + a_off0 + a_k(k_begin + a_kk0)]); }
  var a_v1 = 0.0;
  if (a_ok1 && k_begin + a_kk1 < k_end) { a_v1 = f32(a[a_base + a_off1 + a_k(k_begin + a_kk1)]); }
  var a_v2 = 0.0;
  if (a_ok2 && k_begin + a_kk2 < k_end) { a_v2 = f32(a[a_base + a_off2 + a_k(k_begin + a_kk2)]); }
  var a_v3 = 0.0;
  if (a_ok3 && k_begin + a_kk3 < k_end) { a_v3 = f32(a[a_base + a_off3 + a_k(k_begin + a_kk3)]); }
  var a_v4 = 0.0;
  if (a_ok4 && k_begin + a_kk4 < k_end) { a_v4 = f32(a[a_base + a_off4 + a_k(k_begin + a_kk4)]); }
  var a_v5 = 0.0;
  if (a_ok5 && k_begin + a_kk5 < k_end) { a_v5 = f32(a[a_base + a_off5 + a_k(k_begin + a_kk5)]); }
  var a_v6 = 0.0;
  if (a_ok6 && k_begin + a_kk6 < k_end) { a_v6 = f32(a[a_base + a_off6 + a_k(k_begin + a_kk6)]); }
  var a_v7 = 0.0;
  if (a_ok7 && k_begin + a_kk7 < k_end) { a_v7 = f32(a[a_base + a_off7 + a_k(k_begin + a_kk7)]); }
  var b_v0 = 0.0;
  if (b_ok0 && k_begin + b_kk0 < k_end) { b_v0 = f32(b[b_base + b_off0 + b_k(k_begin + b_kk0)]); }
  var b_v1 = 0.0;
  if (b_ok1 && k_begin + b_kk1 < k_end) { b_v1 = f32(b[b_base + b_off1 + b_k(k_begin + b_kk1)]); }
  var b_v2 = 0.0;
  if (b_ok2 && k_begin + b_kk2 < k_end) { b_v2 = f32(b[b_base + b_off2 + b_k(k_begin + b_kk2)]); }
  var b_v3 = 0.0;
  if (b_ok3 && k_begin + b_kk3 < k_end) { b_v3 = f32(b[b_base + b_off3 + b_k(k_begin + b_kk3)]); }
  var b_v4 = 0.0;
  if (b_ok4 && k_begin + b_kk4 < k_end) { b_v4 = f32(b[b_base + b_off4 + b_k(k_begin + b_kk4)]); }
  var b_v5 = 0.0;
  if (b_ok5 && k_begin + b_kk5 < k_end) { b_v5 = f32(b[b_base + b_off5 + b_k(k_begin + b_kk5)]); }
  var b_v6 = 0.0;
  if (b_ok6 && k_begin + b_kk6 < k_end) { b_v6 = f32(b[b_base + b_off6 + b_k(k_begin + b_kk6)]); }
  var b_v7 = 0.0;
  if (b_ok7 && k_begin + b_kk7 < k_end) { b_v7 = f32(b[b_base + b_off7 + b_k(k_begin + b_kk7)]); }
  for (var k0 = k_begin; k0 < k_end; k0 += TK) {
    // stage the fetched TK-deep slab of a and b in workgroup memory (zeros past the edges)
    a_tile[a_slot0] = f16(a_v0);
    a_tile[a_slot1] = f16(a_v1);
    a_tile[a_slot2] = f16(a_v2);
    a_tile[a_slot3] = f16(a_v3);
    a_tile[a_slot4] = f16(a_v4);
    a_tile[a_slot5] = f16(a_v5);
    a_tile[a_slot6] = f16(a_v6);
    a_tile[a_slot7] = f16(a_v7);
    b_tile[b_slot0] = f16(b_v0);
    b_tile[b_slot1] = f16(b_v1);
    b_tile[b_slot2] = f16(b_v2);
    b_tile[b_slot3] = f16(b_v3);
    b_tile[b_slot4] = f16(b_v4);
    b_tile[b_slot5] = f16(b_v5);
    b_tile[b_slot6] = f16(b_v6);
    b_tile[b_slot7] = f16(b_v7);
    workgroupBarrier();
    a_v0 = 0.0;
    if (a_ok0 && k0 + TK + a_kk0 < k_end) { a_v0 = f32(a[a_base + a_off0 + a_k(k0 + TK + a_kk0)]); }
    a_v1 = 0.0;
    if (a_ok1 && k0 + TK + a_kk1 < k_end) { a_v1 = f32(a[a_base + a_off1 + a_k(k0 + TK + a_kk1)]); }
    a_v2 = 0.0;
    if (a_ok2 && k0 + TK + a_kk2 < k_end) { a_v2 = f32(a[a_base + a_off2 + a_k(k0 + TK + a_kk2)]); }
    a_v3 = 0.0;
    if (a_ok3 && k0 + TK + a_kk3 < k_end) { a_v3 = f32(a[a_base + a_off3 + a_k(k0 + TK + a_kk3)]); }
    a_v4 = 0.0;
    if (a_ok4 && k0 + TK + a_kk4 < k_end) { a_v4 = f32(a[a_base + a_off4 + a_k(k0 + TK + a_kk4)]); }
    a_v5 = 0.0;
    if (a_ok5 && k0 + TK + a_kk5 < k_end) { a_v5 = f32(a[a_base + a_off5 + a_k(k0 + TK + a_kk5)]); }
    a_v6 = 0.0;
    if (a_ok6 && k0 + TK + a_kk6 < k_end) { a_v6 = f32(a[a_base + a_off6 + a_k(k0 + TK + a_kk6)]); }
    a_v7 = 0.0;
    if (a_ok7 && k0 + TK + a_kk7 < k_end) { a_v7 = f32(a[a_base + a_off7 + a_k(k0 + TK + a_kk7)]); }
    b_v0 = 0.0;
    if (b_ok0 && k0 + TK + b_kk0 < k_end) { b_v0 = f32(b[b_base + b_off0 + b_k(k0 + TK + b_kk0)]); }
    b_v1 = 0.0;
    if (b_ok1 && k0 + TK + b_kk1 < k_end) { b_v1 = f32(b[b_base + b_off1 + b_k(k0 + TK + b_kk1)]); }
    b_v2 = 0.0;
    if (b_ok2 && k0 + TK + b_kk2 < k_end) { b_v2 = f32(b[b_base + b_off2 + b_k(k0 + TK + b_kk2)]); }
    b_v3 = 0.0;
    if (b_ok3 && k0 + TK + b_kk3 < k_end) { b_v3 = f32(b[b_base + b_off3 + b_k(k0 + TK + b_kk3)]); }
    b_v4 = 0.0;
    if (b_ok4 && k0 + TK + b_kk4 < k_end) { b_v4 = f32(b[b_base + b_off4 + b_k(k0 + TK + b_kk4)]); }
    b_v5 = 0.0;
    if (b_ok5 && k0 + TK + b_kk5 < k_end) { b_v5 = f32(b[b_base + b_off5 + b_k(k0 + TK + b_kk5)]); }
    b_v6 = 0.0;
    if (b_ok6 && k0 + TK + b_kk6 < k_end) { b_v6 = f32(b[b_base + b_off6 + b_k(k0 + TK + b_kk6)]); }
    b_v7 = 0.0;
    if (b_ok7 && k0 + TK + b_kk7 < k_end) { b_v7 = f32(b[b_base + b_off7 + b_k(k0 + TK + b_kk7)]); }
    for (var kk = 0u; kk < TK; kk += 16u) {
      let l0 = subgroupMatrixLoad<subgroup_matrix_left<f16, 16, 16>>(&a_tile, kk * A_ROW + row0 + 0u, true, A_ROW);
      let l1 = subgroupMatrixLoad<subgroup_matrix_left<f16, 16, 16>>(&a_tile, kk * A_ROW + row0 + 16u, true, A_ROW);
      let r0 = subgroupMatrixLoad<subgroup_matrix_right<f16, 16, 16>>(&b_tile, kk * B_ROW + col0 + 0u, false, B_ROW);
      acc_0_0 = subgroupMatrixMultiplyAccumulate(l0, r0, acc_0_0);
      acc_1_0 = subgroupMatrixMultiplyAccumulate(l1, r0, acc_1_0);
    }
    workgroupBarrier();
  }
  let mine = sg * 256u;
  subgroupMatrixStore(&stage, mine, acc_0_0, false, 16u);
  workgroupBarrier();
  for (var e = lane; e < 256u; e += 32u) {
    let om = m0 + row0 + 0u + e / 16u;
    let on = n0 + col0 + 0u + e % 16u;
    if (om < M && on < N) { out[out_base + out_m(om) + out_n(on)] = f16(stage[mine + e]); }
  }
  workgroupBarrier();
  subgroupMatrixStore(&stage, mine, acc_1_0, false, 16u);
  workgroupBarrier();
  for (var e = lane; e < 256u; e += 32u) {
    let om = m0 + row0 + 16u + e / 16u;
    let on = n0 + col0 + 0u + e % 16u;
    if (om < M && on < N) { out[out_base + out_m(om) + out_n(on)] = f16(stage[mine + e]); }
  }
  workgroupBarrier();
}

// ===== loop
// binds [{"input":0},{"input":1},{"output":true}], 0 bytes of workgroup memory
enable f16;
// einsight: loop kernel, contraction step, loop: one invocation per output element
//   abc,acd->bd   sizes a=3 b=20 c=40 d=24
//   in0 strides a:1600 b:40 c:1
//   in1 strides a:960 c:24 d:1
//   480 outputs of 120 terms, workgroup size 256, dispatch 2 x 1
struct Params {
  in0_offset: u32,
  in1_offset: u32,
  out_offset: u32,
  pad3: u32,
}
@group(0) @binding(0) var<storage, read> in0: array<f16>;
@group(0) @binding(1) var<storage, read> in1: array<f16>;
@group(0) @binding(2) var<storage, read_write> out: array<f16>;
@group(0) @binding(3) var<uniform> params: Params;

const COUNT: u32 = 480u;
const ROW: u32 = 512u; // invocations per row of the dispatch grid

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x + gid.y * ROW;
  if (i >= COUNT) { return; }
  // output index -> output coordinates -> where each input's sum starts
  var c_rest = i;
  let c_d = c_rest % 24u;
  c_rest = c_rest / 24u;
  let c_b = c_rest;
  let in0_base = params.in0_offset + c_b * 40u;
  let in1_base = params.in1_offset + c_d;
  var acc = 0.0;
  // the terms in blocks of 8, combined pairwise through a binary counter of partial sums
  let rounds = 120u / 8u;
  var levels: array<f32, 4>;
  for (var b = 0u; b < rounds; b++) {
    var block = 0.0;
    for (var e = 0u; e < 8u; e++) {
      var s_rest = b * 8u + e;
      let s_c = s_rest % 40u;
      s_rest = s_rest / 40u;
      let s_a = s_rest;
      let term = f32(in0[in0_base + s_a * 1600u + s_c]) * f32(in1[in1_base + s_a * 960u + s_c * 24u]);
      block += term;
    }
    let carries = countTrailingZeros(b + 1u);
    for (var l = 0u; l < carries; l++) { block = levels[l] + block; }
    levels[carries] = block;
  }
  for (var r = 0u; r < 120u - rounds * 8u; r++) {
    var s_rest = rounds * 8u + r;
    let s_c = s_rest % 40u;
    s_rest = s_rest / 40u;
    let s_a = s_rest;
    let term = f32(in0[in0_base + s_a * 1600u + s_c]) * f32(in1[in1_base + s_a * 960u + s_c * 24u]);
    acc += term;
  }
  for (var l = 0u; l < 4u; l++) {
    if ((rounds & (1u << l)) != 0u) { acc = levels[l] + acc; }
  }
  out[params.out_offset + i] = f16(acc);
}

// ===== matrix, per-subgroup slabs (tiles.subgroupSlabs)
// 18432 bytes of workgroup memory
enable f16;
enable chromium_experimental_subgroup_matrix;
diagnostic(off, chromium.subgroup_matrix_uniformity);
// einsight: direct (GETT) kernel on 16x16x16 subgroup matrices, contraction step, direct
//   abc,acd->bd   sizes a=3 b=20 c=40 d=24
//   groups batch []=1 m [b]=20 n [d]=24 k [ac]=120
//   a strides a:1600 b:40 c:1; b strides a:960 c:24 d:1; out strides b:24 d:1
//   tile 64x64x32, 1 k slice(s) of 120; loads: a along k, b along n
//   1 workgroups, dispatch 1 x 1
struct Params {
  a_offset: u32,
  b_offset: u32,
  out_offset: u32,
  pad3: u32,
}
@group(0) @binding(0) var<storage, read> a: array<vec4<u32>>; // read 8 elements at a time
@group(0) @binding(1) var<storage, read> b: array<vec4<u32>>; // read 8 elements at a time
@group(0) @binding(2) var<storage, read_write> out: array<f16>;
@group(0) @binding(3) var<uniform> params: Params;

const M: u32 = 20u;
const N: u32 = 24u;
const K: u32 = 120u;
const TM: u32 = 64u;
const TN: u32 = 64u;
const TK: u32 = 32u;
const A_ROW: u32 = 40u; // elements per kk row of a_tile (padded)
const B_ROW: u32 = 40u; // elements per nn row of b_tile (padded)
const CHUNK: u32 = 120u; // k per slice
const TILES_M: u32 = 1u;
const TILES_N: u32 = 1u;
const BATCH: u32 = 1u;
const TILES: u32 = 1u;
const GRID_X: u32 = 1u;

var<workgroup> a_tile: array<array<f16, 1280>, 2>; // a [kk][mm] slab per row of subgroups
var<workgroup> b_tile: array<array<f16, 640>, 4>; // a [nn][kk] slab per column of subgroups
var<workgroup> stage: array<f32, 2048>; // one result matrix per subgroup on its way out

fn a_batch(i: u32) -> u32 { return 0u; }
fn a_m(i: u32) -> u32 {
  let c_b = i;
  return c_b * 40u;
}
fn a_k(i: u32) -> u32 {
  var c_rest = i;
  let c_c = c_rest % 40u;
  c_rest = c_rest / 40u;
  let c_a = c_rest;
  return c_a * 1600u + c_c;
}
fn b_batch(i: u32) -> u32 { return 0u; }
fn b_k(i: u32) -> u32 {
  var c_rest = i;
  let c_c = c_rest % 40u;
  c_rest = c_rest / 40u;
  let c_a = c_rest;
  return c_a * 960u + c_c * 24u;
}
fn b_n(i: u32) -> u32 {
  let c_d = i;
  return c_d;
}
fn out_batch(i: u32) -> u32 { return 0u; }
fn out_m(i: u32) -> u32 {
  let c_b = i;
  return c_b * 24u;
}
fn out_n(i: u32) -> u32 {
  let c_d = i;
  return c_d;
}

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let tile = wg.x + wg.y * GRID_X;
  if (tile >= TILES) { return; } // whole workgroups only: barriers stay uniform
  let tile_n = tile % TILES_N;
  let tile_m = (tile / TILES_N) % TILES_M;
  let bi = (tile / (TILES_N * TILES_M)) % BATCH;
  let slice = tile / (TILES_N * TILES_M * BATCH);
  let m0 = tile_m * TM;
  let n0 = tile_n * TN;
  let k_begin = slice * CHUNK;
  let k_end = min(K, k_begin + CHUNK);
  let a_base = params.a_offset + a_batch(bi);
  let b_base = params.b_offset + b_batch(bi);
  let out_base = params.out_offset + out_batch(bi) + slice * 0u;
  let a_kk0 = ((li + 0u) / 64u) * 8u;
  let a_m0 = (li + 0u) % 64u;
  let a_ok0 = m0 + a_m0 < M;
  let a_off0 = select(0u, a_m(m0 + a_m0), a_ok0);
  let a_part0 = a_m0 / 32u;
  let a_slot0 = a_kk0 * A_ROW + (a_m0 % 32u);
  let b_kk0 = (li + 0u) % 32u;
  let b_n0 = ((li + 0u) / 32u) * 8u;
  let b_ok0 = n0 + b_n0 < N;
  let b_off0 = select(0u, b_n(n0 + b_n0), b_ok0);
  let b_part0 = b_n0 / 16u;
  let b_slot0 = (b_n0 % 16u) * B_ROW + b_kk0;
  let sg = li / 32u;
  let lane = li % 32u;
  let row0 = (sg / 4u) * 32u;
  let col0 = (sg % 4u) * 16u;
  var acc_0_0 = subgroup_matrix_result<f32, 16, 16>();
  var acc_1_0 = subgroup_matrix_result<f32, 16, 16>();
  // slab values are fetched into registers one slab ahead, so global loads overlap the math
  var a_v0 = vec4<u32>();
  if (a_ok0 && k_begin + a_kk0 < k_end) { a_v0 = a[(a_base + a_off0 + a_k(k_begin + a_kk0)) / 8u]; }
  var b_v0 = vec4<u32>();
  if (b_ok0 && k_begin + b_kk0 < k_end) { b_v0 = b[(b_base + b_off0 + b_k(k_begin + b_kk0)) / 8u]; }
  for (var k0 = k_begin; k0 < k_end; k0 += TK) {
    // stage the fetched TK-deep slab of a and b in workgroup memory (zeros past the edges)
    a_tile[a_part0][a_slot0 + 0u * A_ROW] = bitcast<vec2<f16>>(a_v0[0])[0];
    a_tile[a_part0][a_slot0 + 1u * A_ROW] = bitcast<vec2<f16>>(a_v0[0])[1];
    a_tile[a_part0][a_slot0 + 2u * A_ROW] = bitcast<vec2<f16>>(a_v0[1])[0];
    a_tile[a_part0][a_slot0 + 3u * A_ROW] = bitcast<vec2<f16>>(a_v0[1])[1];
    a_tile[a_part0][a_slot0 + 4u * A_ROW] = bitcast<vec2<f16>>(a_v0[2])[0];
    a_tile[a_part0][a_slot0 + 5u * A_ROW] = bitcast<vec2<f16>>(a_v0[2])[1];
    a_tile[a_part0][a_slot0 + 6u * A_ROW] = bitcast<vec2<f16>>(a_v0[3])[0];
    a_tile[a_part0][a_slot0 + 7u * A_ROW] = bitcast<vec2<f16>>(a_v0[3])[1];
    b_tile[b_part0][b_slot0 + 0u * B_ROW] = bitcast<vec2<f16>>(b_v0[0])[0];
    b_tile[b_part0][b_slot0 + 1u * B_ROW] = bitcast<vec2<f16>>(b_v0[0])[1];
    b_tile[b_part0][b_slot0 + 2u * B_ROW] = bitcast<vec2<f16>>(b_v0[1])[0];
    b_tile[b_part0][b_slot0 + 3u * B_ROW] = bitcast<vec2<f16>>(b_v0[1])[1];
    b_tile[b_part0][b_slot0 + 4u * B_ROW] = bitcast<vec2<f16>>(b_v0[2])[0];
    b_tile[b_part0][b_slot0 + 5u * B_ROW] = bitcast<vec2<f16>>(b_v0[2])[1];
    b_tile[b_part0][b_slot0 + 6u * B_ROW] = bitcast<vec2<f16>>(b_v0[3])[0];
    b_tile[b_part0][b_slot0 + 7u * B_ROW] = bitcast<vec2<f16>>(b_v0[3])[1];
    workgroupBarrier();
    a_v0 = vec4<u32>();
    if (a_ok0 && k0 + TK + a_kk0 < k_end) { a_v0 = a[(a_base + a_off0 + a_k(k0 + TK + a_kk0)) / 8u]; }
    b_v0 = vec4<u32>();
    if (b_ok0 && k0 + TK + b_kk0 < k_end) { b_v0 = b[(b_base + b_off0 + b_k(k0 + TK + b_kk0)) / 8u]; }
    { // k step 0: offsets are constants
      let l0 = subgroupMatrixLoad<subgroup_matrix_left<f16, 16, 16>>(&a_tile[sg / 4u], 0u, true, A_ROW);
      let l1 = subgroupMatrixLoad<subgroup_matrix_left<f16, 16, 16>>(&a_tile[sg / 4u], 16u, true, A_ROW);
      let r0 = subgroupMatrixLoad<subgroup_matrix_right<f16, 16, 16>>(&b_tile[sg % 4u], 0u, true, B_ROW);
      acc_0_0 = subgroupMatrixMultiplyAccumulate(l0, r0, acc_0_0);
      acc_1_0 = subgroupMatrixMultiplyAccumulate(l1, r0, acc_1_0);
    }
    { // k step 1: offsets are constants
      let l0 = subgroupMatrixLoad<subgroup_matrix_left<f16, 16, 16>>(&a_tile[sg / 4u], 640u, true, A_ROW);
      let l1 = subgroupMatrixLoad<subgroup_matrix_left<f16, 16, 16>>(&a_tile[sg / 4u], 656u, true, A_ROW);
      let r0 = subgroupMatrixLoad<subgroup_matrix_right<f16, 16, 16>>(&b_tile[sg % 4u], 16u, true, B_ROW);
      acc_0_0 = subgroupMatrixMultiplyAccumulate(l0, r0, acc_0_0);
      acc_1_0 = subgroupMatrixMultiplyAccumulate(l1, r0, acc_1_0);
    }
    workgroupBarrier();
  }
  let mine = sg * 256u;
  subgroupMatrixStore(&stage, mine, acc_0_0, false, 16u);
  workgroupBarrier();
  for (var e = lane; e < 256u; e += 32u) {
    let om = m0 + row0 + 0u + e / 16u;
    let on = n0 + col0 + 0u + e % 16u;
    if (om < M && on < N) { out[out_base + out_m(om) + out_n(on)] = f16(stage[mine + e]); }
  }
  workgroupBarrier();
  subgroupMatrixStore(&stage, mine, acc_1_0, false, 16u);
  workgroupBarrier();
  for (var e = lane; e < 256u; e += 32u) {
    let om = m0 + row0 + 16u + e / 16u;
    let on = n0 + col0 + 0u + e % 16u;
    if (om < M && on < N) { out[out_base + out_m(om) + out_n(on)] = f16(stage[mine + e]); }
  }
  workgroupBarrier();
}

// ===== matrix, view slabs (tiles.viewSlabs)
// 17920 bytes of workgroup memory
enable f16;
requires buffer_view;
enable chromium_experimental_subgroup_matrix;
diagnostic(off, chromium.subgroup_matrix_uniformity);
// einsight: direct (GETT) kernel on 16x16x16 subgroup matrices, contraction step, direct
//   abc,acd->bd   sizes a=3 b=20 c=40 d=24
//   groups batch []=1 m [b]=20 n [d]=24 k [ac]=120
//   a strides a:1600 b:40 c:1; b strides a:960 c:24 d:1; out strides b:24 d:1
//   tile 64x64x32, 1 k slice(s) of 120; loads: a along k, b along n
//   1 workgroups, dispatch 1 x 1
struct Params {
  a_offset: u32,
  b_offset: u32,
  out_offset: u32,
  pad3: u32,
}
@group(0) @binding(0) var<storage, read> a: array<vec4<u32>>; // read 8 elements at a time
@group(0) @binding(1) var<storage, read> b: array<vec4<u32>>; // read 8 elements at a time
@group(0) @binding(2) var<storage, read_write> out: array<f16>;
@group(0) @binding(3) var<uniform> params: Params;

const M: u32 = 20u;
const N: u32 = 24u;
const K: u32 = 120u;
const TM: u32 = 64u;
const TN: u32 = 64u;
const TK: u32 = 32u;
const A_ROW: u32 = 40u; // elements per mm row of a_tile (padded)
const B_ROW: u32 = 72u; // elements per kk row of b_tile (padded)
const CHUNK: u32 = 120u; // k per slice
const TILES_M: u32 = 1u;
const TILES_N: u32 = 1u;
const BATCH: u32 = 1u;
const TILES: u32 = 1u;
const GRID_X: u32 = 1u;

var<workgroup> a_mem: buffer<5120>; // a's [mm][kk] slab: stored as vec4<u32>, read as f16
var<workgroup> b_mem: buffer<4608>; // b's [kk][nn] slab
var<workgroup> stage: array<f32, 2048>; // one result matrix per subgroup on its way out

fn a_batch(i: u32) -> u32 { return 0u; }
fn a_m(i: u32) -> u32 {
  let c_b = i;
  return c_b * 40u;
}
fn a_k(i: u32) -> u32 {
  var c_rest = i;
  let c_c = c_rest % 40u;
  c_rest = c_rest / 40u;
  let c_a = c_rest;
  return c_a * 1600u + c_c;
}
fn b_batch(i: u32) -> u32 { return 0u; }
fn b_k(i: u32) -> u32 {
  var c_rest = i;
  let c_c = c_rest % 40u;
  c_rest = c_rest / 40u;
  let c_a = c_rest;
  return c_a * 960u + c_c * 24u;
}
fn b_n(i: u32) -> u32 {
  let c_d = i;
  return c_d;
}
fn out_batch(i: u32) -> u32 { return 0u; }
fn out_m(i: u32) -> u32 {
  let c_b = i;
  return c_b * 24u;
}
fn out_n(i: u32) -> u32 {
  let c_d = i;
  return c_d;
}

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let tile = wg.x + wg.y * GRID_X;
  if (tile >= TILES) { return; } // whole workgroups only: barriers stay uniform
  let tile_n = tile % TILES_N;
  let tile_m = (tile / TILES_N) % TILES_M;
  let bi = (tile / (TILES_N * TILES_M)) % BATCH;
  let slice = tile / (TILES_N * TILES_M * BATCH);
  let m0 = tile_m * TM;
  let n0 = tile_n * TN;
  let k_begin = slice * CHUNK;
  let k_end = min(K, k_begin + CHUNK);
  let a_base = params.a_offset + a_batch(bi);
  let b_base = params.b_offset + b_batch(bi);
  let out_base = params.out_offset + out_batch(bi) + slice * 0u;
  let a_kk0 = ((li + 0u) % 4u) * 8u;
  let a_m0 = (li + 0u) / 4u;
  let a_ok0 = m0 + a_m0 < M;
  let a_off0 = select(0u, a_m(m0 + a_m0), a_ok0);
  let a_slot0 = a_m0 * A_ROW + a_kk0;
  let b_kk0 = (li + 0u) / 8u;
  let b_n0 = ((li + 0u) % 8u) * 8u;
  let b_ok0 = n0 + b_n0 < N;
  let b_off0 = select(0u, b_n(n0 + b_n0), b_ok0);
  let b_slot0 = b_kk0 * B_ROW + b_n0;
  let a_tile = bufferView<array<f16>>(&a_mem, 0);
  let a_wide = bufferView<array<vec4<u32>>>(&a_mem, 0);
  let b_tile = bufferView<array<f16>>(&b_mem, 0);
  let b_wide = bufferView<array<vec4<u32>>>(&b_mem, 0);
  let sg = li / 32u;
  let lane = li % 32u;
  let row0 = (sg / 4u) * 32u;
  let col0 = (sg % 4u) * 16u;
  var acc_0_0 = subgroup_matrix_result<f32, 16, 16>();
  var acc_1_0 = subgroup_matrix_result<f32, 16, 16>();
  // slab values are fetched into registers one slab ahead, so global loads overlap the math
  var a_v0 = vec4<u32>();
  if (a_ok0 && k_begin + a_kk0 < k_end) { a_v0 = a[(a_base + a_off0 + a_k(k_begin + a_kk0)) / 8u]; }
  var b_v0 = vec4<u32>();
  if (b_ok0 && k_begin + b_kk0 < k_end) { b_v0 = b[(b_base + b_off0 + b_k(k_begin + b_kk0)) / 8u]; }
  for (var k0 = k_begin; k0 < k_end; k0 += TK) {
    // stage the fetched TK-deep slab of a and b in workgroup memory (zeros past the edges)
    a_wide[a_slot0 / 8u] = a_v0;
    b_wide[b_slot0 / 8u] = b_v0;
    workgroupBarrier();
    a_v0 = vec4<u32>();
    if (a_ok0 && k0 + TK + a_kk0 < k_end) { a_v0 = a[(a_base + a_off0 + a_k(k0 + TK + a_kk0)) / 8u]; }
    b_v0 = vec4<u32>();
    if (b_ok0 && k0 + TK + b_kk0 < k_end) { b_v0 = b[(b_base + b_off0 + b_k(k0 + TK + b_kk0)) / 8u]; }
    for (var kk = 0u; kk < TK; kk += 16u) {
      let l0 = subgroupMatrixLoad<subgroup_matrix_left<f16, 16, 16>, row_major>(a_tile, (row0 + 0u) * A_ROW + kk, A_ROW);
      let l1 = subgroupMatrixLoad<subgroup_matrix_left<f16, 16, 16>, row_major>(a_tile, (row0 + 16u) * A_ROW + kk, A_ROW);
      let r0 = subgroupMatrixLoad<subgroup_matrix_right<f16, 16, 16>, row_major>(b_tile, kk * B_ROW + col0 + 0u, B_ROW);
      acc_0_0 = subgroupMatrixMultiplyAccumulate(l0, r0, acc_0_0);
      acc_1_0 = subgroupMatrixMultiplyAccumulate(l1, r0, acc_1_0);
    }
    workgroupBarrier();
  }
  let mine = sg * 256u;
  subgroupMatrixStore(&stage, mine, acc_0_0, false, 16u);
  workgroupBarrier();
  for (var e = lane; e < 256u; e += 32u) {
    let om = m0 + row0 + 0u + e / 16u;
    let on = n0 + col0 + 0u + e % 16u;
    if (om < M && on < N) { out[out_base + out_m(om) + out_n(on)] = f16(stage[mine + e]); }
  }
  workgroupBarrier();
  subgroupMatrixStore(&stage, mine, acc_1_0, false, 16u);
  workgroupBarrier();
  for (var e = lane; e < 256u; e += 32u) {
    let om = m0 + row0 + 16u + e / 16u;
    let on = n0 + col0 + 0u + e % 16u;
    if (om < M && on < N) { out[out_base + out_m(om) + out_n(on)] = f16(stage[mine + e]); }
  }
  workgroupBarrier();
}

// scratch: [] bytes
// binds [{"input":0},{"input":1},{"output":true}]
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
@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
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
  if (a_ok0 && k_begin + a_kk0 < k_end) { a_v0 = a[a_base + a_off0 + a_k(k_begin + a_kk0)]; }
  var a_v1 = 0.0;
  if (a_ok1 && k_begin + a_kk1 < k_end) { a_v1 = a[a_base + a_off1 + a_k(k_begin + a_kk1)]; }
  var b_v0 = 0.0;
  if (b_ok0 && k_begin + b_kk0 < k_end) { b_v0 = b[b_base + b_off0 + b_k(k_begin + b_kk0)]; }
  var b_v1 = 0.0;
  if (b_ok1 && k_begin + b_kk1 < k_end) { b_v1 = b[b_base + b_off1 + b_k(k_begin + b_kk1)]; }
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
    if (a_ok0 && k0 + TK + a_kk0 < k_end) { a_v0 = a[a_base + a_off0 + a_k(k0 + TK + a_kk0)]; }
    a_v1 = 0.0;
    if (a_ok1 && k0 + TK + a_kk1 < k_end) { a_v1 = a[a_base + a_off1 + a_k(k0 + TK + a_kk1)]; }
    b_v0 = 0.0;
    if (b_ok0 && k0 + TK + b_kk0 < k_end) { b_v0 = b[b_base + b_off0 + b_k(k0 + TK + b_kk0)]; }
    b_v1 = 0.0;
    if (b_ok1 && k0 + TK + b_kk1 < k_end) { b_v1 = b[b_base + b_off1 + b_k(k0 + TK + b_kk1)]; }
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
    if (out_n0_0 < N) { out[row0 + out_n(out_n0_0)] = acc_0_0; }
    if (out_n1_0 < N) { out[row0 + out_n(out_n1_0)] = acc_0_1; }
  }
  let out_m1 = m0 + (16u + ty) * 1u + 0u;
  if (out_m1 < M) {
    let row1 = out_base + out_m(out_m1);
    if (out_n0_0 < N) { out[row1 + out_n(out_n0_0)] = acc_1_0; }
    if (out_n1_0 < N) { out[row1 + out_n(out_n1_0)] = acc_1_1; }
  }
}

// ===== einsum 1 (src/main.ts:10), step 1
// einsight: loop kernel, contraction step, loop: one invocation per output element
//   abc,acd->bd   sizes a=2 b=6 c=5 d=3
//   in0 strides a:30 b:5 c:1
//   in1 strides a:15 c:3 d:1
//   18 outputs of 10 terms, workgroup size 256, dispatch 1 x 1
struct Params {
  in0_offset: u32,
  in1_offset: u32,
  out_offset: u32,
  pad3: u32,
}
@group(0) @binding(0) var<storage, read> in0: array<f32>;
@group(0) @binding(1) var<storage, read> in1: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;

const COUNT: u32 = 18u;
const ROW: u32 = 256u; // invocations per row of the dispatch grid

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x + gid.y * ROW;
  if (i >= COUNT) { return; }
  // output index -> output coordinates -> where each input's sum starts
  var c_rest = i;
  let c_d = c_rest % 3u;
  c_rest = c_rest / 3u;
  let c_b = c_rest;
  let in0_base = params.in0_offset + c_b * 5u;
  let in1_base = params.in1_offset + c_d;
  var acc = 0.0;
  // the terms in blocks of 8, combined pairwise through a binary counter of partial sums
  let rounds = 10u / 8u;
  var levels: array<f32, 1>;
  for (var b = 0u; b < rounds; b++) {
    var block = 0.0;
    for (var e = 0u; e < 8u; e++) {
      var s_rest = b * 8u + e;
      let s_c = s_rest % 5u;
      s_rest = s_rest / 5u;
      let s_a = s_rest;
      let term = in0[in0_base + s_a * 30u + s_c] * in1[in1_base + s_a * 15u + s_c * 3u];
      block += term;
    }
    let carries = countTrailingZeros(b + 1u);
    for (var l = 0u; l < carries; l++) { block = levels[l] + block; }
    levels[carries] = block;
  }
  for (var r = 0u; r < 10u - rounds * 8u; r++) {
    var s_rest = rounds * 8u + r;
    let s_c = s_rest % 5u;
    s_rest = s_rest / 5u;
    let s_a = s_rest;
    let term = in0[in0_base + s_a * 30u + s_c] * in1[in1_base + s_a * 15u + s_c * 3u];
    acc += term;
  }
  for (var l = 0u; l < 1u; l++) {
    if ((rounds & (1u << l)) != 0u) { acc = levels[l] + acc; }
  }
  out[params.out_offset + i] = acc;
}

// ===== einsum 2 (src/main.ts:11), step 1
// einsight: loop kernel, contraction step, loop: one invocation per output element
//   ab,bc->ac   sizes a=3 b=4 c=2
//   in0 strides a:4 b:1
//   in1 strides b:2 c:1
//   6 outputs of 4 terms, workgroup size 256, dispatch 1 x 1
struct Params {
  in0_offset: u32,
  in1_offset: u32,
  out_offset: u32,
  pad3: u32,
}
@group(0) @binding(0) var<storage, read> in0: array<f32>;
@group(0) @binding(1) var<storage, read> in1: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;

const COUNT: u32 = 6u;
const ROW: u32 = 256u; // invocations per row of the dispatch grid

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x + gid.y * ROW;
  if (i >= COUNT) { return; }
  // output index -> output coordinates -> where each input's sum starts
  var c_rest = i;
  let c_c = c_rest % 2u;
  c_rest = c_rest / 2u;
  let c_a = c_rest;
  let in0_base = params.in0_offset + c_a * 4u;
  let in1_base = params.in1_offset + c_c;
  var acc = 0.0;
  for (var r = 0u; r < 4u; r++) {
    let s_b = r;
    let term = in0[in0_base + s_b] * in1[in1_base + s_b * 2u];
    acc += term;
  }
  out[params.out_offset + i] = acc;
}

// ===== einsum 3 (src/main.ts:12), step 1
// einsight: loop kernel, contraction step, loop: one invocation per output element
//   ab,ac->bc   sizes a=4 b=3 c=2
//   in0 strides a:3 b:1
//   in1 strides a:2 c:1
//   6 outputs of 4 terms, workgroup size 256, dispatch 1 x 1
struct Params {
  in0_offset: u32,
  in1_offset: u32,
  out_offset: u32,
  pad3: u32,
}
@group(0) @binding(0) var<storage, read> in0: array<f32>;
@group(0) @binding(1) var<storage, read> in1: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;

const COUNT: u32 = 6u;
const ROW: u32 = 256u; // invocations per row of the dispatch grid

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x + gid.y * ROW;
  if (i >= COUNT) { return; }
  // output index -> output coordinates -> where each input's sum starts
  var c_rest = i;
  let c_c = c_rest % 2u;
  c_rest = c_rest / 2u;
  let c_b = c_rest;
  let in0_base = params.in0_offset + c_b;
  let in1_base = params.in1_offset + c_c;
  var acc = 0.0;
  for (var r = 0u; r < 4u; r++) {
    let s_a = r;
    let term = in0[in0_base + s_a * 3u] * in1[in1_base + s_a * 2u];
    acc += term;
  }
  out[params.out_offset + i] = acc;
}

// ===== einsum 4 (src/main.ts:13), step 1
// einsight: loop kernel, contraction step, loop: one invocation per output element
//   ab,bc->ac   sizes a=3 b=4 c=2
//   in0 strides a:4 b:1
//   in1 strides b:2 c:1
//   6 outputs of 4 terms, workgroup size 256, dispatch 1 x 1
struct Params {
  in0_offset: u32,
  in1_offset: u32,
  out_offset: u32,
  pad3: u32,
}
@group(0) @binding(0) var<storage, read> in0: array<f32>;
@group(0) @binding(1) var<storage, read> in1: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;

const COUNT: u32 = 6u;
const ROW: u32 = 256u; // invocations per row of the dispatch grid

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x + gid.y * ROW;
  if (i >= COUNT) { return; }
  // output index -> output coordinates -> where each input's sum starts
  var c_rest = i;
  let c_c = c_rest % 2u;
  c_rest = c_rest / 2u;
  let c_a = c_rest;
  let in0_base = params.in0_offset + c_a * 4u;
  let in1_base = params.in1_offset + c_c;
  var acc = 0.0;
  for (var r = 0u; r < 4u; r++) {
    let s_b = r;
    let term = in0[in0_base + s_b] * in1[in1_base + s_b * 2u];
    acc += term;
  }
  out[params.out_offset + i] = acc;
}

// ===== einsum 5 (src/main.ts:16), step 1
// einsight: loop kernel, contraction step, loop: one invocation per output element
//   ab,bc->ac   sizes a=? b=4 c=2 (? read from params: sized at run time)
//   in0 strides a:? b:1
//   in1 strides b:? c:1
//   ? outputs of 4 terms, workgroup size 256, dispatch sized at run time
struct Params {
  in0_offset: u32,
  in1_offset: u32,
  out_offset: u32,
  size_a: u32,
  in1_stride_b: u32,
  grid: u32,
  in0_stride_a: u32,
  pad7: u32,
}
@group(0) @binding(0) var<storage, read> in0: array<f32>;
@group(0) @binding(1) var<storage, read> in1: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let COUNT = (params.size_a * 2u);
  let ROW = params.grid;
  let i = gid.x + gid.y * ROW;
  if (i >= COUNT) { return; }
  // output index -> output coordinates -> where each input's sum starts
  var c_rest = i;
  let c_c = c_rest % 2u;
  c_rest = c_rest / 2u;
  let c_a = c_rest;
  let in0_base = params.in0_offset + c_a * params.in0_stride_a;
  let in1_base = params.in1_offset + c_c;
  var acc = 0.0;
  for (var r = 0u; r < 4u; r++) {
    let s_b = r;
    let term = in0[in0_base + s_b] * in1[in1_base + s_b * params.in1_stride_b];
    acc += term;
  }
  out[params.out_offset + i] = acc;
}

// scratch: [] bytes
// binds [{"input":0},{"input":1},{"output":true}]
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
@group(0) @binding(0) var<storage, read> in0: array<f32>;
@group(0) @binding(1) var<storage, read> in1: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
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
      let term = in0[in0_base + s_a * 1600u + s_c] * in1[in1_base + s_a * 960u + s_c * 24u];
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
    let term = in0[in0_base + s_a * 1600u + s_c] * in1[in1_base + s_a * 960u + s_c * 24u];
    acc += term;
  }
  for (var l = 0u; l < 4u; l++) {
    if ((rounds & (1u << l)) != 0u) { acc = levels[l] + acc; }
  }
  out[params.out_offset + i] = acc;
}

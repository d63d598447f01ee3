// scratch: [] bytes
// binds [{"input":0},{"input":1},{"output":true}]
// einsight: loop kernel, contraction step, loop: one invocation per output element
//   abc,acd->bd   sizes a=3 b=20 c=40 d=24
//   in0 strides a:1600 b:40 c:1
//   in1 strides a:960 c:24 d:1
//   480 outputs, workgroup size 256, dispatch 2 x 1
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
  for (var s_a = 0u; s_a < 3u; s_a++) {
    for (var s_c = 0u; s_c < 40u; s_c++) {
      acc += in0[in0_base + s_a * 1600u + s_c] * in1[in1_base + s_a * 960u + s_c * 24u];
    }
  }
  out[params.out_offset + i] = acc;
}

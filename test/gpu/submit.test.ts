/**
 * One submit's params: every dispatch's own at a slot of the shared uniform buffer, however many
 * words it has (a slot holds the longest params of the submit, aligned as the device requires).
 */
import { expect, test } from "vitest";
import { paramsStruct } from "../../codegen/wgsl/common.js";
import { zeros } from "../../runtime/tensor.js";
import { useGpu } from "./use-gpu.js";

const g = useGpu();

test("two dispatches of 80 words of params each, in one submit, each read their own last word", async () => {
  const fields = Array.from({ length: 80 }, (_, i) => `p${i}`);
  const kernel = {
    code: [
      paramsStruct(["dst_offset", ...fields.slice(1)]),
      "@group(0) @binding(0) var<storage, read_write> dst: array<f32>;",
      "@group(0) @binding(1) var<uniform> params: Params;",
      "@compute @workgroup_size(1)",
      "fn main() { dst[params.dst_offset] = f32(params.p79); }",
    ].join("\n"),
    workgroups: [1, 1] as const,
  };
  const [a, b] = [zeros(g(), [1]), zeros(g(), [1])];
  const params = (last: number) => [...new Array<number>(79).fill(0), last];
  g().batch(() => {
    g().dispatch(kernel, [{ buffer: a.gpuBuffer }], params(7));
    g().dispatch(kernel, [{ buffer: b.gpuBuffer }], params(9));
  });
  expect([...(await a.read()), ...(await b.read())]).toEqual([7, 9]);
});

/** plan() of tensors is the plan einsum() runs on their device (it said `loop` where einsum ran split-k on SwiftShader). */
import { expect, test } from "vitest";
import { einsum } from "../../runtime/einsum.js";
import { explain, plan } from "../../runtime/index.js";
import { tensor } from "../../runtime/tensor.js";
import { useGpu } from "./use-gpu.js";

const g = useGpu();

test("plan() and explain() of tensors use their device's profile: the strategies and temporaries einsum() runs", async () => {
  const X = tensor(g(), new Float32Array(16 * 64 * 32).fill(1), [16, 64, 32]);
  const Y = tensor(g(), new Float32Array(8 * 32 * 24).fill(1), [8, 32, 24]);
  const x = X.slice(0, 3, 11);
  const shown = plan("ijk,ikl->jl", [x, Y]);
  expect(shown.profile).toBe(plan("ijk,ikl->jl", [x, Y], { profile: g().profile }).profile);
  expect(explain(shown)).toContain(shown.profile);
  g().resetStats();
  const z = einsum("ijk,ikl->jl", x, Y);
  expect([...(await z.read())].every((v) => v === 256)).toBe(true);
  expect(g().stats().temporaryBytes).toBe(shown.totals.temporaryBytes);
  expect(plan("ijk,ikl->jl", [{ shape: x.shape }, { shape: Y.shape }]).profile).toBe("generic"); // no tensor: no device
});

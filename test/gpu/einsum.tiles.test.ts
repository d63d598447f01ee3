/**
 * Every tile shape the direct kernel accepts (`tiles` plan option: 16-128 sides, 8-32 deep slabs,
 * vec4 runs of rows and columns from 64 up) against the oracle, on views with edges that are not
 * multiples of any tile: the shapes the planner picks on a large GPU run here on SwiftShader too.
 */
import { describe, expect, test } from "vitest";
import { planEinsum } from "../../codegen/plan.js";
import { compileEinsum } from "../../codegen/compiled.js";
import { elementCount } from "../../codegen/views.js";
import { einsum } from "../../runtime/einsum.js";
import { tensor, type Tensor } from "../../runtime/tensor.js";
import type { Strategy } from "../../codegen/cost.js";
import { maxRelativeError, oracleEinsum } from "../oracle.js";
import { values } from "../../bench/data.js";
import { useGpu } from "./use-gpu.js";

const g = useGpu();

// Every side on each axis and every depth, at least once; SwiftShader compiles the largest
// unrolled kernels (128 x 128 x 32: 64 accumulators, 16 loads per operand) too slowly to try all.
const shapes = [
  { tm: 16, tn: 16, tk: 16 },
  { tm: 32, tn: 32, tk: 32 },
  { tm: 16, tn: 128, tk: 16 },
  { tm: 128, tn: 16, tk: 16 },
  { tm: 32, tn: 64, tk: 8 },
  { tm: 64, tn: 64, tk: 16 },
  { tm: 128, tn: 64, tk: 8 },
  { tm: 64, tn: 128, tk: 8 },
  { tm: 128, tn: 128, tk: 8 },
];

describe("direct kernel, every tile shape", () => {
  // x is a transposed slice (k fastest nowhere), y a plain matrix: both load paths of each operand.
  test.each(shapes)("bik,kj->bij and ki,kj->ij at tiles $tm x $tn x $tk", async (tiles) => {
    await checkTiles(tiles, true);
  });

  test("tiles 128 x 128 x 16 on a sliced operand (direct only: SwiftShader compiles the split-k variant too slowly)", async () => {
    await checkTiles({ tm: 128, tn: 128, tk: 16 }, false);
  });
});

/**
 * `bik,kj->bij` on a slice with `direct`, and (when `splitK`) `ki,kj->ij` on a transposed slice with
 * split-k: a long k and an output of one workgroup, so that split-k is really planned.
 */
async function checkTiles(tiles: { tm: number; tn: number; tk: number }, splitK: boolean): Promise<void> {
  const X = tensor(g(), values(2 * 134 * 600, 1), [2, 134, 600]);
  const cases: { equation: string; x: Tensor; y: Tensor; strategy: Strategy }[] = [
    { equation: "bik,kj->bij", x: X.slice(1, 2, 133).slice(2, 0, 37), y: tensor(g(), values(37 * 70, 2), [37, 70]), strategy: "direct" },
  ];
  if (splitK) cases.push({ equation: "ki,kj->ij", x: X.select(0, 1).slice(0, 1, 14).transpose(0, 1), y: tensor(g(), values(600 * 11, 3), [600, 11]), strategy: "split-k" });
  for (const { equation, x, y, strategy } of cases) {
    const planned = planEinsum(equation, [x, y], { strategy, tiles, profile: g().profile }).steps[0]!;
    expect([planned.strategy, planned.tiles]).toMatchObject([strategy, tiles]);
    const out = einsum(equation, x, y, { strategy, tiles });
    const expected = oracleEinsum(equation, [{ data: await x.contiguous().read(), shape: x.shape }, { data: await y.read(), shape: y.shape }]);
    expect(maxRelativeError(await out.read(), expected.data), `${equation} ${strategy}`).toBeLessThanOrEqual(1e-4);
    [out, y].forEach((t) => t.destroy());
  }
  X.destroy();
}

describe("tiles option", () => {
  test.each([
    [{ tm: 48 }, /tiles.tm must be one of 16, 32, 64, 128, got 48/],
    [{ tk: 4 }, /tiles.tk must be one of 8, 16, 32, got 4/],
    [{ tm: 16, tk: 8 }, /tiles.tm x tiles.tk = 16 x 8 must be a multiple of 256/],
  ])("%j is refused", (tiles, message) => {
    const a = { shape: [4, 4], strides: [4, 1] };
    expect(() => planEinsum("ij,jk->ik", [a, a], { tiles })).toThrow(message);
  });

  test("an unforced side widens to fill a shallow slab", () => {
    const a = { shape: [8, 8], strides: [8, 1] };
    expect(planEinsum("ij,jk->ik", [a, a], { tiles: { tk: 8 }, strategy: "direct" }).steps[0]!.tiles).toMatchObject({ tm: 32, tn: 32, tk: 8 });
  });
});

test("the nvidia-h100 profile takes 128 x 128 tiles for a large GEMM and smaller ones where 128 would idle compute units", () => {
  const big = { shape: [4096, 4096], strides: [4096, 1] };
  expect(planEinsum("ij,jk->ik", [big, big], { profile: "nvidia-h100" }).steps[0]!.tiles).toMatchObject({ tm: 128, tn: 128 });
  const mid = { shape: [1024, 1024], strides: [1024, 1] };
  const t = planEinsum("ij,jk->ik", [mid, mid], { profile: "nvidia-h100", strategy: "direct" }).steps[0]!.tiles!;
  expect(Math.ceil(1024 / t.tm) * Math.ceil(1024 / t.tn)).toBeGreaterThanOrEqual(128);
  expect(elementCount([t.tm, t.tn])).toBeLessThan(128 * 128);
});

test("tiles whose slabs exceed the device's workgroup memory are refused before anything runs", () => {
  const a = tensor(g(), values(256 * 256, 1), [256, 256]);
  const tiles = { tm: 128, tn: 128, tk: 32 };
  const kernel = compileEinsum("ij,jk->ik", [a, a], { tiles, strategy: "direct", profile: g().profile }).programs[0]!.launches[0]!.kernel;
  // a loads along k into rows padded by 4 floats; b along n, unpadded: 4 bytes x 32 x (132 + 128)
  expect(kernel.workgroupBytes).toBe(4 * 32 * (132 + 128));
  const before = g().stats().allocatedBytes;
  if (kernel.workgroupBytes! > g().limits.maxComputeWorkgroupStorageSize) {
    expect(() => einsum("ij,jk->ik", a, a, { tiles, strategy: "direct" })).toThrow(/needing 33280 bytes of workgroup memory, more than this device's maxComputeWorkgroupStorageSize/);
    expect(g().stats().allocatedBytes).toBe(before);
  } else {
    einsum("ij,jk->ik", a, a, { tiles, strategy: "direct" }).destroy();
  }
  a.destroy();
});

/**
 * The k-loop probes bench/matrix.ts times on a GPU (bench/variants `probeKernel`): each compiles,
 * runs, and computes what it should, (K / TK) times the first slab's product, so that a probe's
 * time is the time of the kernel it describes. SwiftShader runs the f32 kernels; the f16 kernels
 * share the loop's structure (test/f16/plan.test.ts checks their probed text).
 */
import { describe, expect, test } from "vitest";
import { compileEinsum } from "../../codegen/compiled.js";
import { planEinsum } from "../../codegen/plan.js";
import { einsum } from "../../runtime/einsum.js";
import { tensor } from "../../runtime/tensor.js";
import { values } from "../support/data.js";
import { probeCompiled, probeExpected, probeKernel, withTiles } from "../support/variants.js";
import { maxRelativeError } from "../support/oracle.js";
import { useGpu } from "./use-gpu.js";

const g = useGpu();

describe("k-loop probes", () => {
  test.each([
    ["no-global-loads", { tm: 64, tn: 64, tk: 16 }],
    ["staged-once", { tm: 64, tn: 64, tk: 16 }],
    ["no-global-loads", { tm: 128, tn: 64, tk: 16 }], // the nvidia-h100 profile's tiles
    ["staged-once", { tm: 32, tn: 32, tk: 8 }],
  ] as const)("%s on %j tiles computes (K / TK) x the first slab's product", async (probe, tiles) => {
    const [m, n, k] = [96, 80, 64]; // edges in m and n, 4 to 8 slabs
    const [da, db] = [values(m * k, 1), values(k * n, 2)];
    const [a, b] = [tensor(g(), da, [m, k]), tensor(g(), db, [k, n])];
    const planned = compileEinsum("ij,jk->ik", [a, b], { profile: g().profile, tiles, strategy: "direct" });
    const probed = probeCompiled(planned, probe);
    const [before, after] = [planned, probed].map((c) => c.programs[0]!.launches[0]!.kernel.code);
    expect(after).not.toBe(before);
    const out = einsum("ij,jk->ik", a, b, { compiled: probed });
    g().throwGpuError();
    const all = [...Array(m * n).keys()];
    expect(maxRelativeError(await out.read(), probeExpected(da, db, m, n, k, tiles.tk, all))).toBeLessThanOrEqual(1e-4);
    [a, b, out].forEach((t) => t.destroy());
  });

  test("a kernel without a single-buffered k loop is refused, not probed wrongly", () => {
    const plan = planEinsum("ij,jk->ik", [{ shape: [64, 64] }, { shape: [64, 64] }], {
      tiles: { tm: 64, tn: 64, tk: 8 },
      strategy: "direct",
    });
    const double = withTiles(plan, { doubleBuffer: true }).programs[0]!.launches[0]!.kernel.code;
    expect(() => probeKernel(double, "staged-once")).toThrow(/no single-buffered k loop/);
    const loop = compileEinsum("ij,jk->ik", [{ shape: [64, 64] }, { shape: [64, 64] }], { strategy: "loop" })
      .programs[0]!.launches[0]!.kernel.code;
    expect(() => probeKernel(loop, "no-global-loads")).toThrow(/no single-buffered k loop/);
  });
});

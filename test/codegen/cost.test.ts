/** The cost model (codegen/cost) and the choice among its candidates (codegen/choose), on pair shapes of known sizes. */
import { describe, expect, test } from "vitest";
import { choose, TEMPORARY_SPEEDUP } from "../../codegen/choose.js";
import { costPair, costSingle, type Candidate, type PairShape, type Strategy } from "../../codegen/cost.js";
import { PROFILES, type DeviceProfile } from "../../codegen/profile.js";

/** A contiguous [batch, m, k] x [batch, k, n] f32 GEMM, changed by `more`. */
function gemm(batch: number, m: number, n: number, k: number, more: Partial<PairShape> = {}): PairShape {
  return {
    batch,
    m,
    n,
    k,
    aElements: batch * m * k,
    bElements: batch * k * n,
    outElements: batch * m * n,
    aCoalesced: true,
    bCoalesced: true,
    aGemmReady: true,
    bGemmReady: true,
    elementBytes: 4,
    matrix: false,
    ...more,
  };
}

const profiles: readonly DeviceProfile[] = Object.values(PROFILES);
const tensorCores: DeviceProfile = { ...PROFILES["nvidia-h100"], subgroupMatrix: { m: 16, n: 16, k: 16 } };

function candidate(shape: PairShape, profile: DeviceProfile, strategy: Strategy): Candidate | undefined {
  return costPair(shape, profile).find((c) => c.strategy === strategy);
}

function seconds(shape: PairShape, profile: DeviceProfile, strategy: Strategy): number {
  return candidate(shape, profile, strategy)!.cost.estimatedSeconds;
}

describe("costPair", () => {
  test("FLOPs, bytes, temporaries and dispatches follow from the step's sizes", () => {
    const s = gemm(2, 300, 200, 100);
    const flops = 2 * 2 * 300 * 200 * 100;
    for (const strategy of ["direct", "ttgt"] as const) {
      expect(candidate(s, PROFILES.generic, strategy)!.cost).toMatchObject({
        flops,
        bytesRead: (s.aElements + s.bElements) * 4,
        bytesWritten: s.outElements * 4,
        temporaryBytes: 0,
        dispatches: 1,
      });
    }
    expect(candidate(s, PROFILES.generic, "loop")!.cost).toMatchObject({
      flops,
      bytesWritten: s.outElements * 4,
      temporaryBytes: 0,
      dispatches: 1,
    });
    // f16: every byte count halves
    const half = candidate(gemm(2, 300, 200, 100, { elementBytes: 2 }), PROFILES.generic, "direct")!.cost;
    expect(half).toMatchObject({ flops, bytesRead: (s.aElements + s.bElements) * 2, bytesWritten: s.outElements * 2 });
  });

  test("ttgt copies only the inputs not already laid out for its GEMM, and counts the copies as temporaries", () => {
    const ready = candidate(gemm(1, 256, 128, 64), PROFILES.generic, "ttgt")!;
    expect(ready.copies).toEqual([]);
    expect(ready.notes).toEqual([]);
    const left = candidate(gemm(2, 256, 128, 64, { aGemmReady: false }), PROFILES.generic, "ttgt")!;
    expect(left.copies).toEqual([0]);
    expect(left.cost).toMatchObject({ temporaryBytes: 2 * 256 * 64 * 4, dispatches: 2 });
    expect(left.notes[0]).toMatch(/^copies the left operand \(131072 bytes\) into GEMM layout first$/);
    const both = candidate(gemm(2, 256, 128, 64, { aGemmReady: false, bGemmReady: false }), PROFILES.generic, "ttgt")!;
    expect(both.copies).toEqual([0, 1]);
    expect(both.cost).toMatchObject({ temporaryBytes: 2 * (256 + 128) * 64 * 4, dispatches: 3 });
    expect(both.cost.estimatedSeconds).toBeGreaterThan(left.cost.estimatedSeconds);
  });

  test("no estimate of direct, ttgt or loop falls when a size doubles", () => {
    const sizes = [1, 3, 16, 100, 512, 4096];
    for (const profile of [...profiles, tensorCores]) {
      for (const [b, m, n, k] of sizes.flatMap((m) =>
        sizes.flatMap((n) => sizes.map((k) => [m === 3 ? 3 : 1, m, n, k] as const)),
      )) {
        const f16 = { elementBytes: 2, matrix: profile.subgroupMatrix !== undefined, wide: { a: true, b: true } };
        for (const more of [{}, f16]) {
          const grown = [
            gemm(2 * b, m, n, k, more),
            gemm(b, 2 * m, n, k, more),
            gemm(b, m, 2 * n, k, more),
            gemm(b, m, n, 2 * k, more),
          ];
          for (const strategy of ["direct", "ttgt", "loop"] as const) {
            const before = seconds(gemm(b, m, n, k, more), profile, strategy);
            for (const after of grown)
              expect(
                seconds(after, profile, strategy),
                `${profile.name} ${strategy} ${b}x${m}x${n}x${k} -> ${after.batch}x${after.m}x${after.n}x${after.k}`,
              ).toBeGreaterThanOrEqual(before);
          }
        }
      }
    }
  });

  test("once a step fills the device, doubling any size nearly doubles its time", () => {
    for (const profile of profiles) {
      for (const strategy of ["direct", "loop"] as const) {
        const before = seconds(gemm(1, 1024, 1024, 1024), profile, strategy);
        for (const after of [
          gemm(2, 1024, 1024, 1024),
          gemm(1, 2048, 1024, 1024),
          gemm(1, 1024, 2048, 1024),
          gemm(1, 1024, 1024, 2048),
        ]) {
          expect(seconds(after, profile, strategy) / before, `${profile.name} ${strategy}`).toBeGreaterThan(1.5);
        }
      }
    }
  });

  test("a faster device estimates less time; every dispatch costs the profile's launch time", () => {
    const s = gemm(1, 1024, 1024, 1024);
    expect(seconds(s, PROFILES["nvidia-h100"], "direct")).toBeLessThan(seconds(s, PROFILES.generic, "direct"));
    expect(seconds(s, PROFILES.generic, "direct")).toBeLessThan(seconds(s, PROFILES.swiftshader, "direct"));
    for (const profile of profiles) {
      for (const shape of [gemm(1, 1, 1, 1), s, gemm(1, 16, 16, 65536)]) {
        for (const c of costPair(shape, profile))
          expect(c.cost.estimatedSeconds).toBeGreaterThanOrEqual(c.cost.dispatches * profile.launchSeconds);
      }
    }
    // a step with no outputs launches no loop kernel
    expect(candidate(gemm(1, 0, 16, 16), PROFILES.generic, "loop")!.cost.dispatches).toBe(0);
  });

  test("the tiled kernels beat the loop kernel on a large GEMM, not on a tiny one", () => {
    for (const profile of profiles) {
      expect(seconds(gemm(1, 1024, 1024, 1024), profile, "direct")).toBeLessThan(
        seconds(gemm(1, 1024, 1024, 1024), profile, "loop"),
      );
      expect(seconds(gemm(1, 1, 1, 1), profile, "loop")).toBeLessThanOrEqual(
        seconds(gemm(1, 1, 1, 1), profile, "direct"),
      );
    }
  });

  test("loads that cannot coalesce cost more, and the candidate says which operand", () => {
    const s = gemm(1, 1024, 1024, 1024);
    const strided = candidate(gemm(1, 1024, 1024, 1024, { aCoalesced: false }), PROFILES.generic, "direct")!;
    expect(strided.cost.estimatedSeconds).toBeGreaterThan(seconds(s, PROFILES.generic, "direct"));
    expect(strided.notes).toEqual([
      "the left operand has no unit stride along its free or contracted labels, so its loads do not coalesce",
    ]);
    expect(candidate(gemm(1, 1024, 1024, 1024, { bCoalesced: false }), PROFILES.generic, "direct")!.notes[0]).toMatch(
      /^the right operand/,
    );
    expect(candidate(s, PROFILES.generic, "direct")!.notes).toEqual([]);
  });

  test("subgroup matrices: staged with both operands read 16 bytes at a time fastest (far faster than f16 scalar tiles), then loaded from memory, then staged reading fewer", () => {
    const f16 = (more: Partial<PairShape>) =>
      seconds(gemm(1, 4096, 4096, 4096, { elementBytes: 2, matrix: true, ...more }), tensorCores, "direct");
    const [both, fromMemory, one, none] = [
      f16({ wide: { a: true, b: true } }),
      f16({ matrixGlobal: true }),
      f16({ wide: { a: true, b: false } }),
      f16({ wide: { a: false, b: false } }),
    ];
    expect(both).toBeLessThan(fromMemory);
    expect(fromMemory).toBeLessThan(one);
    expect(one).toBeLessThan(none);
    const scalar = seconds(gemm(1, 4096, 4096, 4096, { elementBytes: 2, matrix: false }), tensorCores, "direct");
    expect(both).toBeLessThan(scalar / 2);
    // without subgroup matrices on the profile, the same step is costed on the scalar tiles
    expect(
      seconds(gemm(1, 4096, 4096, 4096, { elementBytes: 2, matrix: true }), PROFILES["nvidia-h100"], "direct"),
    ).toBe(scalar);
  });
});

describe("split-k", () => {
  test("only where the contraction is long and the step leaves compute units idle", () => {
    for (const profile of profiles) {
      const long = candidate(gemm(1, 16, 16, 65536), profile, "split-k");
      expect(long, profile.name).toBeDefined();
      const tiles = long!.tiles!;
      expect(tiles.splits).toBeGreaterThanOrEqual(2);
      // each slice at least 8 slabs deep, and no more slices than compute units to fill (the step is one workgroup)
      expect(65536 / tiles.splits).toBeGreaterThanOrEqual(8 * tiles.tk);
      expect(tiles.splits).toBeLessThanOrEqual(profile.parallelWorkgroups);
      expect(long!.cost).toMatchObject({ temporaryBytes: tiles.splits * 16 * 16 * 4, dispatches: 2 });
      // a short contraction: no slice would be 8 slabs deep
      const direct = candidate(gemm(1, 16, 16, 64), profile, "direct")!;
      expect(candidate(gemm(1, 16, 16, 16 * direct.tiles!.tk - 1), profile, "split-k"), profile.name).toBeUndefined();
      // a step with no outputs
      expect(candidate(gemm(1, 0, 16, 65536), profile, "split-k")).toBeUndefined();
    }
    // a step that fills the device has nothing to gain
    expect(candidate(gemm(1, 4096, 4096, 4096), PROFILES["nvidia-h100"], "split-k")).toBeUndefined();
    expect(candidate(gemm(64, 1024, 1024, 1024), PROFILES.generic, "split-k")).toBeUndefined();
  });

  test("splitting a long contraction of few outputs is estimated faster than one workgroup walking it", () => {
    for (const profile of profiles) {
      const s = gemm(1, 16, 16, 65536);
      expect(seconds(s, profile, "split-k"), profile.name).toBeLessThan(seconds(s, profile, "direct"));
    }
  });
});

describe("costSingle", () => {
  test("a one-operand step: the loop kernel, its sum's FLOPs, and time that grows with its input", () => {
    const c = costSingle(4096 * 512, 512, PROFILES.generic);
    expect(c).toMatchObject({
      strategy: "loop",
      cost: {
        flops: 4096 * 512 - 512,
        bytesRead: 4096 * 512 * 4,
        bytesWritten: 512 * 4,
        temporaryBytes: 0,
        dispatches: 1,
      },
    });
    expect(costSingle(4096 * 512, 512, PROFILES.generic, 2).cost.bytesRead).toBe(4096 * 512 * 2);
    for (const profile of profiles) {
      let before = 0;
      for (const rows of [1, 16, 256, 4096, 65536]) {
        const now = costSingle(rows * 512, 512, profile).cost.estimatedSeconds;
        expect(now, `${profile.name} ${rows} rows`).toBeGreaterThanOrEqual(before);
        before = now;
      }
    }
    expect(costSingle(0, 0, PROFILES.generic).cost.dispatches).toBe(0);
  });
});

describe("choose", () => {
  const made = (strategy: Strategy, estimatedSeconds: number, temporaryBytes = 0): Candidate => ({
    strategy,
    cost: { flops: 1, bytesRead: 1, bytesWritten: 1, temporaryBytes, dispatches: 1, estimatedSeconds },
    notes: [],
  });

  test(`a strategy that allocates temporaries must be ${TEMPORARY_SPEEDUP}x faster than the best that needs none`, () => {
    const direct = made("direct", 1.0);
    const barely = choose([direct, made("split-k", 1 / (TEMPORARY_SPEEDUP - 0.05), 100)], undefined, Infinity);
    expect(barely.chosen).toBe(direct);
    expect(barely.alternatives[0]!.reason).toMatch(
      /not worth 100 bytes of temporaries \(einsight wants 1.25x for any\)$/,
    );
    const clearly = made("split-k", 1 / (TEMPORARY_SPEEDUP + 0.05), 100);
    expect(choose([direct, clearly], undefined, Infinity).chosen).toBe(clearly);
    // within the memory budget only
    const over = choose([direct, clearly], undefined, 99);
    expect(over.chosen).toBe(direct);
    expect(over.alternatives[0]!.reason).toBe("needs 100 bytes of temporaries, over the memoryBudget of 99");
    // of those that need none, the fastest
    const loop = made("loop", 0.5);
    expect(choose([direct, loop], undefined, Infinity).chosen).toBe(loop);
  });

  test("a forced strategy wins where it can run the step within the budget; otherwise the plan says why", () => {
    const [direct, split, loop] = [made("direct", 1.0), made("split-k", 2.0, 100), made("loop", 0.5)];
    const forced = choose([direct, split, loop], "split-k", Infinity);
    expect(forced.chosen).toBe(split);
    expect(forced.alternatives.map((a) => a.reason)).toEqual([
      "not the forced strategy 'split-k'",
      "not the forced strategy 'split-k'",
    ]);
    expect(forced.notes).toEqual([]);
    const overBudget = choose([direct, split, loop], "split-k", 10);
    expect(overBudget.chosen).toBe(loop);
    expect(overBudget.notes).toEqual([
      "'split-k' needs 100 bytes of temporaries, over the memoryBudget of 10; chose by cost within it",
    ]);
    const absent = choose([direct, loop], "split-k", Infinity);
    expect(absent.chosen).toBe(loop);
    expect(absent.notes[0]).toMatch(
      /^'split-k' cannot run this step \(the step already fills the device, or its contraction is too short to split\); chose by cost$/,
    );
  });
});

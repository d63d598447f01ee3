/**
 * The tile rules: which tiles the planner chooses (codegen/tile-choice) under each profile, which
 * forced tiles it takes or refuses (codegen/tiles), and the kinds of codegen/tile-config: which
 * settings each kind carries, by strategy, element type and profile, and which kernel runs it.
 */
import { describe, expect, test } from "vitest";
import { compilePlan } from "../../codegen/compiled.js";
import type { Dtype } from "../../codegen/dtype.js";
import { planEinsum, type PlanOperand, type PlanOptions } from "../../codegen/plan.js";
import { PROFILES, type DeviceProfile } from "../../codegen/profile.js";
import { chooseTiles, type TileRequest } from "../../codegen/tile-choice.js";
import { withWide, type TileConfig } from "../../codegen/tile-config.js";
import { layoutFits, slabLoads, tableTiles, TILE_DEPTHS, TILE_SIDES, type TileTable } from "../../codegen/tiles.js";

const profiles: readonly DeviceProfile[] = Object.values(PROFILES);
const tensorCores: DeviceProfile = { ...PROFILES["nvidia-h100"], subgroupMatrix: { m: 16, n: 16, k: 16 } };
/** WebGPU's default maxComputeWorkgroupStorageSize, and the most double-buffered scalar slabs may take. */
const DEFAULT_STORAGE = 16384;
const DOUBLE_BUFFER_BYTES = 2 * 8 * (128 + 128 + 8) * 4;

const SIZES = [1, 7, 16, 33, 64, 100, 128, 255, 256, 1000, 4096];
const requests: TileRequest[] = [1, 4].flatMap((batch) =>
  SIZES.flatMap((m) => SIZES.flatMap((n) => [1, 64, 4096].map((k) => ({ batch, m, n, k })))),
);

const operands = (dtype: Dtype, ...shapes: number[][]): PlanOperand[] => shapes.map((shape) => ({ shape, dtype }));

/** The first step's tiles of a plan. */
function tilesOf(equation: string, ops: readonly PlanOperand[], options: PlanOptions): TileConfig | undefined {
  return planEinsum(equation, ops, options).steps[0]!.tiles;
}

/** Invocations a kernel's `@workgroup_size` declares. */
function workgroupSize(code: string): number {
  const sides = /@workgroup_size\(([^)]*)\)/
    .exec(code)![1]!
    .split(",")
    .map((v) => Number(v.trim()));
  return sides.reduce((a, b) => a * b, 1);
}

describe("the scalar kernel's tiles", () => {
  test("keep within each profile's limits: sides and depths the kernel accepts, whole loads for every invocation, at most 256 invocations", () => {
    for (const profile of profiles) {
      for (const request of requests) {
        const t = chooseTiles(request, profile);
        const where = `${profile.name} ${JSON.stringify(request)}: ${JSON.stringify(t)}`;
        expect(t.kind, where).toBe("scalar");
        if (t.kind !== "scalar") continue;
        expect(TILE_SIDES, where).toContain(t.tm);
        expect(TILE_SIDES, where).toContain(t.tn);
        expect(TILE_DEPTHS, where).toContain(t.tk);
        expect(Math.max(t.tm, t.tn), where).toBeLessThanOrEqual(Math.max(profile.maxTile, 256 / t.tk));
        expect(t.tm * t.tn, where).toBeLessThanOrEqual(profile.maxTileArea ?? Infinity);
        const layout = t.invocations ?? { x: 16, y: 16 };
        expect(layout.x * layout.y, where).toBeLessThanOrEqual(256);
        expect(layoutFits(t, layout), where).toBe(true);
        if (t.invocations !== undefined)
          expect(slabLoads(t, t.invocations), where).toBeLessThanOrEqual(profile.maxSlabLoads ?? Infinity);
        // double-buffered slabs only where the profile asks, within 16.5 KiB
        if (t.doubleBuffer === true)
          expect(profile.doubleBuffer === true && 2 * t.tk * (t.tm + t.tn + 8) * 4 <= DOUBLE_BUFFER_BYTES, where).toBe(
            true,
          );
      }
    }
  });

  test("compile to kernels within the device's limits: 256 invocations, and the default 16 KiB of workgroup memory (16.5 KiB double-buffered)", () => {
    for (const profile of profiles) {
      for (const [m, n, k] of [
        [4096, 4096, 4096],
        [1000, 1000, 1000],
        [64, 64, 64],
        [16, 4096, 4096],
        [4096, 16, 64],
        [5, 7, 3],
      ]) {
        for (const strategy of ["direct", "split-k", "ttgt"] as const) {
          const { programs } = compilePlan(
            planEinsum("ij,jk->ik", operands("f32", [m!, k!], [k!, n!]), { profile, strategy }),
          );
          for (const { kernel } of programs.flatMap((p) => p.launches)) {
            const where = `${profile.name} ${strategy} ${m}x${n}x${k}`;
            expect(workgroupSize(kernel.code), where).toBeLessThanOrEqual(256);
            expect(kernel.workgroupBytes ?? 0, where).toBeLessThanOrEqual(
              profile.doubleBuffer === true ? DOUBLE_BUFFER_BYTES : DEFAULT_STORAGE,
            );
          }
        }
      }
    }
  });

  test("smaller sides for small sizes, the profile's largest while every compute unit still gets a workgroup", () => {
    expect(chooseTiles({ batch: 1, m: 5, n: 20, k: 64 }, PROFILES.generic)).toMatchObject({ tm: 16, tn: 32 });
    expect(chooseTiles({ batch: 1, m: 4096, n: 4096, k: 4096 }, PROFILES.generic)).toMatchObject({
      tm: 64,
      tn: 64,
      tk: 16,
    });
    expect(chooseTiles({ batch: 1, m: 4096, n: 4096, k: 4096 }, PROFILES["nvidia-h100"])).toMatchObject({
      tm: 128,
      tn: 64,
      tk: 16,
    }); // maxTileArea halves n
    // 1024 x 1024 in 128 x 64 tiles is 128 workgroups, fewer than the 264 the H100 profile runs at once
    expect(chooseTiles({ batch: 1, m: 1024, n: 1024, k: 1024 }, PROFILES["nvidia-h100"])).toMatchObject({
      tm: 64,
      tn: 64,
    });
    expect(chooseTiles({ batch: 8, m: 1024, n: 1024, k: 1024 }, PROFILES["nvidia-h100"])).toMatchObject({
      tm: 128,
      tn: 64,
    });
  });

  test("128 x 128 tiles take 8-deep slabs, double-buffered where the profile asks; smaller ones 16", () => {
    const big: TileRequest = { batch: 1, m: 4096, n: 4096, k: 4096 };
    expect(chooseTiles(big, PROFILES["nvidia-h100"], 1, { tm: 128, tn: 128 })).toEqual({
      kind: "scalar",
      tm: 128,
      tn: 128,
      tk: 8,
      splits: 1,
      doubleBuffer: true,
    });
    expect(chooseTiles(big, PROFILES.generic, 1, { tm: 128, tn: 128 })).toEqual({
      kind: "scalar",
      tm: 128,
      tn: 128,
      tk: 8,
      splits: 1,
    });
    // 128 x 64 x 16 doubled would take 25 KiB: single-buffered
    expect(chooseTiles(big, PROFILES["nvidia-h100"], 1, { tm: 128, tn: 64 })).toEqual({
      kind: "scalar",
      tm: 128,
      tn: 64,
      tk: 16,
      splits: 1,
    });
  });

  test("a workgroup layout only where the tiles divide among it, slabs made shallower to keep within its loads", () => {
    // SwiftShader: 8 x 8 invocations, at most 16 slab loads each
    const swift = chooseTiles({ batch: 1, m: 4096, n: 4096, k: 4096 }, PROFILES.swiftshader);
    expect(swift).toEqual({ kind: "scalar", tm: 64, tn: 64, tk: 8, splits: 1, invocations: { x: 8, y: 8 } });
    // a forced depth is never made shallower: 64 x 64 x 32 would load 64 elements an invocation, so 16 x 16 it is
    const deep = chooseTiles({ batch: 1, m: 4096, n: 4096, k: 4096 }, PROFILES.swiftshader, 1, { tk: 32 });
    expect(deep).toEqual({ kind: "scalar", tm: 64, tn: 64, tk: 32, splits: 1 });
    // a layout in runs: 64 x 64 tiles divide among 8 x 16 invocations in runs of 4 columns; not among 512, nor runs of 3
    const runs = { ...PROFILES.generic, invocations: { x: 8, y: 16, run: 4 } };
    expect(chooseTiles({ batch: 1, m: 4096, n: 4096, k: 4096 }, runs)).toMatchObject({
      tm: 64,
      tn: 64,
      invocations: { x: 8, y: 16, run: 4 },
    });
    expect(
      chooseTiles({ batch: 1, m: 4096, n: 4096, k: 4096 }, { ...PROFILES.generic, invocations: { x: 32, y: 16 } }),
    ).not.toHaveProperty("invocations");
    expect(
      chooseTiles(
        { batch: 1, m: 4096, n: 4096, k: 4096 },
        { ...PROFILES.generic, invocations: { x: 16, y: 16, run: 3 } },
      ),
    ).not.toHaveProperty("invocations");
  });

  test("under a tile table, the nearest entry's tiles (the earlier on a tie), no side larger than the step needs", () => {
    const table: TileTable = {
      adapter: "test",
      entries: [
        { m: 4096, n: 4096, k: 4096, tiles: { tm: 128, tn: 64, tk: 16, invocations: { x: 8, y: 16 } } },
        { m: 64, n: 64, k: 64, tiles: { tm: 32, tn: 32, tk: 16 } },
        { m: 64, n: 64, k: 64, tiles: { tm: 64, tn: 64, tk: 32 } },
      ],
    };
    expect(tableTiles(table, 5000, 3000, 2000)).toEqual(table.entries[0]!.tiles);
    expect(tableTiles(table, 50, 70, 64)).toEqual({ tm: 32, tn: 32, tk: 16 });
    expect(tableTiles(undefined, 50, 70, 64)).toBeUndefined();
    const profile = { ...PROFILES.generic, tileTable: table };
    expect(chooseTiles({ batch: 1, m: 4096, n: 4096, k: 4096 }, profile)).toEqual({
      kind: "scalar",
      tm: 128,
      tn: 64,
      tk: 16,
      splits: 1,
      invocations: { x: 8, y: 16 },
    });
    // nearest: the 64^3 entry, its n side cut to the 16 that n = 10 needs
    expect(chooseTiles({ batch: 1, m: 3000, n: 10, k: 3000 }, profile)).toEqual({
      kind: "scalar",
      tm: 32,
      tn: 16,
      tk: 16,
      splits: 1,
    });
    // forced tiles win over the table
    expect(chooseTiles({ batch: 1, m: 4096, n: 4096, k: 4096 }, profile, 1, { tm: 64, tn: 64, tk: 16 })).toMatchObject({
      tm: 64,
      tn: 64,
      tk: 16,
    });
  });
});

describe("forced tiles", () => {
  const gemm = operands("f32", [1000, 1000], [1000, 1000]);

  test("are honoured by every tiled strategy, where whole", () => {
    for (const profile of [PROFILES.generic, PROFILES["nvidia-h100"]]) {
      for (const tiles of [
        { tm: 32, tn: 128, tk: 16 },
        { tm: 256, tn: 16, tk: 16 },
        { tm: 64, tn: 64, tk: 64 },
        { tm: 16, tn: 16, tk: 16 },
      ]) {
        for (const strategy of ["direct", "split-k", "ttgt"] as const) {
          const step = planEinsum("ij,jk->ik", operands("f32", [64, 65536], [65536, 64]), { profile, strategy, tiles })
            .steps[0]!;
          expect(step.strategy).toBe(strategy);
          expect(step.tiles, `${profile.name} ${strategy}`).toMatchObject(tiles);
        }
      }
    }
    // a side given alone: the others by the profile's rule (n halved to keep within the H100 profile's tile area)
    expect(
      tilesOf("ij,jk->ik", gemm, { tiles: { tm: 128 }, profile: "nvidia-h100", strategy: "direct" }),
    ).toMatchObject({ tm: 128, tn: 64, tk: 16 });
    expect(
      tilesOf("ij,jk->ik", gemm, { tiles: { tm: 128, tn: 128 }, profile: "nvidia-h100", strategy: "direct" }),
    ).toMatchObject({ tm: 128, tn: 128, tk: 8 });
  });

  test("are refused with a clear error where the kernel cannot run them", () => {
    const refused = (tiles: unknown) => () => planEinsum("ij,jk->ik", gemm, { tiles: tiles as never });
    expect(refused({ tm: 48 })).toThrow(/^tiles\.tm must be one of 16, 32, 64, 128, 256, got 48\.$/);
    expect(refused({ tn: 512 })).toThrow(/tiles\.tn must be one of 16, 32, 64, 128, 256, got 512\./);
    expect(refused({ tk: 12 })).toThrow(/tiles\.tk must be one of 8, 16, 32, 64, got 12\./);
    expect(refused({ tm: 16, tk: 8 })).toThrow(
      /tiles\.tm x tiles\.tk = 16 x 8 must be a multiple of 256 \(one load per invocation\); use a deeper tk or a larger side\./,
    );
    expect(refused("big")).toThrow(/tiles must be an object like \{ tm: 64, tn: 64, tk: 16 \}, got "big"\./);
    try {
      refused({ tm: 48 })();
    } catch (error) {
      expect(error).toMatchObject({ code: "invalidOption" });
    }
  });

  test("on subgroup matrices: sides no smaller than the subgroups' result matrices cover, slabs no shallower than a matrix", () => {
    const f16 = operands("f16", [4096, 4096], [4096, 4096]);
    expect(
      tilesOf("ij,jk->ik", f16, { profile: tensorCores, strategy: "direct", tiles: { tm: 16, tn: 16, tk: 16 } }),
    ).toMatchObject({ kind: "matrix-staged", tm: 64, tn: 64, tk: 16 });
    expect(
      tilesOf("ij,jk->ik", f16, { profile: tensorCores, strategy: "direct", tiles: { tm: 128, tn: 256 } }),
    ).toMatchObject({ kind: "matrix-staged", tm: 128, tn: 256, tk: 32 });
  });
});

describe("subgroup-matrix tiles", () => {
  const f16 = operands("f16", [4096, 4096], [4096, 4096]);

  test("only where the profile has subgroup matrices, for f16 steps whose sizes are known at build time", () => {
    expect(tilesOf("ij,jk->ik", f16, { profile: tensorCores })!.kind).toBe("matrix-staged");
    expect(tilesOf("ij,jk->ik", f16, { profile: "nvidia-h100" })!.kind).toBe("scalar");
    expect(tilesOf("ij,jk->ik", operands("f32", [4096, 4096], [4096, 4096]), { profile: tensorCores })!.kind).toBe(
      "scalar",
    );
    expect(tilesOf("ij,jk->ik", f16, { profile: tensorCores, runtimeSizes: ["i"] })!.kind).toBe("scalar");
    expect(chooseTiles({ batch: 1, m: 4096, n: 4096, k: 4096, matrix: true }, PROFILES["nvidia-h100"]).kind).toBe(
      "scalar",
    );
    expect(tilesOf("ijk,jkl->il", operands("f16", [4096, 4, 4], [4, 4, 4096]), { profile: tensorCores })!.kind).toBe(
      "matrix-global",
    );
  });

  test("sides divide into the subgroups' result matrices, slabs into whole matrix steps, for every shape of matrix", () => {
    for (const matrix of [
      { m: 16, n: 16, k: 16 },
      { m: 8, n: 8, k: 8 },
    ]) {
      const profile = { ...tensorCores, subgroupMatrix: matrix };
      for (const request of requests) {
        for (const more of [{ wide: { a: true, b: true } }, { wide: { a: true, b: false } }, { matrixGlobal: true }]) {
          const t = chooseTiles({ ...request, matrix: true, ...more }, profile);
          const where = `${JSON.stringify(matrix)} ${JSON.stringify(request)} ${JSON.stringify(more)}: ${JSON.stringify(t)}`;
          expect(t.kind, where).toBe("matrixGlobal" in more ? "matrix-global" : "matrix-staged");
          // staged: 8 subgroups in 2 x 4 (4 x 2 for 256-row tiles); from memory: 4 in 2 x 2
          const [down, across] =
            t.kind === "matrix-global" ? [2, 2] : t.tm >= 256 && t.tm >= 2 * t.tn ? [4, 2] : [2, 4];
          expect(Number.isInteger(t.tm / down / matrix.m) && Number.isInteger(t.tn / across / matrix.n), where).toBe(
            true,
          );
          expect(t.tk % matrix.k, where).toBe(0);
          if (t.kind === "matrix-global") expect((request.k ?? 0) % t.tk === 0 || t.tk === matrix.k, where).toBe(true);
        }
      }
    }
  });

  test("256 x 128 only where both operands are read 16 bytes at a time; never double-buffered", () => {
    const big: TileRequest = { batch: 1, m: 8192, n: 8192, k: 8192, matrix: true };
    expect(chooseTiles({ ...big, wide: { a: true, b: true } }, tensorCores)).toEqual({
      kind: "matrix-staged",
      tm: 256,
      tn: 128,
      tk: 32,
      splits: 1,
      matrix: tensorCores.subgroupMatrix,
    });
    expect(chooseTiles({ ...big, wide: { a: true, b: false } }, tensorCores)).toEqual({
      kind: "matrix-staged",
      tm: 128,
      tn: 128,
      tk: 32,
      splits: 1,
      matrix: tensorCores.subgroupMatrix,
    });
    expect(chooseTiles({ ...big, matrixGlobal: true }, tensorCores)).toEqual({
      kind: "matrix-global",
      tm: 128,
      tn: 128,
      tk: 32,
      splits: 1,
      matrix: tensorCores.subgroupMatrix,
    });
  });

  test("slabs as the profile asks: per subgroup, or views only where the device has buffer views and both operands are read 16 bytes at a time", () => {
    const both: TileRequest = { batch: 1, m: 4096, n: 4096, k: 4096, matrix: true, wide: { a: true, b: true } };
    const views = { ...tensorCores, matrixSlabs: "views" as const, bufferViews: true };
    expect(chooseTiles(both, views)).toMatchObject({ viewSlabs: true });
    expect(chooseTiles({ ...both, wide: { a: true, b: false } }, views)).not.toHaveProperty("viewSlabs");
    expect(chooseTiles(both, { ...views, bufferViews: false })).not.toHaveProperty("viewSlabs");
    expect(chooseTiles(both, { ...tensorCores, matrixSlabs: "per-subgroup" })).toMatchObject({ subgroupSlabs: true });
    expect(
      chooseTiles({ ...both, matrixGlobal: true }, { ...tensorCores, matrixSlabs: "per-subgroup" }),
    ).not.toHaveProperty("subgroupSlabs");
  });
});

describe("the kinds of tiles", () => {
  const views = { ...tensorCores, matrixSlabs: "views" as const, bufferViews: true };
  const equations: [string, number[][]][] = [
    [
      "ij,jk->ik",
      [
        [1024, 512],
        [512, 256],
      ],
    ],
    [
      "ij,kj->ik",
      [
        [512, 1024],
        [256, 1024],
      ],
    ],
    [
      "ijk,ikl->jl",
      [
        [8, 64, 4096],
        [8, 4096, 64],
      ],
    ],
    [
      "ijk,jkl->il",
      [
        [512, 8, 4],
        [8, 4, 256],
      ],
    ],
    ["i,j->ij", [[4096], [4096]]],
  ];

  test("match the strategy and the element type, and each runs its own kernel", () => {
    const kinds: readonly DeviceProfile[] = [
      PROFILES.swiftshader,
      PROFILES["nvidia-h100"],
      tensorCores,
      views,
      { ...tensorCores, matrixSlabs: "per-subgroup" },
    ];
    for (const profile of kinds) {
      for (const dtype of ["f32", "f16"] as const) {
        for (const [equation, shapes] of equations) {
          for (const strategy of ["direct", "split-k", "ttgt", "loop"] as const) {
            const plan = planEinsum(equation, operands(dtype, ...shapes), { profile, strategy });
            const step = plan.steps[0]!;
            const t = step.tiles;
            const where = `${profile.name} ${dtype} ${equation} ${step.strategy}: ${JSON.stringify(t)}`;
            if (step.strategy === "loop") {
              expect(t, where).toBeUndefined();
              continue;
            }
            expect(t, where).toBeDefined();
            expect(t!.splits > 1, where).toBe(step.strategy === "split-k");
            expect(t!.kind === "scalar", where).toBe(dtype === "f32" || profile.subgroupMatrix === undefined);
            const code = compilePlan(plan)
              .programs[0]!.launches.map((l) => l.kernel.code)
              .find((c) => c.includes("direct (GETT)"))!;
            const expected = {
              scalar: /^(?!.*subgroup)/s,
              "matrix-staged": /@workgroup_size\(256\)[\s\S]*subgroupMatrixLoad<[^(]+\(&?a_tile/,
              "matrix-global": /@workgroup_size\(128\)[\s\S]*subgroupMatrixLoad<[^(]+\(&a, a_base/,
            }[t!.kind];
            expect(code, where).toMatch(expected);
          }
        }
      }
    }
  });

  test("carry the 16-byte accesses their kernel makes: f32 loads and stores; f16 loads only when staging subgroup matrices", () => {
    const gemm = (dtype: Dtype, options: PlanOptions) =>
      tilesOf("ij,jk->ik", operands(dtype, [1024, 512], [512, 256]), options);
    expect(gemm("f32", { profile: "nvidia-h100", strategy: "direct" })!.wide).toEqual({ a: true, b: true, out: true });
    expect(gemm("f32", { profile: "nvidia-h100", strategy: "ttgt" })!.wide).toEqual({ a: true, b: true, out: true });
    expect(gemm("f16", { profile: "nvidia-h100", strategy: "direct" })).not.toHaveProperty("wide"); // the scalar f16 kernel
    expect(gemm("f16", { profile: tensorCores, strategy: "direct" })!.wide).toEqual({ a: true, b: true }); // no 16-byte stores
    expect(gemm("f16", { profile: tensorCores, strategy: "ttgt" })).not.toHaveProperty("wide");
    const fromMemory = tilesOf("ijk,jkl->il", operands("f16", [512, 8, 4], [8, 4, 256]), {
      profile: tensorCores,
      strategy: "direct",
    })!;
    expect(fromMemory.kind).toBe("matrix-global");
    expect(fromMemory).not.toHaveProperty("wide");
    // a misaligned start: a is read an element at a time
    const shifted = [{ shape: [1024, 512], offset: 1 }, { shape: [512, 256] }];
    expect(tilesOf("ij,jk->ik", shifted, { profile: "nvidia-h100", strategy: "direct" })!.wide).toEqual({
      a: false,
      b: true,
      out: true,
    });
  });

  test("withWide gives each kind only the accesses its kernel makes", () => {
    const scalar: TileConfig = { kind: "scalar", tm: 64, tn: 64, tk: 16, splits: 1 };
    expect(withWide(scalar, { a: true, b: false, out: true })).toEqual({
      ...scalar,
      wide: { a: true, b: false, out: true },
    });
    expect(withWide({ ...scalar, wide: { a: true, b: true } }, undefined)).toEqual(scalar);
    expect(withWide(scalar, { a: false, b: false })).toEqual(scalar);
    const matrix = { m: 16, n: 16, k: 16 };
    const staged: TileConfig = { kind: "matrix-staged", tm: 128, tn: 128, tk: 32, splits: 1, matrix };
    expect(withWide(staged, { a: true, b: true, out: true })).toEqual({ ...staged, wide: { a: true, b: true } });
    const viewed: TileConfig = { kind: "matrix-staged", tm: 128, tn: 128, tk: 32, splits: 1, matrix, viewSlabs: true };
    expect(withWide(viewed, { a: true, b: true })).toEqual({ ...viewed, wide: { a: true, b: true } });
    expect(withWide({ ...viewed, wide: { a: true, b: true } }, undefined)).toEqual(viewed); // read an element at a time: the shared pair
    expect(withWide(viewed, { a: true, b: false })).toEqual({ ...staged, wide: { a: true, b: false } }); // view slabs need both
    const global: TileConfig = { kind: "matrix-global", tm: 128, tn: 128, tk: 32, splits: 1, matrix };
    expect(withWide(global, { a: true, b: true })).toBe(global);
  });
});

/**
 * Tile tables: `tuneTiles()` timing candidate tile shapes on the real adapter, and a device made
 * with the table planning its steps from it (nearest entry, deterministic) and computing the
 * oracle's values with those tiles.
 */
import { describe, expect, test } from "vitest";
import { planEinsum } from "../../codegen/plan.js";
import { PROFILES } from "../../codegen/profile.js";
import { checkTileTable, tableTiles, type TileTable } from "../../codegen/tiles.js";
import { gpu } from "../../runtime/device.js";
import { einsum } from "../../runtime/einsum.js";
import { tensor } from "../../runtime/tensor.js";
import { tuneTiles } from "../../runtime/tune.js";
import { values } from "../support/data.js";
import { maxRelativeError, oracleEinsum } from "../support/oracle.js";
import { useGpu } from "./use-gpu.js";

const g = useGpu();

const table: TileTable = {
  adapter: "written by hand",
  entries: [
    { m: 64, n: 64, k: 64, tiles: { tm: 32, tn: 32, tk: 16 } },
    { m: 4096, n: 4096, k: 4096, tiles: { tm: 128, tn: 64, tk: 16 } },
    { m: 4096, n: 64, k: 4096, tiles: { tm: 64, tn: 16, tk: 32 } },
  ],
};

describe("tile tables", () => {
  test("the entry nearest to a step's sizes (in logarithms) gives its tiles; a tie goes to the earlier entry", () => {
    expect(tableTiles(table, 100, 50, 80)).toEqual({ tm: 32, tn: 32, tk: 16 });
    expect(tableTiles(table, 3000, 5000, 2048)).toEqual({ tm: 128, tn: 64, tk: 16 });
    expect(tableTiles(table, 8192, 32, 8192)).toEqual({ tm: 64, tn: 16, tk: 32 });
    expect(
      tableTiles(
        { adapter: "", entries: [table.entries[1]!, { ...table.entries[1]!, tiles: { tm: 64, tn: 64, tk: 16 } }] },
        10,
        10,
        10,
      ),
    ).toEqual({ tm: 128, tn: 64, tk: 16 });
    expect(tableTiles(undefined, 64, 64, 64)).toBeUndefined();
  });

  test("an entry's workgroup layout is planned with its tiles where they divide among it, over the profile's", () => {
    const layout = { x: 8, y: 32 };
    const profile = {
      ...PROFILES.generic,
      invocations: { x: 16, y: 16, run: 8 },
      tileTable: {
        adapter: "x",
        entries: [{ m: 4096, n: 4096, k: 4096, tiles: { tm: 128, tn: 64, tk: 16, invocations: layout } }],
      },
    };
    const big = { shape: [4096, 4096] };
    expect(planEinsum("ij,jk->ik", [big, big], { profile, strategy: "direct" }).steps[0]!.tiles).toMatchObject({
      tm: 128,
      tn: 64,
      tk: 16,
      invocations: layout,
    });
    // forced 16 x 16 tiles have too few rows for 32 invocations down m: the default 16 x 16 invocations
    expect(
      planEinsum("ij,jk->ik", [big, big], { profile, strategy: "direct", tiles: { tm: 16, tn: 16, tk: 16 } }).steps[0]!
        .tiles,
    ).not.toHaveProperty("invocations");
  });

  test("the planner takes the table's tiles under a profile that has one (no side larger than the step needs), forced tiles over both, and plans the same twice", () => {
    const profile = { ...PROFILES.generic, tileTable: table };
    const big = { shape: [4096, 4096], strides: [4096, 1] };
    const thin = { shape: [4096, 48], strides: [48, 1] };
    expect(planEinsum("ij,jk->ik", [big, big], { profile, strategy: "direct" }).steps[0]!.tiles).toMatchObject({
      tm: 128,
      tn: 64,
      tk: 16,
    });
    // without the table the generic profile's rule gives 64 x 64
    expect(
      planEinsum("ij,jk->ik", [big, big], { profile: "generic", strategy: "direct" }).steps[0]!.tiles,
    ).toMatchObject({ tm: 64, tn: 64 });
    expect(planEinsum("ij,jk->ik", [big, thin], { profile, strategy: "direct" }).steps[0]!.tiles).toMatchObject({
      tm: 64,
      tn: 16,
      tk: 32,
    });
    // 20 x 20 outputs: the 64^3 entry's 32 x 32 x 16; 8 columns: its 32 cut to 16, the narrowest side
    const small = { shape: [20, 20], strides: [20, 1] };
    expect(planEinsum("ij,jk->ik", [small, small], { profile, strategy: "direct" }).steps[0]!.tiles).toMatchObject({
      tm: 32,
      tn: 32,
      tk: 16,
    });
    const tiny = { shape: [4096, 8], strides: [8, 1] };
    const row = { shape: [8, 8], strides: [8, 1] };
    expect(planEinsum("ij,jk->ik", [tiny, row], { profile, strategy: "direct" }).steps[0]!.tiles).toMatchObject({
      tn: 16,
    });
    expect(
      planEinsum("ij,jk->ik", [big, big], { profile, strategy: "direct", tiles: { tm: 32, tn: 32, tk: 16 } }).steps[0]!
        .tiles,
    ).toMatchObject({ tm: 32, tn: 32, tk: 16 });
    expect(JSON.stringify(planEinsum("ij,jk->ik", [big, thin], { profile }))).toBe(
      JSON.stringify(planEinsum("ij,jk->ik", [big, thin], { profile })),
    );
  });

  test.each([
    [{ adapter: "x", entries: [] }, /at least one entry/],
    [
      { adapter: "x", entries: [{ m: 64, n: 0, k: 64, tiles: { tm: 64, tn: 64, tk: 16 } }] },
      /tileTable.entries\[0\].n must be a positive integer, got 0/,
    ],
    [
      { adapter: "x", entries: [table.entries[0], { m: 64, n: 64, k: 64, tiles: { tm: 48, tn: 64, tk: 16 } }] },
      /tileTable.entries\[1\].tiles.tm must be one of 16, 32, 64, 128, 256, got 48/,
    ],
    [
      { adapter: "x", entries: [{ m: 64, n: 64, k: 64, tiles: { tm: 64, tn: 64 } }] },
      /tileTable.entries\[0\].tiles must give tm, tn and tk/,
    ],
    [
      {
        adapter: "x",
        entries: [{ m: 64, n: 64, k: 64, tiles: { tm: 64, tn: 64, tk: 16, invocations: { x: 32, y: 16 } } }],
      },
      /tileTable.entries\[0\].tiles.invocations \{"x":32,"y":16\} is no layout 64x64x16 tiles divide among/,
    ],
  ])("a malformed table is refused, naming the entry: %j", async (bad, message) => {
    expect(() => checkTileTable(bad as TileTable)).toThrow(message);
    await expect(gpu({ tileTable: bad as TileTable })).rejects.toThrow(message);
  });
});

describe("tuneTiles()", () => {
  test("times every candidate at every size on this adapter, keeps the fastest, and a device made with the table plans from it and computes the oracle's values", async () => {
    const candidates = [
      { tm: 16, tn: 16, tk: 16 },
      { tm: 32, tn: 32, tk: 16 },
      { tm: 64, tn: 32, tk: 8 },
      { tm: 64, tn: 32, tk: 16, invocations: { x: 8, y: 16, run: 4 } }, // a workgroup layout: 128 invocations
    ];
    const tuned = await tuneTiles(g(), {
      sizes: [
        [64, 64, 64],
        [96, 160, 32],
      ],
      candidates,
      minSeconds: 0.02,
    });
    expect(tuned.adapter).toBe(g().adapterName);
    expect(tuned.entries.map((e) => [e.m, e.n, e.k])).toEqual([
      [64, 64, 64],
      [96, 160, 32],
    ]);
    for (const e of tuned.entries) {
      expect(e.measured!.map((r) => r.tiles)).toEqual(candidates);
      for (const r of e.measured!) expect(r.ms).toBeGreaterThan(0);
      expect(e.tiles).toEqual(e.measured!.reduce((best, r) => (r.ms < best.ms ? r : best)).tiles);
    }
    expect(g().stats().allocatedBytes).toBe(0); // its operands and outputs are freed

    const stored = JSON.parse(JSON.stringify(tuned)) as TileTable; // what a cache file gives back
    const h = await gpu({ tileTable: stored });
    try {
      expect(h.profile.tileTable).toEqual(tuned);
      const a = tensor(h, values(90 * 40, 1), [90, 40]);
      const b = tensor(h, values(40 * 150, 2), [40, 150]);
      const step = planEinsum("ij,jk->ik", [a, b], { profile: h.profile, strategy: "direct" }).steps[0]!;
      expect(step.tiles).toMatchObject(tuned.entries[1]!.tiles);
      const out = einsum("ij,jk->ik", a, b, { strategy: "direct" });
      const expected = oracleEinsum("ij,jk->ik", [
        { data: values(90 * 40, 1), shape: [90, 40] },
        { data: values(40 * 150, 2), shape: [40, 150] },
      ]);
      expect(maxRelativeError(await out.read(), expected.data)).toBeLessThanOrEqual(1e-4);
    } finally {
      h.destroy();
    }
  });

  test.each([
    [{ sizes: [] }, /sizes must be a non-empty list of \[m, n, k\]/],
    [{ sizes: [[64, 64]] }, /sizes must be a non-empty list of \[m, n, k\]/],
    [{ candidates: [{ tm: 64, tn: 64, tk: 4 }] }, /candidates\[0\].tk must be one of 8, 16, 32, 64, got 4/],
    [
      { candidates: [{ tm: 64, tn: 64, tk: 16, invocations: { x: 16, y: 16, run: 3 } }] },
      /candidates\[0\].invocations \{"x":16,"y":16,"run":3\} is no layout/,
    ],
    [{ minSeconds: -1 }, /minSeconds must be a number of seconds from 0 to 60/],
  ])("bad options are refused before anything runs: %j", async (options, message) => {
    await expect(tuneTiles(g(), options as never)).rejects.toThrow(message);
  });
});

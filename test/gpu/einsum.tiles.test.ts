/**
 * Every tile shape the direct kernel accepts (`tiles` plan option: 16-256 sides, 8-32 deep slabs,
 * vec4 runs of rows and columns from 64 up) against the oracle, on views with edges that are not
 * multiples of any tile: the shapes the planner picks on a large GPU run here on SwiftShader too.
 */
import { describe, expect, test } from "vitest";
import { planEinsum } from "../../codegen/plan.js";
import { compileEinsum, compilePlan } from "../../codegen/compiled.js";
import { elementCount } from "../../codegen/views.js";
import { PROFILES } from "../../codegen/profile.js";
import { einsum } from "../../runtime/einsum.js";
import { tensor, Tensor, zeros } from "../../runtime/tensor.js";
import type { Strategy, TileConfig } from "../../codegen/cost.js";
import type { TileShape } from "../../codegen/tiles.js";
import { maxRelativeError, oracleEinsum } from "../support/oracle.js";
import { values } from "../support/data.js";
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
  { tm: 256, tn: 32, tk: 8 }, // 256: the subgroup-matrix kernel's long side; the scalar kernel takes it too
];

describe("direct kernel, every tile shape", () => {
  // x is a transposed slice (k fastest nowhere), y a plain matrix: both load paths of each operand.
  test.each(shapes)("bik,kj->bij and ki,kj->ij at tiles $tm x $tn x $tk", async (tiles) => {
    await checkTiles(tiles, true);
  });

  test("tiles 128 x 128 x 16 on a sliced operand (direct only: SwiftShader compiles the split-k variant too slowly)", async () => {
    await checkTiles({ tm: 128, tn: 128, tk: 16 }, false);
  });

  test("64-deep slabs (the subgroup-matrix kernel's deepest; the scalar kernel takes them too), direct only: split-k wants 8 slabs a slice, more than k = 600 has", async () => {
    await checkTiles({ tm: 16, tn: 32, tk: 64 }, false);
  });
});

/**
 * `bik,kj->bij` on a slice with `direct`, and (when `splitK`) `ki,kj->ij` on a transposed slice with
 * split-k: a long k and an output of one workgroup, so that split-k is really planned.
 */
async function checkTiles(tiles: { tm: number; tn: number; tk: number }, splitK: boolean): Promise<void> {
  const X = tensor(g(), values(2 * 134 * 600, 1), [2, 134, 600]);
  const cases: { equation: string; x: Tensor; y: Tensor; strategy: Strategy }[] = [
    {
      equation: "bik,kj->bij",
      x: X.slice(1, 2, 133).slice(2, 0, 37),
      y: tensor(g(), values(37 * 70, 2), [37, 70]),
      strategy: "direct",
    },
  ];
  if (splitK)
    cases.push({
      equation: "ki,kj->ij",
      x: X.select(0, 1).slice(0, 1, 14).transpose(0, 1),
      y: tensor(g(), values(600 * 11, 3), [600, 11]),
      strategy: "split-k",
    });
  for (const { equation, x, y, strategy } of cases) {
    const planned = planEinsum(equation, [x, y], { strategy, tiles, profile: g().profile }).steps[0]!;
    expect([planned.strategy, planned.tiles]).toMatchObject([strategy, tiles]);
    const out = einsum(equation, x, y, { strategy, tiles });
    const expected = oracleEinsum(equation, [
      { data: await x.contiguous().read(), shape: x.shape },
      { data: await y.read(), shape: y.shape },
    ]);
    expect(maxRelativeError(await out.read(), expected.data), `${equation} ${strategy}`).toBeLessThanOrEqual(1e-4);
    [out, y].forEach((t) => t.destroy());
  }
  X.destroy();
}

describe("tiles option", () => {
  test.each([
    [{ tm: 48 }, /tiles.tm must be one of 16, 32, 64, 128, 256, got 48/],
    [{ tk: 4 }, /tiles.tk must be one of 8, 16, 32, 64, got 4/],
    [{ tm: 16, tk: 8 }, /tiles.tm x tiles.tk = 16 x 8 must be a multiple of 256/],
  ])("%j is refused", (tiles, message) => {
    const a = { shape: [4, 4], strides: [4, 1] };
    expect(() => planEinsum("ij,jk->ik", [a, a], { tiles })).toThrow(message);
  });

  test("an unforced side widens to fill a shallow slab", () => {
    const a = { shape: [8, 8], strides: [8, 1] };
    expect(planEinsum("ij,jk->ik", [a, a], { tiles: { tk: 8 }, strategy: "direct" }).steps[0]!.tiles).toMatchObject({
      tm: 32,
      tn: 32,
      tk: 8,
    });
  });
});

test("the nvidia-h100 profile takes 128 x 64 x 16 tiles for a large GEMM (its maxTileArea) and smaller ones where those would idle compute units", () => {
  const big = { shape: [4096, 4096], strides: [4096, 1] };
  const tiles = planEinsum("ij,jk->ik", [big, big], { profile: "nvidia-h100" }).steps[0]!.tiles!;
  expect(tiles).toMatchObject({ tm: 128, tn: 64, tk: 16 });
  expect(tiles.doubleBuffer).toBeUndefined(); // two 128 x 64 x 16 slabs measured slower than one
  // without the area limit: 128 x 128 x 8, double-buffered (the profile's doubleBuffer), as forced tiles still are
  const square = { ...PROFILES["nvidia-h100"], maxTileArea: undefined };
  expect(planEinsum("ij,jk->ik", [big, big], { profile: square }).steps[0]!.tiles).toMatchObject({
    tm: 128,
    tn: 128,
    tk: 8,
    doubleBuffer: true,
  });
  expect(
    planEinsum("ij,jk->ik", [big, big], { profile: "nvidia-h100", tiles: { tm: 128, tn: 128 } }).steps[0]!.tiles,
  ).toMatchObject({ tm: 128, tn: 128, tk: 8, doubleBuffer: true });
  // 64 x 64 x 16 slabs doubled take 17 KiB, over the 16.5 KiB that measured faster
  expect(
    planEinsum("ij,jk->ik", [big, big], { profile: "nvidia-h100", tiles: { tm: 64, tn: 64, tk: 16 } }).steps[0]!.tiles!
      .doubleBuffer,
  ).toBeUndefined();
  const mid = { shape: [1024, 1024], strides: [1024, 1] };
  const t = planEinsum("ij,jk->ik", [mid, mid], { profile: "nvidia-h100", strategy: "direct" }).steps[0]!.tiles!;
  expect(Math.ceil(1024 / t.tm) * Math.ceil(1024 / t.tn)).toBeGreaterThanOrEqual(128);
  expect(elementCount([t.tm, t.tn])).toBeLessThan(128 * 128);
});

test("tiles whose slabs exceed the device's workgroup memory are refused before anything runs", () => {
  const a = tensor(g(), values(256 * 256, 1), [256, 256]);
  const tiles = { tm: 128, tn: 128, tk: 32 };
  const kernel = compileEinsum("ij,jk->ik", [a, a], { tiles, strategy: "direct", profile: g().profile }).programs[0]!
    .launches[0]!.kernel;
  // a loads along k into rows padded by 4 floats; b along n, unpadded: 4 bytes x 32 x (132 + 128)
  expect(kernel.workgroupBytes).toBe(4 * 32 * (132 + 128));
  const before = g().stats().allocatedBytes;
  if (kernel.workgroupBytes! > g().limits.maxComputeWorkgroupStorageSize) {
    expect(() => einsum("ij,jk->ik", a, a, { tiles, strategy: "direct" })).toThrow(
      /needing 33280 bytes of workgroup memory, more than this device's maxComputeWorkgroupStorageSize/,
    );
    expect(g().stats().allocatedBytes).toBe(before);
  } else {
    einsum("ij,jk->ik", a, a, { tiles, strategy: "direct" }).destroy();
  }
  a.destroy();
});

describe("16-byte loads and stores (f32)", () => {
  test("an empty operand (k = 0) is read an element at a time: WebGPU binds no fewer than 16 bytes as vec4s, and it has none", async () => {
    const [a, b] = [tensor(g(), new Float32Array(0), [256, 0]), tensor(g(), new Float32Array(0), [0, 192])];
    // the nvidia-h100 profile's own tiles, which read 16 bytes at a time wherever an operand has a row
    const tiles = { tm: 128, tn: 64, tk: 16 };
    expect(
      planEinsum("ij,jk->ik", [a, b], { profile: "nvidia-h100", strategy: "direct", tiles }).steps[0]!.tiles,
    ).toMatchObject({ ...tiles, wide: { a: false, b: false, out: true } });
    const out = einsum("ij,jk->ik", a, b, { tiles, strategy: "direct" });
    expect([...(await out.read())].every((v) => v === 0)).toBe(true);
    g().throwGpuError();
    [a, b, out].forEach((t) => t.destroy());
  });

  // Each operand read along its unit stride, 4 elements at a time, where its layout and start allow it.
  test.each([
    [
      "ij,jk->ik",
      [
        [64, 48],
        [48, 64],
      ],
      [0, 0],
      { a: true, b: true, out: true },
    ], // a along k, b along n
    [
      "ji,jk->ik",
      [
        [48, 64],
        [48, 64],
      ],
      [0, 0],
      { a: true, b: true, out: true },
    ], // a along m
    [
      "ik,jk->ij",
      [
        [64, 48],
        [64, 48],
      ],
      [0, 0],
      { a: true, b: true, out: true },
    ], // b along k
    [
      "ij,jk->ik",
      [
        [64, 48],
        [48, 64],
      ],
      [4, 0],
      { a: true, b: true, out: true },
    ], // a starts 16 bytes in
    [
      "ij,jk->ik",
      [
        [64, 48],
        [48, 64],
      ],
      [2, 0],
      { a: false, b: true, out: true },
    ], // 8 bytes in: a read one at a time
    [
      "ij,jk->ik",
      [
        [64, 46],
        [46, 64],
      ],
      [0, 0],
      { a: false, b: true, out: true },
    ], // rows of 46: not whole vec4s
  ] as const)("%s on %j, starts %j: wide %j, and the oracle's values", async (equation, shapes, offsets, wide) => {
    const tiles = { tm: 64, tn: 64, tk: 16 };
    const data = shapes.map((s, k) => values(s[0] * s[1] + offsets[k]!, k + 1));
    const bases = data.map((d) => tensor(g(), d, [d.length]));
    const views = bases.map((b, k) => new Tensor(b.storage, [...shapes[k]!], [shapes[k]![1], 1], offsets[k]!));
    for (const strategy of ["direct", "split-k"] as const) {
      const step = planEinsum(equation, views, { tiles, strategy, profile: g().profile }).steps[0]!;
      if (step.strategy !== strategy) continue; // split-k only where the contraction is long enough
      expect(step.tiles!.wide ?? { a: false, b: false }).toEqual(wide);
      const out = einsum(equation, ...views, { tiles, strategy });
      const expected = oracleEinsum(
        equation,
        views.map((v, k) => ({ data: data[k]!, shape: v.shape, strides: v.strides, offset: v.offset })),
      );
      expect(maxRelativeError(await out.read(), expected.data)).toBeLessThanOrEqual(1e-4);
      out.destroy();
    }
    bases.forEach((b) => b.destroy());
  });

  // The output stored as runs of 4 columns, one vec4 each, where its innermost label is n's, in
  // whole vec4s, and it is fresh (contiguous, at offset 0); edges in m and batches as they come.
  test.each([
    [
      "bij,bjk->bik",
      [
        [3, 37, 20],
        [3, 20, 68],
      ],
      true,
      "batched, 37 rows: edges in m",
    ],
    [
      "ij,jkl->ikl",
      [
        [37, 3],
        [3, 5, 8],
      ],
      true,
      "n is k and l: the inner l in whole vec4s",
    ],
    [
      "ij,jkl->ikl",
      [
        [37, 3],
        [3, 5, 6],
      ],
      false,
      "rows of l = 6: no whole vec4s",
    ],
    [
      "ij,jk->ik",
      [
        [37, 20],
        [20, 70],
      ],
      false,
      "rows of 70",
    ],
    [
      "ij,jk->ki",
      [
        [36, 20],
        [20, 68],
      ],
      false,
      "the output's unit stride is along m",
    ],
    [
      "ki,kj->ij",
      [
        [600, 20],
        [600, 68],
      ],
      true,
      "split-k: the partial sums stored so too",
    ],
  ] as const)(
    "%s on %j: stores 16 bytes at a time %s (%s), and the oracle's values",
    async (equation, shapes, wide, _why) => {
      const tiles = { tm: 64, tn: 64, tk: 16 };
      const data = shapes.map((s, k) => values(elementCount(s), k + 1));
      const ops = shapes.map((s, k) => tensor(g(), data[k]!, [...s]));
      const strategy = equation === "ki,kj->ij" ? "split-k" : "direct";
      // planned for a large GPU, so that split-k splits these small outputs' long contraction
      const plan = planEinsum(equation, ops, { tiles, strategy, profile: "nvidia-h100" });
      expect(plan.steps[0]!.strategy).toBe(strategy);
      expect(plan.steps[0]!.tiles!.wide?.out === true).toBe(wide);
      const compiled = compilePlan(plan);
      expect(compiled.programs[0]!.launches[0]!.kernel.code.includes("written 4 elements at a time")).toBe(wide);
      const expected = oracleEinsum(
        equation,
        shapes.map((shape, k) => ({ data: data[k]!, shape })),
      );
      const out = einsum(equation, ...ops, { compiled });
      expect(maxRelativeError(await out.read(), expected.data)).toBeLessThanOrEqual(1e-4);
      // into a caller's view, added to what is there: 16 bytes at a time where the view starts aligned too, else an element at a time
      const target = tensor(g(), values(elementCount(expected.shape) + 4, 9), [elementCount(expected.shape) + 4]);
      for (const offset of [4, 1]) {
        const view = new Tensor(target.storage, expected.shape, out.strides, offset);
        const before = await view.contiguous().read();
        const into = planEinsum(equation, ops, {
          tiles,
          strategy,
          profile: "nvidia-h100",
          outputStrides: view.strides,
          outputOffset: offset,
          accumulate: true,
        });
        expect(into.steps[0]!.tiles!.wide?.out === true, `into a view at ${offset}`).toBe(wide && offset === 4);
        einsum(equation, ...ops, { out: view, accumulate: true, tiles, strategy });
        const added = await view.contiguous().read();
        expect(
          maxRelativeError(
            added,
            expected.data.map((v, i) => v + before[i]!),
          ),
          `into a view at ${offset}`,
        ).toBeLessThanOrEqual(1e-4);
      }
      [out, target, ...ops].forEach((t) => t.destroy());
    },
  );

  test("into a column-major view: direct stores runs along its unit stride 16 bytes at a time; split-k's contiguous partials an element at a time", async () => {
    // ki,kj->ji: the output [j, i] has n = j outermost, but the view makes j its unit stride
    const x = tensor(g(), values(600 * 20, 1), [600, 20]);
    const y = tensor(g(), values(600 * 68, 2), [600, 68]);
    const expected = oracleEinsum("ki,kj->ji", [
      { data: values(600 * 20, 1), shape: [600, 20] },
      { data: values(600 * 68, 2), shape: [600, 68] },
    ]);
    for (const strategy of ["direct", "split-k"] as const) {
      const base = zeros(g(), [20, 68]);
      const view = base.transpose(); // [68, 20], strides [1, 68]
      const plan = planEinsum("ki,kj->ji", [x, y], {
        tiles: { tm: 64, tn: 64, tk: 16 },
        strategy,
        profile: "nvidia-h100",
        outputStrides: view.strides,
      });
      expect(plan.steps[0]).toMatchObject({ strategy, tiles: { wide: { out: true } } });
      const compiled = compilePlan(plan);
      const gemm = compiled.programs[0]!.launches[0]!.kernel.code;
      expect(gemm.includes("written 4 elements at a time"), strategy).toBe(strategy === "direct");
      einsum("ki,kj->ji", x, y, { compiled, out: view });
      expect(maxRelativeError(await view.contiguous().read(), expected.data), strategy).toBeLessThanOrEqual(1e-4);
      base.destroy();
    }
    [x, y].forEach((t) => t.destroy());
  });

  test("ttgt's GEMM reads its copies 16 bytes at a time, and an operand it does not copy as that operand's start allows", async () => {
    const tiles = { tm: 64, tn: 64, tk: 16 };
    const aData = values(64 * 128, 1);
    // [k, i], every other column: no unit stride, so only its contiguous copy ([i, k]) can be read 16 bytes at a time
    const aBase = tensor(g(), aData, [64 * 128]);
    const a = new Tensor(aBase.storage, [64, 64], [128, 2], 0);
    for (const offset of [0, 2]) {
      const bData = values(64 * 64 + offset, 2);
      const b = new Tensor(tensor(g(), bData, [64 * 64 + offset]).storage, [64, 64], [64, 1], offset); // [k, j]: GEMM-ready, not copied
      const plan = planEinsum("ki,kj->ij", [a, b], { tiles, strategy: "ttgt", profile: g().profile });
      expect(plan.steps[0]).toMatchObject({ strategy: "ttgt", copies: [0] });
      expect(plan.steps[0]!.tiles!.wide).toEqual({ a: true, b: offset === 0, out: true });
      const compiled = compilePlan(plan);
      const gemm = compiled.programs[0]!.launches.at(-1)!.kernel.code;
      expect(gemm).toContain("var<storage, read> a: array<vec4<f32>>;");
      expect(gemm.includes("var<storage, read> b: array<vec4<f32>>;")).toBe(offset === 0);
      g().resetStats();
      const out = einsum("ki,kj->ij", a, b, { compiled });
      expect(g().stats().plansMade, `b starting ${offset} in`).toBe(0); // the plan made for this start runs as it is
      const expected = oracleEinsum("ki,kj->ij", [
        { data: aData, shape: [64, 64], strides: [128, 2] },
        { data: bData, shape: [64, 64], strides: [64, 1], offset },
      ]);
      expect(maxRelativeError(await out.read(), expected.data), `b starting ${offset} in`).toBeLessThanOrEqual(1e-4);
      [out, b].forEach((t) => t.destroy());
    }
    aBase.destroy();
  });

  test("a build-time plan that stores into an out view 16 bytes at a time is used only for a view that starts aligned", async () => {
    const compiled = compileEinsum("ij,jk->ik", [{ shape: [64, 48] }, { shape: [48, 64] }], {
      tiles: { tm: 64, tn: 64, tk: 16 },
      strategy: "direct",
      outputStrides: [64, 1],
      accumulate: true,
    });
    expect(compiled.plan.steps[0]!.tiles!.wide?.out).toBe(true);
    const a = tensor(g(), values(64 * 48, 1), [64, 48]);
    const b = tensor(g(), values(48 * 64, 2), [48, 64]);
    const expected = oracleEinsum("ij,jk->ik", [
      { data: values(64 * 48, 1), shape: [64, 48] },
      { data: values(48 * 64, 2), shape: [48, 64] },
    ]);
    for (const [offset, plans] of [
      [0, 0],
      [2, 1],
    ] as const) {
      const base = zeros(g(), [64 * 64 + offset]);
      const view = new Tensor(base.storage, [64, 64], [64, 1], offset);
      g().resetStats();
      einsum("ij,jk->ik", a, b, { compiled, out: view, accumulate: true });
      expect(g().stats().plansMade, `a view at ${offset}`).toBe(plans); // planned again for a start 8 bytes in
      expect(
        maxRelativeError(await view.contiguous().read(), expected.data),
        `a view at ${offset}`,
      ).toBeLessThanOrEqual(1e-4);
      base.destroy();
    }
    [a, b].forEach((t) => t.destroy());
  });

  test("a build-time plan with 16-byte loads is not used for a view that starts elsewhere", async () => {
    const compiled = compileEinsum("ij,jk->ik", [{ shape: [64, 48] }, { shape: [48, 64] }], {
      tiles: { tm: 64, tn: 64, tk: 16 },
      strategy: "direct",
    });
    expect(compiled.plan.steps[0]!.tiles!.wide).toEqual({ a: true, b: true, out: true });
    const base = tensor(g(), values(64 * 48 + 2, 1), [64 * 48 + 2]);
    const a = new Tensor(base.storage, [64, 48], [48, 1], 2); // 8 bytes in
    const b = tensor(g(), values(48 * 64, 2), [48, 64]);
    g().resetStats();
    const out = einsum("ij,jk->ik", a, b, { compiled });
    expect(g().stats().plansMade).toBe(1); // planned again for this start
    const expected = oracleEinsum("ij,jk->ik", [
      { data: values(64 * 48 + 2, 1), shape: [64, 48], offset: 2 },
      { data: values(48 * 64, 2), shape: [48, 64] },
    ]);
    expect(maxRelativeError(await out.read(), expected.data)).toBeLessThanOrEqual(1e-4);
    [base, b, out].forEach((t) => t.destroy());
  });
});

describe("double-buffered slabs (the nvidia-h100 profile's 128 x 128 x 8 tiles; the bench forces others)", () => {
  // Two slab buffers, one barrier a slab: every store and read path (runs of 4 or single rows,
  // 16-byte loads or not, loaded along either side), on views with edges and with split-k.
  test.each([
    { tm: 64, tn: 64, tk: 16 },
    { tm: 128, tn: 128, tk: 8 },
    { tm: 32, tn: 16, tk: 16 },
  ])("tiles $tm x $tn x $tk", async (tiles) => {
    await checkSettings(tiles, { doubleBuffer: true }, "one barrier a slab");
  });
});

describe("workgroup layouts (tiles.invocations: the bench forces them; the planner takes one only from a profile that names it)", () => {
  // Fewer invocations with larger blocks, and subgroups laid over narrower bands of columns.
  // Slabs stay shallow: SwiftShader's compile time grows steeply with the loads an invocation
  // makes (16 of a and 16 of b, 64 x 64 x 16 on 8 x 8 invocations, took over 5 minutes).
  test.each([
    [{ tm: 128, tn: 64, tk: 8 }, { x: 8, y: 16 }, "@workgroup_size(8, 16)"], // 128 invocations, 8 x 8 each
    [{ tm: 128, tn: 64, tk: 16 }, { x: 16, y: 16, run: 8 }, "a subgroup of 32 covers 8 x 4 blocks"],
    [{ tm: 64, tn: 64, tk: 8 }, { x: 8, y: 8 }, "@workgroup_size(8, 8)"], // 64 invocations, 8 x 8 each
    [{ tm: 64, tn: 32, tk: 16 }, { x: 8, y: 16, run: 4 }, "a subgroup of 32 covers 4 x 8 blocks"], // 4 x 4 blocks: runs of 4 both ways
  ] as const)("tiles %j on %j invocations", async (tiles, invocations, marker) => {
    await checkSettings(tiles, { invocations }, marker);
  });

  test("with double-buffered slabs (as the nvidia-h100 profile plans 128 x 128 x 8)", async () => {
    await checkSettings(
      { tm: 64, tn: 64, tk: 8 },
      { invocations: { x: 16, y: 16, run: 8 }, doubleBuffer: true },
      "one barrier a slab",
    );
  });

  test("a profile's layout (DeviceProfile.invocations) is planned where the tiles divide among it, 16 x 16 elsewhere, and runs", async () => {
    const profile = { ...g().profile, invocations: { x: 16, y: 16, run: 8 } };
    const X = tensor(g(), values(134 * 600, 1), [134, 600]);
    const y = tensor(g(), values(600 * 70, 2), [600, 70]);
    const x = X.slice(0, 1, 133).slice(1, 0, 37); // a sliced operand with edges
    const yv = y.slice(0, 0, 37);
    const plan = planEinsum("ik,kj->ij", [x, yv], { strategy: "direct", tiles: { tm: 32, tn: 32, tk: 16 }, profile });
    expect(plan.steps[0]!.tiles).toMatchObject({ tm: 32, tn: 32, invocations: { x: 16, y: 16, run: 8 } });
    const compiled = compilePlan(plan);
    expect(compiled.programs[0]!.launches[0]!.kernel.code).toContain("a subgroup of 32 covers 8 x 4 blocks");
    const out = einsum("ik,kj->ij", x, yv, { compiled });
    const expected = oracleEinsum("ik,kj->ij", [
      { data: await x.contiguous().read(), shape: x.shape },
      { data: await yv.contiguous().read(), shape: yv.shape },
    ]);
    expect(maxRelativeError(await out.read(), expected.data)).toBeLessThanOrEqual(1e-4);
    [out, X, y].forEach((t) => t.destroy());
    // tiles the layout does not divide (16 columns among 32 invocations across), or a layout no kernel runs: the default
    const tilesFor = (invocations: object) =>
      planEinsum("ik,kj->ij", [x, yv], {
        strategy: "direct",
        tiles: { tm: 16, tn: 16, tk: 16 },
        profile: { ...profile, invocations } as never,
      }).steps[0]!.tiles!;
    expect(tilesFor({ x: 32, y: 8 })).not.toHaveProperty("invocations");
    expect(tilesFor({ x: 16, y: 16, run: 3 })).not.toHaveProperty("invocations");
    expect(tilesFor({ x: 0.5, y: 16 })).not.toHaveProperty("invocations");
    expect(tilesFor({ x: 8, y: 16 })).toMatchObject({ invocations: { x: 8, y: 16 } });
  });

  test("a layout the tiles do not divide among is refused, not compiled", () => {
    const a = { shape: [64, 64], strides: [64, 1] };
    const plan = planEinsum("ij,jk->ik", [a, a], { strategy: "direct", tiles: { tm: 64, tn: 64, tk: 16 } });
    for (const invocations of [
      { x: 32, y: 16 },
      { x: 16, y: 12 },
      { x: 16, y: 16, run: 3 },
    ]) {
      const bad = {
        ...plan,
        steps: plan.steps.map((s) => ({ ...s, tiles: { ...s.tiles!, invocations } as TileConfig })),
      };
      expect(() => compilePlan(bad)).toThrow(/do not divide among/);
    }
  });
});

/**
 * The direct kernel with `settings` added to the planned tiles, against the oracle: on a sliced
 * operand with edges, a transposed slice with split-k, and operands read 16 bytes at a time.
 * `marker`: text the generated kernel must contain (the setting really took effect).
 */
async function checkSettings(tiles: TileShape, settings: Partial<TileConfig>, marker: string): Promise<void> {
  const X = tensor(g(), values(2 * 134 * 600, 1), [2, 134, 600]);
  const y = tensor(g(), values(600 * 70, 2), [600, 70]);
  const cases = [
    {
      equation: "bik,kj->bij",
      x: X.slice(1, 2, 133).slice(2, 0, 37),
      y: y.slice(0, 0, 37),
      strategy: "direct" as const,
    },
    { equation: "ki,kj->ij", x: X.select(0, 1).slice(0, 1, 14).transpose(0, 1), y, strategy: "split-k" as const },
    { equation: "ik,kj->ij", x: X.select(0, 0).slice(1, 0, 64), y: y.slice(0, 0, 64), strategy: "direct" as const },
  ];
  for (const { equation, x, y: yv, strategy } of cases) {
    const plan = planEinsum(equation, [x, yv], { strategy, tiles, profile: g().profile });
    const compiled = compilePlan({
      ...plan,
      steps: plan.steps.map((s) =>
        s.tiles === undefined ? s : { ...s, tiles: { ...s.tiles, ...settings } as TileConfig },
      ),
    });
    const codes = compiled.programs.flatMap((p) => p.launches.map((l) => l.kernel.code));
    if (strategy === "direct" || plan.steps[0]!.strategy === "split-k")
      expect(codes.some((c) => c.includes(marker))).toBe(true);
    const out = einsum(equation, x, yv, { compiled });
    const expected = oracleEinsum(equation, [
      { data: await x.contiguous().read(), shape: x.shape },
      { data: await yv.contiguous().read(), shape: yv.shape },
    ]);
    expect(maxRelativeError(await out.read(), expected.data), `${equation} ${strategy}`).toBeLessThanOrEqual(1e-4);
    out.destroy();
  }
  [X, y].forEach((t) => t.destroy());
}

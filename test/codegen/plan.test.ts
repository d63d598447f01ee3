import { describe, expect, test } from "vitest";
import { describeTiles, explain } from "../../codegen/explain.js";
import { compileEinsum } from "../../codegen/compiled.js";
import { planEinsum, wideAccessHolds, type PlanOperand, type PlanOptions } from "../../codegen/plan.js";
import { PROFILES, type DeviceProfile } from "../../codegen/profile.js";
import { emitStep } from "../../codegen/wgsl/step.js";
import { contiguousStrides } from "../../codegen/views.js";

const GiB = 2 ** 30;
// The seed: x = X[3:11] of X (16, 16384, 2048), contracted 'ijk,ikl->jl' with Y (8, 2048, 1024).
const seed = [
  { shape: [8, 16384, 2048], strides: contiguousStrides([16, 16384, 2048]), offset: 3 * 16384 * 2048 },
  { shape: [8, 2048, 1024] },
];

describe("planEinsum", () => {
  test("the seed on an H100: direct, no temporaries; ttgt would copy the 1 GiB slice, as torch does", () => {
    const plan = planEinsum("ijk,ikl->jl", seed, { profile: "nvidia-h100" });
    expect(plan.steps).toHaveLength(1);
    const step = plan.steps[0]!;
    expect(step.strategy).toBe("direct");
    expect(step.groups).toEqual({ batch: [], m: ["j"], n: ["l"], k: ["i", "k"] });
    expect(plan.totals.temporaryBytes).toBe(0);
    const ttgt = step.alternatives.find((a) => a.strategy === "ttgt")!;
    expect(ttgt.cost.temporaryBytes).toBe(1 * GiB); // x copied into [j, (i k)]; Y is already [(i k), l]
    expect(ttgt.reason).toMatch(/^estimated .*x the chosen 'direct'/);
    expect(step.cost.flops).toBe(2 * 16384 * 1024 * 8 * 2048);
  });

  test("plans are plain JSON and deterministic", () => {
    const a = planEinsum("ijk,ikl->jl", seed, { profile: "nvidia-h100" });
    expect(planEinsum("ijk,ikl->jl", seed, { profile: "nvidia-h100" })).toEqual(a);
    expect(JSON.parse(JSON.stringify(a))).toEqual(a);
  });

  test("a chain contracts the cheap pair first and never forms the full product", () => {
    const plan = planEinsum("ij,jk,kl->il", [{ shape: [4096, 256] }, { shape: [256, 4096] }, { shape: [4096, 64] }]);
    expect(plan.steps.map((s) => s.equation)).toEqual(["jk,kl->jl", "ij,jl->il"]);
    expect(plan.steps[0]!.inputs.map((i) => i.ref)).toEqual([{ operand: 1 }, { operand: 2 }]);
    expect(plan.steps[1]!.inputs.map((i) => i.ref)).toEqual([{ operand: 0 }, { step: 0 }]);
    expect(plan.steps[1]!.frees).toEqual([0]);
    // the intermediate jl, plus whatever scratch step 1 takes (split-k partials on this profile)
    expect(plan.totals.peakTemporaryBytes).toBe(256 * 64 * 4 + plan.steps[0]!.cost.temporaryBytes);
  });

  test("one-operand steps run the loop kernel and say what they are", () => {
    expect(planEinsum("ii->i", [{ shape: [3, 3] }]).steps[0]).toMatchObject({ kind: "transform", strategy: "loop" });
    expect(planEinsum("bij->bj", [{ shape: [2, 3, 4] }]).steps[0]).toMatchObject({ kind: "reduce", strategy: "loop" });
    expect(planEinsum("i,j->ij", [{ shape: [3] }, { shape: [4] }]).steps[0]!.kind).toBe("outer");
    expect(planEinsum("ij,ij->ij", [{ shape: [3, 4] }, { shape: [3, 4] }]).steps[0]!.kind).toBe("elementwise");
    expect(planEinsum("ii->i", [{ shape: [3, 3] }], { strategy: "direct" }).steps[0]!.notes[0]).toMatch(
      /'direct' needs two operands/,
    );
  });

  test("memoryBudget rules out strategies that need more, with the reason", () => {
    const small = [{ shape: [8, 64, 16384] }, { shape: [8, 16384, 64] }];
    expect(planEinsum("ijk,ikl->jl", small, { profile: "nvidia-h100" }).steps[0]!.strategy).toBe("split-k");
    const plan = planEinsum("ijk,ikl->jl", small, { profile: "nvidia-h100", memoryBudget: 1000 });
    expect(plan.steps[0]!.cost.temporaryBytes).toBe(0);
    expect(plan.steps[0]!.alternatives.find((a) => a.strategy === "split-k")!.reason).toMatch(
      /bytes of temporaries, over the memoryBudget of 1000$/,
    );
  });

  test("a step's output writes add to its estimated time: they leave after the math", () => {
    const v = { shape: [16384] };
    const outBytes = 4 * 16384 * 16384;
    const profile = PROFILES["nvidia-h100"];
    for (const strategy of ["direct", "loop"] as const) {
      const plan = planEinsum("i,j->ij", [v, v], { profile: "nvidia-h100", strategy });
      // the outer product's 1 GiB of writes comes on top of its math (as the maximum of the two, it was 1.0x and 0.4x the writes)
      expect(plan.totals.estimatedSeconds, strategy).toBeGreaterThan((1.3 * outBytes) / profile.bytesPerSecond);
    }
    // a GEMM's 64 MiB output moves its estimate by under 1%
    const gemm = planEinsum("ij,jk->ik", [{ shape: [4096, 4096] }, { shape: [4096, 4096] }], { profile: "nvidia-h100" })
      .totals.estimatedSeconds;
    expect((4 * 4096 * 4096) / profile.bytesPerSecond / gemm).toBeLessThan(0.01);
  });

  test("a forced strategy wins every step it can run", () => {
    const plan = planEinsum("ij,jk->ik", [{ shape: [64, 64] }, { shape: [64, 64] }], { strategy: "ttgt" });
    expect(plan.steps[0]!.strategy).toBe("ttgt");
    expect(plan.steps[0]!.alternatives.every((a) => a.reason === "not the forced strategy 'ttgt'")).toBe(true);
    expect(plan.strategy).toBe("ttgt");
  });

  test("bad options are EinsightErrors", () => {
    expect(() => planEinsum("i->", [{ shape: [2] }], { profile: "tpu" as never })).toThrow(
      /Unknown device profile 'tpu'; use one of 'nvidia-h100', 'generic', 'swiftshader'/,
    );
    expect(() => planEinsum("i->", [{ shape: [2], dtype: "f64" as never }])).toThrow(
      /einsight computes in 'f32' or 'f16'/,
    );
  });
});

test("explain prints every step, the chosen strategy and why each alternative lost", () => {
  const text = explain(planEinsum("ijk,ikl->jl", seed, { profile: "nvidia-h100" }));
  expect(text).toContain(
    "einsum ijk,ikl->jl   [8, 16384, 2048] [8, 2048, 1024] -> [16384, 1024]   profile nvidia-h100",
  );
  expect(text).toMatch(
    /step 1: contraction ijk,ikl->jl \(operand 0, operand 1\) -> output \[16384, 1024\]: 'direct' tiles 128x64x16, 16-byte loads of a and b and stores$/m,
  );
  expect(text).toMatch(/strategy\s+FLOPs\s+read\s+written\s+temporaries\s+est\. time/);
  expect(text).toMatch(/ttgt\s+549\.8G\s+.*1\.0 GiB\s+.*x the chosen 'direct'/);
  expect(text).toMatch(/^total: 549\.8G FLOPs/m);
});

test("explain says how each tiled kernel runs: subgroup matrices, k slices, 16-byte loads and stores, slab buffers, workgroup layout", () => {
  expect(
    describeTiles({
      kind: "matrix-staged",
      tm: 256,
      tn: 128,
      tk: 32,
      splits: 1,
      matrix: { m: 16, n: 16, k: 16 },
      wide: { a: true, b: true },
      viewSlabs: true,
    }),
  ).toBe("tiles 256x128x32 on 16x16x16 subgroup matrices, 16-byte loads of a and b, view slabs");
  expect(
    describeTiles({ kind: "matrix-global", tm: 128, tn: 128, tk: 32, splits: 1, matrix: { m: 16, n: 16, k: 16 } }),
  ).toBe("tiles 128x128x32 on 16x16x16 subgroup matrices loaded from memory");
  expect(
    describeTiles({
      kind: "scalar",
      tm: 128,
      tn: 128,
      tk: 8,
      splits: 3,
      doubleBuffer: true,
      wide: { a: false, b: false, out: true },
      invocations: { x: 16, y: 16, run: 8 },
    }),
  ).toBe("tiles 128x128x8, 3 k slices, 16-byte stores, double-buffered slabs, 16x16 invocations in runs of 8");
  expect(describeTiles({ kind: "scalar", tm: 64, tn: 64, tk: 16, splits: 1, wide: { a: false, b: true } })).toBe(
    "tiles 64x64x16, 16-byte loads of b",
  );
});

describe("generated WGSL", () => {
  test("the same contraction under other letters is the same source (one pipeline)", () => {
    const shapes = [{ shape: [4, 5, 6] }, { shape: [4, 6, 7] }];
    const a = emitStep(planEinsum("ijk,ikl->jl", shapes), 0, 65535);
    const b = emitStep(planEinsum("abc,acd->bd", shapes), 0, 65535);
    expect(b).toEqual(a);
  });

  test("direct, split-k, ttgt and loop sources are stable", async () => {
    const shapes = [{ shape: [3, 20, 40], strides: [1600, 40, 1], offset: 0 }, { shape: [3, 40, 24] }];
    for (const strategy of ["direct", "split-k", "ttgt", "loop"] as const) {
      const plan = planEinsum("ijk,ikl->jl", shapes, { strategy, profile: "nvidia-h100" });
      const program = emitStep(plan, 0, 65535);
      const text = [
        `// scratch: [${program.scratch.join(", ")}] bytes`,
        ...program.launches.map((l) => `// binds ${JSON.stringify(l.buffers)}\n${l.kernel.code}`),
      ].join("\n");
      await expect(text).toMatchFileSnapshot(`./__snapshots__/seed.${strategy}.wgsl`);
    }
  });

  test("a step with nothing to sum writes 4 outputs per invocation as a vec4 when the last side allows it", () => {
    const code = (shapes: number[][], options = {}) =>
      emitStep(
        planEinsum(
          "i,j->ij",
          shapes.map((shape) => ({ shape })),
          options,
        ),
        0,
        65535,
      ).launches[0]!.kernel.code;
    expect(code([[8], [12]])).toContain(
      "out[i] = vec4<f32>(in0[in0_base] * in1[in1_base], in0[in0_base] * in1[in1_base + 1u],",
    );
    expect(code([[8], [6]])).not.toContain("vec4");
    expect(code([[8], [12]], { outputStrides: [12, 1] })).not.toContain("vec4"); // an out view: contiguous, but at any offset
  });
});

test("a compiled einsum's aligned starts are exactly where wideAccessHolds needs them, one start at a time", () => {
  const tensorCores: DeviceProfile = { ...PROFILES["nvidia-h100"], subgroupMatrix: { m: 16, n: 16, k: 16 } };
  const h100 = { profile: PROFILES["nvidia-h100"] };
  const cases: [string, PlanOperand[], PlanOptions][] = [
    ["ij,jk->ik", [{ shape: [256, 256] }, { shape: [256, 256] }], h100],
    [
      "ij,jk->ik",
      [{ shape: [64, 48] }, { shape: [48, 64] }],
      { tiles: { tm: 64, tn: 64, tk: 16 }, strategy: "direct", outputStrides: [64, 1], accumulate: true },
    ],
    ["bij,bjk->bik", [{ shape: [2, 64, 32] }, { shape: [2, 32, 64] }], { strategy: "ttgt" }],
    ["ij,kj->ik", [{ shape: [64, 4096] }, { shape: [64, 4096] }], { ...h100, strategy: "split-k" }],
    [
      "ij,jk->ik",
      [
        { shape: [256, 256], dtype: "f16" },
        { shape: [256, 256], dtype: "f16" },
      ],
      { profile: tensorCores },
    ],
    ["ij,jk,kl->il", [{ shape: [256, 512] }, { shape: [512, 512] }, { shape: [512, 256] }], h100],
    ["ij->j", [{ shape: [256, 256] }], h100],
  ];
  const needed: boolean[] = [];
  for (const [equation, operands, options] of cases) {
    const { plan, aligned } = compileEinsum(equation, operands, options);
    for (let mask = 0; mask < 2 ** (operands.length + 1); mask++) {
      const starts = operands.map((_, k) => (mask & (1 << k)) !== 0);
      const out = (mask & (1 << operands.length)) !== 0;
      const want = starts.every((a, k) => a || !aligned.operands[k]) && (out || !aligned.output);
      expect(wideAccessHolds(plan, starts, out), `${equation} ${JSON.stringify(options)} starts ${mask}`).toBe(want);
    }
    needed.push(...aligned.operands, aligned.output);
  }
  expect(needed.filter(Boolean).length).toBeGreaterThan(8); // the cases read 16 bytes at a time
  expect(needed.filter(Boolean).length).toBeLessThan(needed.length); // and not everywhere
});

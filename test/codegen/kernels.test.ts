/**
 * A guard on the generated kernels: every kernel the planner and the WGSL emitters make for the
 * shared case table and a spread of pair shapes (every kernel family: loop with serial and shared
 * sums, vector, copy, direct on scalar tiles and on subgroup matrices staged and loaded from
 * memory, split-k, ttgt; f32 and f16; sized at run time), under several device profiles and with
 * each strategy forced, digested and compared with a committed file. A refactor of codegen/ must
 * leave every digest as it is; a change to the kernels updates the file on purpose (`vitest -u`).
 *
 * Each digest is the first 16 hex digits of the sha256 of a canonical text of the compiled einsum:
 * per step its scratch buffers and per launch its bindings, workgroups, workgroup memory, run-time
 * params and WGSL.
 */
import { createHash } from "node:crypto";
import { expect, test } from "vitest";
import { compilePlan, compileWithGradients, type CompiledEinsum } from "../../codegen/compiled.js";
import type { Dtype } from "../../codegen/dtype.js";
import { planEinsum, type Plan, type PlanOperand, type PlanOptions } from "../../codegen/plan.js";
import { PROFILES, type DeviceProfile } from "../../codegen/profile.js";
import { withoutWideAccess } from "../../codegen/sized.js";
import { cases, isValidCase, type Case } from "../cases.js";

const STRATEGIES = [undefined, "direct", "split-k", "ttgt", "loop"] as const;

const tensorCores: DeviceProfile = { ...PROFILES["nvidia-h100"], subgroupMatrix: { m: 16, n: 16, k: 16 } };
const tileTable: DeviceProfile = {
  ...PROFILES.generic,
  invocations: { x: 16, y: 16, run: 8 },
  tileTable: {
    adapter: "test",
    entries: [
      { m: 4096, n: 4096, k: 4096, tiles: { tm: 128, tn: 64, tk: 16, invocations: { x: 8, y: 16, run: 4 } } },
      { m: 64, n: 64, k: 64, tiles: { tm: 32, tn: 32, tk: 16 } },
      { m: 4096, n: 64, k: 4096, tiles: { tm: 64, tn: 16, tk: 32 } },
    ],
  },
};

/** Profiles and element types: the name each has in the digest file. */
const SETTINGS: Record<string, { profile: DeviceProfile; dtype: Dtype }> = {
  "swiftshader f32": { profile: PROFILES.swiftshader, dtype: "f32" },
  "generic f32": { profile: PROFILES.generic, dtype: "f32" },
  "h100 f32": { profile: PROFILES["nvidia-h100"], dtype: "f32" },
  "tile table f32": { profile: tileTable, dtype: "f32" },
  "generic f16": { profile: PROFILES.generic, dtype: "f16" },
  "h100 f16": { profile: PROFILES["nvidia-h100"], dtype: "f16" },
  "matrix f16": { profile: tensorCores, dtype: "f16" },
  "matrix per-subgroup slabs f16": { profile: { ...tensorCores, matrixSlabs: "per-subgroup" }, dtype: "f16" },
  "matrix view slabs f16": { profile: { ...tensorCores, matrixSlabs: "views", bufferViews: true }, dtype: "f16" },
  "matrix 8x8x8 f16": { profile: { ...tensorCores, subgroupMatrix: { m: 8, n: 8, k: 8 } }, dtype: "f16" },
};

/** The settings the case table's small shapes are compiled under. */
const CASE_SETTINGS = ["swiftshader f32", "h100 f32", "matrix f16"];

interface Layout {
  readonly shape: readonly number[];
  readonly strides?: readonly number[];
  readonly offset?: number;
}

/** A pair shape (or a few operands) and how to compile it. */
interface Shape {
  readonly name: string;
  readonly equation: string;
  readonly operands: readonly Layout[];
  readonly options?: Omit<PlanOptions, "profile" | "strategy">;
  /** A plan changed before it is compiled: read an element at a time, or slabs double-buffered. */
  readonly transform?: "narrow" | "double";
  /** Compiled with each operand's gradient einsum (contiguous operands), these labels sized at run time. */
  readonly gradients?: readonly string[];
  readonly maxWorkgroups?: number;
}

const at = (shape: readonly number[], strides?: readonly number[], offset?: number): Layout => ({
  shape,
  ...(strides === undefined ? {} : { strides }),
  ...(offset === undefined ? {} : { offset }),
});
const gemm = (m: number, k: number, n: number): Layout[] => [at([m, k]), at([k, n])];

const SHAPES: readonly Shape[] = [
  { name: "gemm 4096", equation: "ij,jk->ik", operands: gemm(4096, 4096, 4096) },
  { name: "gemm 512", equation: "ij,jk->ik", operands: gemm(512, 512, 512) },
  { name: "gemm 1000 (edges)", equation: "ij,jk->ik", operands: gemm(1000, 1000, 1000) },
  { name: "gemm 33x65x17", equation: "ij,jk->ik", operands: gemm(33, 65, 17) },
  { name: "gemm 64", equation: "ij,jk->ik", operands: gemm(64, 64, 64) },
  { name: "gemm 520x200x264", equation: "ij,jk->ik", operands: gemm(520, 200, 264) },
  { name: "a transposed", equation: "ji,jk->ik", operands: [at([1024, 1024]), at([1024, 512])] },
  { name: "b transposed", equation: "ij,kj->ik", operands: [at([1024, 1024]), at([512, 1024])] },
  { name: "both transposed", equation: "ji,kj->ik", operands: [at([768, 512]), at([256, 768])] },
  { name: "batched", equation: "bij,bjk->bik", operands: [at([8, 256, 128]), at([8, 128, 256])] },
  {
    name: "seed slice",
    equation: "ijk,ikl->jl",
    operands: [at([8, 16384, 2048], [16384 * 2048, 2048, 1], 3 * 16384 * 2048), at([8, 2048, 1024])],
  },
  { name: "seed small", equation: "ijk,ikl->jl", operands: [at([3, 20, 40], [1600, 40, 1], 0), at([3, 40, 24])] },
  { name: "long k", equation: "ijk,ikl->jl", operands: [at([8, 64, 16384]), at([8, 16384, 64])] },
  {
    name: "long k, no budget",
    equation: "ijk,ikl->jl",
    operands: [at([8, 64, 16384]), at([8, 16384, 64])],
    options: { memoryBudget: 0 },
  },
  { name: "long k gemm", equation: "ij,jk->ik", operands: gemm(64, 65536, 64) },
  { name: "attention scores", equation: "bhqd,bhkd->bhqk", operands: [at([2, 8, 512, 64]), at([2, 8, 512, 64])] },
  { name: "attention values", equation: "bhqk,bhkd->bhqd", operands: [at([2, 8, 512, 512]), at([2, 8, 512, 64])] },
  { name: "fused k", equation: "ijk,jkl->il", operands: [at([4096, 4, 4]), at([4, 4, 4096])] },
  { name: "fused k small", equation: "ijk,jkl->il", operands: [at([64, 4, 4]), at([4, 4, 64])] },
  { name: "fused k 512x32x256", equation: "ijk,jkl->il", operands: [at([512, 8, 4]), at([8, 4, 256])] },
  { name: "fused k, batched", equation: "bijk,bjkl->bil", operands: [at([4, 256, 8, 4]), at([4, 8, 4, 128])] },
  { name: "fused k, b along k", equation: "ijk,ljk->il", operands: [at([256, 8, 4]), at([128, 8, 4])] },
  { name: "fused long k", equation: "ijk,jkl->il", operands: [at([64, 1024, 4]), at([1024, 4, 64])] },
  { name: "row slice", equation: "ij,jk->ik", operands: [at([512, 512], undefined, 3 * 512), at([512, 64])] },
  { name: "row slice, 4 in", equation: "ij,jk->ik", operands: [at([512, 512], undefined, 3 * 512 + 4), at([512, 64])] },
  {
    name: "row slice, 1 in",
    equation: "ij,jk->ik",
    operands: [at([512, 512], undefined, 1), at([512, 512], undefined, 1)],
  },
  { name: "padded rows", equation: "ij,jk->ik", operands: [at([512, 512], [516, 1]), at([512, 64])] },
  { name: "rows of 500", equation: "ij,jk->ik", operands: gemm(512, 500, 64) },
  { name: "broadcast a", equation: "ij,jk->ik", operands: [at([512, 512], [0, 1]), at([512, 512])] },
  { name: "strided b", equation: "ij,jk->ik", operands: [at([256, 256]), at([256, 256], [1, 512])] },
  { name: "outer 4096", equation: "i,j->ij", operands: [at([4096]), at([4096])] },
  { name: "outer 8x12", equation: "i,j->ij", operands: [at([8]), at([12])] },
  { name: "outer 8x6", equation: "i,j->ij", operands: [at([8]), at([6])] },
  { name: "elementwise", equation: "ij,ij->ij", operands: [at([256, 256]), at([256, 256])] },
  { name: "matvec", equation: "ij,j->i", operands: [at([4096, 4096]), at([4096])] },
  { name: "dot", equation: "i,i->", operands: [at([1 << 20]), at([1 << 20])] },
  { name: "reduce rows", equation: "bij->bj", operands: [at([64, 1024, 64])] },
  { name: "reduce all", equation: "ij->", operands: [at([4096, 4096])] },
  { name: "transpose", equation: "ij->ji", operands: [at([1024, 768])] },
  { name: "diagonal", equation: "ii->i", operands: [at([512, 512])] },
  { name: "chain", equation: "ij,jk,kl->il", operands: [at([4096, 256]), at([256, 4096]), at([4096, 64])] },
  { name: "bilinear", equation: "ik,jkl,il->ij", operands: [at([64, 32]), at([128, 32, 48]), at([64, 48])] },
  {
    name: "out transposed",
    equation: "ij,jk->ik",
    operands: gemm(512, 256, 512),
    options: { outputStrides: [1, 512] },
  },
  {
    name: "out view, aligned, accumulate",
    equation: "ij,jk->ik",
    operands: gemm(512, 256, 512),
    options: { outputStrides: [512, 1], outputOffset: 4, accumulate: true },
  },
  {
    name: "out view, 1 in",
    equation: "ij,jk->ik",
    operands: gemm(512, 256, 512),
    options: { outputStrides: [520, 1], outputOffset: 1 },
  },
  { name: "sized i", equation: "ij,jk->ik", operands: gemm(4096, 4096, 4096), options: { runtimeSizes: ["i"] } },
  {
    name: "sized i j k",
    equation: "ij,jk->ik",
    operands: gemm(4096, 4096, 4096),
    options: { runtimeSizes: ["i", "j", "k"] },
  },
  {
    name: "sized b",
    equation: "bij,bjk->bik",
    operands: [at([8, 256, 128]), at([8, 128, 256])],
    options: { runtimeSizes: ["b"] },
  },
  { name: "sized reduce", equation: "ij->j", operands: [at([4096, 512])], options: { runtimeSizes: ["i"] } },
  { name: "sized dot", equation: "i,i->", operands: [at([65536]), at([65536])], options: { runtimeSizes: ["i"] } },
  { name: "sized outer", equation: "i,j->ij", operands: [at([64]), at([64])], options: { runtimeSizes: ["j"] } },
  {
    name: "tiles 128x128",
    equation: "ij,jk->ik",
    operands: gemm(4096, 4096, 4096),
    options: { tiles: { tm: 128, tn: 128 } },
  },
  {
    name: "tiles 32x32x8",
    equation: "ij,jk->ik",
    operands: gemm(4096, 4096, 4096),
    options: { tiles: { tm: 32, tn: 32, tk: 8 } },
  },
  {
    name: "tiles 256x128x8",
    equation: "ij,jk->ik",
    operands: gemm(4096, 4096, 4096),
    options: { tiles: { tm: 256, tn: 128, tk: 8 } },
  },
  {
    name: "tiles 64x64x64",
    equation: "ij,jk->ik",
    operands: gemm(1000, 1000, 1000),
    options: { tiles: { tm: 64, tn: 64, tk: 64 } },
  },
  {
    name: "tiles 16x16x16",
    equation: "ij,jk->ik",
    operands: gemm(1000, 1000, 1000),
    options: { tiles: { tm: 16, tn: 16, tk: 16 } },
  },
  {
    name: "tiles 128x32",
    equation: "ij,jk->ik",
    operands: gemm(1000, 1000, 1000),
    options: { tiles: { tm: 128, tn: 32 } },
  },
  { name: "narrow grid", equation: "ij,jk->ik", operands: gemm(1000, 1000, 1000), maxWorkgroups: 7 },
  {
    name: "gemm 4096, an element at a time",
    equation: "ij,jk->ik",
    operands: gemm(4096, 4096, 4096),
    transform: "narrow",
  },
  {
    name: "a transposed, an element at a time",
    equation: "ji,jk->ik",
    operands: [at([1024, 1024]), at([1024, 512])],
    transform: "narrow",
  },
  { name: "gemm 4096, double-buffered", equation: "ij,jk->ik", operands: gemm(4096, 4096, 4096), transform: "double" },
  { name: "gemm 1000, double-buffered", equation: "ij,jk->ik", operands: gemm(1000, 1000, 1000), transform: "double" },
  {
    name: "b transposed, double-buffered",
    equation: "ij,kj->ik",
    operands: [at([1024, 1024]), at([512, 1024])],
    transform: "double",
  },
  { name: "gradients of a gemm", equation: "ij,jk->ik", operands: gemm(256, 128, 64), gradients: [] },
  {
    name: "gradients of attention scores",
    equation: "bhqd,bhkd->bhqk",
    operands: [at([2, 4, 64, 32]), at([2, 4, 64, 32])],
    gradients: [],
  },
  { name: "gradients of a gemm, sized i", equation: "ij,jk->ik", operands: gemm(256, 128, 64), gradients: ["i"] },
];

/** Every kernel's WGSL seen, to count the distinct ones and find each family. */
const kernels = new Set<string>();

/** The compiled einsum as text: scratch, bindings, dispatch and WGSL of every launch, gradients too. */
function describe(compiled: CompiledEinsum): string {
  const programs = compiled.programs.map((program, i) => {
    const launches = program.launches.map(({ kernel, buffers }) => {
      kernels.add(kernel.code);
      const meta = {
        buffers,
        workgroups: kernel.workgroups,
        workgroupBytes: kernel.workgroupBytes ?? null,
        runtimeParams: kernel.runtimeParams ?? null,
        runtimeDispatch: kernel.runtimeDispatch ?? null,
      };
      return `${JSON.stringify(meta)}\n${kernel.code}`;
    });
    return [`step ${i}: scratch ${JSON.stringify(program.scratch)}`, ...launches].join("\n");
  });
  const gradients = (compiled.gradients ?? []).map((g, k) => `gradient ${k}:\n${describe(g)}`);
  return [...programs, ...gradients].join("\n");
}

function digest(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 16);
}

/** The tiles of every tiled step changed by `transform` (loosely typed: the settings are the emitters' to read). */
function transformed(plan: Plan, transform: Shape["transform"]): Plan {
  if (transform === "narrow") return withoutWideAccess(plan);
  if (transform === undefined) return plan;
  const steps = plan.steps.map((step) => {
    const tiles = step.tiles as Record<string, unknown> | undefined;
    // double-buffered slabs: the scalar kernel's and the staged subgroup-matrix kernel's single shared pair
    const shared =
      tiles !== undefined &&
      tiles["global"] !== true &&
      tiles["kind"] !== "matrix-global" &&
      tiles["subgroupSlabs"] !== true &&
      tiles["viewSlabs"] !== true;
    return shared ? { ...step, tiles: { ...tiles, doubleBuffer: true } as never } : step;
  });
  return { ...plan, steps };
}

/** What one shape compiles to under one setting and strategy, as a digest, or the error it raises. */
function entry(shape: Shape, setting: string, strategy: (typeof STRATEGIES)[number]): string {
  const { profile, dtype } = SETTINGS[setting]!;
  const options: PlanOptions = { ...shape.options, profile, ...(strategy === undefined ? {} : { strategy }) };
  try {
    if (shape.gradients !== undefined) {
      const shapes = shape.operands.map((op) => op.shape);
      return digest(describe(compileWithGradients(shape.equation, shapes, options, new Set(shape.gradients))));
    }
    const operands: PlanOperand[] = shape.operands.map((op) => ({ ...op, dtype }));
    const plan = transformed(planEinsum(shape.equation, operands, options), shape.transform);
    return digest(describe(compilePlan(plan, shape.maxWorkgroups)));
  } catch (error) {
    return `error: ${error instanceof Error ? error.message.split("\n")[0]! : String(error)}`;
  }
}

function caseShape(c: Case & { output: unknown }): Shape {
  return {
    name: `case ${JSON.stringify(c.equation)} ${JSON.stringify(c.shapes)}`,
    equation: c.equation,
    operands: c.shapes.map((shape) => at(shape)),
  };
}

/** One line per shape and setting: the digest of each strategy (the planner's choice first). */
function digests(): string {
  const table: readonly Case[] = cases;
  const rows: [Shape, readonly string[]][] = [
    ...table.filter(isValidCase).map((c): [Shape, readonly string[]] => [caseShape(c), CASE_SETTINGS]),
    ...SHAPES.map((s): [Shape, readonly string[]] => [s, Object.keys(SETTINGS)]),
  ];
  const lines = new Map<string, string>();
  for (const [shape, settings] of rows) {
    for (const setting of settings) {
      const key = `${shape.name} | ${setting}`;
      if (lines.has(key)) continue;
      const values = STRATEGIES.map(
        (s) => `${JSON.stringify(s ?? "chosen")}: ${JSON.stringify(entry(shape, setting, s))}`,
      );
      lines.set(key, `  ${JSON.stringify(key)}: { ${values.join(", ")} }`);
    }
  }
  return `{\n${[...lines.values()].join(",\n")}\n}\n`;
}

test("the generated kernels are the committed ones", { timeout: 300_000 }, async () => {
  await expect(digests()).toMatchFileSnapshot("./__snapshots__/kernels.digest.json");
});

test("the digests cover every kernel family, well over a hundred distinct kernels", { timeout: 300_000 }, () => {
  if (kernels.size === 0) digests();
  const all = [...kernels];
  const some = (what: string, test: (code: string) => boolean) => expect(all.some(test), what).toBe(true);
  some(
    "loop, serial sums",
    (c) => c.includes("loop kernel") && c.includes("one invocation per output element") && c.includes("terms"),
  );
  some("loop, shared sums", (c) => c.includes("invocations per output element, sharing its sum"));
  some("loop, vec4 stores", (c) => c.includes("4 neighbouring output elements per invocation"));
  some("copy", (c) => c.includes("copy a strided view"));
  some("direct, scalar", (c) => c.includes("direct (GETT) kernel,") && !c.includes("subgroup"));
  some(
    "direct, scalar f16",
    (c) => c.includes("direct (GETT) kernel,") && c.includes("enable f16;") && !c.includes("subgroup"),
  );
  some("direct, scalar, a layout in runs", (c) => c.includes("invocations in bands of"));
  some("direct, scalar, double-buffered", (c) => c.includes("one barrier a slab") && !c.includes("subgroup"));
  some(
    "direct, scalar, 16-byte loads and stores",
    (c) => c.includes("read 4 elements at a time") && c.includes("written 4 elements at a time"),
  );
  some("direct, sized at run time", (c) => c.includes("direct (GETT)") && c.includes("sized at run time"));
  some(
    "direct, subgroup matrices, staged",
    (c) => c.includes("subgroup matrices") && c.includes("@workgroup_size(256)"),
  );
  some(
    "direct, subgroup matrices, staged with 16-byte loads",
    (c) => c.includes("subgroup matrices") && c.includes("read 8 elements at a time"),
  );
  some("direct, subgroup matrices, double-buffered", (c) => c.includes("subgroup matrices") && c.includes("A_SLAB"));
  some("direct, subgroup matrices, per-subgroup slabs", (c) => c.includes("slab per row of subgroups"));
  some("direct, subgroup matrices, view slabs", (c) => c.includes("requires buffer_view;"));
  some(
    "direct, subgroup matrices, loaded from memory",
    (c) => c.includes("subgroup matrices") && c.includes("@workgroup_size(128)"),
  );
  some("split-k", (c) => c.includes("k slices"));
  some("accumulate", (c) => c.includes("adds into out"));
  expect(kernels.size).toBeGreaterThan(1000);
});

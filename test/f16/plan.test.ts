/**
 * f16 plans and kernels. SwiftShader has no `shader-f16`, so f16 kernels run only on a GPU that
 * has it (bench/matrix.ts checks them against the oracle there); here: what the planner decides,
 * the WGSL it writes (snapshots), and the errors.
 */
import { describe, expect, test } from "vitest";
import { compileEinsum, compilePlan } from "../../codegen/compiled.js";
import { planEinsum } from "../../codegen/plan.js";
import { PROFILES } from "../../codegen/profile.js";
import { probeKernel } from "../support/variants.js";

const tensorCores = { ...PROFILES["nvidia-h100"], subgroupMatrix: { m: 16, n: 16, k: 16 } };
const f16 = (shape: number[], strides?: number[]) => ({
  shape,
  dtype: "f16" as const,
  ...(strides === undefined ? {} : { strides }),
});

describe("f16 plans", () => {
  test("a large f16 GEMM runs on subgroup matrices where the profile has them, on the scalar tiles elsewhere", () => {
    const ops = [f16([4096, 4096]), f16([4096, 4096])];
    const matrix = planEinsum("ij,jk->ik", ops, { profile: tensorCores });
    expect(matrix.dtype).toBe("f16");
    expect(matrix.steps[0]).toMatchObject({
      strategy: "direct",
      tiles: { tm: 256, tn: 128, tk: 32, matrix: { m: 16, n: 16, k: 16 }, wide: { a: true, b: true } },
    });
    expect(matrix.steps[0]!.tiles!.doubleBuffer).toBeUndefined(); // measured slower on subgroup matrices
    expect(matrix.steps[0]!.tiles!.kind).toBe("matrix-staged"); // staged with 16-byte loads: the fastest where both operands allow it
    expect(matrix.steps[0]!.cost.bytesRead).toBe(2 * 2 * 4096 * 4096); // 2 bytes an element
    const scalar = planEinsum("ij,jk->ik", ops, { profile: "nvidia-h100" });
    expect(scalar.steps[0]!.tiles!.matrix).toBeUndefined();
    expect(matrix.steps[0]!.cost.estimatedSeconds).toBeLessThan(scalar.steps[0]!.cost.estimatedSeconds / 2);
  });

  test("subgroup matrices: staged with 16-byte loads where both operands allow it, else loaded from memory where every group is one aligned stride of whole matrices, else staged", () => {
    const tiles = (equation: string, ops: object[]) =>
      planEinsum(equation, ops as never, { profile: tensorCores, strategy: "direct" }).steps[0]!.tiles!;
    const rows = (offset: number, shape = [512, 512]) => ({ ...f16(shape), offset }); // a row slice of a bigger matrix
    const kind = (t: ReturnType<typeof tiles>) =>
      t.kind === "matrix-global"
        ? "from memory"
        : `staged, 16-byte loads of a ${t.wide?.a === true}, b ${t.wide?.b === true}`;
    expect(kind(tiles("ij,jk->ik", [rows(3 * 512), f16([512, 64])]))).toBe("staged, 16-byte loads of a true, b true");
    expect(kind(tiles("ji,jk->ik", [rows(0), f16([512, 64])]))).toBe("staged, 16-byte loads of a true, b true"); // a read along m
    expect(kind(tiles("ij,jk->ik", [f16([250, 512]), f16([512, 64])]))).toBe("staged, 16-byte loads of a true, b true"); // M = 250: staging handles the edge
    expect(kind(tiles("ij,jk->ik", [rows(3 * 512 + 4), f16([512, 64])]))).toBe(
      "staged, 16-byte loads of a false, b true",
    ); // a starts 8 bytes into a 16-byte unit
    expect(kind(tiles("ij,jk->ik", [f16([512, 500]), f16([500, 64])]))).toBe(
      "staged, 16-byte loads of a false, b true",
    ); // a's rows of 500 are not whole 8-element units
    expect(kind(tiles("ij,jk->ik", [f16([512, 512], [516, 1]), f16([512, 64])]))).toBe(
      "staged, 16-byte loads of a false, b true",
    ); // padded rows of 516
    // a's contracted (j, k) is one stride but k alone (4) is no whole 16-byte unit: from memory
    const fused = tiles("ijk,jkl->il", [f16([64, 4, 4]), f16([4, 4, 64])]);
    expect(kind(fused)).toBe("from memory");
    expect(fused.tk).toBe(16); // K = 16: one 16-deep step an iteration
    // the seed: a slice X[3:11], read in place with 16-byte loads
    expect(
      kind(
        tiles("ijk,ikl->jl", [
          { ...f16([8, 256, 512], [256 * 512, 512, 1]), offset: 3 * 256 * 512 },
          f16([8, 512, 64]),
        ]),
      ),
    ).toBe("staged, 16-byte loads of a true, b true");
  });

  test("slabs as the profile asks (matrixSlabs): per subgroup, or through buffer views only where the device has them and both operands are read 16 bytes at a time", () => {
    const ops = [f16([4096, 4096]), f16([4096, 4096])];
    const step = (profile: object, operands: object[] = ops) =>
      planEinsum("ij,jk->ik", operands as never, { profile: profile as never, strategy: "direct" }).steps[0]!;
    const code = (profile: object) =>
      compilePlan(planEinsum("ij,jk->ik", ops, { profile: profile as never, strategy: "direct" })).programs[0]!
        .launches[0]!.kernel.code;
    // by default (every built-in profile): one shared pair of slabs
    expect(step(tensorCores).tiles).not.toHaveProperty("viewSlabs");
    expect(step(tensorCores).tiles).not.toHaveProperty("subgroupSlabs");
    const views = { ...tensorCores, matrixSlabs: "views" as const, bufferViews: true };
    expect(step(views).tiles).toMatchObject({ tm: 256, tn: 128, viewSlabs: true });
    expect(code(views)).toContain("requires buffer_view;");
    // the device's WGSL lacks buffer_view (a browser may): the shared slabs, never a shader that fails to compile
    expect(step({ ...views, bufferViews: false }).tiles).not.toHaveProperty("viewSlabs");
    expect(code({ ...views, bufferViews: undefined })).not.toContain("buffer_view");
    // a starts 8 bytes into a 16-byte unit: a is read an element at a time, and view slabs need both wide
    expect(step(views, [{ ...f16([4096, 4096]), offset: 4 }, f16([4096, 4096])]).tiles).not.toHaveProperty("viewSlabs");
    const parts = { ...tensorCores, matrixSlabs: "per-subgroup" as const };
    expect(step(parts).tiles).toMatchObject({ subgroupSlabs: true });
    expect(code(parts)).toContain("a [kk][mm] slab per row of subgroups");
    // the same profile plans the same kernel twice
    expect(JSON.stringify(step(views))).toBe(JSON.stringify(step(views)));
  });

  test("operands of different dtypes are refused, naming both", () => {
    expect(() => planEinsum("ij,jk->ik", [f16([2, 2]), { shape: [2, 2] }])).toThrow(
      /Operand 1 is f32 but operand 0 is f16; einsum takes operands of one dtype/,
    );
    expect(() => planEinsum("ij,jk->ik", [{ shape: [2, 2], dtype: "f64" as never }, { shape: [2, 2] }])).toThrow(
      /Operand 0 has dtype 'f64'; einsight computes in 'f32' or 'f16'/,
    );
  });

  test("an f16 memoryBudget counts 2 bytes an element", () => {
    // ij,jk,kl->il: the best order keeps a 64 x 64 intermediate (8 KiB in f16, 16 KiB in f32)
    const ops = (dtype: "f16" | "f32") =>
      [
        [64, 512],
        [512, 64],
        [64, 64],
      ].map((shape) => ({ shape, dtype }));
    expect(() => planEinsum("ij,jk,kl->il", ops("f16"), { memoryBudget: 8192 })).not.toThrow();
    expect(() => planEinsum("ij,jk,kl->il", ops("f32"), { memoryBudget: 8192 })).toThrow(/memoryBudget/);
  });

  test("f16 kernels: subgroup matrices, scalar tiles, split-k, ttgt and loop sources are stable", async () => {
    const shapes = [f16([3, 20, 40], [1600, 40, 1]), f16([3, 40, 24])];
    const parts: string[] = [];
    const gemm = compileEinsum("ijk,jkl->il", [f16([64, 4, 4]), f16([4, 4, 64])], {
      profile: tensorCores,
      strategy: "direct",
    });
    parts.push("// ===== matrix loaded from memory (ijk,jkl->il)", gemm.programs[0]!.launches[0]!.kernel.code);
    for (const [name, options] of [
      ["matrix", { profile: tensorCores, strategy: "direct" }],
      ["scalar", { profile: "nvidia-h100", strategy: "direct" }],
      ["split-k matrix", { profile: tensorCores, strategy: "split-k" }],
      ["ttgt matrix", { profile: tensorCores, strategy: "ttgt" }],
      ["loop", { profile: "nvidia-h100", strategy: "loop" }],
    ] as const) {
      const { programs } = compileEinsum("ijk,ikl->jl", shapes, options);
      parts.push(
        `// ===== ${name}`,
        ...programs[0]!.launches.map(
          (l) =>
            `// binds ${JSON.stringify(l.buffers)}, ${l.kernel.workgroupBytes ?? 0} bytes of workgroup memory\n${l.kernel.code}`,
        ),
      );
    }
    const plan = planEinsum("ijk,ikl->jl", shapes, { profile: tensorCores, strategy: "direct" });
    const split = compilePlan({
      ...plan,
      steps: plan.steps.map((st) => ({ ...st, tiles: { ...st.tiles!, subgroupSlabs: true } as never })),
    }).programs[0]!.launches[0]!.kernel;
    parts.push(
      "// ===== matrix, per-subgroup slabs (tiles.subgroupSlabs)",
      `// ${split.workgroupBytes ?? 0} bytes of workgroup memory\n${split.code}`,
    );
    const viewed = compilePlan({
      ...plan,
      steps: plan.steps.map((st) => ({ ...st, tiles: { ...st.tiles!, viewSlabs: true } as never })),
    }).programs[0]!.launches[0]!.kernel;
    parts.push(
      "// ===== matrix, view slabs (tiles.viewSlabs)",
      `// ${viewed.workgroupBytes ?? 0} bytes of workgroup memory\n${viewed.code}`,
    );
    await expect(parts.join("\n")).toMatchFileSnapshot("./__snapshots__/seed.f16.wgsl");
  });

  test("workgroup memory of the subgroup-matrix kernels: one f32 result matrix per subgroup, plus two f16 slabs when staging", () => {
    const kernel = (equation: string, ops: object[]) =>
      compileEinsum(equation, ops as never, { profile: tensorCores, strategy: "direct" }).programs[0]!.launches[0]!
        .kernel;
    const fromMemory = kernel("ijk,jkl->il", [f16([4096, 4, 4]), f16([4, 4, 4096])]);
    expect(fromMemory.code).toContain("@workgroup_size(128)");
    expect(fromMemory.workgroupBytes).toBe(4 * 256 * 4);
    const staged = kernel("ij,jk->ik", [f16([4096, 4096]), f16([4096, 4096])]);
    expect(staged.code).toContain("@workgroup_size(256)");
    expect(staged.code).toContain("let row0 = (sg / 2u) * 64u;"); // 256 x 128: 4 x 2 subgroups of 64 x 64
    // a slab [kk][mm] 32 x (256 + 8) and, loaded along n, b transposed [nn][kk] 128 x (32 + 8): rows padded by 16 bytes
    expect(staged.code).toContain("var<workgroup> b_tile: array<f16, TN * B_ROW>; // [nn][kk]");
    expect(staged.code).toContain(
      "subgroupMatrixLoad<subgroup_matrix_right<f16, 16, 16>>(&b_tile, (col0 + 16u) * B_ROW + kk, true, B_ROW)",
    );
    expect(staged.workgroupBytes).toBe(2 * (32 * 264 + 128 * 40) + 4 * 256 * 8);
  });

  test("per-subgroup slabs (tiles.subgroupSlabs): every matrix load has a constant offset inside its part, so Dawn need not test its bounds", () => {
    // Dawn's robustness predicates a subgroup-matrix load unless its offset, stride and array length are constants and in bounds
    const cases: [string, object[], { tm: number; tn: number }?][] = [
      ["ij,jk->ik", [f16([4096, 4096]), f16([4096, 4096])]], // a [kk][mm], b transposed [nn][kk]; 256 x 128
      ["ji,jk->ik", [f16([4096, 4096]), f16([4096, 4096])]], // a transposed [mm][kk]
      ["ik,jk->ij", [f16([4096, 4096]), f16([4096, 4096])]], // b read along k: [kk][nn]
      ["ij,jk->ik", [{ ...f16([4096, 4096]), offset: 1 }, f16([4096, 4096])]], // a an element at a time; 128 x 128
      ["ij,jk->ik", [f16([520, 200]), f16([200, 264])], { tm: 256, tn: 128 }], // edges
    ];
    for (const [equation, ops, tiles] of cases) {
      const plan = planEinsum(equation, ops as never, {
        profile: tensorCores,
        strategy: "direct",
        ...(tiles === undefined ? {} : { tiles }),
      });
      const split = {
        ...plan,
        steps: plan.steps.map((st) => ({ ...st, tiles: { ...st.tiles!, subgroupSlabs: true } as never })),
      };
      const { code, workgroupBytes } = compilePlan(split).programs[0]!.launches[0]!.kernel;
      const rows = {
        a: Number(/const A_ROW: u32 = (\d+)u;/.exec(code)![1]),
        b: Number(/const B_ROW: u32 = (\d+)u;/.exec(code)![1]),
      };
      const parts = {
        a: /var<workgroup> a_tile: array<array<f16, (\d+)>, (\d+)>;/.exec(code)!,
        b: /var<workgroup> b_tile: array<array<f16, (\d+)>, (\d+)>;/.exec(code)!,
      };
      const loads = [
        ...code.matchAll(/subgroupMatrixLoad<[^(]+\(&(a|b)_tile\[sg [/%] \d+u\], (\d+)u, (?:true|false), (A|B)_ROW\)/g),
      ];
      expect(loads.length, equation).toBeGreaterThanOrEqual(2 * 2 * 3); // 2 k steps of (2 or 4 left + 4 or 2 right)
      expect(loads.length, equation).toBe(code.split("subgroupMatrixLoad<").length - 1); // every load names its part at a literal offset
      for (const [, x, offset] of loads) {
        const side = x as "a" | "b";
        expect(Number(offset) + rows[side] * 15 + 16, `${equation} ${side} load at ${offset}`).toBeLessThanOrEqual(
          Number(parts[side][1]),
        ); // 16 rows (or columns) of 16
      }
      expect(workgroupBytes, equation).toBe(
        2 * (Number(parts.a[1]) * Number(parts.a[2]) + Number(parts.b[1]) * Number(parts.b[2])) + 4 * 256 * 8,
      );
      expect(code, equation).not.toContain("for (var kk"); // the k steps unrolled
    }
  });

  test("view slabs (tiles.viewSlabs): every slab element is stored exactly once, 16 bytes at a time, where the matrix loads read it", () => {
    // The generated index expressions are evaluated for every invocation (BigInt: WGSL's u32 / and %),
    // since this machine cannot compile f16 or subgroup-matrix WGSL.
    const cases: [string, object[], { tm: number; tn: number }?][] = [
      ["ij,jk->ik", [f16([4096, 4096]), f16([4096, 4096])]], // a along k: [mm][kk]; b along n: [kk][nn]; 256 x 128
      ["ji,jk->ik", [f16([4096, 4096]), f16([4096, 4096])]], // a along m: [kk][mm]
      ["ik,jk->ij", [f16([4096, 4096]), f16([4096, 4096])]], // b along k: [nn][kk]
      ["ij,jk->ik", [f16([520, 200]), f16([200, 264])], { tm: 128, tn: 128 }], // edges, 128 x 128
    ];
    for (const [equation, ops, tiles] of cases) {
      const plan = planEinsum(equation, ops as never, {
        profile: tensorCores,
        strategy: "direct",
        ...(tiles === undefined ? {} : { tiles }),
      });
      const { tm, tn, tk } = plan.steps[0]!.tiles!;
      const viewed = {
        ...plan,
        steps: plan.steps.map((st) => ({ ...st, tiles: { ...st.tiles!, viewSlabs: true } as never })),
      };
      const { code, workgroupBytes } = compilePlan(viewed).programs[0]!.launches[0]!.kernel;
      expect(code).toContain("requires buffer_view;");
      expect(code).not.toContain("bitcast<vec2<f16>>"); // no element-at-a-time stores
      const constant = (name: string) => BigInt(new RegExp(`const ${name}: u32 = (\\d+)u;`).exec(code)![1]!);
      const rows = { a: constant("A_ROW"), b: constant("B_ROW") };
      const bytes = {
        a: Number(/var<workgroup> a_mem: buffer<(\d+)>;/.exec(code)![1]),
        b: Number(/var<workgroup> b_mem: buffer<(\d+)>;/.exec(code)![1]),
      };
      expect(workgroupBytes, equation).toBe(bytes.a + bytes.b + 4 * 256 * 8);
      const loads = [
        ...code.matchAll(
          /subgroupMatrixLoad<subgroup_matrix_(left|right)<f16, 16, 16>, (row|col)_major>\((a|b)_tile, [^,]+, (A|B)_ROW\)/g,
        ),
      ];
      expect(loads.length, equation).toBe(code.split("subgroupMatrixLoad<").length - 1); // every load reads a view, major order as a template argument
      for (const x of ["a", "b"] as const) {
        const [side, free] = x === "a" ? [tm, "m"] : [tn, "n"];
        // a slab along k is [free][kk]: its matrices row-major for a, column-major for b; the other way round otherwise
        const alongK = code.includes(`let ${x}_kk0 = ((li + 0u) % `);
        const major = loads.filter((l) => l[3] === x).map((l) => l[2]);
        expect(new Set(major), `${equation} ${x}`).toEqual(new Set([alongK === (x === "a") ? "row" : "col"]));
        const expr = (name: string) =>
          new RegExp(`let ${name} = (.+);`)
            .exec(code)![1]!
            .replace(/(\d+)u/g, "$1n")
            .replace(new RegExp(`${x}_${free}(\\d)`, "g"), `${x}_${free}$1`);
        const seen = new Map<bigint, number>();
        const stores = [...code.matchAll(new RegExp(`${x}_wide\\[${x}_slot(\\d+) / 8u\\] = ${x}_v\\1;`, "g"))].map(
          (m) => Number(m[1]),
        );
        expect(stores.length, `${equation} ${x}`).toBe((side * tk) / (256 * 8));
        for (let li = 0n; li < 256n; li++) {
          for (const r of stores) {
            const kk = eval(expr(`${x}_kk${r}`).replaceAll("li", `${li}n`)) as bigint;
            const ff = eval(expr(`${x}_${free}${r}`).replaceAll("li", `${li}n`)) as bigint;
            const slot = eval(
              expr(`${x}_slot${r}`)
                .replaceAll("li", `${li}n`)
                .replaceAll(`${x}_kk${r}`, `${kk}n`)
                .replaceAll(`${x}_${free}${r}`, `${ff}n`)
                .replace(/[AB]_ROW/g, `${rows[x]}n`),
            ) as bigint;
            expect(slot % 8n, `${equation} ${x}: 16-byte aligned`).toBe(0n);
            for (let e = 0n; e < 8n; e++) {
              const [k, f] = alongK ? [kk + e, ff] : [kk, ff + e];
              const at = alongK ? f * rows[x] + k : k * rows[x] + f; // where the matrix loads read (k, f)
              expect(slot + e, `${equation} ${x}: element (${k}, ${f})`).toBe(at);
              expect(k < BigInt(tk) && f < BigInt(side), `${equation} ${x}: (${k}, ${f}) inside the slab`).toBe(true);
              seen.set(at, (seen.get(at) ?? 0) + 1);
              expect(2n * (at + 1n) <= BigInt(bytes[x])).toBe(true);
            }
          }
        }
        expect(seen.size, `${equation} ${x}: every element once`).toBe(side * tk);
        expect(Math.max(...seen.values())).toBe(1);
      }
    }
  });

  test("f16 slabs on subgroup matrices: a 16-byte load goes down 8 rows of its slab, so a slab read along its free side is stored transposed", () => {
    const kernel = (equation: string, ops: object[]) =>
      compileEinsum(equation, ops as never, { profile: tensorCores, strategy: "direct" }).programs[0]!.launches[0]!
        .kernel.code;
    // a read along k (row-major): a [kk][mm] slab, invocations along mm, the left matrices column-major
    const rowMajor = kernel("ij,jk->ik", [f16([4096, 4096]), f16([4096, 4096])]);
    expect(rowMajor).toContain("let a_kk0 = ((li + 0u) / 256u) * 8u;");
    expect(rowMajor).toContain("let a_m0 = (li + 0u) % 256u;");
    expect(rowMajor).toContain("a_tile[a_slot0 + 7u * A_ROW] = bitcast<vec2<f16>>(a_v0[3])[1];");
    expect(rowMajor).toContain(
      "subgroupMatrixLoad<subgroup_matrix_left<f16, 16, 16>>(&a_tile, kk * A_ROW + row0 + 16u, true, A_ROW)",
    );
    // a read along m (ji,jk): transposed [mm][kk], invocations along kk, the left matrices row-major
    const transposed = kernel("ji,jk->ik", [f16([4096, 4096]), f16([4096, 4096])]);
    expect(transposed).toContain("var<workgroup> a_tile: array<f16, TM * A_ROW>; // [mm][kk]");
    expect(transposed).toContain("const A_ROW: u32 = 40u; // elements per mm row of a_tile (padded)");
    expect(transposed).toContain("let a_slot0 = a_m0 * A_ROW + a_kk0;");
    expect(transposed).toContain(
      "subgroupMatrixLoad<subgroup_matrix_left<f16, 16, 16>>(&a_tile, (row0 + 16u) * A_ROW + kk, false, A_ROW)",
    );
    // read an element at a time (a starts 2 bytes in): the [kk][mm] slab as before, its rows padded too
    const misaligned = kernel("ij,jk->ik", [{ ...f16([4096, 4096]), offset: 1 }, f16([4096, 4096])]);
    expect(misaligned).toContain("const A_ROW: u32 = 136u; // elements per kk row of a_tile (padded)");
    expect(misaligned).toContain("let a_kk0 = (li + 0u) % 32u;");
  });

  test("the k-loop probes bench/matrix.ts times take out the global loads, or stage the slabs once, in every f16 slab layout", () => {
    for (const slabs of [
      {},
      { matrixSlabs: "per-subgroup" as const },
      { matrixSlabs: "views" as const, bufferViews: true },
    ]) {
      const code = compileEinsum("ij,jk->ik", [f16([8192, 8192]), f16([8192, 8192])], {
        profile: { ...tensorCores, ...slabs },
      }).programs[0]!.launches[0]!.kernel.code;
      const loop = (text: string) => text.slice(text.indexOf("  for (var k0 = k_begin;")); // the k loop and what follows it
      const globalLoads = (text: string) => (loop(text).match(/= [ab]\[\(/g) ?? []).length;
      expect(globalLoads(code), JSON.stringify(slabs)).toBe(6); // 256 x 32 of a and 32 x 128 of b, 8 halves a load, 256 invocations
      expect(globalLoads(probeKernel(code, "no-global-loads")), JSON.stringify(slabs)).toBe(0);
      const once = probeKernel(code, "staged-once");
      const guarded = once.slice(once.indexOf("    if (k0 == k_begin) {"), once.indexOf("    workgroupBarrier();"));
      expect(guarded.match(/^ {4}[ab]_(tile|wide)\[/gm)?.length, JSON.stringify(slabs)).toBe(
        loop(code).match(/^ {4}[ab]_(tile|wide)\[/gm)?.length,
      );
    }
  });
});

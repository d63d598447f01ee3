/**
 * The package's entries in Node processes of their own (test/support/node-script): einsight/runtime
 * without the planner runs the build's compiled einsums, and with einsight/sized sized ones, at
 * sizes that break their 16-byte loads included; it says `plannerMissing`, with why and what to
 * import, where a call needs a plan (or `g.profile`, the planner's); einsight/jit adds the planner;
 * Node resolving einsight's browser entry (jsdom, --conditions=browser) finds no GPU until
 * `import "einsight/node"`. In this process (planner installed): a compiled sized einsum's size
 * error points at the equation's characters, a compiled einsum another einsight built is planned
 * again, and one of this version with a part missing is `compiledMismatch`.
 */
import { expect, test } from "vitest";
import { compileSized } from "../../codegen/sized.js";
import { compileEinsum, type CompiledEinsum } from "../../codegen/compiled.js";
import { oracleEinsum, maxRelativeError } from "../support/oracle.js";
import { values } from "../support/data.js";
import { built, runNodeScript } from "../support/node-script.js";
import { einsum } from "../../runtime/einsum.js";
import { tensor } from "../../runtime/tensor.js";
import { useGpu } from "./use-gpu.js";

const g = useGpu();

/** Runs `body` with einsight/runtime's exports (the Node entry) and codegen's compilers; its JSON line. */
function thin(body: string, flags: readonly string[] = []): Record<string, unknown> {
  const script = `
import { einsum, gpu, tensor, EinsightError } from ${JSON.stringify(built("runtime/thin.node.js"))};
import { compileSized } from ${JSON.stringify(built("codegen/sized.js"))};
import { compileEinsum } from ${JSON.stringify(built("codegen/compiled.js"))};
import { oracleEinsum, maxRelativeError } from ${JSON.stringify(built("codegen/reference.js"))};
const caught = (run) => { try { run(); return "no error"; } catch (e) { return { code: e.code, message: e.message }; } };
const values = (n, seed) => Float32Array.from({ length: n }, (_, i) => ((i * 7 + seed * 3) % 11) / 4 - 1);
const g = await gpu();
${body}
g.destroy();`;
  const r = runNodeScript(script, flags);
  expect(r.status, r.output).toBe(0);
  return JSON.parse(r.stdout.trim().split("\n").pop()!) as Record<string, unknown>;
}

test("einsight/runtime with einsight/sized runs compiled sized einsums at any sizes, with no planner in the process", () => {
  const result = thin(`
const compiled = compileSized("ij,jk->ik", [[undefined, undefined], [undefined, undefined]]);
const unfitted = caught(() => einsum("ij,jk->ik", tensor(g, values(12, 1), [3, 4]), tensor(g, values(20, 2), [4, 5]), { compiled }));
await import(${JSON.stringify(built("runtime/sized.js"))});
const errors = {};
for (const [m, k, n] of [[4, 8, 4], [4, 6, 4], [3, 5, 7], [128, 127, 128]]) {
  const a = values(m * k, 1), b = values(k * n, 2);
  const out = einsum("ij,jk->ik", tensor(g, a, [m, k]), tensor(g, b, [k, n]), { compiled });
  const want = oracleEinsum("ij,jk->ik", [{ data: a, shape: [m, k] }, { data: b, shape: [k, n] }]);
  errors[[m, k, n].join("x")] = maxRelativeError(await out.read(), want.data);
}
console.log(JSON.stringify({ unfitted, errors, plansMade: g.stats().plansMade, narrow: compiled.narrow !== undefined }));`);
  expect(result["unfitted"]).toMatchObject({ code: "plannerMissing" });
  expect((result["unfitted"] as { message: string }).message).toContain('import "einsight/sized"');
  expect(result["plansMade"]).toBe(0);
  expect(result["narrow"]).toBe(true); // the build's element-at-a-time kernels, for sizes like 6 and 127
  for (const error of Object.values(result["errors"] as Record<string, number>)) expect(error).toBeLessThan(1e-5);
});

test("einsight/runtime: a call that needs a plan is plannerMissing, saying why and to import einsight/jit", () => {
  const result = thin(`
const a = tensor(g, values(12, 1), [3, 4]);
const b = tensor(g, values(20, 2), [4, 5]);
console.log(JSON.stringify({
  uncompiled: caught(() => einsum("ij,jk->ik", a, b)),
  view: caught(() => einsum("ij,jk->ik", tensor(g, values(12, 3), [4, 3]).transpose(), b, { compiled: compileEinsum("ij,jk->ik", [{ shape: [3, 4] }, { shape: [4, 5] }]) })),
  spelling: caught(() => einsum("ij, jk", a, b, { compiled: compileEinsum("ij,jk->ik", [{ shape: [3, 4] }, { shape: [4, 5] }]) })),
  tileTable: await gpu({ tileTable: { adapter: "x", entries: [] } }).then(() => "no error", (e) => ({ code: e.code, message: e.message })),
  profile: caught(() => g.profile),
  earlier: caught(() => {
    const { version: _, ...earlier } = compileEinsum("ij,jk->ik", [{ shape: [3, 4] }, { shape: [4, 5] }]);
    return einsum("ij,jk->ik", a, b, { compiled: earlier });
  }),
}));`);
  const error = (key: string) => result[key] as { code: string; message: string };
  expect(error("uncompiled").code).toBe("plannerMissing");
  expect(error("uncompiled").message).toContain("not compiled at build time");
  expect(error("uncompiled").message).toContain('import "einsight/jit"');
  expect(error("view").code).toBe("plannerMissing");
  expect(error("view").message).toContain("operand 0 is a view with strides [1, 3]");
  expect(error("spelling").code).toBe("compiledMismatch");
  expect(error("spelling").message).toContain("einsight/runtime compares the equation as the build wrote it");
  expect(error("tileTable").code).toBe("plannerMissing");
  expect(error("profile").code).toBe("plannerMissing");
  expect(error("profile").message).toContain('import "einsight/jit"');
  expect(error("earlier").code).toBe("plannerMissing");
  expect(error("earlier").message).toContain("an earlier einsight compiled it (rebuild)");
});

test("einsight/runtime with einsight/jit plans what the build did not", () => {
  const result = thin(`
await import(${JSON.stringify(built("runtime/jit.js"))});
const out = einsum("ij->ji", tensor(g, [1, 2, 3, 4, 5, 6], [2, 3]));
console.log(JSON.stringify({ values: [...(await out.read())], plansMade: g.stats().plansMade }));`);
  expect(result).toEqual({ values: [1, 4, 2, 5, 3, 6], plansMade: 1 });
});

test("Node on einsight's browser entry finds no GPU until einsight/node is imported", () => {
  const script = `
const { gpu } = await import("einsight");
const first = await gpu().then(() => "found", (e) => ({ code: e.code, message: e.message }));
await import("einsight/node");
const g = await gpu();
console.log(JSON.stringify({ first, then: typeof g.adapterName }));
g.destroy();`;
  const r = runNodeScript(script, ["--conditions=browser"]);
  expect(r.status, r.output).toBe(0);
  const result = JSON.parse(r.stdout.trim().split("\n").pop()!) as { first: { code: string; message: string } };
  expect(result.first.code).toBe("noAdapter");
  expect(result.first.message).toContain('import "einsight/node"');
  expect(result).toMatchObject({ then: "string" });
});

test("a compiled sized einsum's size error points at the equation's characters (with the planner)", () => {
  const compiled = compileSized("ij,jk->ik", [
    [undefined, undefined],
    [undefined, undefined],
  ]);
  const a = tensor(g(), values(6, 1), [2, 3]);
  const b = tensor(g(), values(20, 2), [4, 5]);
  try {
    // @ts-expect-error the types refuse it too: "Label 'j' is 4 in operand 1 but 3 in an earlier operand"
    einsum("ij,jk->ik", a, b, { compiled });
    expect.unreachable();
  } catch (e) {
    expect(e).toMatchObject({ code: "sizeMismatch", span: [3, 4] });
  }
});

test("a compiled einsum an earlier einsight built (version 1: no dims, no aligned) is planned again", async () => {
  const {
    dims: _,
    aligned: __,
    version: ___,
    ...earlier
  } = compileEinsum("ij,jk->ik", [{ shape: [2, 3] }, { shape: [3, 4] }]);
  const a = values(6, 1);
  const b = values(12, 2);
  g().resetStats();
  const out = einsum("ij,jk->ik", tensor(g(), a, [2, 3]), tensor(g(), b, [3, 4]), {
    compiled: earlier as unknown as CompiledEinsum,
  });
  expect(g().stats().plansMade).toBe(1);
  const want = oracleEinsum("ij,jk->ik", [
    { data: a, shape: [2, 3] },
    { data: b, shape: [3, 4] },
  ]);
  expect(maxRelativeError(await out.read(), want.data)).toBeLessThan(1e-6);
});

test("a compiled einsum of this version with a part missing or malformed is compiledMismatch, never a TypeError", () => {
  const whole = compileEinsum("ij,jk->ik", [{ shape: [2, 3] }, { shape: [3, 4] }]);
  const sized = compileSized("ij,jk->ik", [
    [undefined, 3],
    [3, 4],
  ]);
  const a = tensor(g(), values(6, 1), [2, 3]);
  const b = tensor(g(), values(12, 2), [3, 4]);
  const launch = whole.programs[0]!.launches[0]!;
  const broken: Record<string, unknown> = {
    "no dims": { ...whole, dims: undefined },
    "sized, no dims": { ...sized, dims: undefined },
    "dims of another rank": { ...whole, dims: { inputs: [["i"], ["j", "k"]], output: ["i", "k"] } },
    "no aligned": { ...whole, aligned: undefined },
    "aligned for one operand": { ...whole, aligned: { operands: [false], output: false } },
    "no programs": { ...whole, programs: undefined },
    "an operand null": { ...whole, plan: { ...whole.plan, operands: [null, whole.plan.operands[1]] } },
    "an operand without strides": {
      ...whole,
      plan: { ...whole.plan, operands: [{ shape: [2, 3] }, whole.plan.operands[1]] },
    },
    "fewer programs than steps": { ...whole, programs: [] },
    "a kernel null": { ...whole, programs: [{ ...whole.programs[0], launches: [{ ...launch, kernel: null }] }] },
    "sized, a launch null": { ...sized, programs: [{ ...sized.programs[0], launches: [null] }] },
    "a fixed plan with a kernel sized at run time": {
      ...whole,
      programs: [{ ...whole.programs[0], launches: [{ ...launch, kernel: { ...launch.kernel, runtimeParams: [] } }] }],
    },
  };
  const allocated = g().stats().allocatedBytes;
  for (const [what, compiled] of Object.entries(broken)) {
    expect(() => einsum("ij,jk->ik", a, b, { compiled: compiled as CompiledEinsum }), what).toThrow(
      expect.objectContaining({ code: "compiledMismatch" }),
    );
  }
  expect(g().stats().allocatedBytes).toBe(allocated); // refused before anything is allocated
  // a later einsight's is planned again (shapes of their own: not in the planner's cache)
  const later = { ...compileEinsum("ij,jk->ik", [{ shape: [5, 3] }, { shape: [3, 4] }]), version: 3 };
  g().resetStats();
  einsum("ij,jk->ik", tensor(g(), values(15, 3), [5, 3]), b, { compiled: later as unknown as CompiledEinsum });
  expect(g().stats().plansMade).toBe(1);
});

/**
 * The report says what the build compiles: the transformer's fixture project
 * (test/transformer/fixtures/app: src/main.ts, and src/options.ts with a forced strategy, a memory
 * budget of 0, forced tiles, a forced strategy on a chain, a call sized at run time, an
 * einsumWithBackward, options that are not literals and an `out` view) is bundled by esbuild with
 * einsight's plugin and its `report` option, and reported by `einsight report` (scanProject).
 * For every einsum call, in source order, the compiled option the bundle passes it and both
 * reports' entries must agree: compiled or left to run time, every step's strategy, temporaries,
 * dtype, the whole plan, and identical WGSL for every kernel, gradient einsums' included.
 */
import { readFileSync, rmSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { build as esbuild } from "esbuild";
import ts from "typescript";
import { describe, expect, test } from "vitest";
import type { CompiledEinsum } from "../../codegen/compiled.js";
import type { Plan } from "../../codegen/plan.js";
import { compiler } from "../../plugin/typescript/compiler.js";
import { scanProject, type ProjectReport, type ReportEntry, type ReportKernel } from "../../plugin/report/scan.js";
import { einsightPlugin } from "../../plugin/unplugin/index.js";

const app = fileURLToPath(new URL("../transformer/fixtures/app", import.meta.url));
const out = fileURLToPath(new URL("./.out/report", import.meta.url));
const FILES = ["options", "main"];

/** An einsum call of the bundle: its equation and the compiled option the build gave it, if any. */
interface BundledCall {
  readonly equation: string;
  readonly compiled: CompiledEinsum | undefined;
}

/** The einsum calls of a bundle, in order: every call of einsight's functions (imported as external) with a literal equation. */
function bundledCalls(file: string): BundledCall[] {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
  const calls: BundledCall[] = [];
  // the transformer puts each call's compiled einsum in a module-level constant
  const constants = new Map<string, ts.Expression>();
  const collect = (node: ts.Node): void => {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer !== undefined)
      constants.set(node.name.text, node.initializer);
    ts.forEachChild(node, collect);
  };
  collect(source);
  const value = (e: ts.Expression) => (ts.isIdentifier(e) ? constants.get(e.text) : e);
  const visit = (node: ts.Node): void => {
    if (
      ts.isCallExpression(node) &&
      ts.isIdentifier(node.expression) &&
      /^einsum(WithBackward)?\d*$/.test(node.expression.text) &&
      node.arguments[0] !== undefined &&
      ts.isStringLiteralLike(node.arguments[0])
    ) {
      const last = node.arguments[node.arguments.length - 1]!;
      const property = ts.isObjectLiteralExpression(last)
        ? last.properties.find((p) => p.name !== undefined && ts.isIdentifier(p.name) && p.name.text === "compiled")
        : undefined;
      const compiled =
        property !== undefined && ts.isPropertyAssignment(property)
          ? (literalValue(value(property.initializer)!) as CompiledEinsum)
          : undefined;
      calls.push({ equation: node.arguments[0].text, compiled });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return calls;
}

/** The value of a JSON-like literal, as the transformer writes a compiled einsum (and the bundler prints it again). */
function literalValue(node: ts.Expression): unknown {
  if (ts.isStringLiteralLike(node)) return node.text;
  if (ts.isNumericLiteral(node)) return Number(node.text);
  if (ts.isPrefixUnaryExpression(node) && node.operator === ts.SyntaxKind.MinusToken)
    return -(literalValue(node.operand) as number);
  if (node.kind === ts.SyntaxKind.TrueKeyword) return true;
  if (node.kind === ts.SyntaxKind.FalseKeyword) return false;
  if (node.kind === ts.SyntaxKind.NullKeyword) return null;
  if (ts.isArrayLiteralExpression(node)) return node.elements.map(literalValue);
  if (ts.isObjectLiteralExpression(node)) {
    return Object.fromEntries(
      node.properties.map((p) => {
        if (
          !ts.isPropertyAssignment(p) ||
          !(ts.isIdentifier(p.name) || ts.isStringLiteral(p.name) || ts.isNumericLiteral(p.name))
        )
          throw new Error(`not a literal property: ${p.getText()}`);
        return [p.name.text, literalValue(p.initializer)];
      }),
    );
  }
  throw new Error(`not a literal: ${node.getText()}`);
}

/** The plan as the bundle holds it: the transformer leaves out the losing alternatives and the notes. */
function slim(plan: Plan): Plan {
  return { ...plan, steps: plan.steps.map((step) => ({ ...step, alternatives: [], notes: [] })) };
}

function kernels(compiled: CompiledEinsum): ReportKernel[] {
  return compiled.programs.flatMap((program, i) => program.launches.map((l) => ({ step: i + 1, code: l.kernel.code })));
}

/** One report entry against the call the bundle holds. */
function expectSame(entry: ReportEntry, call: BundledCall, where: string): void {
  expect(entry.equation, where).toBe(call.equation); // the same call
  const { compiled } = call;
  if (compiled === undefined) {
    expect(entry.status, where).toBe("runtime");
    expect(entry.plan, where).toBeUndefined();
    return;
  }
  expect(entry.status, where).toBe(compiled.plan.runtimeSizes === undefined ? "planned" : "sized");
  const plan = entry.plan!;
  expect(
    plan.steps.map((s) => s.strategy),
    where,
  ).toEqual(compiled.plan.steps.map((s) => s.strategy));
  expect(
    plan.steps.map((s) => s.cost.temporaryBytes),
    where,
  ).toEqual(compiled.plan.steps.map((s) => s.cost.temporaryBytes));
  expect(plan.totals.temporaryBytes, where).toBe(compiled.plan.totals.temporaryBytes);
  expect(slim(plan), where).toEqual(compiled.plan);
  expect(entry.kernels, where).toEqual(kernels(compiled)); // identical WGSL, kernel by kernel
  expect(
    entry.gradients?.map((g) => [slim(g.plan), g.kernels]),
    where,
  ).toEqual(compiled.gradients?.map((g) => [g.plan, kernels(g)]));
  expect(entry.dtype, where).toBe(compiled.plan.dtype); // f32: the types carry no dtype
}

describe("the report and the build agree, call by call", () => {
  test("esbuild with einsight's plugin, its report, and `einsight report` on the same project", async () => {
    rmSync(out, { recursive: true, force: true });
    await esbuild({
      entryPoints: FILES.map((f) => path.join(app, `src/${f}.ts`)),
      bundle: true,
      platform: "node",
      format: "esm",
      target: "es2022",
      external: ["einsight", "webgpu"],
      outdir: out,
      outExtension: { ".js": ".mjs" },
      plugins: [
        einsightPlugin.esbuild({ tsconfig: path.join(app, "tsconfig.json"), report: path.join(out, "einsums") }),
      ],
      logLevel: "silent",
    });
    const built = JSON.parse(readFileSync(path.join(out, "einsums.json"), "utf8")) as ProjectReport;
    const scanned = scanProject(compiler("`einsight report`", ts), app);

    for (const file of FILES) {
      const calls = bundledCalls(path.join(out, `${file}.mjs`));
      const entries = scanned.einsums.filter((e) => e.file === `src/${file}.ts`);
      expect(entries.map((e) => e.equation)).toEqual(calls.map((c) => c.equation));
      expect(built.einsums.filter((e) => e.file === `src/${file}.ts`)).toEqual(entries); // the plugin's report is einsight report's
      entries.forEach((entry, i) => expectSame(entry, calls[i]!, `src/${file}.ts:${entry.line}`));
    }

    for (const report of [scanned, built])
      expect(report.note).toMatch(/^Compiled for f32 operands: the types carry no dtype/);

    // what the options fixture holds, as both say it
    const options = Object.fromEntries(
      scanned.einsums
        .filter((e) => e.file === "src/options.ts")
        .map((e) => [
          readFileSync(path.join(app, "src/options.ts"), "utf8").split("\n")[e.line - 1]!.trim().split(":")[0]!,
          e,
        ]),
    );
    expect(options.forced).toMatchObject({ status: "planned", dtype: "f32" });
    expect(options.forced!.plan!.steps.map((s) => s.strategy)).toEqual(["ttgt"]);
    expect(options.forced!.plan!.totals.temporaryBytes).toBe(30_720); // the copy of x
    expect(options.budget!.plan!.totals.peakTemporaryBytes).toBe(0);
    expect(options.tiled!.plan!.steps[0]!.tiles).toMatchObject({ tm: 32, tn: 32, tk: 8 });
    expect(options.chain!.plan!.steps.map((s) => s.strategy)).toEqual(["ttgt", "ttgt"]);
    expect(options.sized).toMatchObject({ status: "sized", dtype: "f32" });
    expect(options.sized!.plan!.steps.map((s) => s.strategy)).toEqual(["direct"]);
    expect(options.backward!.plan!.steps.map((s) => s.strategy)).toEqual(["ttgt"]);
    expect(options.backward!.gradients!.map((g) => g.plan.steps.map((s) => s.strategy))).toEqual([["ttgt"], ["ttgt"]]);
    expect(options.chosen).toMatchObject({
      status: "runtime",
      reason:
        "its option `strategy` is not a literal (`strategy`), so its options are known only at run time; it is planned then.",
    });
    expect(options.given).toMatchObject({
      status: "runtime",
      shapes: [
        [48, 40],
        [40, 64],
      ],
      reason:
        "its options (`options`) are not an object literal, so they are known only at run time; it is planned then.",
    });
    expect(options.into).toMatchObject({
      status: "runtime",
      reason: "it writes into an `out` view, whose strides and offset are known only at run time; it is planned then.",
    });
    // main.ts's `{ strategy: "loop" }`
    expect(
      scanned.einsums.find((e) => e.file === "src/main.ts" && e.line === 11)!.plan!.steps.map((s) => s.strategy),
    ).toEqual(["loop"]);
  });
});

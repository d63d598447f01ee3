/**
 * The build report without a build (`einsight report`): every einsight einsum in a TypeScript
 * project, with what a build makes of it (plugin/typescript `buildCall`, the transformer's own
 * answer: the call's literal options included), its file and line, equation, the shapes the types
 * know, the plan's strategy, dtype, FLOPs, bytes, temporaries and backward memory, and the WGSL of
 * every kernel the build compiles for it (its gradient einsums' too); or why it is left to run time.
 */
import * as path from "node:path";
import type ts from "typescript";
import type { CompiledEinsum } from "../../codegen/compiled.js";
import type { EinsightErrorCode, Span } from "../../codegen/errors.js";
import type { Dtype } from "../../codegen/dtype.js";
import type { Plan, PlanOptions } from "../../codegen/plan.js";
import { buildCall, einsumCalls, F32_ONLY, type BuiltCall, type EinsumCall } from "../typescript/einsum-calls.js";
import { buildProfile, profileName, type BuildProfileConfig } from "../typescript/profile.js";
import { createProgram, type Compiler } from "../typescript/compiler.js";
import { readProject } from "../typescript/project.js";

export interface ReportEntry {
  /** Relative to the tsconfig's folder, with forward slashes. */
  readonly file: string;
  /** 1-based, of the call. */
  readonly line: number;
  readonly column: number;
  readonly equation: string | null;
  /** Per operand: its sizes (null where the types say only `number`), or null where no shape is known. */
  readonly shapes: readonly ((number | null)[] | null)[];
  /**
   * `planned`: compiled at build time; `sized`: compiled with kernels that read the sizes the types
   * do not know at run time (the plan's costs are at nominal sizes); `runtime`: left to run time.
   */
  readonly status: "planned" | "sized" | "runtime" | "error";
  /** Why a call is planned at run time (its equation, shapes or options), or what a sized one reads at run time. */
  readonly reason?: string;
  readonly error?: { readonly code: EinsightErrorCode; readonly reason: string; readonly span: Span | null };
  /** The plan the build compiles (with the call's literal options). */
  readonly plan?: Plan;
  /** The dtype it is compiled for: always f32, since the types carry none (ProjectReport.note). */
  readonly dtype?: Dtype;
  /** The WGSL of every kernel the plan runs, in order. */
  readonly kernels?: readonly ReportKernel[];
  /** For einsumWithBackward: each operand's gradient einsum, compiled with it. */
  readonly gradients?: readonly {
    readonly operand: number;
    readonly equation: string;
    readonly plan: Plan;
    readonly kernels: readonly ReportKernel[];
  }[];
}

export interface ReportKernel {
  readonly step: number;
  readonly code: string;
}

export interface ProjectReport {
  readonly tsconfig: string;
  readonly profile: string;
  readonly files: number;
  /** What the dtype of every compiled entry means (F32_ONLY). */
  readonly note: string;
  readonly einsums: readonly ReportEntry[];
}

/** Scans the project of `tsconfigPath` (a tsconfig.json, or a folder holding one). */
export function scanProject(c: Compiler, tsconfigPath: string, config: BuildProfileConfig = {}): ProjectReport {
  const tsm = c.ts;
  const profile = buildProfile(config);
  const options = profile === undefined ? {} : { profile };
  const { configFile, parsed } = readProject(tsm, tsconfigPath);
  const program = createProgram(c, parsed);
  const root = path.dirname(path.resolve(configFile));
  const sources = program
    .getSourceFiles()
    .filter(
      (f) =>
        !f.isDeclarationFile &&
        !program.isSourceFileFromExternalLibrary(f) &&
        parsed.fileNames.some((n) => path.resolve(n) === path.resolve(f.fileName)),
    );
  const einsums = sources.flatMap((sourceFile) => sourceFileEntries(tsm, program, sourceFile, root, options));
  return {
    tsconfig: path.resolve(configFile),
    profile: profileName(profile),
    files: sources.length,
    note: F32_ONLY,
    einsums,
  };
}

/** The report entries of one source file's einsums, each as the build makes it (`buildCall`). */
export function sourceFileEntries(
  tsm: typeof ts,
  program: ts.Program,
  sourceFile: ts.SourceFile,
  root: string,
  options: Pick<PlanOptions, "profile"> = {},
): ReportEntry[] {
  const checker = program.getTypeChecker();
  return einsumCalls(tsm, checker, sourceFile).map((call) =>
    reportEntry(sourceFile, root, call, buildCall(tsm, checker, call, options)),
  );
}

/** The report entry of one call, from what the build made of it (the bundler plugins pass the transformer's own). */
export function reportEntry(sourceFile: ts.SourceFile, root: string, call: EinsumCall, built: BuiltCall): ReportEntry {
  const { line, character } = sourceFile.getLineAndCharacterOfPosition(call.node.getStart(sourceFile));
  const base = {
    file: path.relative(root, path.resolve(sourceFile.fileName)).split(path.sep).join("/"),
    line: line + 1,
    column: character + 1,
    equation: call.equation?.text ?? null,
    shapes: built.shapes.map((s) => (s === undefined ? null : s.map((n) => n ?? null))),
  };
  if (built.kind === "runtime") return { ...base, status: "runtime", reason: built.reason };
  if (built.kind === "error")
    return {
      ...base,
      status: "error",
      error: { code: built.error.code, reason: built.error.reason, span: built.error.span ?? null },
    };
  const { compiled } = built;
  const gradients = compiled.gradients?.map((g, operand) => ({
    operand,
    equation: g.plan.equation,
    plan: g.plan,
    kernels: kernelsOf(g),
  }));
  return {
    ...base,
    status: built.kind,
    ...(built.kind === "sized" ? { reason: built.reason } : {}),
    plan: compiled.plan,
    dtype: compiled.plan.dtype,
    kernels: kernelsOf(compiled),
    ...(gradients === undefined ? {} : { gradients }),
  };
}

function kernelsOf(compiled: CompiledEinsum): ReportKernel[] {
  return compiled.programs.flatMap((program, i) => program.launches.map((l) => ({ step: i + 1, code: l.kernel.code })));
}

/**
 * The playground's language service, in a worker: TypeScript's compiler over one file (the editor's)
 * with einsight's declarations as `einsight` in node_modules, as tsc sees them in a project. It
 * answers what the editor asks (diagnostics, completions, hover through einsight's tsserver plugin)
 * and what the panels show of the einsum under the cursor: the build's answer for it (the
 * transformer's plan and kernels) and the lint rule's warnings.
 */
import ts from "typescript";
import { explain } from "../codegen/explain.js";
import { knownSizes } from "../codegen/sized.js";
import type { ProfileName } from "../codegen/profile.js";
import { risks, riskSentence, RISK_DEFAULTS } from "../plugin/eslint/risks.js";
import { create as withPlanHover } from "../plugin/tsserver/index.js";
import { buildCall, einsumCallAt, einsumCalls, errorRange } from "../plugin/typescript/einsum-calls.js";
import type { Diagnostic, Inspection, Request, Response } from "./protocol.js";

const FILE = "/main.ts";

/** The files the compiler reads: TypeScript's libs, @webgpu/types, einsight's declarations. */
const files = new Map<string, string>();
const raw = (glob: Record<string, unknown>, place: (key: string) => string) => {
  for (const [key, text] of Object.entries(glob)) files.set(place(key), text as string);
};
raw(
  import.meta.glob("../node_modules/typescript/lib/lib.*.d.ts", { query: "?raw", import: "default", eager: true }),
  (key) => `/lib/${key.slice(key.lastIndexOf("/") + 1)}`,
);
raw(
  import.meta.glob(["../dist/runtime/**/*.d.ts", "../dist/codegen/**/*.d.ts"], {
    query: "?raw",
    import: "default",
    eager: true,
  }),
  (key) => `/node_modules/einsight/${key.slice("../".length)}`,
);
raw(
  import.meta.glob("../node_modules/@webgpu/types/dist/index.d.ts", { query: "?raw", import: "default", eager: true }),
  () => "/node_modules/@webgpu/types/dist/index.d.ts",
);
files.set(
  "/node_modules/@webgpu/types/package.json",
  JSON.stringify({ name: "@webgpu/types", types: "dist/index.d.ts" }),
);
files.set(
  "/node_modules/einsight/package.json",
  JSON.stringify({
    name: "einsight",
    type: "module",
    exports: {
      ".": { types: "./dist/runtime/index.d.ts" },
      "./runtime": { types: "./dist/runtime/thin.d.ts" },
      "./jit": { types: "./dist/runtime/jit.d.ts" },
      "./sized": { types: "./dist/runtime/sized.d.ts" },
    },
  }),
);

const options: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  lib: ["lib.es2023.d.ts", "lib.dom.d.ts"],
  types: ["@webgpu/types"],
  strict: true,
  noEmit: true,
  skipLibCheck: true,
};

let text = "";
let version = 0;
let profile: ProfileName = "generic";

const directories = new Set(
  [...files.keys()].flatMap((f) => f.split("/").map((_, i, parts) => parts.slice(0, i).join("/") || "/")),
);
const read = (file: string) => (file === FILE ? text : files.get(file));
const host: ts.LanguageServiceHost = {
  getCompilationSettings: () => options,
  getScriptFileNames: () => [FILE],
  getScriptVersion: (file) => (file === FILE ? String(version) : "0"),
  getScriptSnapshot: (file) => {
    const t = read(file);
    return t === undefined ? undefined : ts.ScriptSnapshot.fromString(t);
  },
  getCurrentDirectory: () => "/",
  getDefaultLibFileName: () => "/lib/lib.d.ts",
  fileExists: (file) => read(file) !== undefined,
  readFile: (file) => read(file),
  directoryExists: (dir) => directories.has(dir.replace(/\/$/, "") || "/"),
  getDirectories: (dir) =>
    [...directories].filter((d) => d.startsWith(dir) && d !== dir && !d.slice(dir.length + 1).includes("/")),
};
const plain = ts.createLanguageService(host, ts.createDocumentRegistry());
const service = () =>
  withPlanHover({ languageService: plain, config: { profile } } as unknown as ts.server.PluginCreateInfo, ts);
let withHover = service();

/**
 * TypeScript's diagnostics, and einsight's build errors at their characters (what the transformer
 * reports: an equation's error at the offending labels); a type error over a call's equation that
 * einsight places more exactly gives way to it.
 */
function diagnostics(): Diagnostic[] {
  const program = plain.getProgram()!;
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(FILE)!;
  const einsight: Diagnostic[] = einsumCalls(ts, checker, source).flatMap((call) => {
    const built = buildCall(ts, checker, call, { profile });
    if (built.kind !== "error") return [];
    const [from, to] = errorRange(source, call, built.error.span);
    return [{ from, to: Math.max(to, from + 1), message: `einsight: ${built.error.reason}`, severity: "error" }];
  });
  const all = [...plain.getSyntacticDiagnostics(FILE), ...plain.getSemanticDiagnostics(FILE)];
  const typescript = all.map((d): Diagnostic => ({
    from: d.start ?? 0,
    to: (d.start ?? 0) + Math.max(1, d.length ?? 1),
    message: ts.flattenDiagnosticMessageText(d.messageText, "\n"),
    severity: d.category === ts.DiagnosticCategory.Error ? "error" : "warning",
  }));
  const placed = (d: Diagnostic) => einsight.some((e) => e.from >= d.from && e.to <= d.to);
  return [...typescript.filter((d) => !placed(d)), ...einsight];
}

function completions(pos: number): Response["completions"] {
  const found = plain.getCompletionsAtPosition(FILE, pos, { includeCompletionsWithInsertText: true });
  if (found === undefined) return undefined;
  const span = found.optionalReplacementSpan;
  return {
    from: span?.start ?? pos,
    to: span === undefined ? pos : span.start + span.length,
    options: found.entries.slice(0, 200).map((e) => ({
      label: e.name,
      type: e.kind,
      ...(e.replacementSpan === undefined
        ? {}
        : { from: e.replacementSpan.start, to: e.replacementSpan.start + e.replacementSpan.length }),
    })),
  };
}

function hover(pos: number): Response["hover"] {
  const info = withHover.getQuickInfoAtPosition(FILE, pos);
  if (info === undefined) return undefined;
  // the plugin writes markdown for editors: its code fences are not shown here
  const documentation = ts.displayPartsToString(info.documentation).replace(/^```\w*\n?/gm, "");
  const parts = [ts.displayPartsToString(info.displayParts), documentation];
  return {
    from: info.textSpan.start,
    to: info.textSpan.start + info.textSpan.length,
    text: parts.filter((p) => p !== "").join("\n\n"),
  };
}

/** The einsum call at `pos`, else one on its line, else the file's first: what the build makes of it. */
function inspect(pos: number): Inspection | undefined {
  const program = plain.getProgram()!;
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(FILE)!;
  const line = (p: number) => source.getLineAndCharacterOfPosition(p).line;
  const calls = einsumCalls(ts, checker, source);
  const call =
    einsumCallAt(ts, checker, source, pos) ??
    calls.find((c) => line(c.node.getStart(source)) <= line(pos) && line(pos) <= line(c.node.getEnd())) ??
    calls[0];
  if (call === undefined) return undefined;
  const built = buildCall(ts, checker, call, { profile });
  const at = { from: call.node.getStart(source), to: call.node.getEnd(), fn: call.fn };
  const equation = call.equation?.text;
  const shapes = built.shapes.map((s) => (s === undefined ? undefined : s.map((n) => n ?? null)));
  if (built.kind === "error" || built.kind === "runtime") {
    const reason = built.kind === "error" ? built.error.reason : built.reason;
    return { ...at, kind: built.kind, equation, shapes, reason };
  }
  const plan = built.compiled.plan;
  return {
    ...at,
    kind: built.kind,
    equation,
    shapes,
    runShapes: runShapes(built.compiled.dims.inputs, built.shapes),
    ...(built.kind === "sized" ? { reason: built.reason } : {}),
    plan,
    explain: explain(plan),
    kernels: [built.compiled, ...(built.compiled.gradients ?? [])].flatMap((compiled, k) =>
      compiled.programs.flatMap((p, step) =>
        p.launches.map((l, i) => ({
          of: k === 0 ? "the einsum" : `operand ${k - 1}'s gradient`,
          step,
          launch: i,
          wgsl: l.kernel.code,
        })),
      ),
    ),
    options: { strategy: plan.strategy, memoryBudget: plan.memoryBudget },
    risks: risks(plan, { ...RISK_DEFAULTS }).map(riskSentence),
  };
}

/**
 * Shapes to run the call with: the types' sizes, a size the types leave `number` taken from
 * another operand's dimension of the same label, else RUN_SIZE.
 */
function runShapes(
  dims: readonly (readonly string[])[],
  shapes: readonly (readonly (number | undefined)[] | undefined)[],
): number[][] {
  const known = knownSizes(dims, shapes);
  return dims.map((labels, k) => labels.map((label, d) => shapes[k]?.[d] ?? known.get(label) ?? RUN_SIZE));
}

/** The size a run gives a label no type sizes. */
const RUN_SIZE = 64;

self.onmessage = (event: MessageEvent<Request>) => {
  const request = event.data;
  let response: Response;
  try {
    if (request.code !== text) {
      text = request.code;
      version += 1;
    }
    if (request.kind === "update") {
      if (request.profile !== undefined && request.profile !== profile) {
        profile = request.profile;
        withHover = service();
      }
      response = { id: request.id, diagnostics: diagnostics() };
    } else if (request.kind === "complete") response = { id: request.id, completions: completions(request.pos) };
    else if (request.kind === "hover") response = { id: request.id, hover: hover(request.pos) };
    else response = { id: request.id, inspection: inspect(request.pos) };
  } catch (e) {
    response = { id: request.id, failure: String((e as Error).stack ?? e) };
  }
  (self as unknown as Worker).postMessage(response);
};

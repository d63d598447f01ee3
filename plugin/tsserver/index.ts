/**
 * The TypeScript language-service plugin: hover on an einsum call (its name or its equation) shows
 * the plan codegen makes for the shapes the type checker knows: strategy, FLOPs, bytes,
 * temporaries, what a backward pass would keep, and the alternatives. In tsconfig.json:
 *
 *     "compilerOptions": { "plugins": [{ "name": "einsight/tsserver", "profile": "nvidia-h100" }] }
 */
import type ts from "typescript";
import { EinsightError } from "../../codegen/errors.js";
import { explain } from "../../codegen/explain.js";
import { planEinsum } from "../../codegen/plan.js";
import type { ProfileName } from "../../codegen/profile.js";
import { einsumCallAt, tensorShape, type EinsumCall } from "../typescript/einsum-calls.js";

export interface TsserverPluginConfig {
  /** The device profile plans are costed for (default "generic"). */
  readonly profile?: ProfileName;
}

/** tsserver's entry point: it passes its own `typescript` module. */
export default function init(modules: { typescript: typeof ts }): ts.server.PluginModule {
  return { create: (info) => create(info, modules.typescript) };
}

/** The language service of `info`, with einsum plans added to hovers. */
export function create(info: ts.server.PluginCreateInfo, tsm: typeof ts): ts.LanguageService {
  const ls = info.languageService;
  const config = (info.config ?? {}) as TsserverPluginConfig;
  const proxy = { ...ls };
  proxy.getQuickInfoAtPosition = (fileName, position, ...rest) => {
    const base = ls.getQuickInfoAtPosition(fileName, position, ...rest);
    const program = ls.getProgram();
    const sourceFile = program?.getSourceFile(fileName);
    if (program === undefined || sourceFile === undefined) return base;
    const checker = program.getTypeChecker();
    const call = einsumCallAt(tsm, checker, sourceFile, position);
    if (call === undefined) return base;
    const text = planText(tsm, checker, call, config);
    const parts: ts.SymbolDisplayPart[] = [{ kind: "text", text }];
    if (base === undefined) {
      const start = call.node.getStart(sourceFile);
      return { kind: tsm.ScriptElementKind.unknown, kindModifiers: "", textSpan: { start, length: call.node.getEnd() - start }, displayParts: [], documentation: parts };
    }
    return { ...base, documentation: [...(base.documentation ?? []), { kind: "lineBreak", text: "\n" }, ...parts] };
  };
  return proxy;
}

function planText(tsm: typeof ts, checker: ts.TypeChecker, call: EinsumCall, config: TsserverPluginConfig): string {
  if (call.equation === undefined) return "einsight: the equation is not a string literal; it is planned at run time.";
  const shapes = call.operands.map((op) => tensorShape(tsm, checker, op));
  const unknown = shapes.findIndex((s) => s === undefined || s.includes(undefined));
  if (unknown >= 0) {
    const shape = shapes[unknown];
    const what = shape === undefined ? "has no shape the types know" : `[${shape.map((n) => n ?? "number").join(", ")}] is not fully known at compile time`;
    return `einsight: operand ${unknown}'s shape ${what}; the plan is made at run time.`;
  }
  try {
    const plan = planEinsum(call.equation.text, shapes.map((shape) => ({ shape: shape as number[] })), config.profile === undefined ? {} : { profile: config.profile });
    return `einsight plan (operands assumed contiguous; their strides are known at run time):\n\`\`\`text\n${explain(plan)}\n\`\`\``;
  } catch (e) {
    if (e instanceof EinsightError) return `einsight: ${e.reason}`;
    throw e;
  }
}

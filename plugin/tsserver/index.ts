/**
 * The TypeScript language-service plugin: hover on an einsum call (its name or its equation) shows
 * the plan a build makes of it (plugin/typescript `buildCall`: the shapes the type checker knows
 * and the call's literal options): strategy, FLOPs, bytes, temporaries, what a backward pass would
 * keep, and the alternatives; or why it is planned at run time. In tsconfig.json:
 *
 *     "compilerOptions": { "plugins": [{ "name": "einsight/tsserver", "profile": "nvidia-h100" }] }
 */
import type ts from "typescript";
import { explain } from "../../codegen/explain.js";
import type { ProfileName } from "../../codegen/profile.js";
import { buildCall, einsumCallAt, F32_ONLY, type EinsumCall } from "../typescript/einsum-calls.js";

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
      return {
        kind: tsm.ScriptElementKind.unknown,
        kindModifiers: "",
        textSpan: { start, length: call.node.getEnd() - start },
        displayParts: [],
        documentation: parts,
      };
    }
    return { ...base, documentation: [...(base.documentation ?? []), { kind: "lineBreak", text: "\n" }, ...parts] };
  };
  return proxy;
}

function planText(tsm: typeof ts, checker: ts.TypeChecker, call: EinsumCall, config: TsserverPluginConfig): string {
  const built = buildCall(tsm, checker, call, config.profile === undefined ? {} : { profile: config.profile });
  if (built.kind === "runtime") return `einsight: ${built.reason}`;
  if (built.kind === "error") return `einsight: ${built.error.reason}`;
  const sized = built.kind === "sized" ? ` With einsight's transformer, ${built.reason}` : "";
  const fence = "```";
  return (
    `einsight plan (operands assumed contiguous; their strides are known at run time). ${F32_ONLY}${sized}\n` +
    `${fence}text\n${explain(built.plan)}\n${fence}`
  );
}

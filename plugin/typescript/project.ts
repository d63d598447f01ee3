/**
 * Reading a TypeScript project's tsconfig, for the front ends that build their own program (report, bundler
 * plugins).
 */
import * as path from "node:path";
import type ts from "typescript";
import { EinsightError } from "../../codegen/errors.js";

/**
 * The parsed project of `tsconfigPath` (a tsconfig.json, or a folder holding one), or an error that says what to
 * pass.
 */
export function readProject(
  tsm: typeof ts,
  tsconfigPath: string,
): { readonly configFile: string; readonly parsed: ts.ParsedCommandLine } {
  const configFile = path.resolve(
    tsm.sys.directoryExists(tsconfigPath) ? path.join(tsconfigPath, "tsconfig.json") : tsconfigPath,
  );
  const problems: string[] = [];
  const host: ts.ParseConfigFileHost = {
    ...tsm.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => problems.push(tsm.flattenDiagnosticMessageText(d.messageText, "\n")),
  };
  const parsed = tsm.getParsedCommandLineOfConfigFile(configFile, {}, host);
  if (parsed === undefined || problems.length > 0) {
    throw new EinsightError(
      "invalidOption",
      `Cannot read the TypeScript project ${configFile}: ` +
        `${problems.map((m) => m.replace(/\.$/, "")).join("; ") || "no such file"}. Pass a tsconfig.json ` +
        `or a folder holding one.`,
    );
  }
  return { configFile, parsed };
}

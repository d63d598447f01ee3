/**
 * TypeScript's compiler API for the build-time front ends (bundler plugins, transformer, report).
 * The project's own `typescript` where it has that API (TypeScript 6 and earlier); in a project on
 * TypeScript 7, whose package offers no compiler API to JavaScript, the one ts-morph brings
 * (TypeScript 6, with the default library files in memory rather than on disk). Without either, an
 * EinsightError that says what to install.
 */
import { createRequire } from "node:module";
import * as path from "node:path";
import type ts from "typescript";
import { EinsightError } from "../../codegen/errors.js";
import { requirePeer, resolves, TYPESCRIPT } from "../peers.js";

const require = createRequire(import.meta.url);

/** A compiler API and the file system its programs read. */
export interface Compiler {
  readonly ts: typeof ts;
  /** The disk, and where the API keeps its default library files in memory (ts-morph), those. */
  readonly sys: ts.System;
  /** Where the API came from: "typescript 6.0.3", or "ts-morph (TypeScript 6.0.2)". */
  readonly source: string;
}

/** What ts-morph's common package exports that einsight uses. */
interface TsMorphCommon {
  readonly ts: typeof ts;
  getLibFiles(): readonly { readonly fileName: string; readonly text: string }[];
}

/** Whether `module` is TypeScript with the classic compiler API (TypeScript 7's package is only its version). */
function hasCompilerApi(module: unknown): module is typeof ts {
  return typeof (module as Partial<typeof ts> | undefined)?.createProgram === "function";
}

/**
 * The compiler API for `who` (named in errors): `given` (a host's own, as tsserver and ts-patch
 * pass it), the project's typescript package where it has the API, else ts-morph's.
 */
export function compiler(who: string, given?: typeof ts): Compiler {
  if (given !== undefined && hasCompilerApi(given))
    return { ts: given, sys: given.sys, source: `typescript ${given.version}` };
  const project = resolves("typescript") ? (require("typescript") as unknown) : undefined;
  if (hasCompilerApi(project)) return { ts: project, sys: project.sys, source: `typescript ${project.version}` };
  if (resolves("ts-morph")) return tsMorphCompiler();
  if (project === undefined) requirePeer(who, TYPESCRIPT); // throws, naming typescript@6
  const version =
    typeof (project as { version?: unknown }).version === "string"
      ? (project as { version: string }).version
      : "unknown";
  throw new EinsightError(
    "missingDependency",
    `${who} plans einsums with TypeScript's compiler API, which the typescript package of version ` +
      `${version} does not have (TypeScript 7, the native compiler, offers no such API to JavaScript). ` +
      `Install ts-morph, whose TypeScript 6 compiler API einsight then uses for the build beside your ` +
      `TypeScript 7: npm i -D ts-morph. (Or build with TypeScript 6: npm i -D ${TYPESCRIPT}.) ` +
      `einsight's types, the checked equations and inferred shapes, need no build step and check with ` +
      `TypeScript 7's tsc too.`,
  );
}

/** The classic TypeScript namespace alone, for front ends handed a program (the transformer). */
export function classicTypeScript(who: string, given?: typeof ts): typeof ts {
  return compiler(who, given).ts;
}

let tsMorph: Compiler | undefined;

/** ts-morph's TypeScript, reading its default library files from memory (it ships them as strings). */
export function tsMorphCompiler(): Compiler {
  if (tsMorph !== undefined) return tsMorph;
  // resolved beside ts-morph, whose dependency it is (a strict node_modules may not hoist it)
  const common = createRequire(require.resolve("ts-morph"))("@ts-morph/common") as TsMorphCommon;
  const tsm = common.ts;
  const folder = path.dirname(tsm.getDefaultLibFilePath({}));
  const libs = new Map(common.getLibFiles().map((f) => [path.join(folder, f.fileName), f.text]));
  const sys: ts.System = {
    ...tsm.sys,
    readFile: (file, encoding) => libs.get(path.resolve(file)) ?? tsm.sys.readFile(file, encoding),
    fileExists: (file) => libs.has(path.resolve(file)) || tsm.sys.fileExists(file),
    directoryExists: (dir) => path.resolve(dir) === folder || tsm.sys.directoryExists(dir),
  };
  return (tsMorph = { ts: tsm, sys, source: `ts-morph (TypeScript ${tsm.version})` });
}

/** A program over `rootNames` that reads through the compiler's file system. */
export function createProgram(
  c: Compiler,
  parsed: Pick<ts.ParsedCommandLine, "fileNames" | "options" | "projectReferences">,
): ts.Program {
  const host = c.ts.createCompilerHost(parsed.options);
  host.readFile = (file) => c.sys.readFile(file);
  host.fileExists = (file) => c.sys.fileExists(file);
  host.directoryExists = (dir) => c.sys.directoryExists(dir);
  return c.ts.createProgram({
    rootNames: parsed.fileNames,
    options: parsed.options,
    host,
    ...(parsed.projectReferences === undefined ? {} : { projectReferences: parsed.projectReferences }),
  });
}

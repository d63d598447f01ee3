/**
 * einsight for bundlers through unplugin: `einsight/vite`, `einsight/rollup`, `einsight/esbuild`,
 * `einsight/webpack` (and `einsightPlugin`, the unplugin itself). Each TypeScript module of the
 * project is compiled by TypeScript with einsight/transformer, so its literal einsums get their plan
 * and kernels at build time, and reaches the bundler as JavaScript (rollup and webpack need no other
 * TypeScript plugin). One language service serves the whole build and every rebuild: a module the
 * bundler hands over again, or a file changed on disk, is re-read; nothing else is re-checked.
 * The project files a module's types come from (its imports, transitively) are the bundler's watch
 * files, so a type change in one of them rebuilds the modules that use it. An invalid einsum is a
 * build error at file:line:column. With `report`, the build writes every einsum it compiled as
 * JSON and HTML (the same report as `einsight report`): the transformer's own answer for each
 * call, its plan, dtype and kernels as the bundle holds them, or why it is left to run time.
 * unplugin and typescript are optional peers (plugin/peers): without unplugin, importing these
 * subpaths is an EinsightError saying to install it; without a compiler API (typescript 6, or
 * ts-morph beside TypeScript 7: plugin/typescript/compiler), so is making the plugin (`einsight()`
 * in the bundler's config).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type ts from "typescript";
import type * as Unplugin from "unplugin";
import { reportHtml } from "../report/html.js";
import { reportEntry, type ReportEntry } from "../report/scan.js";
import einsightTransformer, { type TransformerConfig } from "../transformer/index.js";
import { F32_ONLY } from "../typescript/einsum-calls.js";
import { buildProfile, profileName, type BuildProfileConfig } from "../typescript/profile.js";
import { readProject } from "../typescript/project.js";
import { requirePeer } from "../peers.js";
import { compiler, type Compiler } from "../typescript/compiler.js";

const { createUnplugin } = requirePeer<typeof Unplugin>(
  "einsight's bundler plugin (einsight/vite, einsight/rollup, einsight/esbuild, einsight/webpack " +
    "or einsight/unplugin)",
  "unplugin",
);

export interface EinsightPluginOptions extends BuildProfileConfig {
  /** The project's tsconfig.json (default: tsconfig.json in the bundler's working folder). */
  readonly tsconfig?: string;
  /** Write the build report to `<report>.json` and `<report>.html` (e.g. "dist/einsums"). */
  readonly report?: string;
}

/** One TypeScript language service over the project, re-reading what changed. */
class Project {
  readonly root: string;
  readonly #ts: typeof ts;
  readonly #sys: ts.System;
  readonly #options: ts.CompilerOptions;
  readonly #files: Set<string>;
  /** Module text the bundler handed over (it may differ from disk: earlier plugins). */
  readonly #handed = new Map<string, { text: string; version: number }>();
  readonly #service: ts.LanguageService;

  constructor(c: Compiler, tsconfig: string) {
    const ts = (this.#ts = c.ts);
    const sys = (this.#sys = c.sys);
    const { configFile, parsed } = readProject(ts, tsconfig);
    this.root = path.dirname(configFile);
    // JavaScript for the bundler, with source maps; the project's own module settings are kept.
    // (type errors elsewhere in the project do not stop a bundle, as with the bundlers' own TypeScript handling)
    this.#options = {
      ...parsed.options,
      noEmit: false,
      noEmitOnError: false,
      emitDeclarationOnly: false,
      declaration: false,
      declarationMap: false,
      sourceMap: true,
      inlineSources: true,
      inlineSourceMap: false,
      outDir: undefined,
      outFile: undefined,
      rootDir: undefined,
      composite: false,
      incremental: false,
      tsBuildInfoFile: undefined,
    };
    this.#files = new Set(parsed.fileNames.map((f) => path.resolve(f)));
    const serviceHost: ts.LanguageServiceHost = {
      getCompilationSettings: () => this.#options,
      getScriptFileNames: () => [...this.#files],
      getScriptVersion: (file) => this.#version(path.resolve(file)),
      getScriptSnapshot: (file) => {
        const text = this.#handed.get(path.resolve(file))?.text ?? sys.readFile(file);
        return text === undefined ? undefined : ts.ScriptSnapshot.fromString(text);
      },
      getCurrentDirectory: () => this.root,
      getDefaultLibFileName: (options) => ts.getDefaultLibFilePath(options),
      fileExists: (file) => sys.fileExists(file),
      readFile: (file) => sys.readFile(file),
      readDirectory: (dir, extensions, exclude, include, depth) =>
        sys.readDirectory(dir, extensions, exclude, include, depth),
      directoryExists: (dir) => sys.directoryExists(dir),
      getDirectories: (dir) => sys.getDirectories(dir),
    };
    this.#service = ts.createLanguageService(serviceHost, ts.createDocumentRegistry());
  }

  includes(file: string): boolean {
    return this.#files.has(path.resolve(file));
  }

  /** Disk files are versioned by their modification time, so an edit between builds is seen. */
  #version(file: string): string {
    const handed = this.#handed.get(file);
    if (handed !== undefined) return `h${handed.version}`;
    try {
      return `m${fs.statSync(file).mtimeMs}`;
    } catch {
      return "missing";
    }
  }

  /** Forgets a module's handed-over text (the bundler saw it change on disk). */
  changed(file: string): void {
    this.#handed.delete(path.resolve(file));
  }

  /** Compiles one module with the transformer: JavaScript, its source map, errors, and its einsums for the report. */
  compile(
    file: string,
    text: string,
    config: TransformerConfig,
    report: boolean,
  ): { code: string; map: string | undefined; errors: string[]; entries: ReportEntry[]; dependencies: string[] } {
    const key = path.resolve(file);
    const handed = this.#handed.get(key);
    if (handed?.text !== text) this.#handed.set(key, { text, version: (handed?.version ?? 0) + 1 });
    const program = this.#service.getProgram()!;
    const sourceFile = program.getSourceFile(key)!;
    const errors: string[] = [];
    const entries: ReportEntry[] = [];
    const transformer = einsightTransformer(program, config, {
      ts: this.#ts,
      addDiagnostic: (d) => errors.push(formatDiagnostic(this.#ts, d)),
      ...(report ? { onCall: (source, call, built) => entries.push(reportEntry(source, this.root, call, built)) } : {}),
    });
    let code = "";
    let map: string | undefined;
    program.emit(
      sourceFile,
      (name, data) => {
        if (name.endsWith(".map")) map = data;
        else if (/\.[cm]?js$/.test(name)) code = data.replace(/\n\/\/# sourceMappingURL=.*$/, "");
      },
      undefined,
      false,
      { before: [transformer] },
    );
    return { code, map, errors, entries, dependencies: this.#dependencies(program, sourceFile) };
  }

  /** The project files `sourceFile` imports, transitively: where its einsums' types can come from. */
  #dependencies(program: ts.Program, sourceFile: ts.SourceFile): string[] {
    const ts = this.#ts;
    const seen = new Set<string>([path.resolve(sourceFile.fileName)]);
    const queue = [sourceFile];
    while (queue.length > 0) {
      const current = queue.pop()!;
      for (const specifier of current.statements.flatMap((s) =>
        (ts.isImportDeclaration(s) || ts.isExportDeclaration(s)) &&
        s.moduleSpecifier !== undefined &&
        ts.isStringLiteral(s.moduleSpecifier)
          ? [s.moduleSpecifier.text]
          : [],
      )) {
        const resolved = ts.resolveModuleName(specifier, current.fileName, this.#options, this.#sys).resolvedModule;
        const target =
          resolved === undefined || resolved.isExternalLibraryImport === true
            ? undefined
            : path.resolve(resolved.resolvedFileName);
        if (target === undefined || seen.has(target) || !this.includes(target)) continue;
        seen.add(target);
        const next = program.getSourceFile(target);
        if (next !== undefined) queue.push(next);
      }
    }
    seen.delete(path.resolve(sourceFile.fileName));
    return [...seen];
  }
}

function formatDiagnostic(tsm: typeof ts, d: ts.Diagnostic): string {
  const message = tsm.flattenDiagnosticMessageText(d.messageText, "\n");
  if (d.file === undefined || d.start === undefined) return message;
  const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
  return `${d.file.fileName}:${line + 1}:${character + 1}: ${message}`;
}

const TYPESCRIPT = /\.[cm]?tsx?$/;
/** The bundlers einsight has a subpath for (einsight/vite, ...); others take einsight/unplugin. */
const SUBPATHS: ReadonlySet<string> = new Set(["vite", "rollup", "esbuild", "webpack"]);

export const einsightPlugin: Unplugin.UnpluginInstance<EinsightPluginOptions | undefined, false> = createUnplugin(
  (options: EinsightPluginOptions | undefined, meta) => {
    const { tsconfig, report } = options ?? {};
    // TypeScript's compiler API (ts-morph's beside TypeScript 7), refused here if there is none
    const api = compiler(
      SUBPATHS.has(meta.framework) ? `einsight/${meta.framework}` : `einsight/unplugin (for ${meta.framework})`,
    );
    // the profile and tile table (its file read once), refused here if unknown or unreadable
    const profile = buildProfile(options ?? {});
    const table = typeof profile === "object" ? profile.tileTable : undefined;
    const config: TransformerConfig = {
      ...(options?.profile === undefined ? {} : { profile: options.profile }),
      ...(table === undefined ? {} : { tileTable: table }),
    };
    let project: Project | undefined;
    const entries = new Map<string, ReportEntry[]>();
    const projectFor = (): Project => (project ??= new Project(api, path.resolve(tsconfig ?? "tsconfig.json")));
    return {
      name: "einsight",
      enforce: "pre",
      transformInclude(id) {
        const file = id.split("?")[0]!;
        return (
          TYPESCRIPT.test(file) &&
          !file.endsWith(".d.ts") &&
          !file.includes(`${path.sep}node_modules${path.sep}`) &&
          projectFor().includes(file)
        );
      },
      transform(code, id) {
        const file = id.split("?")[0]!;
        const result = projectFor().compile(file, code, config, report !== undefined);
        if (result.errors.length > 0) this.error(result.errors.join("\n"));
        for (const dependency of result.dependencies) this.addWatchFile(dependency);
        entries.set(file, result.entries);
        return { code: result.code, map: result.map ?? null };
      },
      watchChange(id) {
        project?.changed(id);
      },
      writeBundle() {
        if (report === undefined || project === undefined) return;
        const written = {
          tsconfig: path.resolve(tsconfig ?? "tsconfig.json"),
          profile: profileName(profile),
          files: entries.size,
          note: F32_ONLY,
          einsums: [...entries.values()].flat(),
        };
        fs.mkdirSync(path.dirname(path.resolve(report)), { recursive: true });
        fs.writeFileSync(`${report}.json`, `${JSON.stringify(written, null, 1)}\n`);
        fs.writeFileSync(`${report}.html`, reportHtml(written));
      },
    };
  },
);

export const vite = einsightPlugin.vite;
export const rollup = einsightPlugin.rollup;
export const esbuild = einsightPlugin.esbuild;
export const webpack = einsightPlugin.webpack;
export default einsightPlugin;

/**
 * Docs that cannot drift: every TypeScript block of README.md and docs/**\/*.md (```ts or
 * ```typescript fences) is type-checked, linted and run against the BUILT package, installed from
 * `npm pack` into a fresh project (test/packed/install.ts) and imported as a user imports it.
 *
 * Marker rules (an HTML comment on the line right before the fence):
 * - none: the block is a program: type-checked (strict, module nodenext, top-level await; one tsc
 *   program for all blocks), linted with docs/eslint.md's own eslint.config.js (einsight's
 *   recommended rules, typed), and run with node on the tests' adapter (SwiftShader here).
 * - `<!-- fragment -->`: not a program (an elided piece, a config entry): neither checked nor run.
 * - `<!-- no-run: why -->`: checked and linted, not run (f16, GPU-sized data, incorrect on purpose).
 * Names a block uses but never declares come from test/docs/prelude.ts (placeholders: `g`, `a`,
 * `X`, `t([2, 3])`, `data`, ...), else from einsight's exports: the test prepends one import line.
 *
 * Claims, in `//` comments on a statement's line or on the comment lines right below it:
 * - `// prints: text`: the first line the statement prints is `text` (a trailing "(remark)" is not
 *   part of it);
 * - `// eslint: message`, `// tsc: message`, `// eslint and tsc: message`: the statement gets that
 *   report or error (tsc's message contains it); a claim goes on over the comment lines below it
 *   until it ends with a period; `//   ^` before it, or alone below it, is the lint report's column;
 * - a declaration's trailing comment that starts with `Tensor<`: its type, as tsc prints it.
 * A claim ending in "..." is a prefix. Every tsc error and lint report must be claimed, and every
 * claim met. Indented code blocks are not checked: one that parses as TypeScript fails (fence it).
 */
import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type * as TS from "typescript";
import { beforeAll, describe, expect, test } from "vitest";
import { freshProject, installedVersion } from "../packed/install.js";
import {
  analyze,
  type Analysis,
  type Block,
  codeBlocks,
  exportedNames,
  markdownFiles,
  messageMatches,
  parsesAsTypeScript,
  printedClaim,
} from "./blocks.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const preludeFile = fileURLToPath(new URL("./prelude.ts", import.meta.url));

const all = markdownFiles(root).flatMap((file) => codeBlocks(file, readFileSync(path.join(root, file), "utf8")));
const tsBlocks = all.filter((b) => b.lang === "ts");
const checkedBlocks = tsBlocks.filter((b) => b.marker?.kind !== "fragment");
const runBlocks = checkedBlocks.filter((b) => b.marker === undefined);
const where = (b: Block, line = 1) => `${b.file}:${b.line + line - 1}`;

interface Diagnostic {
  readonly kind: "tsc" | "eslint";
  /** 1-based block line, 0-based column. */
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

interface Checked {
  readonly dir: string;
  readonly analyses: Map<Block, Analysis>;
  readonly diagnostics: Map<Block, Diagnostic[]>;
  /** Types of claimed declarations, as tsc prints them, by block and line. */
  readonly types: Map<Block, Map<number, string>>;
  /** Diagnostics outside the blocks (the prelude, the config). */
  readonly elsewhere: string[];
}

let checked: Checked;
const timings: Record<string, number> = {};

/** The import line prepended to a block: what it uses and does not declare, from the prelude or einsight. */
function header(analysis: Analysis, prelude: Map<string, boolean>, einsight: Map<string, boolean>): string {
  const fromPrelude = analysis.free.filter((n) => prelude.has(n));
  const fromEinsight = analysis.free
    .filter((n) => !prelude.has(n) && einsight.has(n))
    .map((n) => (einsight.get(n) === true ? `type ${n}` : n));
  return [
    fromEinsight.length > 0 ? `import { ${fromEinsight.join(", ")} } from "einsight";` : "",
    fromPrelude.length > 0 ? `import { ${fromPrelude.join(", ")} } from "../prelude.js";` : "",
    "export {};",
  ]
    .filter((s) => s !== "")
    .join(" ");
}

/** docs/eslint.md's config block, which the fresh project uses as its eslint.config.js. */
function eslintConfig(): string {
  const block = all
    .filter((b) => b.file === "docs/eslint.md")
    .find((b) => b.lang === "js" && b.code.includes("eslint.config.js"));
  if (block === undefined) throw new Error("docs/eslint.md has no eslint.config.js block");
  return block.code;
}

describe("the claims a block's comments make", () => {
  test("prints, eslint, tsc, carets, continuations, types, and the statement each belongs to", () => {
    const code = [
      "const X = tensor(g, data, [2, 3]);   // Tensor<[2, 3]>: kept",
      'console.log("// not a comment"); // prints: 12288 (a remark)',
      'einsum("ij,jq", a);   // eslint and tsc: The equation has ...',
      "//     ^",
      'einsum("ijk", a);',
      "//   ^ eslint: Operand 0 has rank 2",
      "//     (shape [2, 3]) ...",
      "// just a remark",
    ].join("\n");
    const { free, claims, types } = analyze(code);
    expect(free).toEqual(["a", "console", "data", "einsum", "g", "tensor"]);
    expect(types).toEqual([{ name: "X", type: "Tensor<[2, 3]>", line: 1 }]);
    expect(claims.map((c) => [c.kind, c.text, c.caret, c.statement.first])).toEqual([
      ["prints", "12288 (a remark)", undefined, 2],
      ["eslint", "The equation has ...", 7, 3],
      ["tsc", "The equation has ...", undefined, 3],
      ["eslint", "Operand 0 has rank 2 (shape [2, 3]) ...", 5, 5],
    ]);
    expect(printedClaim("12288 (a remark)")).toBe("12288");
    expect(
      messageMatches(
        "eslint",
        "Operand 0 has rank 2 (shape [2, 3]) ...",
        "Operand 0 has rank 2 (shape [2, 3]) but its term",
      ),
    ).toBe(true);
    expect(messageMatches("eslint", "Operand 0 has rank 2", "Operand 0 has rank 2 (shape [2, 3])")).toBe(false);
    expect(
      messageMatches(
        "tsc",
        "The equation has ...",
        `Argument of type '"ij"' is not assignable to 'EinsumTypeError<"The equation has 2 terms">'`,
      ),
    ).toBe(true);
  });

  test("blocks, markers and indented blocks are found in Markdown", () => {
    const markdown = [
      "Text:",
      "",
      "    npm test",
      "",
      "<!-- no-run: why -->",
      "```ts",
      "const a = 1;",
      "```",
      "- item",
      "",
      "  <!-- fragment -->",
      "  ```typescript",
      "  f(",
      "  ```",
      "",
      "```sh",
      "ls",
      "```",
      "",
      "```ts",
      "run();",
      "```",
    ].join("\n");
    expect(codeBlocks("x.md", markdown).map((b) => [b.line, b.lang, b.code, b.marker])).toEqual([
      [3, "indented", "npm test", undefined],
      [7, "ts", "const a = 1;", { kind: "no-run", reason: "why" }],
      [13, "ts", "f(", { kind: "fragment" }],
      [17, "sh", "ls", undefined],
      [21, "ts", "run();", undefined],
    ]);
    expect(parsesAsTypeScript("npm test")).toBe(false);
    expect(parsesAsTypeScript("const g = await gpu();")).toBe(true);
  });
});

describe("the TypeScript blocks of README.md and docs/", () => {
  beforeAll(async () => {
    let t0 = performance.now();
    const deps = [
      "typescript",
      "@webgpu/types",
      "@types/node",
      "webgpu",
      "eslint",
      "typescript-eslint",
      "@tensorflow/tfjs-core",
      "@tensorflow/tfjs-backend-webgpu",
    ].map((n) => `${n}@${installedVersion(n)}`);
    const dir = freshProject("docs", deps, {});
    timings.install = performance.now() - t0;
    const prelude = exportedNames(preludeFile);
    const einsight = exportedNames(path.join(dir, "node_modules/einsight/dist/runtime/index.d.ts"));
    const analyses = new Map(checkedBlocks.map((b) => [b, analyze(b.code)] as const));
    const files: Record<string, string> = {
      "tsconfig.json": JSON.stringify({
        compilerOptions: {
          strict: true,
          target: "es2022",
          module: "nodenext",
          moduleResolution: "nodenext",
          skipLibCheck: true,
          noEmit: true,
          types: ["node", "@webgpu/types"],
        },
        include: ["prelude.ts", "shims.d.ts", "blocks"],
      }),
      // tfjs is not installed: its blocks need only the module's einsum to type-check.
      "shims.d.ts": `declare module "@tensorflow/tfjs" { export function einsum(equation: string, ...tensors: unknown[]): unknown; }\n`,
      "eslint.config.js": eslintConfig(),
      "prelude.ts": readFileSync(preludeFile, "utf8"),
      // What docs/transformer.md's programmatic build compiles.
      "src/main.ts": `import { einsum, gpu, tensor } from "einsight";\nconst g = await gpu();\nconst a = tensor(g, new Float32Array(6), [2, 3]);\nconst b = tensor(g, new Float32Array(12), [3, 4]);\nconsole.log(einsum("ij,jk->ik", a, b).shape);\n`,
    };
    for (const b of checkedBlocks)
      files[`blocks/${b.slug}.ts`] = `${header(analyses.get(b)!, prelude, einsight)}\n${b.code}\n`;
    rmSync(path.join(dir, "blocks"), { recursive: true, force: true });
    rmSync(path.join(dir, "run"), { recursive: true, force: true });
    rmSync(path.join(dir, "dist"), { recursive: true, force: true });
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      writeFileSync(path.join(dir, name), text);
    }

    // ESLint in a child process, while tsc runs here.
    t0 = performance.now();
    const lint = promisify(execFile)(
      process.execPath,
      [path.join(dir, "node_modules/eslint/bin/eslint.js"), "--format", "json", "blocks"],
      { cwd: dir, maxBuffer: 64 << 20 },
    ).catch((e: { stdout?: string; stderr?: string; message?: string }) => {
      if (e.stdout === undefined || e.stdout === "")
        throw new Error(`eslint failed: ${e.stderr ?? e.message ?? "no output"}`);
      return { stdout: e.stdout };
    });

    const ts = createRequire(path.join(dir, "package.json"))("typescript") as typeof TS;
    const config = ts.getParsedCommandLineOfConfigFile(
      path.join(dir, "tsconfig.json"),
      {},
      {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: (d) => {
          throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
        },
      },
    )!;
    const program = ts.createProgram(config.fileNames, config.options);
    const checker = program.getTypeChecker();
    const bySlug = new Map(checkedBlocks.map((b) => [b.slug, b]));
    const blockOf = (file: string) => bySlug.get(path.basename(file, ".ts"));
    const diagnostics = new Map(checkedBlocks.map((b) => [b, [] as Diagnostic[]]));
    const elsewhere: string[] = [];
    for (const d of ts.getPreEmitDiagnostics(program)) {
      const message = ts.flattenDiagnosticMessageText(d.messageText, " ");
      const block = d.file === undefined ? undefined : blockOf(d.file.fileName);
      if (d.file === undefined || block === undefined || d.start === undefined) {
        elsewhere.push(`${d.file?.fileName ?? ""}: ${message}`);
        continue;
      }
      const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
      diagnostics.get(block)!.push({ kind: "tsc", line, column: character, message });
    }
    const types = new Map<Block, Map<number, string>>();
    for (const b of checkedBlocks) {
      const claims = analyses.get(b)!.types;
      if (claims.length === 0) continue;
      const source = program.getSourceFile(path.join(dir, "blocks", `${b.slug}.ts`))!;
      const found = new Map<number, string>();
      const visit = (node: TS.Node) => {
        if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name)) {
          const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
          const claim = claims.find((c) => c.line === line && c.name === (node.name as TS.Identifier).text);
          if (claim !== undefined && !found.has(line))
            found.set(
              line,
              checker.typeToString(checker.getTypeAtLocation(node.name), undefined, ts.TypeFormatFlags.NoTruncation),
            );
        }
        ts.forEachChild(node, visit);
      };
      visit(source);
      types.set(b, found);
    }
    timings.tsc = performance.now() - t0;

    const report = JSON.parse((await lint).stdout) as {
      filePath: string;
      messages: { ruleId: string | null; line: number; column: number; message: string }[];
    }[];
    for (const r of report) {
      const block = blockOf(r.filePath);
      for (const m of r.messages) {
        if (block === undefined) elsewhere.push(`${r.filePath}: ${m.message}`);
        else
          diagnostics.get(block)!.push({
            kind: "eslint",
            line: m.line - 1,
            column: m.column - 1,
            message: m.ruleId === null ? `${m.message} (no rule)` : m.message,
          });
      }
    }
    timings.tscAndLint = performance.now() - t0;

    // The runnable blocks, transpiled, with a marker printed before each statement that claims what it prints.
    t0 = performance.now();
    mkdirSync(path.join(dir, "run/blocks"), { recursive: true });
    const transpile = (code: string) =>
      ts.transpileModule(code, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } })
        .outputText;
    writeFileSync(path.join(dir, "run/prelude.js"), transpile(files["prelude.ts"]!));
    for (const b of runBlocks) {
      const prints = analyses.get(b)!.claims.filter((c) => c.kind === "prints");
      let code = b.code;
      for (const [i, c] of [...prints.entries()].sort((p, q) => q[1].statement.start - p[1].statement.start)) {
        code = `${code.slice(0, c.statement.start)}process.stdout.write("\\u001eclaim ${i}\\n"); ${code.slice(c.statement.start)}`;
      }
      writeFileSync(
        path.join(dir, "run/blocks", `${b.slug}.js`),
        transpile(`${header(analyses.get(b)!, prelude, einsight)}\n${code}\n`),
      );
    }
    timings.transpile = performance.now() - t0;
    checked = { dir, analyses, diagnostics, types, elsewhere };
  }, 600_000);

  test("the prelude, the shims and docs/eslint.md's config have no errors", () => {
    expect(checked.elsewhere).toEqual([]);
  });

  test.each(checkedBlocks.map((b) => ({ name: where(b), b })))("$name type-checks and lints as it claims", ({ b }) => {
    const problems: string[] = [];
    const diagnostics = [...checked.diagnostics.get(b)!];
    const analysis = checked.analyses.get(b)!;
    for (const claim of analysis.claims.filter((c) => c.kind !== "prints")) {
      const i = diagnostics.findIndex(
        (d) =>
          d.kind === claim.kind &&
          d.line >= claim.statement.first &&
          d.line <= claim.statement.last &&
          messageMatches(claim.kind, claim.text, d.message) &&
          (claim.caret === undefined || d.column === claim.caret),
      );
      if (i >= 0) diagnostics.splice(i, 1);
      else {
        const near = checked.diagnostics
          .get(b)!
          .filter((d) => d.kind === claim.kind && d.line >= claim.statement.first && d.line <= claim.statement.last);
        problems.push(
          `${where(b, claim.line)}: claims ${claim.kind}${claim.caret === undefined ? "" : ` at column ${claim.caret + 1}`}: ${claim.text}\n    but ${claim.kind} reports ${near.length === 0 ? "nothing there" : near.map((d) => `at column ${d.column + 1}: ${d.message}`).join("\n    and ")}`,
        );
      }
    }
    for (const d of diagnostics)
      problems.push(`${where(b, d.line)}:${d.column + 1}: ${d.kind} reports, unclaimed: ${d.message}`);
    const types = checked.types.get(b);
    for (const claim of analysis.types) {
      const actual = types?.get(claim.line);
      if (actual?.replace(/\s+/g, " ") !== claim.type.replace(/\s+/g, " "))
        problems.push(
          `${where(b, claim.line)}: claims ${claim.name}: ${claim.type}, but tsc says ${actual ?? "nothing"}`,
        );
    }
    expect(problems.join("\n")).toBe("");
  });

  test.each(runBlocks.map((b) => ({ name: where(b), b })))("$name runs and prints what it claims", async ({ b }) => {
    const t0 = performance.now();
    const file = path.join(checked.dir, "run/blocks", `${b.slug}.js`);
    const { stdout, stderr, status } = await new Promise<{ stdout: string; stderr: string; status: number | null }>(
      (resolve) => {
        execFile(
          process.execPath,
          [file],
          { cwd: checked.dir, timeout: 60_000, maxBuffer: 16 << 20 },
          (error, stdout, stderr) =>
            resolve({ stdout, stderr, status: error === null ? 0 : ((error as { code?: number }).code ?? null) }),
        );
      },
    );
    timings[`run ${where(b)}`] = performance.now() - t0;
    expect(`exit ${status}${status === 0 ? "" : `\n${stderr}`}`).toBe("exit 0");
    const lines = stdout.split("\n");
    const problems: string[] = [];
    for (const [i, claim] of checked.analyses
      .get(b)!
      .claims.filter((c) => c.kind === "prints")
      .entries()) {
      const at = lines.indexOf(`\u001eclaim ${i}`);
      const printed =
        at < 0 || at + 1 >= lines.length || lines[at + 1]!.startsWith("\u001e") ? undefined : lines[at + 1]!;
      const expected = printedClaim(claim.text);
      if (printed === undefined || !messageMatches("prints", expected, printed))
        problems.push(
          `${where(b, claim.line)}: claims it prints ${expected}, but it printed ${printed === undefined ? "nothing" : printed}`,
        );
    }
    expect(problems.join("\n")).toBe("");
  });

  test("indented code blocks are not TypeScript (TypeScript goes in ```ts fences)", () => {
    const typescript = all
      .filter((b) => b.lang === "indented" && parsesAsTypeScript(b.code))
      .map((b) => `${where(b)}: ${b.code.split("\n")[0]}`);
    expect(typescript).toEqual([]);
  });

  test("what was checked and run", () => {
    const fragments = tsBlocks.filter((b) => b.marker?.kind === "fragment");
    const notRun = checkedBlocks.filter((b) => b.marker?.kind === "no-run");
    console.log(
      [
        `docs: ${tsBlocks.length} TypeScript blocks in ${new Set(tsBlocks.map((b) => b.file)).size} files: ${checkedBlocks.length} type-checked and linted, ${runBlocks.length} run, ${fragments.length} fragments, ${notRun.length} not run:`,
        ...notRun.map((b) => `  ${where(b)}: ${b.marker?.kind === "no-run" ? b.marker.reason : ""}`),
        `times (ms): ${Object.entries(timings)
          .map(([k, v]) => `${k} ${v.toFixed(0)}`)
          .join(", ")}`,
      ].join("\n"),
    );
    expect(notRun.every((b) => b.marker?.kind === "no-run" && b.marker.reason.length > 0)).toBe(true);
    expect(checkedBlocks.length).toBeGreaterThanOrEqual(26);
    expect(runBlocks.length).toBeGreaterThanOrEqual(13);
  });
});

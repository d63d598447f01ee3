/**
 * The code blocks of README.md and docs/**\/*.md, and what the TypeScript ones claim
 * (the rules are at the top of test/docs/snippets.test.ts). Pure text work: no compiler run here,
 * only the TypeScript parser and scanner.
 */
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import ts from "typescript";

export interface Block {
  /** The Markdown file, relative to the repository. */
  readonly file: string;
  /** The 1-based line of the block's first code line in that file. */
  readonly line: number;
  /** A name for files made from it: `docs_einsum.md-L12`. */
  readonly slug: string;
  /** `ts` for TypeScript fences (```ts, ```typescript), else the fence's language, `indented` for indented blocks. */
  readonly lang: string;
  /** The code, without the fence's (or the indented block's) own indentation. */
  readonly code: string;
  /** `<!-- fragment -->` or `<!-- no-run: reason -->` on the line before the fence. */
  readonly marker: { readonly kind: "fragment" } | { readonly kind: "no-run"; readonly reason: string } | undefined;
}

const MARKER = /^\s*<!--\s*(fragment|no-run)\s*(?::\s*(.*?))?\s*-->\s*$/;
const FENCE = /^(\s*)(`{3,}|~{3,})\s*([\w+-]*)(.*)$/;

/** README.md and every .md under docs/, relative to `root`. */
export function markdownFiles(root: string): string[] {
  const docs = (dir: string): string[] =>
    readdirSync(path.join(root, dir), { withFileTypes: true })
      .sort((p, q) => p.name.localeCompare(q.name))
      .flatMap((e) =>
        e.isDirectory() ? docs(`${dir}/${e.name}`) : e.name.endsWith(".md") ? [`${dir}/${e.name}`] : [],
      );
  return ["README.md", ...docs("docs")];
}

/** Every fenced and indented code block of one Markdown file (`file` names it, `text` is its content). */
export function codeBlocks(file: string, text: string): Block[] {
  const lines = text.split("\n");
  const blocks: Block[] = [];
  const add = (line: number, lang: string, body: string[], indent: number, marker: Block["marker"]) => {
    const code = body.map((l) => l.slice(Math.min(indent, l.length - l.trimStart().length))).join("\n");
    blocks.push({ file, line, slug: `${file.replace(/\//g, "_")}-L${line}`, lang, code, marker });
  };
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]!);
    if (open !== null) {
      const [, indent, fence, lang] = open as unknown as [string, string, string, string];
      let end = i + 1;
      while (
        end < lines.length &&
        !new RegExp(`^\\s*${fence[0] === "`" ? "`" : "~"}{${fence.length},}\\s*$`).test(lines[end]!)
      )
        end++;
      const m = i > 0 ? MARKER.exec(lines[i - 1]!) : null;
      const marker =
        m === null
          ? undefined
          : m[1] === "fragment"
            ? ({ kind: "fragment" } as const)
            : { kind: "no-run" as const, reason: m[2] ?? "" };
      add(i + 2, lang === "typescript" ? "ts" : lang, lines.slice(i + 1, end), indent.length, marker);
      i = end;
      continue;
    }
    // An indented block: after a blank line, lines indented by 4 or more (blank lines inside it kept).
    const indented = (l: string) => /^ {4,}\S/.test(l);
    if (indented(lines[i]!) && (i === 0 || lines[i - 1]!.trim() === "")) {
      let end = i;
      while (
        end < lines.length &&
        (indented(lines[end]!) || (lines[end]!.trim() === "" && end + 1 < lines.length && indented(lines[end + 1]!)))
      )
        end++;
      const body = lines.slice(i, end);
      const indent = Math.min(...body.filter((l) => l.trim() !== "").map((l) => l.length - l.trimStart().length));
      add(i + 1, "indented", body, indent, undefined);
      i = end - 1;
    }
  }
  return blocks;
}

/** Whether text parses as TypeScript with no syntax error (an indented block that does is TypeScript to fence). */
export function parsesAsTypeScript(code: string): boolean {
  const out = ts.transpileModule(code, {
    reportDiagnostics: true,
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  });
  return (out.diagnostics ?? []).length === 0;
}

export type ClaimKind = "prints" | "eslint" | "tsc";

export interface Claim {
  readonly kind: ClaimKind;
  /** What is claimed, whitespace collapsed; a trailing "..." makes it a prefix. */
  readonly text: string;
  /** The 0-based column a caret (`//   ^`) points at, if any. */
  readonly caret: number | undefined;
  /** The 1-based block line the claim is written on. */
  readonly line: number;
  /** The statement it belongs to: its 1-based first and last lines, and its start offset in the code. */
  readonly statement: { readonly first: number; readonly last: number; readonly start: number };
}

export interface TypeClaim {
  /** The declared name whose type is claimed. */
  readonly name: string;
  /** The claimed type, as `Tensor<[16, 64, 32]>`. */
  readonly type: string;
  readonly line: number;
}

export interface Analysis {
  /** Names the block uses that nothing in it declares (candidates for the prelude and einsight's exports). */
  readonly free: readonly string[];
  readonly claims: readonly Claim[];
  readonly types: readonly TypeClaim[];
}

const CLAIM = /^(?:(\s*)\^)?\s*(prints|eslint|tsc)(?:\s+and\s+(eslint|tsc))?:\s*(.*)$/;
const CARET_ONLY = /^(\s*)\^\s*$/;

/** Names used but not declared, claims and type claims of a TypeScript block. */
export function analyze(code: string): Analysis {
  const source = ts.createSourceFile("block.ts", code, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const lineOf = (pos: number) => source.getLineAndCharacterOfPosition(pos).line + 1;
  const declared = new Set<string>();
  const used = new Set<string>();
  const statements: { first: number; last: number; start: number }[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isIdentifier(node)) {
      const parent = node.parent;
      const isName =
        (ts.isPropertyAccessExpression(parent) && parent.name === node) ||
        (ts.isPropertyAssignment(parent) && parent.name === node) ||
        (ts.isQualifiedName(parent) && parent.right === node) ||
        (ts.isPropertySignature(parent) && parent.name === node) ||
        (ts.isMethodDeclaration(parent) && parent.name === node);
      const isDeclaration =
        ((ts.isVariableDeclaration(parent) ||
          ts.isFunctionDeclaration(parent) ||
          ts.isClassDeclaration(parent) ||
          ts.isParameter(parent) ||
          ts.isImportSpecifier(parent) ||
          ts.isImportClause(parent) ||
          ts.isNamespaceImport(parent) ||
          ts.isTypeAliasDeclaration(parent) ||
          ts.isInterfaceDeclaration(parent) ||
          ts.isTypeParameterDeclaration(parent)) &&
          parent.name === node) ||
        (ts.isBindingElement(parent) && parent.name === node);
      if (isDeclaration) declared.add(node.text);
      else if (
        !isName &&
        !(ts.isImportSpecifier(parent) && parent.propertyName === node) &&
        !(ts.isBindingElement(parent) && parent.propertyName === node)
      )
        used.add(node.text);
    }
    if (ts.isStatement(node) && !ts.isBlock(node))
      statements.push({ first: lineOf(node.getStart(source)), last: lineOf(node.end), start: node.getStart(source) });
    ts.forEachChild(node, visit);
  };
  visit(source);

  // Comments, found by the scanner (so that "//" inside a string is not one).
  const lines = code.split("\n");
  const comments: { line: number; text: string; only: boolean; column: number }[] = [];
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, false, ts.LanguageVariant.Standard, code);
  for (let token = scanner.scan(); token !== ts.SyntaxKind.EndOfFileToken; token = scanner.scan()) {
    if (token !== ts.SyntaxKind.SingleLineCommentTrivia) continue;
    const pos = scanner.getTokenStart();
    const { line, character } = source.getLineAndCharacterOfPosition(pos);
    comments.push({
      line: line + 1,
      text: scanner.getTokenText().slice(2),
      only: lines[line]!.slice(0, character).trim() === "",
      column: character + 2,
    });
  }

  const claims: { kind: ClaimKind; text: string; caret: number | undefined; line: number }[] = [];
  const types: TypeClaim[] = [];
  let last: { line: number; claims: (typeof claims)[number][] } | undefined;
  for (const c of comments) {
    const claim = CLAIM.exec(c.text);
    const caretOnly = CARET_ONLY.exec(c.text);
    const follows = last !== undefined && last.line === c.line - 1 && c.only;
    if (claim !== null) {
      const caret = claim[1] === undefined ? undefined : c.column + claim[1].length;
      // "eslint and tsc: ..." claims the same words of both.
      const made = [claim[2], claim[3]]
        .filter((k) => k !== undefined)
        .map((kind) => ({ kind: kind as ClaimKind, text: claim[4]!, caret, line: c.line }));
      claims.push(...made);
      last = { line: c.line, claims: made };
    } else if (caretOnly !== null && follows && last!.claims.length > 0 && last!.claims[0]!.caret === undefined) {
      for (const made of last!.claims) if (made.kind === "eslint") made.caret = c.column + caretOnly[1]!.length; // tsc reports whole arguments
      last = { line: c.line, claims: last!.claims };
    } else if (follows && last!.claims.length > 0 && !last!.claims[0]!.text.trimEnd().endsWith(".")) {
      for (const made of last!.claims) made.text += ` ${c.text.trim()}`; // a claim continued on the next comment line
      last = { line: c.line, claims: last!.claims };
    } else {
      last = undefined;
      const type = /^\s*(Tensor<)/.exec(c.text);
      if (type !== null && !c.only) {
        const start = c.text.indexOf("Tensor<");
        let depth = 0;
        let end = start;
        for (; end < c.text.length; end++) {
          if (c.text[end] === "<") depth++;
          if (c.text[end] === ">" && --depth === 0) break;
        }
        const name = declaredOnLine(source, c.line);
        if (name !== undefined) types.push({ name, type: c.text.slice(start, end + 1), line: c.line });
      }
    }
  }

  // A claim belongs to the innermost statement ending on its line (or, for a claim on its own
  // comment lines, on the last code line above it).
  const codeLine = (line: number) => {
    let l = line;
    while (l > 1 && (lines[l - 1]!.trim() === "" || comments.some((c) => c.line === l && c.only))) l--;
    return l;
  };
  const withStatements = claims.map((claim): Claim => {
    const anchor = comments.some((c) => c.line === claim.line && c.only) ? codeLine(claim.line - 1) : claim.line;
    const ending = statements.filter((s) => s.last === anchor);
    const enclosing = statements.filter((s) => s.first <= anchor && s.last >= anchor);
    const innermost = (list: typeof statements) =>
      list.reduce<(typeof statements)[number] | undefined>(
        (best, s) => (best === undefined || s.last - s.first <= best.last - best.first ? s : best),
        undefined,
      );
    const statement = innermost(ending) ??
      innermost(enclosing) ?? {
        first: anchor,
        last: anchor,
        start: source.getPositionOfLineAndCharacter(anchor - 1, 0),
      };
    return { ...claim, text: claim.text.replace(/\s+/g, " ").trim(), statement };
  });
  return { free: [...used].filter((n) => !declared.has(n)).sort(), claims: withStatements, types };
}

/** The first name a variable statement on this line declares. */
function declaredOnLine(source: ts.SourceFile, line: number): string | undefined {
  let found: string | undefined;
  const visit = (node: ts.Node) => {
    if (found !== undefined) return;
    if (
      ts.isVariableDeclaration(node) &&
      ts.isIdentifier(node.name) &&
      source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1 === line
    )
      found = node.name.text;
    else ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/**
 * Whether a message is what a claim says: equal, or starting with it where the claim ends in "...";
 * for tsc, whose messages wrap einsight's sentence (`EinsumTypeError<"...">`), containing it.
 */
export function messageMatches(kind: ClaimKind, claim: string, message: string): boolean {
  const said = message.replace(/\s+/g, " ").trim();
  const words = claim.endsWith("...") ? claim.slice(0, -3).trim() : claim;
  if (kind === "tsc") return said.includes(words);
  return claim.endsWith("...") ? said.startsWith(words) : said === claim;
}

/** What a `prints:` claim expects, without a trailing parenthesized remark. */
export function printedClaim(text: string): string {
  if (!text.endsWith(")")) return text;
  let depth = 0;
  for (let i = text.length - 1; i >= 0; i--) {
    if (text[i] === ")") depth++;
    if (text[i] === "(" && --depth === 0) return i > 0 && text[i - 1] === " " ? text.slice(0, i).trim() : text;
  }
  return text;
}

/** The names a module declares as exports (`export { a, type B } from`, `export const c`, `export function d`), with whether each is a type only. */
export function exportedNames(file: string): Map<string, boolean> {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
  const names = new Map<string, boolean>();
  for (const s of source.statements) {
    if (ts.isExportDeclaration(s) && s.exportClause === undefined && s.moduleSpecifier !== undefined) {
      // `export * from "./x.js"`: x's names, from x.d.ts beside a .d.ts, else x.ts
      const target = (s.moduleSpecifier as ts.StringLiteral).text.replace(
        /\.js$/,
        file.endsWith(".d.ts") ? ".d.ts" : ".ts",
      );
      for (const [name, typeOnly] of exportedNames(path.join(path.dirname(file), target)))
        names.set(name, typeOnly || s.isTypeOnly);
    }
    if (ts.isExportDeclaration(s) && s.exportClause !== undefined && ts.isNamedExports(s.exportClause)) {
      for (const e of s.exportClause.elements) names.set(e.name.text, s.isTypeOnly || e.isTypeOnly);
    }
    const exported =
      ts.canHaveModifiers(s) && (ts.getModifiers(s) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    if (!exported) continue;
    if (ts.isVariableStatement(s))
      for (const d of s.declarationList.declarations) if (ts.isIdentifier(d.name)) names.set(d.name.text, false);
    if ((ts.isFunctionDeclaration(s) || ts.isClassDeclaration(s)) && s.name !== undefined)
      names.set(s.name.text, false);
    if ((ts.isTypeAliasDeclaration(s) || ts.isInterfaceDeclaration(s)) && s.name !== undefined)
      names.set(s.name.text, true);
  }
  return names;
}

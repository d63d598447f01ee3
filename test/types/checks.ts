/**
 * The type-level checks that run under each TypeScript the package supports (6 in-process and
 * from its tsc, 7 from its native tsc): what typed einsum costs the checker, and that every type
 * error of the case table is the runtime's sentence.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { bindShapes } from "../../codegen/bind.js";
import { EinsightError } from "../../codegen/errors.js";
import { cases, isValidCase, type Case, type InvalidCase } from "../cases.js";
import { einsumCallsSource } from "../support/einsum-calls-source.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const runtime = join(root, "runtime/index.js");
/** tsc's flags for a lone file of einsums against the repository's runtime. */
const FLAGS = [
  "--ignoreConfig",
  "--noEmit",
  "--strict",
  "--skipLibCheck",
  "--target",
  "es2022",
  "--module",
  "nodenext",
  "--types",
  "node,@webgpu/types",
];

/** TypeScript 6's tsc, the repository's own. */
export const TSC_6 = join(root, "node_modules/typescript/bin/tsc");

/** Type instantiations per einsum call that typed equations add over `string` ones, as the tsc at `tsc` counts them. */
export function instantiationsPerCall(tsc: string, calls: number): number {
  const dir = mkdtempSync(join(tmpdir(), "einsight-types-"));
  try {
    const count = (typed: boolean) => {
      const file = join(dir, typed ? "typed.mts" : "untyped.mts");
      writeFileSync(file, einsumCallsSource(runtime, calls, typed));
      const out = execFileSync(process.execPath, [tsc, ...FLAGS, "--extendedDiagnostics", file], {
        encoding: "utf8",
        cwd: root,
      });
      return Number(/Instantiations:\s+(\d+)/.exec(out)![1]);
    };
    return (count(true) - count(false)) / calls;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The invalid cases of the table, and a module calling einsum on each: case i on line i + 3 (1-based). */
export function invalidCasesModule(): { readonly invalid: readonly InvalidCase[]; readonly text: string } {
  const invalid = (cases as readonly Case[]).filter((c): c is InvalidCase => !isValidCase(c));
  const lines = [
    `import { einsum, type Tensor } from ${JSON.stringify(runtime)};`,
    "declare function t<const S extends readonly number[]>(shape: S): Tensor<S>;",
    ...invalid.map(
      (c) => `einsum(${[JSON.stringify(c.equation), ...c.shapes.map((s) => `t([${s.join(", ")}])`)].join(", ")});`,
    ),
  ];
  return { invalid, text: lines.join("\n") };
}

/** tsc's messages for that module, by 1-based line, from the tsc at `tsc` (its output without colour). */
export function messagesFromTsc(tsc: string, text: string): Map<number, string> {
  const dir = mkdtempSync(join(tmpdir(), "einsight-sentences-"));
  try {
    const file = join(dir, "invalid.mts");
    writeFileSync(file, text);
    const out = spawnSync(process.execPath, [tsc, ...FLAGS, "--pretty", "false", file], {
      encoding: "utf8",
      cwd: root,
    }).stdout;
    const byLine = new Map<number, string>();
    let line: number | undefined;
    for (const row of out.split("\n")) {
      const start = /\((\d+),\d+\): error TS\d+: (.*)$/.exec(row);
      if (start !== null) byLine.set((line = Number(start[1])), start[2]!);
      else if (line !== undefined && row.startsWith(" ")) byLine.set(line, `${byLine.get(line)!}\n${row}`);
    }
    return byLine;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * What is wrong with the messages for the invalid cases (by 1-based line): a case with no error,
 * a message that is not an `EinsumTypeError<"...">` sentence, or a sentence stating a number or
 * quoted label the runtime's reason for the same call does not. Empty when all hold; `checked`
 * counts the cases compared with the runtime (those with non-ASCII equations are exempt: types
 * see UTF-16 units, so no code point to name).
 */
export function sentenceProblems(
  invalid: readonly InvalidCase[],
  byLine: ReadonlyMap<number, string>,
): { problems: string[]; checked: number; exempt: number } {
  const problems: string[] = [];
  let checked = 0;
  let exempt = 0;
  invalid.forEach((c, i) => {
    const call = `${c.equation} ${JSON.stringify(c.shapes)}`;
    const message = byLine.get(i + 3);
    const sentence = message === undefined ? undefined : /EinsumTypeError<"((?:[^"\\]|\\.)*)">/.exec(message)?.[1];
    if (sentence === undefined)
      return void problems.push(
        message === undefined ? `no type error for ${call}` : `not a sentence for ${call}: ${message}`,
      );
    const typed = JSON.parse(`"${sentence.replace(/\\([^"\\])/g, "\\\\$1")}"`) as string;
    if (!/^[A-Z'].*[.]$/s.test(typed)) return void problems.push(`not a sentence for ${call}: ${typed}`);
    if (c.error === "invalidCharacter" && /[^\x20-\x7e]/.test(c.equation)) return void (exempt += 1);
    const reason = runtimeReason(c);
    const runtimeFacts = new Set(facts(reason));
    const extra = facts(typed).filter((f) => !runtimeFacts.has(f));
    if (extra.length > 0)
      problems.push(
        `${call}: tsc states ${extra.join(", ")} which the runtime does not\n  tsc: ${typed}\n  runtime: ${reason}`,
      );
    checked += 1;
  });
  return { problems, checked, exempt };
}

function runtimeReason(c: InvalidCase): string {
  try {
    bindShapes(
      c.equation,
      c.shapes.map((shape) => ({ shape })),
    );
  } catch (e) {
    if (e instanceof EinsightError) return e.reason;
  }
  return "";
}

/** The numbers and quoted strings of a sentence. */
function facts(sentence: string): string[] {
  return [...sentence.matchAll(/'[^']*'|-?\d+(?:\.\d+)?/g)].map((m) => m[0]);
}

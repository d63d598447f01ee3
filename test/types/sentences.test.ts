/**
 * Every type error of the case table is a sentence: tsc's message for each invalid case names
 * `EinsumTypeError<"...">`, never a helper type (a rank error once showed
 * `RankErrorOf<["i", "j", "k"], [2, 3], 0>`), and it states the runtime's facts for the same call:
 * every number and quoted label in it is in the runtime's `reason` too (which may say more: where
 * in the string, the shape, the code point).
 */
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { expect, test } from "vitest";
import { bindShapes } from "../../codegen/bind.js";
import { EinsightError } from "../../codegen/errors.js";
import { cases, isValidCase, type Case, type InvalidCase } from "../cases.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const file = `${root}test/types/sentences-fixture.ts`; // virtual: only this program sees it

test("tsc's message for every invalid case of the table is the runtime's sentence", () => {
  const invalid = (cases as readonly Case[]).filter((c): c is InvalidCase => !isValidCase(c));
  const lines = [
    'import { einsum, type Tensor } from "../../runtime/index.js";',
    "declare function t<const S extends readonly number[]>(shape: S): Tensor<S>;",
    ...invalid.map((c) => `einsum(${[JSON.stringify(c.equation), ...c.shapes.map((s) => `t([${s.join(", ")}])`)].join(", ")});`),
  ];
  const text = lines.join("\n");
  const options: ts.CompilerOptions = { strict: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, types: ["@webgpu/types"], skipLibCheck: true, noEmit: true };
  const host = ts.createCompilerHost(options);
  const real = { getSourceFile: host.getSourceFile.bind(host), fileExists: host.fileExists.bind(host), readFile: host.readFile.bind(host) };
  host.getSourceFile = (name, language, ...rest) => (name === file ? ts.createSourceFile(name, text, language) : real.getSourceFile(name, language, ...rest));
  host.fileExists = (name) => name === file || real.fileExists(name);
  host.readFile = (name) => (name === file ? text : real.readFile(name));
  const program = ts.createProgram([file], options, host);
  const source = program.getSourceFile(file)!;
  const byLine = new Map<number, string>();
  for (const d of program.getSemanticDiagnostics(source)) {
    const line = source.getLineAndCharacterOfPosition(d.start!).line;
    byLine.set(line, ts.flattenDiagnosticMessageText(d.messageText, "\n"));
  }
  let checked = 0;
  let exempt = 0;
  invalid.forEach((c, i) => {
    const message = byLine.get(i + 2);
    expect(message, `no type error for ${c.equation} ${JSON.stringify(c.shapes)}`).toBeDefined();
    const sentence = /EinsumTypeError<"((?:[^"\\]|\\.)*)">/.exec(message!)?.[1];
    expect(sentence, `not a sentence for ${c.equation} ${JSON.stringify(c.shapes)}: ${message}`).toBeDefined();
    let reason: string | undefined;
    try {
      bindShapes(c.equation, c.shapes.map((shape) => ({ shape })));
    } catch (e) {
      if (e instanceof EinsightError) reason = e.reason;
    }
    const typed = JSON.parse(`"${sentence!.replace(/\\([^"\\])/g, "\\\\$1")}"`) as string;
    expect(typed, message).toMatch(/^[A-Z'].*[.]$/s);
    if (c.error === "invalidCharacter" && /[^\x20-\x7e]/.test(c.equation)) return void (exempt += 1); // types see UTF-16 units: no code point to name
    const runtime = new Set(facts(reason ?? ""));
    expect(facts(typed).filter((f) => !runtime.has(f)), `${c.equation} ${JSON.stringify(c.shapes)}:\n  tsc: ${typed}\n  runtime: ${reason}`).toEqual([]);
    checked += 1;
  });
  expect(checked + exempt).toBe(invalid.length);
  expect(exempt).toBeLessThanOrEqual(3);
  expect(checked).toBeGreaterThan(30);
}, 120_000);

/** The numbers and quoted strings of a sentence. */
function facts(sentence: string): string[] {
  return [...sentence.matchAll(/'[^']*'|-?\d+(?:\.\d+)?/g)].map((m) => m[0]);
}

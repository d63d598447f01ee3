/**
 * The transformer on a real program (test/transformer/fixtures/app): the emitted JavaScript passes
 * each literal einsum its plan and kernels (and imports einsight/sized where one is sized at run
 * time), runs on the GPU in a child process (Node resolves
 * "einsight" to the built package) and makes no plan at run time except for the transposed view,
 * whose strides the types do not know; invalid equations are build diagnostics at their
 * characters; a compiled plan used with tensors of other sizes is refused.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, test } from "vitest";
import { compileEinsum } from "../../codegen/compiled.js";
import einsightTransformer, { DIAGNOSTIC_CODE, type TransformerConfig } from "../../plugin/transformer/index.js";
import { einsum } from "../../runtime/einsum.js";
import { tensor } from "../../runtime/tensor.js";
import { expectedResult, type AppResult } from "./fixtures/app/expected.js";
import { useGpu } from "../gpu/use-gpu.js";

const app = fileURLToPath(new URL("./fixtures/app", import.meta.url));
const out = fileURLToPath(new URL("./.out", import.meta.url));

/** Compiles the fixture with (or without) the transformer into test/transformer/.out/<name>; returns the emitted files and einsight's diagnostics. */
function build(name: string, transform: boolean, transformerConfig: TransformerConfig = {}) {
  const config = ts.getParsedCommandLineOfConfigFile(
    path.join(app, "tsconfig.json"),
    {},
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined },
  )!;
  const program = ts.createProgram(config.fileNames, config.options);
  const diagnostics: ts.Diagnostic[] = [];
  const dir = path.join(out, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const files: Record<string, string> = {};
  const writeFile = (fileName: string, text: string) => {
    if (!fileName.endsWith(".js")) return;
    files[path.basename(fileName)] = text;
    writeFileSync(path.join(dir, path.basename(fileName)), text);
  };
  program.emit(
    undefined,
    writeFile,
    undefined,
    false,
    transform
      ? { before: [einsightTransformer(program, transformerConfig, { addDiagnostic: (d) => diagnostics.push(d) })] }
      : undefined,
  );
  return { dir, files, diagnostics };
}

type Ran = AppResult;

function run(dir: string): Ran {
  const r = spawnSync(process.execPath, [path.join(dir, "main.js")], { encoding: "utf8", timeout: 120_000 });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout.trim().split("\n").pop()!) as Ran;
}

describe("the transformer", () => {
  test("passes each literal einsum its plan and kernels; the built program runs them with no plan made at run time but the view's", () => {
    const built = build("transformed", true);
    const main = built.files["main.js"]!;
    // each call's compiled einsum is a module-level constant (made once, not on every call)
    expect(main.match(/^const einsightCompiled_\d+ = \{ "version": 2,/gm)).toHaveLength(5);
    expect(main.match(/compiled: einsightCompiled_\d+ \}/g)).toHaveLength(5);
    expect(main).toContain('"runtimeSizes": ["i"]'); // the einsum whose rows the types leave as number
    expect(main).toContain('"gradients": [{'); // einsumWithBackward's gradient einsums
    expect(main).toMatch(/strategy: "loop", compiled: einsightCompiled_\d+ \}/);
    expect(main).toContain('"strategy": "loop"'); // the call's own option, planned with
    expect(main).toContain("// einsight: loop kernel");
    // a file with a call compiled for sizes read at run time imports their fitting (einsight/sized), after its directives
    expect(main.split("\n")[0]).toBe('import "einsight/sized";');
    const directive = built.files["directive.js"]!.split("\n");
    expect(directive.slice(0, 2)).toEqual(['"use client";', 'import "einsight/sized";']);
    expect(directive[2]).toMatch(/^const einsightCompiled_1 = \{/);
    expect(built.files["options.js"]).toContain('import "einsight/sized";'); // rows: Tensor<[number, 40]>
    const result = run(built.dir);
    expect(result.plansMade).toBe(1); // the transposed view only

    const plain = run(build("plain", false).dir);
    expect(plain.plansMade).toBe(8); // 4 einsums, 2 gradient einsums and the projection at 2 sizes
    expect(result).toEqual({ ...plain, plansMade: 1 });

    expect(result).toEqual(expectedResult(1)); // and the values are right (the CPU oracle)
  });

  test("under ts-patch (tspc with the plugin in tsconfig) the same build runs the same way", () => {
    const dir = path.join(out, "tspc");
    rmSync(dir, { recursive: true, force: true });
    const tspc = fileURLToPath(new URL("../../node_modules/ts-patch/bin/tspc.js", import.meta.url));
    const r = spawnSync(process.execPath, [tspc, "-p", path.join(app, "tsconfig.tspc.json")], {
      encoding: "utf8",
      timeout: 120_000,
    });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    const result = run(path.join(dir, "test/transformer/fixtures/app/src")); // rootDir is the repository: the path is kept
    expect(result.plansMade).toBe(1);
    expect(result).toEqual(run(build("plain-for-tspc", true).dir));
  });

  test("a tile table (its JSON file, as tuneTiles() wrote it) reaches the build's plans; an unreadable one or an unknown profile is refused up front", () => {
    const file = path.join(out, "tiles.json");
    mkdirSync(out, { recursive: true });
    writeFileSync(
      file,
      JSON.stringify({ adapter: "test", entries: [{ m: 64, n: 64, k: 64, tiles: { tm: 32, tn: 32, tk: 32 } }] }),
    );
    const main = build("tile-table", true, { tileTable: file }).files["main.js"]!;
    expect(main.match(/"profile": "generic with a tile table"/g)).toHaveLength(main.match(/"profile": /g)!.length);
    expect(() => build("tile-table-missing", true, { tileTable: path.join(out, "nowhere.json") })).toThrow(
      /tileTable: cannot read a tile table from .*nowhere.json/,
    );
    writeFileSync(
      file,
      JSON.stringify({ adapter: "test", entries: [{ m: 64, n: 64, k: 64, tiles: { tm: 32, tn: 32, tk: 3 } }] }),
    );
    expect(() => build("tile-table-bad", true, { tileTable: file })).toThrow(
      /tileTable.entries\[0\].tiles.tk must be one of 8, 16, 32, 64, got 3/,
    );
    expect(() => build("profile-unknown", true, { profile: "toString" as never })).toThrow(
      /Unknown device profile 'toString'/,
    );
  });

  test("an invalid einsum is a build diagnostic at the offending characters, and is left as it is", () => {
    const { files, diagnostics } = build("diagnostics", true);
    expect(diagnostics).toHaveLength(1);
    const d = diagnostics[0]!;
    expect(d.file!.fileName).toMatch(/bad\.ts$/);
    expect(d.code).toBe(DIAGNOSTIC_CODE);
    expect(d.messageText).toMatch(/^einsight: Label 'j' is 4 in operand 1/);
    expect(d.file!.text.slice(d.start, d.start! + d.length!)).toBe("j");
    expect(d.file!.text.slice(d.start! - 4, d.start! + 2)).toBe('"ij,jk');
    expect(files["bad.js"]).not.toContain("compiled");
  });
});

const g = useGpu();

test("a compiled einsum used with tensors of other sizes is refused, naming the operand", () => {
  const compiled = compileEinsum("ij,jk->ik", [{ shape: [2, 3] }, { shape: [3, 4] }]);
  const a = tensor(g(), [1, 2, 3, 4, 5, 6], [2, 3]);
  const b = tensor(g(), new Array<number>(15).fill(1), [3, 5]);
  expect(() => einsum("ij,jk->ik", a, b, { compiled })).toThrow(
    expect.objectContaining({
      code: "compiledMismatch",
      message: expect.stringMatching(
        /compiled for operand 1 with dimension 1 \(label 'k'\) of size 4, but got 5 \(shape \[3, 5\]\)/,
      ) as unknown,
    }),
  );
  [a, b].forEach((t) => t.destroy());
});

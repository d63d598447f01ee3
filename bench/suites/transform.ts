/**
 * What the transformer adds to a build: emits a generated file of 200 einsum calls (cycling
 * through the shared table's valid cases, with literal shape types) with and without
 * einsight/transformer on one TypeScript program, and reports the difference per call (planning,
 * kernel generation and printing the inlined plans), and the type check of the file; each with
 * TypeScript 6's compiler API and with ts-morph's, which a project on TypeScript 7 builds with.
 * Median of warm runs. Then whole vite builds
 * of the same file with and without einsight's plugin (the plugin also type-checks the project,
 * which vite alone does not).
 *
 *     npm run build && node dist/bench/suites/transform.js [--json file]
 */
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import ts from "typescript";
import { build } from "vite";
import einsightTransformer from "../../plugin/transformer/index.js";
import { compiler, createProgram, tsMorphCompiler, type Compiler } from "../../plugin/typescript/compiler.js";
import { einsightPlugin } from "../../plugin/unplugin/index.js";
import { einsumCallsProject } from "../../test/support/index.js";

const CALLS = 200;
const RUNS = 5;
const { values: args } = parseArgs({ options: { json: { type: "string" } } });

const root = new URL("../..", import.meta.url).pathname; // dist/, from dist/bench/suites/
const { dir, file } = einsumCallsProject(join(root, "runtime/index.js"), CALLS, "einsight-transform-"); // the built package (dist/) and its declarations
const options: ts.CompilerOptions = {
  strict: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  skipLibCheck: true,
  types: [],
  outDir: join(dir, "out"),
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * The build's cost with one compiler API: type checking the file (what the plugins pay for the
 * shapes), then its emit with and without the transformer (planning, kernels, printing).
 */
function measure(api: Compiler): {
  api: string;
  checkMs: number;
  plainMs: number;
  transformedMs: number;
  msPerCall: number;
  bytes: number;
  compiled: number;
} {
  const checks: number[] = [];
  let program = createProgram(api, { fileNames: [file], options });
  for (let run = 0; run < RUNS; run++) {
    program = createProgram(api, { fileNames: [file], options });
    const started = performance.now();
    program.getSemanticDiagnostics(program.getSourceFile(file));
    checks.push(performance.now() - started);
  }
  const emit = (transform: boolean): { ms: number; bytes: number; compiled: number } => {
    let bytes = 0;
    let compiled = 0;
    const started = performance.now();
    program.emit(
      program.getSourceFile(file),
      (name, text) => {
        if (!name.endsWith(".js")) return;
        bytes += text.length;
        compiled += text.split("compiled: einsightCompiled").length - 1;
      },
      undefined,
      false,
      transform ? { before: [einsightTransformer(program, {}, { ts: api.ts })] } : undefined,
    );
    return { ms: performance.now() - started, bytes, compiled };
  };
  const plain: number[] = [];
  const transformed: number[] = [];
  let last = { ms: 0, bytes: 0, compiled: 0 };
  for (let run = 0; run < RUNS; run++) {
    plain.push(emit(false).ms);
    last = emit(true);
    transformed.push(last.ms);
  }
  const [checkMs, plainMs, transformedMs] = [
    median(checks.slice(1)),
    median(plain.slice(1)),
    median(transformed.slice(1)),
  ];
  const msPerCall = (transformedMs - plainMs) / CALLS;
  console.log(
    `${api.source}: type check ${checkMs.toFixed(0)} ms (${(checkMs / CALLS).toFixed(2)} ms per call); emit without the transformer ${plainMs.toFixed(1)} ms, with it ${transformedMs.toFixed(1)} ms: ${msPerCall.toFixed(3)} ms per einsum call (${CALLS} calls, ${last.compiled} compiled, ${(last.bytes / 1024).toFixed(0)} KiB of JavaScript; median of ${RUNS - 1} warm runs)`,
  );
  return { api: api.source, checkMs, plainMs, transformedMs, msPerCall, bytes: last.bytes, compiled: last.compiled };
}

// TypeScript 6's own API, and the one a project on TypeScript 7 builds with (ts-morph's)
const apis = [compiler("the benchmark", ts), tsMorphCompiler()].map(measure);

/** One vite (SSR) build of the file, each with a fresh plugin: what a `vite build` run costs. */
const viteBuild = async (plugin: boolean): Promise<number> => {
  const started = performance.now();
  await build({
    configFile: false,
    logLevel: "silent",
    root: dir,
    plugins: plugin ? [einsightPlugin.vite({ tsconfig: join(dir, "tsconfig.json") })] : [],
    build: {
      ssr: file,
      outDir: join(dir, "vite-out"),
      emptyOutDir: true,
      minify: false,
      rollupOptions: { external: [/runtime\/index\.js$/, "webgpu"] },
    },
  });
  return performance.now() - started;
};
const viteAlone: number[] = [];
const viteWith: number[] = [];
for (let run = 0; run < RUNS; run++) {
  viteAlone.push(await viteBuild(false));
  viteWith.push(await viteBuild(true));
}
rmSync(dir, { recursive: true, force: true });
const [va, vw] = [median(viteAlone.slice(1)), median(viteWith.slice(1))];
console.log(
  `vite build without einsight's plugin ${va.toFixed(0)} ms, with it ${vw.toFixed(0)} ms: ${((vw - va) / CALLS).toFixed(2)} ms per einsum call, type checking included (median of ${RUNS - 1} runs after one)`,
);
if (args.json !== undefined) {
  const result = {
    date: new Date().toISOString(),
    node: process.version,
    typescript: ts.version,
    calls: CALLS,
    apis,
    vite: { withoutMs: va, withMs: vw, msPerCall: (vw - va) / CALLS },
  };
  writeFileSync(args.json, `${JSON.stringify(result, null, 2)}\n`);
}

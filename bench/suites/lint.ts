/**
 * What the ESLint rules cost: lints a generated file of 200 einsum calls (cycling through the
 * shared table's valid cases, with literal shape types) with typed linting, and reports ESLint's
 * own per-rule times (the `stats` option, as TIMING=1 prints them) for einsight's rules.
 *
 *     npm run build && node dist/bench/suites/lint.js [--json file]
 */
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { ESLint, type Linter } from "eslint";
import tseslint from "typescript-eslint";
import einsight from "../../plugin/eslint/index.js";
import { einsumCallsProject } from "../../test/support/index.js";

const CALLS = 200;
const RUNS = 5;
const { values: args } = parseArgs({ options: { json: { type: "string" } } });

const root = new URL("../..", import.meta.url).pathname; // dist/, from dist/bench/suites/
const { dir, file } = einsumCallsProject(join(root, "runtime/index.js"), CALLS, "einsight-lint-");

const eslint = new ESLint({
  cwd: dir,
  overrideConfigFile: true,
  stats: true,
  overrideConfig: [
    {
      files: ["**/*.ts"],
      languageOptions: { parser: tseslint.parser, parserOptions: { projectService: true, tsconfigRootDir: dir } },
    },
    einsight.configs.recommended as unknown as Linter.Config, // typescript-eslint's and ESLint's config types differ in detail
  ],
});

const perRule = new Map<string, number[]>();
for (let run = 0; run < RUNS; run++) {
  const [result] = await eslint.lintFiles([file]);
  for (const pass of result!.stats?.times.passes ?? []) {
    for (const [rule, time] of Object.entries(pass.rules ?? {}))
      perRule.set(rule, [...(perRule.get(rule) ?? []), time.total]);
  }
}
rmSync(dir, { recursive: true, force: true });

// The first run pays for TypeScript's program; report the median of the others.
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const rows = [...perRule].map(([rule, times]) => ({
  rule,
  ms: median(times.slice(1)),
  msPerCall: median(times.slice(1)) / CALLS,
}));
const total = rows.reduce((a, r) => a + r.ms, 0);
for (const r of rows)
  console.log(
    `${r.rule.padEnd(24)} ${r.ms.toFixed(2).padStart(8)} ms  ${(r.msPerCall * 1000).toFixed(1).padStart(7)} us per call`,
  );
console.log(
  `${"all einsight rules".padEnd(24)} ${total.toFixed(2).padStart(8)} ms  ${((total / CALLS) * 1000).toFixed(1).padStart(7)} us per call (${CALLS} calls, median of ${RUNS - 1} warm runs)`,
);
if (args.json !== undefined)
  writeFileSync(
    args.json,
    `${JSON.stringify({ date: new Date().toISOString(), node: process.version, eslint: ESLint.version, calls: CALLS, rows, totalMs: total }, null, 2)}\n`,
  );

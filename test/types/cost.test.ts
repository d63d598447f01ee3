/**
 * What typed einsum costs the type checker: `tsc --extendedDiagnostics` on a file of 200 einsum
 * calls with literal equations (cycling through the shared table's valid cases) against the same
 * 200 calls with the equations typed `string`. Instantiation counts are deterministic, so this
 * bounds them: at most 5,000 per call (issue 4).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";
import { cases, isValidCase, type Case } from "../cases.js";

const CALLS = 200;
const root = fileURLToPath(new URL("../..", import.meta.url));

function source(typed: boolean): string {
  const valid = (cases as readonly Case[]).filter(isValidCase);
  const lines = [
    `import { einsum, type Tensor } from ${JSON.stringify(join(root, "runtime/index.js"))};`,
    "declare function t<const S extends readonly number[]>(shape: S): Tensor<S>;",
  ];
  for (let i = 0; i < CALLS; i++) {
    const c = valid[i % valid.length]!;
    const equation = typed ? JSON.stringify(c.equation) : `(${JSON.stringify(c.equation)} as string)`;
    lines.push(`export const r${i} = einsum(${[equation, ...c.shapes.map((s) => `t([${s.join(", ")}])`)].join(", ")});`);
  }
  return lines.join("\n");
}

function instantiations(dir: string, typed: boolean): number {
  const file = join(dir, typed ? "typed.mts" : "untyped.mts");
  writeFileSync(file, source(typed));
  const tsc = join(root, "node_modules/typescript/bin/tsc");
  const out = execFileSync(process.execPath, [tsc, "--ignoreConfig", "--noEmit", "--extendedDiagnostics", "--strict", "--skipLibCheck", "--target", "es2022", "--module", "nodenext", "--types", "node,@webgpu/types", file], { encoding: "utf8", cwd: root });
  return Number(/Instantiations:\s+(\d+)/.exec(out)![1]);
}

test(`typed einsum costs at most 5,000 type instantiations per call (${CALLS} calls)`, () => {
  const dir = mkdtempSync(join(tmpdir(), "einsight-types-"));
  try {
    const perCall = (instantiations(dir, true) - instantiations(dir, false)) / CALLS;
    console.log(`typed einsum: ${perCall.toFixed(0)} type instantiations per call`);
    expect(perCall).toBeGreaterThan(0);
    expect(perCall).toBeLessThanOrEqual(5000);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 120_000);

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
import { einsumCallsSource } from "../einsum-calls-source.js";

const CALLS = 200;
const root = fileURLToPath(new URL("../..", import.meta.url));

function instantiations(dir: string, typed: boolean): number {
  const file = join(dir, typed ? "typed.mts" : "untyped.mts");
  writeFileSync(file, einsumCallsSource(join(root, "runtime/index.js"), CALLS, typed));
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

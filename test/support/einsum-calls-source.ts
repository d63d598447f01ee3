/**
 * A TypeScript file of `calls` einsum calls cycling through the shared table's valid cases, each
 * operand a `Tensor` with a literal shape type: what the type-cost test and the lint benchmark
 * measure. `typed: false` widens each equation to `string` (the untyped baseline).
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cases, isValidCase, type Case } from "../cases.js";

export function einsumCallsSource(runtimeEntry: string, calls: number, typed = true): string {
  const valid = (cases as readonly Case[]).filter(isValidCase);
  const lines = [
    `import { einsum, type Tensor } from ${JSON.stringify(runtimeEntry)};`,
    "declare function t<const S extends readonly number[]>(shape: S): Tensor<S>;",
  ];
  for (let i = 0; i < calls; i++) {
    const c = valid[i % valid.length]!;
    const equation = typed ? JSON.stringify(c.equation) : `(${JSON.stringify(c.equation)} as string)`;
    lines.push(
      `export const r${i} = einsum(${[equation, ...c.shapes.map((s) => `t([${s.join(", ")}])`)].join(", ")});`,
    );
  }
  return lines.join("\n");
}

/**
 * A temporary project of one such file (`calls.ts`, importing the built runtime at `runtimeEntry`)
 * and its tsconfig.json, for the benchmarks that compile or lint it; the caller removes `dir`.
 */
export function einsumCallsProject(
  runtimeEntry: string,
  calls: number,
  prefix: string,
): { readonly dir: string; readonly file: string } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const file = join(dir, "calls.ts");
  writeFileSync(file, einsumCallsSource(runtimeEntry, calls));
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: { strict: true, target: "ES2022", module: "NodeNext", skipLibCheck: true, types: [] },
      include: ["calls.ts"],
    }),
  );
  return { dir, file };
}

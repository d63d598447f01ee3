/** The error codes docs/errors.md documents, and those `EinsightErrorCode` declares: tests hold the two equal. */
import { readFileSync } from "node:fs";

const read = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), "utf8");

/** Each code in the first column of a table of docs/errors.md. */
export function documentedErrorCodes(): Set<string> {
  return new Set([...read("docs/errors.md").matchAll(/^\| `(\w+)` \|/gm)].map((m) => m[1]!));
}

/** Each member of the `EinsightErrorCode` union in codegen/errors.ts. */
export function declaredErrorCodes(): Set<string> {
  const source = read("codegen/errors.ts");
  const union = source.slice(
    source.indexOf("export type EinsightErrorCode ="),
    source.indexOf(";", source.indexOf("export type EinsightErrorCode =")),
  );
  return new Set([...union.matchAll(/\| "(\w+)"/g)].map((m) => m[1]!));
}

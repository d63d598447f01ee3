/**
 * The packages einsight's build-time subpaths use, which it declares as optional peers so that an
 * install for the runtime alone pulls in none of them: `einsight/eslint` uses
 * @typescript-eslint/utils and typescript; the bundler plugins unplugin and a TypeScript compiler
 * API (typescript 6, or ts-morph beside TypeScript 7: plugin/typescript/compiler); the transformer
 * and `einsight report` that API. They are the project's own copies, resolved from einsight as a
 * static import would, and loaded here (with require, which works for ES modules on the Node
 * versions einsight supports) so that a missing one is an EinsightError that says what to
 * install, not a module-not-found error at link time or a TypeError deep in a build.
 */
import { createRequire } from "node:module";
import { EinsightError } from "../codegen/errors.js";

const require = createRequire(import.meta.url);

/** What to install for TypeScript's compiler API (the latest, 7, has none). */
export const TYPESCRIPT = "typescript@6";

/** Whether `name` resolves from einsight (the project has it). */
export function resolves(name: string): boolean {
  try {
    require.resolve(name);
    return true;
  } catch {
    return false;
  }
}

/** "a", "a and b", "a, b and c". */
function list(names: readonly string[]): string {
  return names.length < 2 ? names.join("") : `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]!}`;
}

/**
 * Refuses, naming them and the command that installs them, if any of `packages` does not resolve
 * from einsight. Each is an install spec, the package's name with the version to install where
 * the latest will not do (typescript@6: TypeScript 7 has no compiler API).
 */
export function requirePeers(who: string, packages: readonly string[]): void {
  const missing = packages.filter((spec) => !resolves(packageName(spec)));
  if (missing.length === 0) return;
  const names = missing.map(packageName);
  const one = missing.length === 1;
  throw new EinsightError(
    "missingDependency",
    `${who} needs ` +
      `${one ? `the package ${names[0]!}, which is` : `the packages ${list(names)}, which are`} not ` +
      `installed in this project (einsight declares ` +
      `${one ? "it an optional peer dependency" : "them optional peer dependencies"}, so that an ` +
      `install for the runtime alone leaves ${one ? "it" : "them"} out). Install ` +
      `${one ? "it" : "them"}: npm i -D ${missing.join(" ")}`,
  );
}

/** "typescript@6" -> "typescript", "@typescript-eslint/utils" -> itself. */
function packageName(spec: string): string {
  return spec.replace(/(?<=.)@[^/]*$/, "");
}

/** The package of install spec `spec` as einsight resolves it, or an EinsightError saying to install it. */
export function requirePeer<T>(who: string, spec: string): T {
  requirePeers(who, [spec]);
  return require(packageName(spec)) as T;
}

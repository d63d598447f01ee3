/**
 * einsight as a user installs it: `npm pack` of the built package, installed into a fresh project
 * beside the packages it names. Each kind of project is installed once and reused by every test
 * that asks for it (test/packed/.out/<kind>, laid anew when the tarball changes).
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
const out = fileURLToPath(new URL("./.out", import.meta.url));

/** The packed tarball of the current dist/ (npm test builds it first). */
export function packEinsight(): string {
  if (!existsSync(path.join(root, "dist/runtime/index.js"))) throw new Error("dist/ is missing: run npm run build (npm test does)");
  const packs = path.join(out, `pack-${process.pid}`); // one folder a test process: test files may pack at once
  rmSync(packs, { recursive: true, force: true });
  mkdirSync(packs, { recursive: true });
  execFileSync("npm", ["pack", "--silent", "--pack-destination", packs], { cwd: root, stdio: "pipe" });
  return path.join(packs, readdirSync(packs).find((f) => f.endsWith(".tgz"))!);
}

/**
 * A fresh ESM project named `kind` with the packed einsight and `dependencies` (npm specs)
 * installed, and `files` written into it; its folder.
 */
export function freshProject(kind: string, dependencies: readonly string[], files: Readonly<Record<string, string>>): string {
  const dir = path.join(out, kind);
  const tarball = packEinsight();
  const stamp = path.join(dir, ".installed");
  const want = JSON.stringify([createHash("sha256").update(readFileSync(tarball)).digest("hex"), dependencies]);
  if (!existsSync(stamp) || readFileSync(stamp, "utf8") !== want) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: `fresh-${kind}`, private: true, type: "module" }));
    execFileSync("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error", tarball, ...dependencies], { cwd: dir, stdio: "pipe" });
    writeFileSync(stamp, want);
  }
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

/** The version of a package this repository has installed (so that a fresh project gets the same). */
export function installedVersion(name: string): string {
  return (JSON.parse(readFileSync(path.join(root, "node_modules", name, "package.json"), "utf8")) as { version: string }).version;
}

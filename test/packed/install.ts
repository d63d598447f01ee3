/**
 * einsight as a user installs it: `npm pack` of the built package, installed into a fresh project
 * beside the packages it names. Each kind of project is installed once and reused by every test
 * that asks for it (<tmp>/einsight-packed-<hash>/<kind>, laid anew when the tarball changes).
 * The projects lie outside the repository: Node resolves a package by climbing the folders above
 * the importer, and a project inside the repository would find the repository's own node_modules
 * (a project without typescript would load the repository's).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

/** The repository: the nearest folder above this file with a package.json (also from dist/test/packed/, for bench/). */
const root = ((dir: string): string => {
  while (!existsSync(path.join(dir, "package.json"))) dir = path.dirname(dir);
  return dir;
})(fileURLToPath(new URL(".", import.meta.url)));
const out = path.join(tmpdir(), `einsight-packed-${createHash("sha256").update(root).digest("hex").slice(0, 12)}`);

/** The packed tarball of the current dist/ (npm test builds it first). */
export function packEinsight(): string {
  if (!existsSync(path.join(root, "dist/runtime/index.js")))
    throw new Error("dist/ is missing: run npm run build (npm test does)");
  const packs = path.join(out, `pack-${process.pid}`); // one folder a test process: test files may pack at once
  rmSync(packs, { recursive: true, force: true });
  mkdirSync(packs, { recursive: true });
  execFileSync("npm", ["pack", "--silent", "--pack-destination", packs], { cwd: root, stdio: "pipe" });
  return path.join(
    packs,
    readdirSync(packs).find((f) => f.endsWith(".tgz"))!,
  );
}

/**
 * A fresh ESM project named `kind` with the packed einsight and `dependencies` (npm specs)
 * installed, and `files` written into it; its folder. npm's output (warnings included: an
 * ERESOLVE it overrode would show there) is kept in <folder>/.install.log.
 */
export function freshProject(
  kind: string,
  dependencies: readonly string[],
  files: Readonly<Record<string, string>>,
): string {
  const dir = path.join(out, kind);
  const tarball = packEinsight();
  const stamp = path.join(dir, ".installed");
  const want = JSON.stringify([createHash("sha256").update(readFileSync(tarball)).digest("hex"), dependencies]);
  if (!existsSync(stamp) || readFileSync(stamp, "utf8") !== want) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      path.join(dir, "package.json"),
      JSON.stringify({ name: `fresh-${kind}`, private: true, type: "module" }),
    );
    const npm = spawnSync(
      "npm",
      ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=warn", tarball, ...dependencies],
      { cwd: dir, encoding: "utf8" },
    );
    const log = `${npm.stdout}${npm.stderr}`;
    writeFileSync(path.join(dir, ".install.log"), log);
    if (npm.status !== 0) throw new Error(`npm install in ${dir} failed (${npm.status ?? npm.signal}):\n${log}`);
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
  return (
    JSON.parse(readFileSync(path.join(root, "node_modules", name, "package.json"), "utf8")) as { version: string }
  ).version;
}

/** Runs `command` in the project `dir` (a fresh project's folder); its exit status and output. */
export function runIn(
  dir: string,
  command: string,
  args: readonly string[],
  timeout = 120_000,
): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(command, args, { cwd: dir, encoding: "utf8", timeout });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** The names of the packages npm installed in the project `dir` (scoped ones as @scope/name), nested ones included. */
export function installedPackages(dir: string): string[] {
  const lock = JSON.parse(readFileSync(path.join(dir, "node_modules/.package-lock.json"), "utf8")) as {
    packages: Record<string, { link?: boolean }>;
  };
  return Object.keys(lock.packages).map((p) => p.slice(p.lastIndexOf("node_modules/") + "node_modules/".length));
}

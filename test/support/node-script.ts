/**
 * A module run by a fresh Node process in the repository's root (so `einsight` resolves to the
 * package itself, through its exports): for what one test process cannot show, such as a clean
 * exit, or a program without the planner. Node's own flags go in `flags`.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));

export function runNodeScript(
  script: string,
  flags: readonly string[] = [],
): { status: number | null; signal: string | null; output: string; stdout: string } {
  const r = spawnSync(process.execPath, [...flags, "--input-type=module", "-e", script], {
    cwd: root,
    encoding: "utf8",
    timeout: 60_000,
  });
  return { status: r.status, signal: r.signal, output: `${r.stdout}${r.stderr}`, stdout: r.stdout };
}

/** A file of the build (dist/), as a URL a script imports. */
export const built = (file: string) => new URL(`../../dist/${file}`, import.meta.url).href;

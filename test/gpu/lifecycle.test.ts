/**
 * Process lifecycle with Dawn in Node, run in child processes because what fails here is the
 * process itself: it must exit by itself once every GPU is destroyed, and two GPUs alive at once
 * must not abort it at teardown (Dawn on SwiftShader did, before devices were retired one at a
 * time and instances kept until the last device was lost). Runs the built package in dist/.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));
const entry = new URL("../../dist/runtime/index.js", import.meta.url).href;

function runScript(body: string): { status: number | null; signal: string | null; output: string } {
  expect(existsSync(fileURLToPath(entry)), "dist/ is missing: run npm run build (npm test does)").toBe(true);
  const script = `import { gpu, tensor } from ${JSON.stringify(entry)};\n${body}`;
  const r = spawnSync(process.execPath, ["--expose-gc", "--input-type=module", "-e", script], { cwd: root, encoding: "utf8", timeout: 60_000 });
  return { status: r.status, signal: r.signal, output: `${r.stdout}${r.stderr}` };
}

test("a process with one GPU exits by itself after destroy()", () => {
  const r = runScript(`
    const g = await gpu();
    console.log([...(await tensor(g, [1, 2, 3], [3]).read())].join(","));
    g.destroy();
  `);
  expect(r).toMatchObject({ status: 0, signal: null });
  expect(r.output).toContain("1,2,3");
});

test("two GPUs at once: one destroyed and collected while the other keeps working", () => {
  // Without the fix this aborted, segfaulted or hung in 4 runs of 4.
  for (let run = 0; run < 3; run++) {
    const r = runScript(`
      const a = await gpu();
      const b = await gpu();
      const x = tensor(b, [1, 2, 3, 4], [2, 2]);
      console.log([...(await x.transpose().contiguous().read())].join(","));
      b.destroy();
      await new Promise((resolve) => setTimeout(resolve, 50));
      globalThis.gc();
      console.log([...(await tensor(a, [5], [1]).read())].join(","));
      a.destroy();
    `);
    expect(r).toMatchObject({ status: 0, signal: null });
    expect(r.output).toContain("1,3,2,4\n5");
  }
});

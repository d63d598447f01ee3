/**
 * Process lifecycle with Dawn in Node, run in child processes because what fails here is the
 * process itself: it must exit by itself, cleanly, every time: after destroy(), with work queued,
 * reads pending, after errors, with two GPUs, or with no destroy() at all (Dawn on SwiftShader
 * aborted, segfaulted or hung at exit on several of these paths). Runs the built package in dist/.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";
import { built, runNodeScript } from "../support/node-script.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const entry = built("runtime/index.node.js"); // what Node's `einsight` loads

function runScript(body: string): { status: number | null; signal: string | null; output: string } {
  expect(existsSync(fileURLToPath(entry)), "dist/ is missing: run npm run build (npm test does)").toBe(true);
  const { status, signal, output } = runNodeScript(`import { gpu, tensor } from ${JSON.stringify(entry)};\n${body}`, [
    "--expose-gc",
  ]);
  return { status, signal, output };
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

/** Runs `body` `times` times, two processes at once; each run's exit status, signal and output. */
async function runMany(
  body: string,
  times: number,
): Promise<{ status: number | null; signal: string | null; output: string }[]> {
  expect(existsSync(fileURLToPath(entry)), "dist/ is missing: run npm run build (npm test does)").toBe(true);
  const script = `import { einsum, gpu, tensor } from ${JSON.stringify(entry)};\n${body}`;
  const once = () =>
    new Promise<{ status: number | null; signal: string | null; output: string }>((resolve) => {
      const child = spawn(process.execPath, ["--input-type=module", "-e", script], { cwd: root, timeout: 30_000 });
      let output = "";
      child.stdout.on("data", (d: Buffer) => (output += d.toString()));
      child.stderr.on("data", (d: Buffer) => (output += d.toString()));
      child.on("close", (status, signal) => resolve({ status, signal, output }));
    });
  const results = [];
  for (let i = 0; i < times; i += 2) results.push(...(await Promise.all([once(), ...(i + 1 < times ? [once()] : [])])));
  return results;
}

/** Each script ends its process on its own; every run must exit 0 with no signal and print `expected`. */
const exits: [string, string, string][] = [
  // issue: reliability 1. Crashed, aborted or hung in 8 runs of 8 before instances were kept for the process's life.
  [
    "an einsum that throws, then destroy()",
    `const g = await gpu(); try { einsum("ij,jk->ik", tensor(g, [1, 2, 3, 4], [2, 2]), tensor(g, [1, 2, 3], [3])); } catch (e) { console.log(e.code); } finally { g.destroy(); }`,
    "rankMismatch",
  ],
  [
    "an einsum queued and never read, then destroy()",
    `const g = await gpu(); const a = tensor(g, [1, 2, 3, 4], [2, 2]); einsum("ij,jk->ik", a, a); g.destroy(); console.log("done");`,
    "done",
  ],
  [
    "a read pending at destroy() rejects with destroyedDevice",
    `const g = await gpu(); const p = einsum("ij->i", tensor(g, [1, 2, 3, 4], [2, 2])).read(); g.destroy(); console.log(await p.then(() => "resolved", (e) => e.code));`,
    "destroyedDevice",
  ],
  [
    "a read pending at destroy() and never awaited",
    `const g = await gpu(); einsum("ij->i", tensor(g, [1, 2, 3, 4], [2, 2])).read(); g.destroy(); await new Promise((r) => setTimeout(r, 100)); console.log("done");`,
    "done",
  ],
  [
    "no destroy() at all",
    `const g = await gpu(); console.log([...(await einsum("i->", tensor(g, [1, 2], [2])).read())].join());`,
    "3",
  ],
  [
    "two GPUs made and destroyed in turn",
    `for (let i = 0; i < 2; i++) { const g = await gpu(); try { einsum("i,i->", tensor(g, [1, 2, 3], [3]), tensor(g, [1, 2], [2])); } catch (e) { console.log(e.code); } g.destroy(); }`,
    "sizeMismatch\nsizeMismatch",
  ],
];

test.each(exits)("a clean exit every time: %s", async (_, body, expected) => {
  const runs = await runMany(body, 6);
  for (const r of runs) {
    expect(r, r.output).toMatchObject({ status: 0, signal: null });
    expect(r.output.trim()).toBe(expected);
  }
});

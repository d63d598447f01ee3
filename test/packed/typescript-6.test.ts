/**
 * einsight in a project on TypeScript 6, installed from the packed package: tsc checks the typed
 * einsums, einsight/vite builds the app with every einsum compiled (the bundle makes no plan), and
 * the hover plugin works as an editor loads it: a real tsserver process with
 * `"plugins": [{ "name": "einsight/tsserver" }]` as docs/types.md says. tsserver resolves plugin
 * names without the package's exports (it once logged "Couldn't find einsight/tsserver");
 * quickinfo at an einsum must show its plan.
 */
import { spawn } from "node:child_process";
import * as path from "node:path";
import { beforeAll, expect, test } from "vitest";
import { appFiles, buildAndRun, expected } from "./app.js";
import { freshProject, installedVersion, runIn } from "./install.js";

const source = `import { einsum, gpu, tensor } from "einsight";
const g = await gpu();
const a = tensor(g, new Float32Array(6), [2, 3]);
const b = tensor(g, new Float32Array(12), [3, 4]);
export const c = einsum("ij,jk->ik", a, b);
`;

const DEPENDENCIES = ["typescript", "vite", "unplugin", "webgpu"].map((p) => `${p}@${installedVersion(p)}`);

let dir: string;
beforeAll(() => {
  dir = freshProject("typescript-6", DEPENDENCIES, {
    ...appFiles,
    "tsconfig.json": JSON.stringify({
      compilerOptions: {
        strict: true,
        module: "nodenext",
        target: "es2022",
        skipLibCheck: true,
        noEmit: true,
        plugins: [{ name: "einsight/tsserver" }],
      },
      include: ["main.ts", "hover.ts"],
    }),
    "hover.ts": source,
  });
}, 300_000);

test("tsc checks the typed einsums; einsight/vite builds the app with its einsums compiled, and the bundle runs on WebGPU making no plan", () => {
  const tsc = runIn(dir, process.execPath, [path.join(dir, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.json"]);
  expect(tsc.stdout + tsc.stderr).toBe("");
  expect(tsc.status).toBe(0);
  const { build, buildStatus, bundle, run } = buildAndRun(dir, "vite");
  expect(buildStatus, build).toBe(0);
  expect(bundle.match(/compiled: einsightCompiled[\w$]*/g)).toHaveLength(2);
  expect(run.stderr).toBe("");
  expect(JSON.parse(run.stdout)).toEqual(expected);
}, 240_000);

test("tsserver loads einsight/tsserver from a fresh project and quickinfo shows the plan", async () => {
  const file = path.join(dir, "hover.ts");
  const server = spawn(
    process.execPath,
    [path.join(dir, "node_modules/typescript/lib/tsserver.js"), "--disableAutomaticTypingAcquisition"],
    { cwd: dir, stdio: ["pipe", "pipe", "pipe"] },
  );
  try {
    const responses = tsserverResponses(server.stdout);
    const send = (seq: number, command: string, args: object) =>
      server.stdin.write(`${JSON.stringify({ seq, type: "request", command, arguments: args })}\n`);
    send(1, "open", { file });
    const line = source.split("\n").findIndex((l) => l.includes("einsum(")) + 1;
    const offset = source.split("\n")[line - 1]!.indexOf('"ij') + 2; // inside the equation
    send(2, "quickinfo", { file, line, offset });
    const info = (await responses(2)) as { success: boolean; body?: { documentation?: string | { text: string }[] } };
    expect(info.success).toBe(true);
    const documentation = info.body?.documentation;
    const text = typeof documentation === "string" ? documentation : (documentation ?? []).map((p) => p.text).join("");
    expect(text).toContain("einsum ij,jk->ik");
    expect(text).toMatch(/step 1: contraction ij,jk->ik .*'(direct|loop|split-k|ttgt)'/);
  } finally {
    server.kill();
  }
}, 180_000);

/** tsserver's responses by request seq, from its Content-Length framed stdout. */
function tsserverResponses(stdout: NodeJS.ReadableStream): (seq: number) => Promise<unknown> {
  const waiting = new Map<number, (r: unknown) => void>();
  const arrived = new Map<number, unknown>();
  let buffer = "";
  stdout.on("data", (chunk: Buffer) => {
    buffer += chunk.toString("utf8");
    for (;;) {
      const header = /Content-Length: (\d+)\r\n\r\n/.exec(buffer);
      if (header === null) return;
      const start = header.index + header[0].length;
      const length = Number(header[1]);
      if (Buffer.byteLength(buffer.slice(start)) < length) return;
      const body = Buffer.from(buffer.slice(start)).subarray(0, length).toString("utf8");
      buffer = Buffer.from(buffer.slice(start)).subarray(length).toString("utf8");
      const message = JSON.parse(body) as { type: string; request_seq?: number };
      if (message.type !== "response" || message.request_seq === undefined) continue;
      const resolve = waiting.get(message.request_seq);
      if (resolve === undefined) arrived.set(message.request_seq, message);
      else resolve(message);
    }
  });
  return (seq) =>
    arrived.has(seq) ? Promise.resolve(arrived.get(seq)) : new Promise((resolve) => waiting.set(seq, resolve));
}

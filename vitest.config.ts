import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // *.test-d.ts: type-level tests, checked by tsc under vitest (the typed einsum against the case table).
    typecheck: { enabled: true, include: ["test/**/*.test-d.ts"], tsconfig: "./tsconfig.json" },
    // Finds the WebGPU adapter once, prints it, and fails the whole run (saying how to get one) if there is none.
    globalSetup: ["test/gpu/adapter.global.ts"],
    // The planner and Node's adapter finder, as the package's `node` entry installs them.
    setupFiles: ["test/setup-node.ts"],
    // Dawn is a native addon: child processes, not worker threads.
    pool: "forks",
    // SwiftShader runs kernels on the CPU: slow, but every GPU test runs for real.
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});

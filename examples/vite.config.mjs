/**
 * The example built with vite and einsight's plugin: its literal einsums get their plans and
 * kernels at build time. `--mode node` (what `npm start` runs) builds it for Node into
 * dist/examples-built/main.mjs; the default mode builds the page (index.html) for browsers into
 * dist/examples-web/ (test/browser runs it in Chromium).
 */
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";
import einsight from "../dist/plugin/unplugin/vite.js";

const here = (p) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig(({ mode }) => ({
  root: here("."),
  logLevel: "warn",
  plugins: [einsight({ tsconfig: here("./tsconfig.json"), report: here("../dist/examples-built/einsums") })],
  // The example imports the runtime's source, runtime/index (the browser entry); for Node it gets
  // runtime/index.node, the entry Node's `node` condition picks for `einsight`.
  resolve:
    mode === "node"
      ? { alias: [{ find: /^\.\.\/runtime\/index\.js$/, replacement: here("../runtime/index.node.ts") }] }
      : {},
  build:
    mode === "node"
      ? {
          ssr: here("./main.ts"),
          outDir: here("../dist/examples-built"),
          emptyOutDir: false,
          minify: false,
          rollupOptions: { external: ["webgpu"], output: { entryFileNames: "main.mjs" } },
        }
      : {
          outDir: here("../dist/examples-web"),
          emptyOutDir: true,
          target: "es2022",
          rollupOptions: { external: ["webgpu"] },
        },
}));

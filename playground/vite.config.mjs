/**
 * The playground, a static page: `npm run playground` serves it, `npm run build:playground` writes
 * it to dist/playground/ (any static host serves that folder). Both need `npm run build` first: the
 * language worker reads einsight's declarations from dist/.
 */
import { fileURLToPath, URL } from "node:url";
import { defineConfig } from "vite";

const here = (p) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  root: here("."),
  base: "./",
  logLevel: "warn",
  build: { outDir: here("../dist/playground"), emptyOutDir: true, target: "es2022", chunkSizeWarningLimit: 12_000 },
  worker: { format: "es" },
  server: { fs: { allow: [here("..")] } },
});

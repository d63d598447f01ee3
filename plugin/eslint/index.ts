/**
 * einsight/eslint: lint rules for einsum calls, for ESLint 9 and 10 flat config.
 *
 *     import einsight from "einsight/eslint";
 *     export default [einsight.configs.recommended];
 *
 * The rules that need shapes read them from the type checker (typed linting with the project
 * service); the others work without types.
 *
 * The rules import @typescript-eslint/utils and typescript, optional peers of einsight (an install
 * for the runtime alone leaves them out): this entry checks that both are installed before it
 * loads the rules (plugin/eslint/plugin.ts), so a missing one is an EinsightError naming what to
 * install, not a module-not-found error at link time. Hence the top-level await: load this module
 * with `import` (ESLint's flat config does), not `require()`.
 */
import { requirePeers, TYPESCRIPT } from "../peers.js";
import type * as Plugin from "./plugin.js";

requirePeers("einsight/eslint", ["@typescript-eslint/utils", TYPESCRIPT]);
const loaded = await import("./plugin.js");

export const rules: typeof Plugin.rules = loaded.rules;
const plugin: typeof Plugin.default = loaded.default;
export default plugin;

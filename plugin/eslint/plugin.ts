/**
 * The einsight ESLint plugin: its rules and configs (loaded by plugin/eslint/index.ts, einsight/eslint,
 * once the packages the rules import are known to be installed).
 */
import type { TSESLint } from "@typescript-eslint/utils";
import operands from "./rules/operands.js";
import preferView from "./rules/prefer-view.js";
import riskyEinsum from "./rules/risky-einsum.js";
import shapeMismatch from "./rules/shape-mismatch.js";
import tfjsEinsum from "./rules/tfjs-einsum.js";
import validEquation from "./rules/valid-equation.js";

export const rules = {
  "valid-equation": validEquation,
  operands,
  "shape-mismatch": shapeMismatch,
  "risky-einsum": riskyEinsum,
  "prefer-view": preferView,
  "tfjs-einsum": tfjsEinsum,
};

const plugin = {
  meta: { name: "einsight", version: "0.1.0" },
  rules,
  configs: {} as Record<"recommended" | "strict", TSESLint.FlatConfig.Config>,
};

plugin.configs.recommended = {
  name: "einsight/recommended",
  plugins: { einsight: plugin as unknown as TSESLint.FlatConfig.Plugin },
  rules: {
    "einsight/valid-equation": "error",
    "einsight/operands": "error",
    "einsight/shape-mismatch": "error",
    "einsight/risky-einsum": "warn",
    "einsight/prefer-view": "warn",
    "einsight/tfjs-einsum": "error",
  },
};

plugin.configs.strict = {
  name: "einsight/strict",
  plugins: plugin.configs.recommended.plugins!,
  rules: {
    ...plugin.configs.recommended.rules,
    "einsight/risky-einsum": ["error", { maxTemporaryBytes: 0, maxOutputBytes: 256 * 2 ** 20, maxBackwardBytes: 0 }],
    "einsight/prefer-view": "error",
  },
};

export default plugin;

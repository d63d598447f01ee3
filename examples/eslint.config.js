// The example project linted with einsight's rules, typed (shapes come from the type checker).
import { dirname } from "node:path";
import tseslint from "typescript-eslint";
import einsight from "../dist/plugin/eslint/index.js";

export default [
  {
    files: ["**/*.ts"],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: dirname(import.meta.dirname) },
    },
  },
  einsight.configs.recommended,
];

// ESLint for the repo's own code (typescript-eslint, typed).
import eslint from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "dist/",
      "node_modules/",
      ".device/",
      "test/transformer/.out/",
      "test/bundlers/.out/",
      "examples/vite.config.mjs",
    ],
  }, // a build config that imports the build (dist/)
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ["eslint.config.js"] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
    },
  },
  {
    // the product's sources stay small enough to read: short parameter lists, functions and files
    files: ["codegen/**/*.ts", "runtime/**/*.ts", "plugin/**/*.ts", "plugin/**/*.cts"],
    rules: {
      "max-params": ["error", 5],
      "max-lines-per-function": ["error", { max: 80, skipBlankLines: true, skipComments: true }],
      "max-lines": ["error", { max: 450, skipBlankLines: false, skipComments: false }],
      "max-len": ["error", { code: 120, ignoreUrls: true }],
    },
  },
  { files: ["**/*.js", "**/*.mjs"], ...tseslint.configs.disableTypeChecked },
);

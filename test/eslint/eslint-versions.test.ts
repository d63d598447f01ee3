/** The plugin in real ESLint runs, ESLint 9 and 10 (installed side by side as "eslint10"), with typed linting. */
import { ESLint as ESLint9 } from "eslint";
import { ESLint as ESLint10 } from "eslint10";
import tseslint from "typescript-eslint";
import { describe, expect, test } from "vitest";
import einsight from "../../plugin/eslint/index.js";
import { fixtures, prelude, typedFile } from "./tester.js";

const code = `${prelude}einsum("ij,jk->iq", t([2, 3]), t([3, 4]));
einsum("ij,jk->ik", t([2, 3]), t([4, 5]));
einsum("ij->ji", t([2, 3]));
`;

for (const [name, ESLint] of [
  ["ESLint 9", ESLint9],
  ["ESLint 10", ESLint10],
] as const) {
  describe(name, () => {
    test("recommended reports the bad equation, the mismatch and the view, at their characters", async () => {
      const eslint = new ESLint({
        cwd: fixtures,
        overrideConfigFile: true,
        overrideConfig: [
          {
            files: ["**/*.ts"],
            languageOptions: {
              parser: tseslint.parser,
              parserOptions: { projectService: true, tsconfigRootDir: fixtures },
            },
          },
          einsight.configs.recommended as never,
        ],
      });
      const [result] = await eslint.lintText(code, { filePath: typedFile });
      expect(result!.messages.map((m) => [m.ruleId, m.line, m.column, m.severity])).toEqual([
        ["einsight/valid-equation", 4, 17, 2],
        ["einsight/shape-mismatch", 5, 12, 2],
        ["einsight/prefer-view", 6, 1, 1],
      ]);
    });
  });
}

/** RuleTester under vitest: with type information (typed fixtures in test/eslint/fixtures) and without. */
import { fileURLToPath } from "node:url";
import { RuleTester } from "@typescript-eslint/rule-tester";
import { afterAll, describe, it } from "vitest";

RuleTester.afterAll = afterAll;
RuleTester.describe = describe;
RuleTester.it = it;
RuleTester.itOnly = it.only;

const fixtures = fileURLToPath(new URL("./fixtures", import.meta.url));
export const typedFile = `${fixtures}/file.ts`;

export const typedTester = new RuleTester({
  languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: fixtures } },
});

export const untypedTester = new RuleTester();

/** The imports and tensors the lint fixtures use. */
export const prelude = `import { einsum, tensor, type Gpu, type Tensor } from "einsight";
declare const g: Gpu;
declare function t<const S extends readonly number[]>(shape: S): Tensor<S>;
`;

/**
 * Shared setup of the lint tests: RuleTester under vitest, with type information (typed fixtures in
 * test/eslint/fixtures) and without. Each rule's cases live in rules/<rule>.test.ts.
 */
import { fileURLToPath } from "node:url";
import { RuleTester } from "@typescript-eslint/rule-tester";
import { afterAll, describe, it } from "vitest";

RuleTester.afterAll = afterAll;
RuleTester.describe = describe;
RuleTester.it = it;
RuleTester.itOnly = it.only;

/** The folder of the typed fixtures: its tsconfig maps "einsight" to the runtime's source. */
export const fixtures = fileURLToPath(new URL("./fixtures", import.meta.url));
/** The file name typed cases give their code (the project service type-checks it with the fixtures' tsconfig). */
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

/** An import of TensorFlow.js as `tf`, one line. */
export const tfImport = `import * as tf from "@tensorflow/tfjs";\n`;

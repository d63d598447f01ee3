/** One house per rule: each file of plugin/eslint/rules is the plugin's rule of that name, and has its test file in rules/. */
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";
import { rules } from "../../plugin/eslint/plugin.js";

const names = (folder: URL, suffix: string) =>
  readdirSync(fileURLToPath(folder))
    .filter((f) => f.endsWith(suffix))
    .map((f) => f.slice(0, -suffix.length))
    .sort();

const ruleFiles = names(new URL("../../plugin/eslint/rules/", import.meta.url), ".ts");

test("the plugin's rules are the files of plugin/eslint/rules, by name", () => {
  expect(ruleFiles.length).toBeGreaterThan(0);
  expect(Object.keys(rules).sort()).toEqual(ruleFiles);
  for (const name of ruleFiles) expect(rules[name as keyof typeof rules].name, name).toBe(name);
});

test("each rule has its test file, rules/<rule>.test.ts, and each test file there is a rule's", () => {
  expect(names(new URL("./rules/", import.meta.url), ".test.ts")).toEqual(ruleFiles);
});

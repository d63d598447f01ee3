import { ESLintUtils } from "@typescript-eslint/utils";

/** Each rule's page, docs/rules/<name>.md, as published with the repository. */
export const RULE_DOCS = "https://github.com/einsight/einsight/blob/main/docs/rules/";

export interface EinsightRuleDocs {
  readonly recommended?: "error" | "warn";
  readonly requiresTypeChecking?: boolean;
}

export const createRule = ESLintUtils.RuleCreator<EinsightRuleDocs>((name) => `${RULE_DOCS}${name}.md`);

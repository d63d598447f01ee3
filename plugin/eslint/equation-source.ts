/**
 * Where characters of an equation string are in the source: the equation's `[start, end)` span
 * (offsets into the string's value) mapped through escapes (`\u002c`, `\n`, line continuations)
 * to source ranges, so a rule reports the exact characters. For string literals and templates
 * without substitutions; other expressions have no literal value.
 */
import { AST_NODE_TYPES, type TSESLint, type TSESTree } from "@typescript-eslint/utils";
import { mapRaw, type EquationSource } from "../typescript/equation-offsets.js";

export type { EquationSource };

export function equationSource(node: TSESTree.Node): EquationSource | undefined {
  if (node.type === AST_NODE_TYPES.Literal && typeof node.value === "string")
    return mapRaw(node.raw.slice(1, -1), node.range[0] + 1, node.value);
  if (node.type === AST_NODE_TYPES.TemplateLiteral && node.expressions.length === 0) {
    const quasi = node.quasis[0]!;
    if (quasi.value.cooked === null) return undefined;
    return mapRaw(quasi.value.raw, quasi.range[0] + 1, quasi.value.cooked);
  }
  return undefined;
}

/** The source location of `[start, end)` of the equation (zero-width spans stay zero-width). */
export function spanLocation(
  source: EquationSource,
  sourceCode: Readonly<TSESLint.SourceCode>,
  span: readonly [number, number],
): TSESTree.SourceLocation {
  const at = (i: number) => source.offsets[Math.min(Math.max(i, 0), source.offsets.length - 1)]!;
  return { start: sourceCode.getLocFromIndex(at(span[0])), end: sourceCode.getLocFromIndex(at(span[1])) };
}

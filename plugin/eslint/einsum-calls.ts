/**
 * Finding einsum calls in an ESLint rule: einsight's `einsum` (named, renamed or through a
 * namespace import of "einsight") and TensorFlow.js's `tf.einsum`, resolved through the scope
 * manager so that nothing else that happens to be called einsum is checked. With type
 * information, the operands' shapes come from the type checker.
 */
import { AST_NODE_TYPES, ASTUtils, ESLintUtils, type TSESLint, type TSESTree } from "@typescript-eslint/utils";
import ts from "typescript";
import { tensorShape } from "../typescript/einsum-calls.js";

export type Library = "einsight" | "tfjs";

export interface LintEinsumCall {
  readonly node: TSESTree.CallExpression;
  readonly library: Library;
  readonly equation: TSESTree.Node | undefined;
  readonly operands: readonly TSESTree.Node[];
  readonly options: TSESTree.ObjectExpression | undefined;
}

const SOURCES: Record<string, Library> = { einsight: "einsight", "@tensorflow/tfjs": "tfjs", "@tensorflow/tfjs-core": "tfjs", "@tensorflow/tfjs-node": "tfjs" };

/** A listener that calls `handle` for every einsum call of the given libraries. */
export function onEinsumCall(context: Readonly<TSESLint.RuleContext<string, readonly unknown[]>>, libraries: readonly Library[], handle: (call: LintEinsumCall) => void): TSESLint.RuleListener {
  const imported = new Map<TSESTree.Node, { library: Library; namespace: boolean }>();
  return {
    ImportDeclaration(node) {
      const library = SOURCES[node.source.value];
      if (library === undefined || !libraries.includes(library)) return;
      for (const s of node.specifiers) {
        if (s.type === AST_NODE_TYPES.ImportNamespaceSpecifier) imported.set(s, { library, namespace: true });
        else if (s.type === AST_NODE_TYPES.ImportSpecifier && importedName(s) === "einsum") imported.set(s, { library, namespace: false });
      }
    },
    CallExpression(node) {
      const callee = node.callee;
      const target = callee.type === AST_NODE_TYPES.MemberExpression && !callee.computed && callee.property.type === AST_NODE_TYPES.Identifier && callee.property.name === "einsum" ? callee.object : callee;
      if (target.type !== AST_NODE_TYPES.Identifier) return;
      const variable = ASTUtils.findVariable(context.sourceCode.getScope(node), target);
      const source = variable?.defs[0]?.node;
      const found = source === undefined ? undefined : imported.get(source);
      if (found === undefined || found.namespace !== (target !== callee)) return;
      const [equation, ...rest] = node.arguments;
      const last = rest[rest.length - 1];
      const options = last?.type === AST_NODE_TYPES.ObjectExpression ? last : undefined;
      handle({ node, library: found.library, equation, operands: options === undefined ? rest : rest.slice(0, -1), options });
    },
  };
}

function importedName(s: TSESTree.ImportSpecifier): string {
  return s.imported.type === AST_NODE_TYPES.Identifier ? s.imported.name : s.imported.value;
}

/** Operand shapes from the type checker, or `undefined` when the lint run has no type information. */
export function operandShapes(context: Readonly<TSESLint.RuleContext<string, readonly unknown[]>>, operands: readonly TSESTree.Node[]): (readonly (number | undefined)[] | undefined)[] | undefined {
  const services = ESLintUtils.getParserServices(context, true);
  if (services.program === null) return undefined;
  const checker = services.program.getTypeChecker();
  return operands.map((op) => tensorShape(ts, checker, services.esTreeNodeToTSNodeMap.get(op) as ts.Expression));
}

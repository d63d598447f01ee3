/**
 * Finding einsum calls in an ESLint rule: einsight's `einsum` and `einsumWithBackward` (named, renamed or through a
 * namespace import of "einsight") and TensorFlow.js's `tf.einsum`, resolved through the scope
 * manager so that nothing else that happens to be called einsum is checked. With type
 * information, the operands' shapes come from the type checker.
 */
import {
  AST_NODE_TYPES,
  ASTUtils,
  type ParserServicesWithTypeInformation,
  type TSESLint,
  type TSESTree,
} from "@typescript-eslint/utils";
import ts from "typescript";
import { einsumLibrary, readEinsumCall, tensorShape, type EinsumCall } from "../typescript/einsum-calls.js";

/** Whose einsum: einsight's, TensorFlow.js's tf.einsum, or einsight/tfjs's (on tfjs tensors). */
export type Library = "einsight" | "tfjs" | "einsight/tfjs";

export interface LintEinsumCall {
  readonly node: TSESTree.CallExpression;
  readonly library: Library;
  /** The library's function called: "einsum", or einsight's "einsumWithBackward". */
  readonly name: string;
  readonly equation: TSESTree.Node | undefined;
  readonly operands: readonly TSESTree.Node[];
  readonly options: TSESTree.ObjectExpression | undefined;
}

/** The functions of each library that take an einsum equation and operands. */
const FUNCTIONS: Record<Library, readonly string[]> = {
  einsight: ["einsum", "einsumWithBackward"],
  tfjs: ["einsum"],
  "einsight/tfjs": ["einsum"],
};

const SOURCES: Record<string, Library> = {
  einsight: "einsight",
  "einsight/tfjs": "einsight/tfjs",
  "@tensorflow/tfjs": "tfjs",
  "@tensorflow/tfjs-core": "tfjs",
  "@tensorflow/tfjs-node": "tfjs",
};

/** A listener that calls `handle` for every einsum call of the given libraries. */
export function onEinsumCall(
  context: Readonly<TSESLint.RuleContext<string, readonly unknown[]>>,
  libraries: readonly Library[],
  handle: (call: LintEinsumCall) => void,
): TSESLint.RuleListener {
  const imported = new Map<TSESTree.Node, { library: Library; namespace: boolean; name?: string }>();
  const services = typeServices(context);
  // With type information, einsight's einsum however it was imported (a relative path, a re-export).
  const resolvedLibrary = (node: TSESTree.CallExpression) =>
    services === undefined
      ? undefined
      : einsumLibrary(
          ts,
          services.program.getTypeChecker(),
          services.esTreeNodeToTSNodeMap.get<TSESTree.CallExpression>(node).expression,
        );
  /** The name the callee was declared with (through aliases), with type information. */
  const declaredName = (node: TSESTree.CallExpression): string => {
    const checker = services!.program.getTypeChecker();
    const symbol = checker.getSymbolAtLocation(
      services!.esTreeNodeToTSNodeMap.get<TSESTree.CallExpression>(node).expression,
    );
    return symbol === undefined
      ? "einsum"
      : (symbol.flags & ts.SymbolFlags.Alias) !== 0
        ? checker.getAliasedSymbol(symbol).name
        : symbol.name;
  };
  return {
    ImportDeclaration(node) {
      const library = SOURCES[node.source.value];
      if (library === undefined || !libraries.includes(library)) return;
      for (const s of node.specifiers) {
        if (s.type === AST_NODE_TYPES.ImportNamespaceSpecifier) imported.set(s, { library, namespace: true });
        else if (s.type === AST_NODE_TYPES.ImportSpecifier && FUNCTIONS[library].includes(importedName(s)))
          imported.set(s, { library, namespace: false, name: importedName(s) });
      }
    },
    CallExpression(node) {
      const callee = node.callee;
      const member =
        callee.type === AST_NODE_TYPES.MemberExpression &&
        !callee.computed &&
        callee.property.type === AST_NODE_TYPES.Identifier
          ? callee.property.name
          : undefined;
      const target = member !== undefined && callee.type === AST_NODE_TYPES.MemberExpression ? callee.object : callee;
      if (target.type !== AST_NODE_TYPES.Identifier) return;
      const variable = ASTUtils.findVariable(context.sourceCode.getScope(node), target);
      const source = variable?.defs[0]?.node;
      const byImport = source === undefined ? undefined : imported.get(source);
      const viaImport =
        byImport !== undefined &&
        byImport.namespace === (member !== undefined) &&
        (member === undefined || FUNCTIONS[byImport.library].includes(member));
      const resolved = viaImport ? undefined : resolvedLibrary(node);
      const found = viaImport
        ? { library: byImport.library, name: byImport.name ?? member! }
        : resolved !== undefined
          ? { library: resolved, name: declaredName(node) }
          : undefined;
      if (found === undefined || !libraries.includes(found.library)) return;
      const [equation, ...rest] = node.arguments;
      const last = rest[rest.length - 1];
      const options = last?.type === AST_NODE_TYPES.ObjectExpression ? last : undefined;
      handle({
        node,
        library: found.library,
        name: found.name,
        equation,
        operands: options === undefined ? rest : rest.slice(0, -1),
        options,
      });
    },
  };
}

function importedName(s: TSESTree.ImportSpecifier): string {
  return s.imported.type === AST_NODE_TYPES.Identifier ? s.imported.name : s.imported.value;
}

/** Operand shapes from the type checker, or `undefined` when the lint run has no type information. */
export function operandShapes(
  context: Readonly<TSESLint.RuleContext<string, readonly unknown[]>>,
  operands: readonly TSESTree.Node[],
): (readonly (number | undefined)[] | undefined)[] | undefined {
  const services = typeServices(context);
  if (services === undefined) return undefined;
  const checker = services.program.getTypeChecker();
  return operands.map((op) => tensorShape(ts, checker, services.esTreeNodeToTSNodeMap.get(op) as ts.Expression));
}

/**
 * The call as the TypeScript front ends read it (plugin/typescript), with the type checker, so that
 * a rule plans it as the build does; `undefined` when the lint run has no type information.
 */
export function typedEinsumCall(
  context: Readonly<TSESLint.RuleContext<string, readonly unknown[]>>,
  node: TSESTree.CallExpression,
): { readonly checker: ts.TypeChecker; readonly call: EinsumCall } | undefined {
  const services = typeServices(context);
  if (services === undefined) return undefined;
  const checker = services.program.getTypeChecker();
  return {
    checker,
    call: readEinsumCall(ts, checker, services.esTreeNodeToTSNodeMap.get<TSESTree.CallExpression>(node)),
  };
}

/** typescript-eslint's parser services with a program, or `undefined` (another parser, or no typed linting). */
function typeServices(
  context: Readonly<TSESLint.RuleContext<string, readonly unknown[]>>,
): ParserServicesWithTypeInformation | undefined {
  const services = context.sourceCode.parserServices as Partial<ParserServicesWithTypeInformation> | undefined;
  return services?.program != null && services.esTreeNodeToTSNodeMap !== undefined
    ? (services as ParserServicesWithTypeInformation)
    : undefined;
}

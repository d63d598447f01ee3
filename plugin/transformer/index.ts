/**
 * The build-time transformer: every einsight einsum whose equation is a literal and whose operand
 * shapes the types know is planned and its kernels generated while compiling, and the call gets
 * them as its `compiled` option, so nothing is planned or generated at run time (the runtime still
 * checks the operands' sizes, and plans just in time for views, whose strides types do not carry).
 * Where the types know the ranks but leave some sizes `number`, the kernels read those sizes at
 * run time (codegen/sized) and the runtime checks the sizes the build knew; the file then imports
 * einsight/sized, which fits such plans to each call's sizes (runtime/sized).
 * A call whose options are not all literals (or that writes into an `out`) is left to run time
 * (plugin/typescript/call-options, which the report, the hover and the lint rules read too).
 * An invalid equation or shape is a build diagnostic at its characters. A TypeScript transformer
 * factory in the ts-patch form:
 *
 *     "compilerOptions": { "plugins": [{ "transform": "einsight/transformer", "profile": "nvidia-h100" }] }
 *
 * (`"tileTable": "tiles.json"` adds tile shapes measured on the target device by `tuneTiles()`)
 *
 * or programmatically: `program.emit(..., { before: [einsightTransformer(program, { profile })] })`.
 *
 * It needs TypeScript's compiler API: the `ts` a host passes (ts-patch does), else the project's
 * typescript package, which must be TypeScript 6 or earlier (plugin/peers: TypeScript 7 has no such
 * API, and gets an EinsightError saying to install typescript@6 for the build).
 */
import type ts from "typescript";
import type { CompiledEinsum } from "../../codegen/compiled.js";
import {
  buildCall,
  einsumCalls,
  errorRange,
  fromEinsightPackage,
  type BuiltCall,
  type EinsumCall,
} from "../typescript/einsum-calls.js";
import { buildProfile, type BuildProfileConfig } from "../typescript/profile.js";
import { classicTypeScript } from "../typescript/compiler.js";

/** The device profile plans are made for, and a tile table measured on it (plugin/typescript/profile). */
export type TransformerConfig = BuildProfileConfig;

/** What ts-patch passes besides the program and the config. */
export interface TransformerExtras {
  readonly ts?: typeof ts;
  readonly addDiagnostic?: (diagnostic: ts.Diagnostic) => number;
  /**
   * Called with what the build made of each einsum call of a file, in source order (what the
   * bundler plugins' report lists): so a report is the build's own answer, not made again.
   */
  readonly onCall?: (sourceFile: ts.SourceFile, call: EinsumCall, built: BuiltCall) => void;
}

/** Diagnostic code of einsight's build errors (TypeScript's own codes are below 20000). */
export const DIAGNOSTIC_CODE = 90001;

export default function einsightTransformer(
  program: ts.Program,
  config: TransformerConfig = {},
  extras: TransformerExtras = {},
): ts.TransformerFactory<ts.SourceFile> {
  const tsm = classicTypeScript("einsight/transformer", extras.ts);
  const checker = program.getTypeChecker();
  const profile = buildProfile(config);
  const options = profile === undefined ? {} : { profile };
  return (context) => (sourceFile) => {
    const original = program.getSourceFile(sourceFile.fileName) ?? sourceFile; // the checker knows the program's nodes
    const f = tsm.factory;
    // each call's compiled einsum, one module-level constant a call: made once, not on every call
    const compiled = new Map<ts.CallExpression, ts.Identifier>();
    const constants: ts.Statement[] = [];
    let sized = false;
    for (const call of einsumCalls(tsm, checker, original)) {
      // with the call's literal options; options known only at run time, or an `out`: left to run time
      const built = buildCall(tsm, checker, call, options);
      extras.onCall?.(original, call, built);
      if (built.kind === "error")
        extras.addDiagnostic?.(diagnostic(tsm, original, call, built.error.reason, built.error.span));
      if (built.kind === "planned" || built.kind === "sized") {
        const name = f.createUniqueName("einsightCompiled");
        const value = literal(tsm, slim(built.compiled, call.equation?.text));
        const declaration = f.createVariableDeclaration(name, undefined, undefined, value);
        constants.push(
          f.createVariableStatement(undefined, f.createVariableDeclarationList([declaration], tsm.NodeFlags.Const)),
        );
        compiled.set(call.node, name);
      }
      const callee = call.node.expression;
      sized ||=
        built.kind === "sized" &&
        (importedFromEinsight(tsm, checker, callee) || fromEinsightPackage(tsm, checker, callee));
    }
    if (compiled.size === 0) return sourceFile;
    const visit = (node: ts.Node): ts.Node => {
      const originalNode = tsm.getOriginalNode(node);
      const value =
        tsm.isCallExpression(node) && tsm.isCallExpression(originalNode) ? compiled.get(originalNode) : undefined;
      if (value === undefined || !tsm.isCallExpression(node)) return tsm.visitEachChild(node, visit, context);
      const args = node.arguments.map((a) => tsm.visitNode(a, visit) as ts.Expression);
      const last = args[args.length - 1];
      const property = f.createPropertyAssignment("compiled", value);
      const withOptions =
        last !== undefined && tsm.isObjectLiteralExpression(last) && args.length > 1
          ? [...args.slice(0, -1), f.updateObjectLiteralExpression(last, [...last.properties, property])]
          : [...args, f.createObjectLiteralExpression([property])];
      return f.updateCallExpression(node, node.expression, node.typeArguments, withOptions);
    };
    const transformed = tsm.visitNode(sourceFile, visit) as ts.SourceFile;
    const load = f.createImportDeclaration(undefined, undefined, f.createStringLiteral("einsight/sized"));
    return afterDirectives(tsm, transformed, sized ? [load, ...constants] : constants);
  };
}

/**
 * Whether the file imports `callee` (or, for `ns.einsum`, the namespace) from einsight by its package
 * name, not only as a type: "einsight/sized" then resolves beside it, as where a `paths` alias
 * points "einsight" at its sources.
 */
function importedFromEinsight(tsm: typeof ts, checker: ts.TypeChecker, callee: ts.Expression): boolean {
  const local = tsm.isPropertyAccessExpression(callee) ? callee.expression : callee;
  let node: ts.Node | undefined = checker.getSymbolAtLocation(local)?.declarations?.[0];
  while (node !== undefined && !tsm.isImportDeclaration(node)) node = node.parent;
  return (
    node !== undefined &&
    node.importClause?.isTypeOnly !== true &&
    tsm.isStringLiteral(node.moduleSpecifier) &&
    /^einsight(\/|$)/.test(node.moduleSpecifier.text)
  );
}

/**
 * The file with `statements` first after its directives ("use client" stays one): the compiled
 * einsums' constants (plain JSON, so they may stand before everything), and `import
 * "einsight/sized"` where a call is sized at run time (the runtime's fitting of such plans, which
 * einsight/runtime leaves out of bundles that need none).
 */
function afterDirectives(
  tsm: typeof ts,
  sourceFile: ts.SourceFile,
  statements: readonly ts.Statement[],
): ts.SourceFile {
  const all = sourceFile.statements;
  const directive = (s: ts.Statement) => tsm.isExpressionStatement(s) && tsm.isStringLiteral(s.expression);
  const directives = all.findIndex((s) => !directive(s));
  const at = directives < 0 ? all.length : directives;
  return tsm.factory.updateSourceFile(sourceFile, [...all.slice(0, at), ...statements, ...all.slice(at)]);
}

/** A build diagnostic at the equation's offending characters (mapped through escapes), else at the call. */
function diagnostic(
  tsm: typeof ts,
  sourceFile: ts.SourceFile,
  call: EinsumCall,
  reason: string,
  span: readonly [number, number] | undefined,
): ts.Diagnostic {
  const [start, end] = errorRange(sourceFile, call, span);
  return {
    file: sourceFile,
    start,
    length: Math.max(1, end - start),
    messageText: `einsight: ${reason}`,
    category: tsm.DiagnosticCategory.Error,
    code: DIAGNOSTIC_CODE,
    source: "einsight",
  };
}

/**
 * What the runtime reads of a compiled einsum: the losing alternatives and the notes stay out of
 * the bundle; the call's own spelling of the equation goes in where it differs from the plan's
 * (einsight/runtime matches the two without a parser).
 */
function slim(compiled: CompiledEinsum, source?: string): CompiledEinsum {
  const plan = {
    ...compiled.plan,
    steps: compiled.plan.steps.map((step) => ({ ...step, alternatives: [], notes: [] })),
  };
  return {
    ...compiled,
    plan,
    ...(source === undefined || source === plan.equation ? {} : { source }),
    ...(compiled.gradients === undefined ? {} : { gradients: compiled.gradients.map((g) => slim(g)) }),
  };
}

/** A JSON value as a TypeScript expression. */
function literal(tsm: typeof ts, value: unknown): ts.Expression {
  const f = tsm.factory;
  if (value === null) return f.createNull();
  if (typeof value === "string") return f.createStringLiteral(value);
  if (typeof value === "boolean") return value ? f.createTrue() : f.createFalse();
  if (typeof value === "number")
    return value < 0
      ? f.createPrefixUnaryExpression(tsm.SyntaxKind.MinusToken, f.createNumericLiteral(-value))
      : f.createNumericLiteral(value);
  if (Array.isArray(value)) return f.createArrayLiteralExpression(value.map((v) => literal(tsm, v)));
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  return f.createObjectLiteralExpression(
    entries.map(([k, v]) => f.createPropertyAssignment(f.createStringLiteral(k), literal(tsm, v))),
  );
}

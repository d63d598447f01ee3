/**
 * Reading einsum calls through the TypeScript compiler API: which calls are einsight's `einsum`
 * (renamed and namespace imports included, nothing else named einsum), their equation literal,
 * and the operand shapes the type checker knows. Shared by the front ends that see TypeScript
 * (the tsserver plugin, the lint rules, `einsight report`; later the transformer). The `typescript` module is
 * passed in, so that a plugin uses the host's own copy.
 */
import type ts from "typescript";
import { EinsightError } from "../../codegen/errors.js";
import { compilePlan, compileWithGradients, type CompiledEinsum } from "../../codegen/compiled.js";
import { planEinsum, type Plan, type PlanOptions } from "../../codegen/plan.js";
import { compileSized, compileSizedWithGradients } from "../../codegen/sized.js";

export interface EinsumCall {
  readonly node: ts.CallExpression;
  /** Which of einsight's functions it calls. */
  readonly fn: EinsightFunction;
  /** The equation when it is a string literal (or a template without substitutions). */
  readonly equation: { readonly text: string; readonly node: ts.StringLiteralLike } | undefined;
  readonly operands: readonly ts.Expression[];
  readonly options: ts.ObjectLiteralExpression | undefined;
}

/** The einsight einsum call that encloses `position`, if any. */
export function einsumCallAt(tsm: typeof ts, checker: ts.TypeChecker, sourceFile: ts.SourceFile, position: number): EinsumCall | undefined {
  let node: ts.Node | undefined = findToken(tsm, sourceFile, position);
  while (node !== undefined && !tsm.isSourceFile(node)) {
    const fn = tsm.isCallExpression(node) ? einsightFunction(tsm, checker, node.expression) : undefined;
    if (fn !== undefined) return readCall(tsm, node as ts.CallExpression, fn);
    node = node.parent;
  }
  return undefined;
}

/** Every einsight einsum call in `sourceFile`, in source order. */
export function einsumCalls(tsm: typeof ts, checker: ts.TypeChecker, sourceFile: ts.SourceFile): EinsumCall[] {
  const calls: EinsumCall[] = [];
  const visit = (node: ts.Node): void => {
    const fn = tsm.isCallExpression(node) ? einsightFunction(tsm, checker, node.expression) : undefined;
    if (fn !== undefined) calls.push(readCall(tsm, node as ts.CallExpression, fn));
    tsm.forEachChild(node, visit);
  };
  visit(sourceFile);
  return calls;
}

/**
 * What codegen makes of a call with the shapes the checker knows (operands assumed contiguous):
 * its plan, why it can only be planned at run time, or the error it has.
 */
export function planCall(tsm: typeof ts, checker: ts.TypeChecker, call: EinsumCall, options: PlanOptions = {}): CallPlan {
  const shapes = call.operands.map((op) => tensorShape(tsm, checker, op));
  if (call.equation === undefined) return { kind: "runtime", shapes, reason: "the equation is not a string literal; it is planned at run time." };
  const unknown = shapes.findIndex((s) => s === undefined || s.includes(undefined));
  if (unknown >= 0) {
    const shape = shapes[unknown];
    const what = shape === undefined ? "has no shape the types know" : `[${shape.map((n) => n ?? "number").join(", ")}] is not fully known at compile time`;
    return { kind: "runtime", shapes, reason: `operand ${unknown}'s shape ${what}; the plan is made at run time.` };
  }
  try {
    return { kind: "planned", shapes, plan: planEinsum(call.equation.text, shapes.map((shape) => ({ shape: shape as number[] })), options) };
  } catch (e) {
    if (e instanceof EinsightError) return { kind: "error", shapes, error: e };
    throw e;
  }
}

/**
 * What a build makes of a call: its plan and kernels (for einsumWithBackward, its gradient einsums
 * too) where the types know every size; `sized`: kernels that read the sizes the types leave
 * `number` at run time, where they know every rank; else why it is left to run time, or its error.
 */
export function buildCall(tsm: typeof ts, checker: ts.TypeChecker, call: EinsumCall, options: PlanOptions = {}): BuiltCall {
  const planned = planCall(tsm, checker, call, options);
  if (planned.kind === "error") return planned;
  if (planned.kind === "planned") {
    const compiled = call.fn === "einsumWithBackward" ? compileWithGradients(call.equation!.text, planned.plan.operands.map((op) => op.shape), options) : compilePlan(planned.plan);
    return { ...planned, compiled };
  }
  const shapes = planned.shapes;
  if (call.equation === undefined || !shapes.every((s) => s !== undefined)) return planned;
  try {
    const compiled = call.fn === "einsumWithBackward" ? compileSizedWithGradients(call.equation.text, shapes, options) : compileSized(call.equation.text, shapes, options);
    const labels = compiled.plan.runtimeSizes ?? [];
    const one = labels.length === 1;
    const nominal = [...new Set(labels.map((l) => compiled.plan.sizes[l]))];
    const reason = `the size${one ? "" : "s"} of ${labels.map((l) => `'${l}'`).join(", ")} ${one ? "is" : "are"} known only at run time: the kernels read ${one ? "it" : "them"} from params (costs estimated with ${nominal.join(", ")}).`;
    return { kind: "sized", shapes, plan: compiled.plan, compiled, reason };
  } catch (e) {
    if (e instanceof EinsightError) return { kind: "error", shapes, error: e };
    throw e;
  }
}

export type BuiltCall =
  | (Extract<CallPlan, { kind: "planned" }> & { readonly compiled: CompiledEinsum })
  | { readonly kind: "sized"; readonly shapes: readonly (readonly (number | undefined)[])[]; readonly plan: Plan; readonly compiled: CompiledEinsum; readonly reason: string }
  | Extract<CallPlan, { kind: "runtime" | "error" }>;

export type CallPlan =
  | { readonly kind: "planned"; readonly shapes: readonly (readonly (number | undefined)[] | undefined)[]; readonly plan: Plan }
  | { readonly kind: "runtime"; readonly shapes: readonly (readonly (number | undefined)[] | undefined)[]; readonly reason: string }
  | { readonly kind: "error"; readonly shapes: readonly (readonly (number | undefined)[] | undefined)[]; readonly error: EinsightError };

export type EinsightFunction = "einsum" | "einsumWithBackward";

/** Whether `callee` resolves to einsight's `einsum` or `einsumWithBackward` (which takes the same arguments). */
export function isEinsightEinsum(tsm: typeof ts, checker: ts.TypeChecker, callee: ts.Expression): boolean {
  return einsightFunction(tsm, checker, callee) !== undefined;
}

/** Which of einsight's einsum functions `callee` resolves to, if any. */
export function einsightFunction(tsm: typeof ts, checker: ts.TypeChecker, callee: ts.Expression): EinsightFunction | undefined {
  let symbol = checker.getSymbolAtLocation(tsm.isPropertyAccessExpression(callee) ? callee.name : callee);
  if (symbol !== undefined && symbol.flags & tsm.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
  const file = symbol?.name === "einsum" ? "einsum" : symbol?.name === "einsumWithBackward" ? "backward" : undefined;
  const declared = file !== undefined && (symbol!.declarations ?? []).some((d) => new RegExp(`[\\\\/]runtime[\\\\/]${file}\\.(d\\.)?ts$`).test(d.getSourceFile().fileName));
  return declared ? (symbol!.name as EinsightFunction) : undefined;
}

/** The shape the checker knows for a Tensor-typed expression: sizes where literal, `undefined` where not; `undefined` for unknown rank. */
export function tensorShape(tsm: typeof ts, checker: ts.TypeChecker, expression: ts.Expression): readonly (number | undefined)[] | undefined {
  const type = checker.getTypeAtLocation(expression);
  const shape = type.getProperty("shape");
  if (shape === undefined) return undefined;
  const shapeType = checker.getTypeOfSymbolAtLocation(shape, expression);
  if (!checker.isTupleType(shapeType)) return undefined;
  return checker.getTypeArguments(shapeType as ts.TypeReference).map((t) => (t.isNumberLiteral() ? t.value : undefined));
}

function readCall(tsm: typeof ts, node: ts.CallExpression, fn: EinsightFunction): EinsumCall {
  const [first, ...rest] = node.arguments;
  const equation = first !== undefined && tsm.isStringLiteralLike(first) ? { text: first.text, node: first } : undefined;
  const last = rest[rest.length - 1];
  const options = last !== undefined && tsm.isObjectLiteralExpression(last) ? last : undefined;
  return { node, fn, equation, operands: options === undefined ? rest : rest.slice(0, -1), options };
}

function findToken(tsm: typeof ts, sourceFile: ts.SourceFile, position: number): ts.Node | undefined {
  const visit = (node: ts.Node): ts.Node | undefined =>
    position >= node.getStart(sourceFile) && position < node.getEnd() ? (tsm.forEachChild(node, visit) ?? node) : undefined;
  return visit(sourceFile);
}

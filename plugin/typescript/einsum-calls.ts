/**
 * Reading einsum calls through the TypeScript compiler API: which calls are einsight's `einsum`
 * (renamed and namespace imports included, nothing else named einsum), their equation literal,
 * and the operand shapes the type checker knows. Shared by the front ends that see TypeScript
 * (the transformer, the bundler plugins and their report, `einsight report`, the tsserver plugin,
 * the lint rules), with what a build makes of each call (`buildCall`: the one place that decides
 * it). The `typescript` module is passed in, so that a plugin uses the host's own copy.
 */
import type ts from "typescript";
import { EinsightError } from "../../codegen/errors.js";
import { compilePlan, compileWithGradients, type CompiledEinsum } from "../../codegen/compiled.js";
import { planEinsum, type Plan, type PlanOptions } from "../../codegen/plan.js";
import { compileSized, compileSizedWithGradients } from "../../codegen/sized.js";
import { callOptions, type CallOptions } from "./call-options.js";
import { mapRaw } from "./equation-offsets.js";

export interface EinsumCall {
  readonly node: ts.CallExpression;
  /** Which of einsight's functions it calls. */
  readonly fn: EinsightFunction;
  /** The equation when it is a string literal (or a template without substitutions). */
  readonly equation: { readonly text: string; readonly node: ts.StringLiteralLike } | undefined;
  readonly operands: readonly ts.Expression[];
  /** The options argument: an object literal, or a last argument whose type is not a tensor. */
  readonly options: ts.Expression | undefined;
}

/**
 * The source characters of an error in the call's equation (`span`, into the equation's value:
 * mapped through escapes), else the whole call.
 */
export function errorRange(
  sourceFile: ts.SourceFile,
  call: EinsumCall,
  span: readonly [number, number] | undefined,
): [start: number, end: number] {
  const literal = call.equation?.node;
  const source =
    literal === undefined
      ? undefined
      : mapRaw(literal.getText(sourceFile).slice(1, -1), literal.getStart(sourceFile) + 1, literal.text);
  return source !== undefined && span !== undefined
    ? [source.offsets[span[0]]!, source.offsets[Math.min(span[1], source.offsets.length - 1)]!]
    : [call.node.getStart(sourceFile), call.node.getEnd()];
}

/** The einsight einsum call that encloses `position`, if any. */
export function einsumCallAt(
  tsm: typeof ts,
  checker: ts.TypeChecker,
  sourceFile: ts.SourceFile,
  position: number,
): EinsumCall | undefined {
  let node: ts.Node | undefined = findToken(tsm, sourceFile, position);
  while (node !== undefined && !tsm.isSourceFile(node)) {
    const fn = tsm.isCallExpression(node) ? einsightFunction(tsm, checker, node.expression) : undefined;
    if (fn !== undefined) return readCall(tsm, checker, node as ts.CallExpression, fn);
    node = node.parent;
  }
  return undefined;
}

/** Every einsight einsum call in `sourceFile`, in source order. */
export function einsumCalls(tsm: typeof ts, checker: ts.TypeChecker, sourceFile: ts.SourceFile): EinsumCall[] {
  const calls: EinsumCall[] = [];
  const visit = (node: ts.Node): void => {
    const fn = tsm.isCallExpression(node) ? einsightFunction(tsm, checker, node.expression) : undefined;
    if (fn !== undefined) calls.push(readCall(tsm, checker, node as ts.CallExpression, fn));
    tsm.forEachChild(node, visit);
  };
  visit(sourceFile);
  return calls;
}

/**
 * The call's plan with the shapes the checker knows (operands assumed contiguous) and the plan
 * options it writes as literals (`callOptions`), whether or not a build compiles it (the lint
 * rules warn about what will run either way): its plan, why it can only be planned at run time,
 * or the error it has.
 */
export function planCall(
  tsm: typeof ts,
  checker: ts.TypeChecker,
  call: EinsumCall,
  base: PlanOptions = {},
  read: CallOptions = callOptions(tsm, call.options),
): CallPlan {
  const shapes = call.operands.map((op) => tensorShape(tsm, checker, op));
  if (call.equation === undefined)
    return { kind: "runtime", shapes, reason: "the equation is not a string literal; it is planned at run time." };
  const unknown = shapes.findIndex((s) => s === undefined || s.includes(undefined));
  if (unknown >= 0) {
    const shape = shapes[unknown];
    const what =
      shape === undefined
        ? `the types know no shape for operand ${unknown}`
        : `operand ${unknown}'s shape [${shape.map((n) => n ?? "number").join(", ")}] is not fully known ` +
          `at compile time`;
    return { kind: "runtime", shapes, reason: `${what}; the plan is made at run time.` };
  }
  try {
    return {
      kind: "planned",
      shapes,
      plan: planEinsum(
        call.equation.text,
        shapes.map((shape) => ({ shape: shape as number[] })),
        { ...base, ...read.options },
      ),
    };
  } catch (e) {
    if (e instanceof EinsightError) return { kind: "error", shapes, error: e };
    throw e;
  }
}

/**
 * What a build makes of a call, the one answer the transformer compiles and the reports and the
 * hover show (the lint rules plan with the same options, `planCall`): its plan and kernels (for
 * einsumWithBackward, its gradient einsums too), made with `base` (the profile) and the plan
 * options the call writes as literals,
 * where the types know every size; `sized`: kernels that read the sizes the types leave `number`
 * at run time, where they know every rank; else why it is left to run time (a non-literal
 * equation, shapes the types do not know, options known only at run time or an `out` view), or
 * its error. Compiled for f32 operands: the types carry no dtype (see F32_ONLY).
 */
export function buildCall(
  tsm: typeof ts,
  checker: ts.TypeChecker,
  call: EinsumCall,
  base: PlanOptions = {},
): BuiltCall {
  const read = callOptions(tsm, call.options);
  // (a non-literal equation is the first reason, and planCall gives it)
  if (read.kind === "runtime" && call.equation !== undefined)
    return { kind: "runtime", shapes: call.operands.map((op) => tensorShape(tsm, checker, op)), reason: read.reason };
  const options = { ...base, ...read.options };
  const planned = planCall(tsm, checker, call, base, read);
  if (planned.kind === "error") return planned;
  try {
    if (planned.kind === "planned") {
      const compiled =
        call.fn === "einsumWithBackward"
          ? compileWithGradients(
              call.equation!.text,
              planned.plan.operands.map((op) => op.shape),
              options,
            )
          : compilePlan(planned.plan);
      return { kind: "planned", shapes: planned.shapes, plan: compiled.plan, compiled };
    }
    const shapes = planned.shapes;
    if (call.equation === undefined || !shapes.every((s) => s !== undefined)) return planned;
    const compiled =
      call.fn === "einsumWithBackward"
        ? compileSizedWithGradients(call.equation.text, shapes, options)
        : compileSized(call.equation.text, shapes, options);
    const labels = compiled.plan.runtimeSizes ?? [];
    const one = labels.length === 1;
    const nominal = [...new Set(labels.map((l) => compiled.plan.sizes[l]))];
    const reason =
      `the size${one ? "" : "s"} of ${labels.map((l) => `'${l}'`).join(", ")} ${one ? "is" : "are"} ` +
      `known only at run time: the kernels read ${one ? "it" : "them"} from params (costs estimated ` +
      `with ${nominal.join(", ")}).`;
    return { kind: "sized", shapes, plan: compiled.plan, compiled, reason };
  } catch (e) {
    if (e instanceof EinsightError) return { kind: "error", shapes: planned.shapes, error: e };
    throw e;
  }
}

/**
 * What the report and the hover say of every compiled call's dtype: the build compiles for f32,
 * since a tensor's type has its shape but not its dtype; with f16 tensors, `einsum()` does not use
 * the compiled plan (runtime/einsum `usable`) and plans the call just in time.
 */
export const F32_ONLY =
  "Compiled for f32 operands: the types carry no dtype, so with f16 tensors the call does not use the build's plan " +
  "and is planned at run time.";

export type BuiltCall =
  | (Extract<CallPlan, { kind: "planned" }> & { readonly compiled: CompiledEinsum })
  | {
      readonly kind: "sized";
      readonly shapes: readonly (readonly (number | undefined)[])[];
      readonly plan: Plan;
      readonly compiled: CompiledEinsum;
      readonly reason: string;
    }
  | Extract<CallPlan, { kind: "runtime" | "error" }>;

export type CallPlan =
  | {
      readonly kind: "planned";
      readonly shapes: readonly (readonly (number | undefined)[] | undefined)[];
      readonly plan: Plan;
    }
  | {
      readonly kind: "runtime";
      readonly shapes: readonly (readonly (number | undefined)[] | undefined)[];
      readonly reason: string;
    }
  | {
      readonly kind: "error";
      readonly shapes: readonly (readonly (number | undefined)[] | undefined)[];
      readonly error: EinsightError;
    };

export type EinsightFunction = "einsum" | "einsumWithBackward";

/** Which of einsight's einsum functions `callee` resolves to, if any (einsight/tfjs's `einsum` included). */
export function einsightFunction(
  tsm: typeof ts,
  checker: ts.TypeChecker,
  callee: ts.Expression,
): EinsightFunction | undefined {
  return declaration(tsm, checker, callee)?.fn;
}

/** Whose einsum `callee` resolves to: einsight's (runtime/einsum, backward) or einsight/tfjs's (runtime/tfjs). */
export function einsumLibrary(
  tsm: typeof ts,
  checker: ts.TypeChecker,
  callee: ts.Expression,
): "einsight" | "einsight/tfjs" | undefined {
  const found = declaration(tsm, checker, callee);
  return found === undefined ? undefined : found.file === "tfjs" ? "einsight/tfjs" : "einsight";
}

/**
 * Whether `callee` is one of einsight's einsum functions as the einsight package declares it (its
 * .d.ts files), so that the package's other entries (einsight/sized) resolve beside it.
 */
export function fromEinsightPackage(tsm: typeof ts, checker: ts.TypeChecker, callee: ts.Expression): boolean {
  return declaration(tsm, checker, callee)?.packaged === true;
}

function declaration(
  tsm: typeof ts,
  checker: ts.TypeChecker,
  callee: ts.Expression,
): { readonly fn: EinsightFunction; readonly file: string; readonly packaged: boolean } | undefined {
  let symbol = checker.getSymbolAtLocation(tsm.isPropertyAccessExpression(callee) ? callee.name : callee);
  if (symbol !== undefined && symbol.flags & tsm.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
  // einsum is einsight's (runtime/einsum) or einsight/tfjs's (runtime/tfjs: the same arguments, on tfjs tensors)
  const files =
    symbol?.name === "einsum" ? ["einsum", "tfjs"] : symbol?.name === "einsumWithBackward" ? ["backward"] : [];
  for (const d of symbol?.declarations ?? []) {
    const fileName = d.getSourceFile().fileName;
    const file = files.find((f) => new RegExp(`[\\\\/]runtime[\\\\/]${f}\\.(d\\.)?ts$`).test(fileName));
    if (file !== undefined) return { fn: symbol!.name as EinsightFunction, file, packaged: fileName.endsWith(".d.ts") };
  }
  return undefined;
}

/**
 * The shape the checker knows for a Tensor-typed expression: sizes where literal, `undefined` where not;
 * `undefined` for unknown rank.
 */
export function tensorShape(
  tsm: typeof ts,
  checker: ts.TypeChecker,
  expression: ts.Expression,
): readonly (number | undefined)[] | undefined {
  const type = checker.getTypeAtLocation(expression);
  const shape = type.getProperty("shape");
  if (shape === undefined) return undefined;
  const shapeType = checker.getTypeOfSymbolAtLocation(shape, expression);
  if (!checker.isTupleType(shapeType)) return undefined;
  return checker
    .getTypeArguments(shapeType as ts.TypeReference)
    .map((t) => (t.isNumberLiteral() ? t.value : undefined));
}

/**
 * The einsum call `node` (of einsight's `fn`, or `einsum` where the checker cannot tell: a lint rule found it by
 * its import).
 */
export function readEinsumCall(tsm: typeof ts, checker: ts.TypeChecker, node: ts.CallExpression): EinsumCall {
  return readCall(tsm, checker, node, einsightFunction(tsm, checker, node.expression) ?? "einsum");
}

function readCall(tsm: typeof ts, checker: ts.TypeChecker, node: ts.CallExpression, fn: EinsightFunction): EinsumCall {
  const [first, ...rest] = node.arguments;
  const equation =
    first !== undefined && tsm.isStringLiteralLike(first) ? { text: first.text, node: first } : undefined;
  const last = rest[rest.length - 1];
  // As einsum() reads its arguments: a trailing object that is not a tensor is the options.
  const options =
    last !== undefined &&
    (tsm.isObjectLiteralExpression(last) || (rest.length > 1 && isOptionsObject(tsm, checker, last)))
      ? last
      : undefined;
  return { node, fn, equation, operands: options === undefined ? rest : rest.slice(0, -1), options };
}

/** Whether a trailing argument is an options object by its type: an object type that is not a tensor (no `shape`). */
function isOptionsObject(tsm: typeof ts, checker: ts.TypeChecker, argument: ts.Expression): boolean {
  if (tsm.isSpreadElement(argument)) return false;
  const type = checker.getTypeAtLocation(argument);
  if (type.flags & (tsm.TypeFlags.Any | tsm.TypeFlags.Unknown)) return false;
  return (type.flags & tsm.TypeFlags.Object) !== 0 && type.getProperty("shape") === undefined;
}

function findToken(tsm: typeof ts, sourceFile: ts.SourceFile, position: number): ts.Node | undefined {
  const visit = (node: ts.Node): ts.Node | undefined =>
    position >= node.getStart(sourceFile) && position < node.getEnd()
      ? (tsm.forEachChild(node, visit) ?? node)
      : undefined;
  return visit(sourceFile);
}

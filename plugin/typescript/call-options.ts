/**
 * The plan options a build uses for one einsum call, read from the call's options object: the
 * transformer plans a call with them, and the report, the hover and the lint rules read them here
 * too, so that each shows the plan the build compiles. Only `strategy`, `memoryBudget` and `tiles`
 * written as literals are plan options the build can know; any other option (an `out` view, whose
 * strides and offset only the run time knows; `accumulate`; a `compiled` given by hand), an
 * options value that is not a literal, or options that are not an object literal leave the call
 * to run time, where `einsum()` plans it with the values it then has.
 */
import type ts from "typescript";
import type { PlanOptions } from "../../codegen/plan.js";

export type CallOptions =
  /** The build plans the call with `options` (empty when the call has none). */
  | { readonly kind: "build"; readonly options: PlanOptions }
  /**
   * The build leaves the call to run time, for `reason` (a sentence fragment: "its option ...;
   * it is planned at run time."); `options`: those of the plan options it writes as literals.
   */
  | { readonly kind: "runtime"; readonly options: PlanOptions; readonly reason: string };

/** The options einsum plans with. */
const PLAN_OPTIONS = ["strategy", "memoryBudget", "tiles"] as const;

/** What a build does with the options argument of an einsum call (`undefined`: the call has none). */
export function callOptions(tsm: typeof ts, options: ts.Expression | undefined): CallOptions {
  if (options === undefined) return { kind: "build", options: {} };
  const object = options; // not unwrapped: the transformer adds `compiled` to this very object literal
  if (!tsm.isObjectLiteralExpression(object))
    return {
      kind: "runtime",
      options: {},
      reason:
        `its options (${quote(options)}) are not an object literal, so they are known only at run time; ` +
        `it is planned then.`,
    };
  const read: Record<string, unknown> = {};
  const problems: string[] = [];
  let writesOut = false;
  for (const p of object.properties) {
    const name =
      p.name !== undefined && (tsm.isIdentifier(p.name) || tsm.isStringLiteral(p.name)) ? p.name.text : undefined;
    const value = name !== undefined && tsm.isPropertyAssignment(p) ? staticValue(tsm, p.initializer) : undefined;
    if (name === "out") writesOut = true;
    else if (name === undefined || !(tsm.isPropertyAssignment(p) || tsm.isShorthandPropertyAssignment(p)))
      problems.push(`${quote(p)} is not a \`name: value\` option`);
    else if (!(PLAN_OPTIONS as readonly string[]).includes(name))
      problems.push(`its option \`${name}\` is not one the build plans with (${PLAN_OPTIONS.join(", ")})`);
    else if (value === undefined)
      problems.push(
        `its option \`${name}\` is not a literal ` + `(${quote(tsm.isPropertyAssignment(p) ? p.initializer : p)})`,
      );
    else read[name] = value;
  }
  if (writesOut)
    return {
      kind: "runtime",
      options: read,
      reason:
        "it writes into an `out` view, whose strides and offset are known only at run time; it is " + "planned then.",
    };
  if (problems.length > 0)
    return {
      kind: "runtime",
      options: read,
      reason: `${problems[0]!}, so its options are known only at run time; it is planned then.`,
    };
  return { kind: "build", options: read };
}

/** A string, number or boolean literal, or an object literal of them (tiles); `undefined` for anything else. */
function staticValue(tsm: typeof ts, node: ts.Expression): unknown {
  const value = unwrap(tsm, node);
  if (tsm.isStringLiteralLike(value)) return value.text;
  if (tsm.isNumericLiteral(value)) return Number(value.text);
  if (value.kind === tsm.SyntaxKind.TrueKeyword) return true;
  if (value.kind === tsm.SyntaxKind.FalseKeyword) return false;
  if (tsm.isObjectLiteralExpression(value)) {
    const entries = value.properties.map((p) =>
      tsm.isPropertyAssignment(p) && (tsm.isIdentifier(p.name) || tsm.isStringLiteral(p.name))
        ? [p.name.text, staticValue(tsm, p.initializer)]
        : undefined,
    );
    return entries.every((e) => e !== undefined && e[1] !== undefined)
      ? Object.fromEntries(entries as [string, unknown][])
      : undefined;
  }
  return undefined;
}

/** The expression inside parentheses, `as` and `satisfies` (`"ttgt" as const` is the literal). */
function unwrap(tsm: typeof ts, node: ts.Expression): ts.Expression {
  let current = node;
  while (tsm.isParenthesizedExpression(current) || tsm.isAsExpression(current) || tsm.isSatisfiesExpression(current))
    current = current.expression;
  return current;
}

/** A node's source text for a message, cut short. */
function quote(node: ts.Node): string {
  const text = node.getText().replace(/\s+/g, " ");
  return `\`${text.length > 40 ? `${text.slice(0, 37)}...` : text}\``;
}

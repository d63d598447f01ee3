/**
 * The one error class of einsight. Every front end (runtime, lint rules, transformer, CLI) catches
 * only this class and turns it into its own diagnostic, using `code` and `span`.
 */

/** `[start, end)` character offsets into the equation string exactly as the user wrote it. */
export type Span = readonly [start: number, end: number];

export type EinsightErrorCode =
  // equation syntax (codegen/equation)
  | "invalidEquation"
  | "invalidCharacter"
  | "invalidArrow"
  | "multipleArrows"
  | "invalidEllipsis"
  | "multipleEllipses"
  | "commaInOutput"
  | "unknownOutputLabel"
  | "repeatedOutputLabel"
  // binding shapes to the equation (codegen/bind)
  | "operandCount"
  | "invalidShape"
  | "invalidStrides"
  | "rankMismatch"
  | "sizeMismatch"
  | "nonSquareDiagonal"
  | "ellipsisMismatch"
  | "missingOutputEllipsis"
  // views (codegen/views)
  | "invalidDimension"
  | "invalidIndex"
  | "invalidPermutation"
  | "invalidExpand"
  // planning (codegen/plan)
  | "invalidOption"
  | "memoryBudget"
  | "overlappingOutput"
  | "indexRange"
  // the packages a build-time subpath needs (plugin/peers)
  | "missingDependency"
  // tensors and the GPU (runtime)
  | "invalidData"
  | "invalidOperand"
  | "invalidBuffer"
  | "unsupportedDtype"
  | "destroyedTensor"
  | "destroyedDevice"
  | "deviceLost"
  | "mixedDevices"
  | "noAdapter"
  | "bindingTooLarge"
  | "bufferTooLarge"
  | "workgroupStorage"
  | "aliasedOutput"
  | "compiledMismatch"
  | "plannerMissing"
  | "gpuError";

export interface EinsightErrorOptions {
  /** The offending characters of `equation`. */
  span?: Span;
  /** The equation the span points into. */
  equation?: string;
  cause?: unknown;
}

export class EinsightError extends Error {
  override readonly name = "EinsightError";
  readonly code: EinsightErrorCode;
  /** The sentence(s) alone, without the caret picture that `message` adds for terminals. */
  readonly reason: string;
  readonly span: Span | undefined;
  readonly equation: string | undefined;

  constructor(code: EinsightErrorCode, reason: string, options: EinsightErrorOptions = {}) {
    super(withCaret(reason, options), options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.reason = reason;
    this.span = options.span;
    this.equation = options.equation;
  }
}

export function isEinsightError(e: unknown): e is EinsightError {
  return e instanceof EinsightError;
}

/** Throws `EinsightError(code, reason())` unless `condition` holds; the message is built only on failure. */
export function check(
  condition: boolean,
  code: EinsightErrorCode,
  reason: () => string,
  options?: EinsightErrorOptions,
): asserts condition {
  if (!condition) throw new EinsightError(code, reason(), options);
}

/**
 *     Label 'q' of the output does not appear in any input. ...
 *       ij,jk->iq
 *               ^
 */
function withCaret(reason: string, { span, equation }: EinsightErrorOptions): string {
  if (span === undefined || equation === undefined || /[\n\r]/.test(equation)) return reason;
  const [start, end] = span;
  const width = Math.max(1, end - start);
  return `${reason}\n  ${equation}\n  ${" ".repeat(start)}${"^".repeat(width)}`;
}

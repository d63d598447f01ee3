/**
 * The one error class of einsight. Every front end (runtime, lint rules, transformer, CLI) catches
 * only this class and turns it into its own diagnostic, using `code` and `span`.
 */
export class EinsightError extends Error {
    name = "EinsightError";
    code;
    /** The sentence(s) alone, without the caret picture that `message` adds for terminals. */
    reason;
    span;
    equation;
    constructor(code, reason, options = {}) {
        super(withCaret(reason, options), options.cause === undefined ? undefined : { cause: options.cause });
        this.code = code;
        this.reason = reason;
        this.span = options.span;
        this.equation = options.equation;
    }
}
export function isEinsightError(e) {
    return e instanceof EinsightError;
}
/** Throws `EinsightError(code, reason())` unless `condition` holds; the message is built only on failure. */
export function check(condition, code, reason, options) {
    if (!condition)
        throw new EinsightError(code, reason(), options);
}
/**
 *     Label 'q' of the output does not appear in any input. ...
 *       ij,jk->iq
 *               ^
 */
function withCaret(reason, { span, equation }) {
    if (span === undefined || equation === undefined || /[\n\r]/.test(equation))
        return reason;
    const [start, end] = span;
    const width = Math.max(1, end - start);
    return `${reason}\n  ${equation}\n  ${" ".repeat(start)}${"^".repeat(width)}`;
}

/**
 * Where each character of a string literal's value is in the source: its raw text walked beside
 * the cooked value through escapes (`\u002c`, `\n`, line continuations), so that an equation's
 * `[start, end)` span maps to the exact source characters. Shared by the lint rules (ESTree) and
 * the transformer (TypeScript nodes).
 */

export interface EquationSource {
  readonly text: string;
  /** Source offset of each character of `text`, and one past the last. */
  readonly offsets: readonly number[];
}

/** Walks the raw text beside the cooked value: one offset per cooked UTF-16 unit. */
export function mapRaw(raw: string, base: number, cooked: string): EquationSource | undefined {
  const offsets: number[] = [];
  let r = 0;
  while (r < raw.length) {
    if (raw[r] !== "\\") {
      offsets.push(base + r);
      r += 1;
      continue;
    }
    const next = raw[r + 1] ?? "";
    const length = escapeLength(raw, r);
    const units =
      next === "\r" || next === "\n" || next === "\u2028" || next === "\u2029"
        ? 0
        : escapedUnits(raw.slice(r, r + length));
    for (let u = 0; u < units; u++) offsets.push(base + r);
    r += length;
  }
  offsets.push(base + raw.length);
  return offsets.length === cooked.length + 1 ? { text: cooked, offsets } : undefined;
}

/** Raw length of the escape sequence at `r` (which is a backslash). */
function escapeLength(raw: string, r: number): number {
  const next = raw[r + 1] ?? "";
  if (next === "x") return 4;
  if (next === "u") return raw[r + 2] === "{" ? raw.indexOf("}", r) - r + 1 : 6;
  if (next === "\r" && raw[r + 2] === "\n") return 3;
  if (next >= "0" && next <= "7") {
    let n = 2;
    while (n < 4 && raw[r + n]! >= "0" && raw[r + n]! <= "7") n += 1;
    return n;
  }
  return 2;
}

/** UTF-16 units an escape stands for (a \u{...} beyond the BMP is two). */
function escapedUnits(escape: string): number {
  const braced = /^\\u\{([0-9a-fA-F]+)\}$/.exec(escape);
  return braced !== null && parseInt(braced[1]!, 16) > 0xffff ? 2 : 1;
}

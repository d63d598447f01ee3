/**
 * How an error message names a value einsight did not expect: "an array", `the string "12"`, "number 42", "a bigint
 * array".
 */
export function describeValue(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  if (Array.isArray(v)) return "an array";
  if (v instanceof BigInt64Array || v instanceof BigUint64Array) return "a bigint array";
  if (typeof v === "object") return `an object (${Object.prototype.toString.call(v)})`;
  if (typeof v === "string") return `the string ${JSON.stringify(v)}`;
  if (typeof v === "bigint") return `the bigint ${v}n`;
  if (typeof v === "number" || typeof v === "boolean") return `${typeof v} ${v}`;
  return `a ${typeof v}`;
}

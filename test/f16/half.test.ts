/** The CPU's f16 conversions that f16 tensors are uploaded and read back with (runtime/half). */
import { describe, expect, test } from "vitest";
import { fromHalfBits, toHalfBits, toHalves } from "../../runtime/half.js";

describe("f16 on the CPU", () => {
  test("every f16 value converts back to its own bit pattern", () => {
    const all = new Uint16Array(65536).map((_, i) => i);
    const values = fromHalfBits(all);
    for (let h = 0; h < 65536; h++) {
      if (Number.isNaN(values[h])) expect(Number.isNaN(values[toHalfBits(values[h]!)]!)).toBe(true);
      else expect(toHalfBits(values[h]!)).toBe(h);
    }
  });

  test("values between two f16 round to the nearer, ties to the even one", () => {
    const all = fromHalfBits(new Uint16Array(0x7c00).map((_, i) => i)); // the positive finite ones
    for (let h = 0; h + 1 < all.length; h += 97) {
      const [lo, hi] = [all[h]!, all[h + 1]!];
      const quarter = (hi - lo) / 4;
      expect(toHalfBits(lo + quarter)).toBe(h);
      expect(toHalfBits(hi - quarter)).toBe(h + 1);
      expect(toHalfBits((lo + hi) / 2)).toBe(h % 2 === 0 ? h : h + 1);
    }
  });

  test("overflow, underflow, signs and specials", () => {
    expect([65504, 65520, 1e6, -1e6, 2 ** -25, 2 ** -25 * 1.01, -0, Infinity, -Infinity].map(toHalfBits)).toEqual([
      0x7bff, 0x7c00, 0x7c00, 0xfc00, 0, 1, 0x8000, 0x7c00, 0xfc00,
    ]);
    expect(toHalves([1, 2, 3])).toEqual(new Uint16Array([0x3c00, 0x4000, 0x4200, 0])); // padded to whole words
  });
});

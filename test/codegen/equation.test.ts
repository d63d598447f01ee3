import { describe, expect, test } from "vitest";
import { ELLIPSIS, formatEquation, parseEquation } from "../../codegen/equation.js";
import { EinsightError } from "../../codegen/errors.js";

describe("parseEquation", () => {
  test("explicit output: labels and spans per term", () => {
    const eq = parseEquation("ij, jk->ik");
    expect(eq.explicit).toBe(true);
    expect(eq.inputs.map((t) => t.labels)).toEqual([
      ["i", "j"],
      ["j", "k"],
    ]);
    expect(eq.inputs[1]!.spans).toEqual([
      [4, 5],
      [5, 6],
    ]);
    expect(eq.inputs[1]!.span).toEqual([4, 6]);
    expect(eq.output.labels).toEqual(["i", "k"]);
    expect(eq.output.span).toEqual([8, 10]);
  });

  test("implicit output: labels seen once, in character-code order, ellipsis first", () => {
    expect(parseEquation("kj,ji").output.labels).toEqual(["i", "k"]);
    expect(parseEquation("bA,cB").output.labels).toEqual(["A", "B", "b", "c"]);
    expect(parseEquation("...ij,jk").output.labels).toEqual([ELLIPSIS, "i", "k"]);
    expect(parseEquation("ii").output.labels).toEqual([]);
    const eq = parseEquation("ij,jk");
    expect(eq.explicit).toBe(false);
    expect(eq.output.span).toEqual([5, 5]);
  });

  test("ellipsis is one entry with a three-character span", () => {
    const eq = parseEquation("a...b->...");
    expect(eq.inputs[0]!.labels).toEqual(["a", ELLIPSIS, "b"]);
    expect(eq.inputs[0]!.spans).toEqual([
      [0, 1],
      [1, 4],
      [4, 5],
    ]);
    expect(eq.output.spans).toEqual([[7, 10]]);
  });

  test("empty terms are scalars with zero-width spans", () => {
    const eq = parseEquation(" , ->");
    expect(eq.inputs.map((t) => t.labels)).toEqual([[], []]);
    expect(eq.inputs[1]!.span).toEqual([2, 2]);
    expect(eq.output.labels).toEqual([]);
  });

  test("formatEquation writes the canonical explicit form", () => {
    expect(formatEquation(parseEquation(" i j , j k "))).toBe("ij,jk->ik");
    expect(formatEquation(parseEquation("...ii"))).toBe("...ii->...");
  });

  test("errors say what is wrong and how to fix it", () => {
    const error = (eq: string) => {
      try {
        parseEquation(eq);
      } catch (e) {
        if (e instanceof EinsightError) return e;
      }
      throw new Error(`no EinsightError for ${eq}`);
    };
    expect(error("ij,jk->iq").reason).toBe(
      "Label 'q' of the output does not appear in any input; use only labels from the inputs after '->'.",
    );
    expect(error("ij,jk->iq").message).toBe(
      "Label 'q' of the output does not appear in any input; use only labels from the inputs after '->'.\n  ij,jk->iq\n          ^",
    );
    expect(error("i😀").reason).toContain("'😀' (U+1F600) is not a valid einsum label");
    expect(error("i\u0007").reason).toContain("The control character U+0007");
    expect(error("i....j").reason).toContain("'....' is not an ellipsis");
    expect(error("ij-").reason).toBe("'-' must be followed by '>' to form '->'.");
    // An equation spanning lines gets no caret picture (it would point at the wrong line).
    expect(error("i\n->q").message).not.toContain("^");
  });

  test("a non-string equation is an EinsightError, not a crash", () => {
    expect(() => parseEquation(42 as unknown as string)).toThrow(EinsightError);
  });
});

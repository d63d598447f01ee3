/** Every case of the shared table through the runtime parser and binder. */
import { describe, expect, test } from "vitest";
import { bindShapes } from "../../codegen/bind.js";
import { EinsightError } from "../../codegen/errors.js";
import { cases, isValidCase, type Case, type InvalidCase } from "../cases.js";

const table: readonly Case[] = cases;

const layouts = (shapes: readonly (readonly number[])[]) => shapes.map((shape) => ({ shape }));
const name = (c: { equation: string; shapes: readonly (readonly number[])[] }) =>
  `${JSON.stringify(c.equation)} ${JSON.stringify(c.shapes)}`;

test("the table has at least 80 cases, valid and invalid", () => {
  expect(table.length).toBeGreaterThanOrEqual(80);
  expect(table.filter(isValidCase).length).toBeGreaterThan(40);
  expect(table.filter((c) => !isValidCase(c)).length).toBeGreaterThan(30);
});

describe("valid cases bind to the expected output shape", () => {
  for (const c of table.filter(isValidCase)) {
    test(name(c), () => {
      expect(bindShapes(c.equation, layouts(c.shapes)).output.shape).toEqual(c.output);
    });
  }
});

describe("invalid cases raise the expected code at the expected span", () => {
  for (const c of table.filter((c): c is InvalidCase => !isValidCase(c))) {
    test(`${name(c)} -> ${c.error}`, () => {
      const error = catchError(() => bindShapes(c.equation, layouts(c.shapes)));
      expect({ code: error.code, span: error.span }).toEqual({ code: c.error, span: c.span });
      expect(error.equation).toBe(c.equation);
      // A sentence that says what is wrong, ending in a full stop, and the caret picture in `message`.
      expect(error.reason).toMatch(/^[A-Z'].*\.$/s);
      if (!/[\n\r]/.test(c.equation)) expect(error.message).toContain(`\n  ${c.equation}\n  ${" ".repeat(c.span[0])}^`);
    });
  }
});

function catchError(run: () => unknown): EinsightError {
  try {
    run();
  } catch (e) {
    if (e instanceof EinsightError) return e;
    throw e;
  }
  throw new Error("expected an EinsightError, but nothing was thrown");
}

/** The oracle checked by hand, so that the reference for every GPU test is itself trustworthy. */
import { expect, test } from "vitest";
import { maxRelativeError, oracleEinsum } from "./support/oracle.js";

test("matrix product", () => {
  const r = oracleEinsum("ij,jk->ik", [
    { data: [1, 2, 3, 4, 5, 6], shape: [2, 3] },
    { data: [1, 0, 0, 1, 1, 1], shape: [3, 2] },
  ]);
  expect(r.shape).toEqual([2, 2]);
  expect([...r.data]).toEqual([1 + 3, 2 + 3, 4 + 6, 5 + 6]);
});

test("trace, diagonal and transpose", () => {
  const m = { data: [1, 2, 3, 4, 5, 6, 7, 8, 9], shape: [3, 3] };
  expect([...oracleEinsum("ii", [m]).data]).toEqual([15]);
  expect([...oracleEinsum("ii->i", [m]).data]).toEqual([1, 5, 9]);
  expect([...oracleEinsum("ij->ji", [m]).data]).toEqual([1, 4, 7, 2, 5, 8, 3, 6, 9]);
});

test("reads views through strides and offset, broadcasting size-1 dimensions", () => {
  // column 1 of a 3x3 matrix: offset 1, stride 3
  const col = { data: [1, 2, 3, 4, 5, 6, 7, 8, 9], shape: [3], strides: [3], offset: 1 };
  expect([...oracleEinsum("i->i", [col]).data]).toEqual([2, 5, 8]);
  expect([...oracleEinsum("i,i->i", [{ data: [10], shape: [1] }, col]).data]).toEqual([20, 50, 80]);
  expect([
    ...oracleEinsum("...,...->...", [
      { data: [1, 2], shape: [2, 1] },
      { data: [10, 20, 30], shape: [3] },
    ]).data,
  ]).toEqual([10, 20, 30, 20, 40, 60]);
});

test("scalars and size-0 contractions", () => {
  expect([
    ...oracleEinsum(",->", [
      { data: [3], shape: [] },
      { data: [4], shape: [] },
    ]).data,
  ]).toEqual([12]);
  expect([
    ...oracleEinsum("ij,jk->ik", [
      { data: [], shape: [2, 0] },
      { data: [], shape: [0, 2] },
    ]).data,
  ]).toEqual([0, 0, 0, 0]);
});

test("float64 accumulation", () => {
  const n = 1 << 20;
  const r = oracleEinsum("i->", [{ data: new Float32Array(n).fill(0.1), shape: [n] }]);
  expect(Math.abs(r.data[0]! - n * Math.fround(0.1))).toBeLessThan(1e-6);
});

test("maxRelativeError", () => {
  expect(maxRelativeError([1, 2000], [1, 2001])).toBeCloseTo(1 / 2001);
  expect(maxRelativeError([Number.NaN], [1])).toBe(Infinity);
  expect(maxRelativeError([1], [1, 2])).toBe(Infinity);
});

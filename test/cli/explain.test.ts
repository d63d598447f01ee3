import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";
import { main } from "../../plugin/cli/main.js";

test("explain prints the plan table for shapes, strides and a profile", () => {
  const { code, out } = main([
    "explain",
    "ijk,ikl->jl",
    "--shapes",
    "8x16384x2048,8x2048x1024",
    "--strides",
    "33554432x2048x1,",
    "--profile",
    "nvidia-h100",
  ]);
  expect(code).toBe(0);
  expect(out).toContain("step 1: contraction ijk,ikl->jl (operand 0, operand 1) -> output [16384, 1024]: 'direct'");
  expect(out).toMatch(/ttgt\s+549\.8G\s+\S+ GiB\s+\S+ GiB\s+1\.0 GiB/);
  // how the kernel runs: the slice's start and strides allow 16-byte loads, the fresh output 16-byte stores
  expect(out).toContain("'direct' tiles 128x64x16, 16-byte loads of a and b and stores");
  // starting 8 bytes in, the slice is read an element at a time
  expect(
    main([
      "explain",
      "ijk,ikl->jl",
      "--shapes",
      "8x16384x2048,8x2048x1024",
      "--strides",
      "33554432x2048x1,",
      "--offsets",
      "2,0",
      "--profile",
      "nvidia-h100",
    ]).out,
  ).toContain("'direct' tiles 128x64x16, 16-byte loads of b and stores");
});

test("--dtype f16 plans 2-byte elements; another dtype is refused, naming it", () => {
  const f16 = main(["explain", "ij,jk->ik", "--shapes", "4096x4096,4096x4096", "--dtype", "f16"]);
  expect(f16.code).toBe(0);
  expect(f16.out).toMatch(/direct\s+137\.4G\s+64\.0 MiB\s+32\.0 MiB/);
  expect(main(["explain", "ij", "--shapes", "2x3", "--dtype", "f64"]).out).toMatch(
    /^einsight: Operand 0 has dtype 'f64'; einsight computes in 'f32' or 'f16'/,
  );
});

test("--tile-table plans with tiles measured by tuneTiles(); an unreadable table or an unknown profile is a clear error", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "einsight-cli-"));
  const file = path.join(dir, "tiles.json");
  writeFileSync(
    file,
    JSON.stringify({ adapter: "test", entries: [{ m: 4096, n: 4096, k: 4096, tiles: { tm: 128, tn: 32, tk: 16 } }] }),
  );
  const { code, out } = main(["explain", "ij,jk->ik", "--shapes", "4096x4096,4096x4096", "--tile-table", file]);
  expect(code).toBe(0);
  expect(out).toContain("profile generic with a tile table");
  expect(out).toContain("'direct' tiles 128x32x16");
  expect(main(["explain", "ij,jk->ik", "--shapes", "4096x4096,4096x4096"]).out).not.toContain("tiles 128x32x16"); // the generic rule differs
  expect(main(["explain", "ij", "--shapes", "2x3", "--tile-table", path.join(dir, "none.json")]).out).toMatch(
    /^einsight: tileTable: cannot read a tile table from .*none.json \(ENOENT/,
  );
  expect(main(["explain", "ij", "--shapes", "2x3", "--profile", "toString"]).out).toMatch(
    /^einsight: Unknown device profile 'toString'/,
  );
  rmSync(dir, { recursive: true });
});

test("--json prints the plan itself", () => {
  const { code, out } = main(["explain", "ij,jk", "--shapes", "2x3,3x4", "--json"]);
  expect(code).toBe(0);
  expect((JSON.parse(out) as { output: { shape: number[] } }).output.shape).toEqual([2, 4]);
});

test("errors: the equation's caret, bad numbers, usage", () => {
  expect(main(["explain", "ij->k", "--shapes", "2x3"])).toEqual({
    code: 1,
    out: expect.stringContaining("einsight: Label 'k' of the output does not appear in any input") as unknown,
  });
  expect(main(["explain", "ij", "--shapes", "2xq"]).out).toBe("einsight: --shapes: 'q' is not a non-negative integer.");
  expect(main(["explain", "ij", "--shapes", "2x3", "--strides", "1,1"]).out).toBe(
    "einsight: --strides lists 2 operands but --shapes lists 1.",
  );
  expect(main(["explain", "ij"]).code).toBe(2);
  expect(main(["explain", "ij", "--shapes", "2x3", "--nope"]).out).toMatch(/^einsight: Unknown option '--nope'/);
});

test("the built bin runs", () => {
  const bin = fileURLToPath(new URL("../../dist/plugin/cli/main.js", import.meta.url));
  const r = spawnSync(process.execPath, [bin, "explain", "i,i->", "--shapes", "5,5"], { encoding: "utf8" });
  expect(r.status).toBe(0);
  expect(r.stdout).toContain("step 1: contraction i,i->");
});

/**
 * `einsight tune` as a user runs it (the built bin, on the real adapter): it writes a tile table
 * that the planner accepts, and refuses bad flags with a sentence.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";
import { checkTileTable, type TileTable } from "../../codegen/tiles.js";

const bin = fileURLToPath(new URL("../../dist/plugin/cli/main.js", import.meta.url));
const einsight = (...args: string[]) =>
  spawnSync(process.execPath, [bin, ...args], { encoding: "utf8", timeout: 120_000 });

test("einsight tune writes the adapter's tile table, one entry a size, each the fastest of the candidates it timed", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "einsight-tune-"));
  const file = path.join(dir, "tiles.json");
  const r = einsight(
    "tune",
    "--sizes",
    "64x64x64,96x32x64",
    "--candidates",
    "16x16x16,32x32x16,64x32x16@8x16/4",
    "--min-seconds",
    "0.02",
    "--out",
    file,
  );
  expect(r.status, r.stderr).toBe(0);
  expect(r.stdout).toMatch(
    /^tile table of .+:\n {2}64x64x64: (16x16x16|32x32x16|64x32x16@8x16\/4) fastest of 3 \([\d.]+ ms a run\)\n {2}96x32x64: .+\nwrote .*tiles.json: give it to gpu\(\{ tileTable \}\)/,
  );
  const table = JSON.parse(readFileSync(file, "utf8")) as TileTable;
  checkTileTable(table);
  expect(table.entries.map((e) => [e.m, e.n, e.k, e.measured!.length])).toEqual([
    [64, 64, 64, 3],
    [96, 32, 64, 3],
  ]);
  expect(table.entries[0]!.measured![2]!.tiles).toEqual({
    tm: 64,
    tn: 32,
    tk: 16,
    invocations: { x: 8, y: 16, run: 4 },
  }); // the layout, as timed
  rmSync(dir, { recursive: true });
});

test("einsight tune refuses sizes and candidates it cannot use, before timing anything", () => {
  const sizes = einsight("tune", "--sizes", "64x64");
  expect([sizes.status, sizes.stderr.trim()]).toEqual([
    1,
    "einsight: --sizes: '64x64' is not three positive sizes joined by x.",
  ]);
  const depth = einsight("tune", "--sizes", "64x64x64", "--candidates", "64x64x4");
  expect([depth.status, depth.stderr.trim()]).toEqual([
    1,
    "einsight: candidates[0].tk must be one of 8, 16, 32, 64, got 4.",
  ]);
  const layout = einsight("tune", "--sizes", "64x64x64", "--candidates", "64x64x16@8x16x2");
  expect([layout.status, layout.stderr.trim()]).toEqual([
    1,
    'einsight: --candidates "64x64x16@8x16x2" is not TMxTNxTK[@XxY[/RUN]], e.g. 128x64x16 or 128x64x16@8x16/8 (8 invocations across n, 16 down m, in runs of 8 columns).',
  ]);
  expect(einsight("tune", "--nope").status).toBe(2);
});

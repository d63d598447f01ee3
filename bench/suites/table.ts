/**
 * `tuneTiles()` as a user runs it, on this adapter: the tile table it writes, and beside each
 * entry the tiles the profile's own rule picks for that GEMM and how long those took, so a
 * device run shows whether the table would change the plan (and by how much).
 *
 *     npm run build && node dist/bench/suites/table.js [--json file] [--out tiles.json] [--candidates 128x64x16,128x64x16@8x16,...] [--add ...]
 *
 * `--candidates`: the tile shapes (and workgroup layouts) to time, as `einsight tune --candidates`
 * reads them; default tuneTiles()'s own (TILE_CANDIDATES). `--add`: these besides the default ones.
 * `--out`: the table alone, as `einsight tune --out` writes it, which bench/run.ts `--tile-table`
 * (and the transformer, the CLI, `gpu({ tileTable })`) plan with.
 */
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { planEinsum } from "../../codegen/plan.js";
import { gpu } from "../../runtime/index.node.js";
import { slowToCompile, tuneTiles } from "../../runtime/tune.js";
import { candidateName, parseCandidates, TILE_CANDIDATES } from "../../codegen/tiles.js";

const { values: args } = parseArgs({
  options: {
    json: { type: "string" },
    out: { type: "string" },
    candidates: { type: "string" },
    add: { type: "string" },
  },
});
const added = args.add === undefined ? undefined : parseCandidates(args.add, "--add");
const given = args.candidates === undefined ? undefined : parseCandidates(args.candidates, "--candidates");
const g = await gpu();
// tuneTiles()'s own candidates as it picks them (on SwiftShader, those it compiles in seconds), plus the added ones
const candidates =
  given ?? (added === undefined ? undefined : [...TILE_CANDIDATES, ...added].filter((t) => !slowToCompile(t, g)));
console.log(
  `tuneTiles on ${g.adapterName}, profile ${g.profile.name}${candidates === undefined ? "" : `, candidates ${candidates.map(candidateName).join(" ")}`}`,
);
const table = await tuneTiles(g, candidates === undefined ? {} : { candidates });
g.throwGpuError();
for (const e of table.entries) {
  const ruled = planEinsum("ij,jk->ik", [{ shape: [e.m, e.k] }, { shape: [e.k, e.n] }], {
    profile: g.profile,
    strategy: "direct",
  }).steps[0]!.tiles!;
  const rule = {
    tm: ruled.tm,
    tn: ruled.tn,
    tk: ruled.tk,
    ...(ruled.invocations === undefined ? {} : { invocations: ruled.invocations }),
  }; // with the profile's layout, where it names one
  const ms = (t: typeof rule) => e.measured?.find((r) => candidateName(r.tiles) === candidateName(t))?.ms;
  const [best, mine] = [ms(e.tiles)!, ms(rule)];
  const tflops = (t: number) => ((2 * e.m * e.n * e.k) / t / 1e9).toFixed(2);
  console.log(
    `table ${e.m}x${e.n}x${e.k}: fastest ${candidateName(e.tiles)} ${best.toFixed(3)} ms (${tflops(best)} TFLOP/s); the profile's rule ${candidateName(rule)} ${mine === undefined ? "(not a candidate)" : `${mine.toFixed(3)} ms (${tflops(mine)} TFLOP/s)`}`,
  );
}
if (args.out !== undefined) writeFileSync(args.out, `${JSON.stringify(table, null, 1)}\n`);
if (args.json !== undefined)
  writeFileSync(
    args.json,
    `${JSON.stringify({ date: new Date().toISOString(), profile: g.profile.name, table }, null, 1)}\n`,
  );
g.destroy();

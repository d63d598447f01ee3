#!/usr/bin/env node
/**
 * The `einsight` command line:
 *
 * einsight explain "ijk,ikl->jl" --shapes 8x16384x2048,8x2048x1024 [--strides ...] [--profile nvidia-h100]
 * [--tile-table tiles.json]
 *
 * prints the plan einsight would run: each step's chosen strategy and the alternatives with FLOPs,
 * bytes, temporaries, estimated time and why they lost;
 *
 *     einsight report [tsconfig.json] [--json] [--html report.html] [--profile nvidia-h100] [--tile-table tiles.json]
 *
 * lists every einsum of a TypeScript project with its plan and kernels (plugin/report). Neither
 * touches a GPU;
 *
 * einsight tune [--out tiles.json] [--sizes 1024x1024x1024,...] [--candidates 128x64x16,128x64x16@8x16,...]
 * [--min-seconds 0.2]
 *
 * does: it times the tiled kernel's tile shapes on this machine's adapter (runtime `tuneTiles()`)
 * and writes the tile table that `gpu({ tileTable })`, the transformer and `--tile-table` take.
 */
import { parseArgs } from "node:util";
import { EinsightError } from "../../codegen/errors.js";
import { writeFileSync } from "node:fs";
import { explain, formatBytes, formatCount } from "../../codegen/explain.js";
import type { ProfileName } from "../../codegen/profile.js";
import { buildProfile, type BuildProfileConfig } from "../typescript/profile.js";
import { reportHtml, shapesText } from "../report/html.js";
import { scanProject } from "../report/scan.js";
import type { Dtype } from "../../codegen/dtype.js";
import { planEinsum, type PlanOperand, type PlanOptions } from "../../codegen/plan.js";
import type { Strategy } from "../../codegen/cost.js";
import { candidateName, parseCandidates } from "../../codegen/tiles.js";
import { compiler } from "../typescript/compiler.js";

const USAGE = `usage: einsight explain "<equation>" --shapes AxB,BxC [options]
       einsight report [tsconfig.json or folder] [--json] [--html FILE] [--profile P] [--tile-table FILE]
       einsight tune [--out FILE] [--sizes MxNxK,...] [--candidates TMxTNxTK[@XxY[/RUN]],...] [--min-seconds S]

  --shapes   one shape per operand, dims joined by x, operands by commas (a scalar is empty: "2x3,,3x4")
  --strides  element strides per operand in the same form; leave an operand empty for contiguous
  --offsets  element offsets per operand, comma-separated (default 0)
  --dtype    f32 (default) or f16 (on the scalar tiles: only the runtime can tell whether a device has
             subgroup matrices)
  --profile  device profile for the cost model: nvidia-h100, generic (default), swiftshader
  --tile-table  a tile table measured on the device by tuneTiles() (JSON): tiles from it
  --strategy force direct, split-k, ttgt or loop where it can run
  --memory-budget  bytes of temporaries a step may allocate
  --json     print the plan (explain) or the report (report) as JSON instead of text
  --html     report: write the report as an HTML page to FILE
  --out      tune: write the tile table to FILE (default: print it)
  --sizes    tune: GEMM sizes to time (default: cubes up to 4096 this device runs in 50 ms)
  --candidates  tune: tile shapes to time, TMxTNxTK or TMxTNxTK@XxY[/RUN] with a workgroup layout
             (X invocations across n, Y down m, in runs of RUN columns; default: einsight's TILE_CANDIDATES)
  --min-seconds tune: seconds of runs per candidate and size (default 0.2)`;

export function main(argv: readonly string[]): { code: number; out: string } {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        shapes: { type: "string" },
        strides: { type: "string" },
        offsets: { type: "string" },
        dtype: { type: "string" },
        profile: { type: "string" },
        "tile-table": { type: "string" },
        strategy: { type: "string" },
        "memory-budget": { type: "string" },
        json: { type: "boolean" },
        html: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (e) {
    return { code: 2, out: `einsight: ${(e as Error).message}\n${USAGE}` };
  }
  const { values: opts, positionals } = parsed;
  if (opts.help === true) return { code: 0, out: USAGE };
  const [command, equation, ...extra] = positionals;
  if (command === "report" && extra.length === 0) return report(equation ?? ".", opts);
  if (command !== "explain" || equation === undefined || extra.length > 0 || opts.shapes === undefined) {
    return { code: 2, out: USAGE };
  }
  try {
    const operands = readOperands(opts.shapes, opts.strides, opts.offsets, opts.dtype);
    const options: PlanOptions = {
      ...profileOption(profileConfig(opts)),
      ...(opts.strategy === undefined ? {} : { strategy: opts.strategy as Strategy }),
      ...(opts["memory-budget"] === undefined
        ? {}
        : { memoryBudget: readNumber(opts["memory-budget"], "--memory-budget") }),
    };
    const plan = planEinsum(equation, operands, options);
    return { code: 0, out: opts.json === true ? JSON.stringify(plan, null, 2) : explain(plan) };
  } catch (e) {
    if (e instanceof EinsightError) return { code: 1, out: `einsight: ${e.message}` };
    throw e;
  }
}

/** --profile and --tile-table as the build front ends take them (plugin/typescript/profile). */
function profileConfig(opts: { profile?: string | undefined; "tile-table"?: string | undefined }): BuildProfileConfig {
  return {
    ...(opts.profile === undefined ? {} : { profile: opts.profile as ProfileName }),
    ...(opts["tile-table"] === undefined ? {} : { tileTable: opts["tile-table"] }),
  };
}

/** The plan option for them (checked: an unknown profile or an unreadable table is an EinsightError). */
function profileOption(config: BuildProfileConfig): Pick<PlanOptions, "profile"> {
  const resolved = buildProfile(config);
  return resolved === undefined ? {} : { profile: resolved };
}

/** `einsight report`: scans the project, prints one line per einsum, writes JSON and HTML when asked. */
function report(
  project: string,
  opts: {
    json?: boolean | undefined;
    html?: string | undefined;
    profile?: string | undefined;
    "tile-table"?: string | undefined;
  },
): { code: number; out: string } {
  try {
    const api = compiler("`einsight report`"); // an optional peer: only this command needs it
    const scanned = scanProject(api, project, profileConfig(opts));
    if (opts.html !== undefined) writeFileSync(opts.html, reportHtml(scanned));
    if (opts.json === true) return { code: 0, out: JSON.stringify(scanned, null, 2) };
    const lines = scanned.einsums.map((e) => {
      const strategies = e.plan === undefined ? "" : e.plan.steps.map((s) => s.strategy).join("+");
      const gradients =
        e.gradients === undefined
          ? ""
          : `; gradients ${e.gradients.map((g) => g.plan.steps.map((s) => s.strategy).join("+")).join(", ")}`;
      const what =
        e.status === "planned"
          ? `${strategies}, ${formatCount(e.plan!.totals.flops)} FLOPs, ` +
            `${formatBytes(e.plan!.totals.temporaryBytes)} temporaries, backward keeps ` +
            `${formatBytes(e.plan!.totals.backwardKeepsBytes)}, ${e.dtype!}${gradients}`
          : e.status === "sized"
            ? `${strategies}, ${e.dtype!}${gradients}, ${e.reason!}`
            : e.status === "runtime"
              ? e.reason!
              : `error ${e.error!.code}: ${e.error!.reason}`;
      const equation = e.equation === null ? "(not a literal)" : JSON.stringify(e.equation);
      return `${e.file}:${e.line}:${e.column}  ${equation}  ${shapesText(e)}  ${what}`;
    });
    const compiled = scanned.einsums.some((e) => e.plan !== undefined);
    return {
      code: 0,
      out: [
        `${scanned.einsums.length} einsum call(s) in ${scanned.files} file(s), profile ${scanned.profile}`,
        ...lines,
        ...(compiled ? [scanned.note] : []),
      ].join("\n"),
    };
  } catch (e) {
    if (e instanceof EinsightError) return { code: 1, out: `einsight: ${e.message}` };
    throw e;
  }
}

function readOperands(
  shapes: string,
  strides: string | undefined,
  offsets: string | undefined,
  dtype: string | undefined,
): PlanOperand[] {
  const shapeList = shapes.split(",").map((s) => readDims(s, "--shapes"));
  const strideList = strides?.split(",");
  const offsetList = offsets?.split(",");
  if (strideList !== undefined && strideList.length !== shapeList.length)
    throw new EinsightError(
      "invalidStrides",
      `--strides lists ${strideList.length} operands but --shapes lists ${shapeList.length}.`,
    );
  if (offsetList !== undefined && offsetList.length !== shapeList.length)
    throw new EinsightError(
      "invalidStrides",
      `--offsets lists ${offsetList.length} operands but --shapes lists ${shapeList.length}.`,
    );
  return shapeList.map((shape, k) => ({
    shape,
    ...(strideList?.[k] ? { strides: readDims(strideList[k], "--strides") } : {}),
    ...(offsetList?.[k] ? { offset: readNumber(offsetList[k], "--offsets") } : {}),
    ...(dtype === undefined ? {} : { dtype: dtype as Dtype }), // the planner refuses others, naming them
  }));
}

function readDims(text: string, flag: string): number[] {
  if (text.trim() === "") return [];
  return text.split("x").map((d) => readNumber(d, flag));
}

function readNumber(text: string, flag: string): number {
  const n = Number(text.trim());
  if (text.trim() === "" || !Number.isSafeInteger(n) || n < 0)
    throw new EinsightError("invalidShape", `${flag}: '${text}' is not a non-negative integer.`);
  return n;
}

/**
 * `einsight tune`: the tile table of this machine's adapter (runtime/tune), printed or written to
 * --out. The runtime is loaded only here: the other commands never touch WebGPU.
 */
export async function tune(argv: readonly string[]): Promise<{ code: number; out: string }> {
  let opts;
  try {
    opts = parseArgs({
      args: [...argv],
      options: {
        out: { type: "string" },
        sizes: { type: "string" },
        candidates: { type: "string" },
        "min-seconds": { type: "string" },
      },
    }).values;
  } catch (e) {
    return { code: 2, out: `einsight: ${(e as Error).message}\n${USAGE}` };
  }
  try {
    const triples = (text: string, flag: string) =>
      text.split(",").map((s) => {
        const dims = readDims(s, flag);
        if (dims.length !== 3 || dims.includes(0))
          throw new EinsightError("invalidOption", `${flag}: '${s}' is not three positive sizes joined by x.`);
        return dims as [number, number, number];
      });
    const sizes = opts.sizes === undefined ? undefined : triples(opts.sizes, "--sizes");
    const candidates = opts.candidates === undefined ? undefined : parseCandidates(opts.candidates, "--candidates");
    const minSeconds = opts["min-seconds"] === undefined ? undefined : Number(opts["min-seconds"]);
    const { gpu, tuneTiles } = await import("../../runtime/index.node.js"); // a Node program: Node's entry
    const g = await gpu();
    let table;
    try {
      table = await tuneTiles(g, {
        ...(sizes === undefined ? {} : { sizes }),
        ...(candidates === undefined ? {} : { candidates }),
        ...(minSeconds === undefined ? {} : { minSeconds }),
      });
    } finally {
      g.destroy();
    }
    const json = JSON.stringify(table, null, 1);
    if (opts.out === undefined) return { code: 0, out: json };
    writeFileSync(opts.out, `${json}\n`);
    const lines = table.entries.map(
      (e) =>
        `  ${e.m}x${e.n}x${e.k}: ${candidateName(e.tiles)} fastest of ${e.measured?.length ?? 0} ` +
        `(${Math.min(...(e.measured ?? []).map((r) => r.ms)).toFixed(3)} ms a run)`,
    );
    return {
      code: 0,
      out: [
        `tile table of ${table.adapter}:`,
        ...lines,
        `wrote ${opts.out}: give it to gpu({ tileTable }), the transformer's "tileTable" or --tile-table.`,
      ].join("\n"),
    };
  } catch (e) {
    if (e instanceof EinsightError) return { code: 1, out: `einsight: ${e.message}` };
    throw e;
  }
}

// Run only as the bin, not when imported by tests.
if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith("/einsight")) {
  const argv = process.argv.slice(2);
  const { code, out } = argv[0] === "tune" ? await tune(argv.slice(1)) : main(argv);
  (code === 0 ? process.stdout : process.stderr).write(`${out}\n`);
  process.exitCode = code;
}

/**
 * The import graph of the source folders: no module imports itself through others, the compiler
 * core (codegen/) imports no front end, and the planner imports no WGSL emitter (what both need
 * lives in a leaf module they share), and bench/ and test/ meet at one seam: no test imports
 * from bench/, and bench/ imports from test/ only test/support/index.ts. Edges are every relative
 * module specifier a file names:
 * `import` (type-only too), `export ... from`, `import("...")` and `require("...")`, as
 * TypeScript's pre-processor finds them.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, sep } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, test } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));
const FOLDERS = ["codegen", "runtime", "plugin", "bench"];
/** The one module under test/ that bench/ may import: the helpers it shares with the tests. */
const SEAM = "test/support/index.ts";

/** The module specifiers a source text names, in order. */
function specifiers(text: string): string[] {
  return ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName);
}

/** The TypeScript sources under a folder (.ts, .mts, .cts), as repository paths with forward slashes. */
function sources(folder: string): string[] {
  return readdirSync(join(root, folder), { recursive: true, encoding: "utf8" })
    .filter(
      (p) => /\.[mc]?ts$/.test(p) && !p.split(sep).some((part) => part === "node_modules" || part.startsWith(".")),
    )
    .map((p) => join(folder, p).split(sep).join("/"));
}

/** Each file's relative imports, resolved to repository paths (`.js` to `.ts`, `.mjs` to `.mts`, `.cjs` to `.cts`). */
function importGraph(folders: readonly string[] = FOLDERS): Map<string, string[]> {
  const files = folders.flatMap(sources);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const targets = specifiers(readFileSync(join(root, file), "utf8"))
      .filter((s) => s.startsWith("./") || s.startsWith("../"))
      .map((s) =>
        join(dirname(file), s)
          .split(sep)
          .join("/")
          .replace(/\.([mc]?)js$/, ".$1ts"),
      );
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** One cycle through each strongly connected component of more than one file (or a file importing itself). */
function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || graph.get(v)!.includes(v)) components.push(component);
    }
  };
  [...graph.keys()].sort().forEach((v) => index.has(v) || visit(v));
  // Within a component every file reaches every other: walk from its first file back to it.
  return components.map((component) => {
    const members = new Set(component);
    const start = [...component].sort()[0]!;
    const path = [start];
    const seen = new Set<string>();
    const walk = (v: string): boolean => {
      for (const w of graph.get(v)!) {
        if (w === start) return true;
        if (!members.has(w) || seen.has(w)) continue;
        seen.add(w);
        path.push(w);
        if (walk(w)) return true;
        path.pop();
      }
      return false;
    };
    walk(start);
    return [...path, start];
  });
}

/** The imports that cross between test/ and bench/ other than through the seam, as "file -> target". */
function crossings(graph: ReadonlyMap<string, readonly string[]>): string[] {
  const crosses = (file: string, target: string) =>
    (file.startsWith("test/") && target.startsWith("bench/")) ||
    (file.startsWith("bench/") && target.startsWith("test/") && target !== SEAM);
  return [...graph].flatMap(([file, targets]) => targets.filter((t) => crosses(file, t)).map((t) => `${file} -> ${t}`));
}

describe("import graph", () => {
  const graph = importGraph();

  test("the scanner sees static, type-only, re-exported and dynamic imports, and require", () => {
    const text =
      'import { a } from "./a.js";\nimport type { B } from "../b.js";\nexport * from "./c.js";\nexport { d } from "./d.js";\nasync function f() { return import("./e.js"); }\nconst g = require("./g.cjs");\nimport ts from "typescript";';
    expect(specifiers(text)).toEqual(["./a.js", "../b.js", "./c.js", "./d.js", "./e.js", "./g.cjs", "typescript"]);
    expect(graph.get("codegen/compiled.ts")).toContain("codegen/plan.ts");
    expect(graph.get("plugin/eslint/index.ts")).toContain("plugin/eslint/plugin.ts"); // a dynamic import
    expect(graph.get("plugin/transformer/cjs.cts")).toEqual(["plugin/transformer/index.ts"]); // require()
    expect(graph.size).toBeGreaterThan(50);
  });

  test("a cycle is found and named, through each circle of files", () => {
    const toy = new Map([
      ["a", ["b", "x"]],
      ["b", ["c"]],
      ["c", ["a", "d"]],
      ["d", []],
      ["e", ["e"]],
      ["f", ["a"]],
    ]);
    expect(
      cycles(toy)
        .map((c) => c.join(" -> "))
        .sort(),
    ).toEqual(["a -> b -> c -> a", "e -> e"]);
  });

  test("no import cycles in codegen/, runtime/, plugin/, bench/", () => {
    const found = cycles(graph).map((c) => c.join(" -> "));
    expect(found, `import cycles:\n${found.join("\n")}`).toEqual([]);
  });

  test("a crossing between test/ and bench/ is found on either side, and the seam is not one", () => {
    const toy = new Map([
      ["bench/run.ts", ["test/support/index.ts", "test/support/oracle.ts", "bench/lib/suite.ts"]],
      ["test/gpu/x.test.ts", ["bench/lib/suite.ts", "test/support/data.ts"]],
      ["test/support/index.ts", ["test/support/data.ts"]],
    ]);
    expect(crossings(toy)).toEqual([
      "bench/run.ts -> test/support/oracle.ts",
      "test/gpu/x.test.ts -> bench/lib/suite.ts",
    ]);
  });

  test("no file under test/ imports from bench/, and bench/ imports from test/ only test/support/index.ts", () => {
    const both = importGraph(["bench", "test"]);
    expect(both.get("bench/suites/matrix.ts")).toContain(SEAM); // the scanner sees bench/'s side of the seam
    expect(both.get("test/gpu/bench-probes.test.ts")).toContain("test/support/variants.ts"); // and the tests' helpers
    const found = crossings(both);
    expect(found, `imports across test/ and bench/ other than through ${SEAM}:\n${found.join("\n")}`).toEqual([]);
  });

  test("codegen/ imports nothing from runtime/ or plugin/", () => {
    const wrong = [...graph].flatMap(([file, targets]) =>
      file.startsWith("codegen/")
        ? targets.filter((t) => /^(runtime|plugin)\//.test(t)).map((t) => `${file} -> ${t}`)
        : [],
    );
    expect(wrong).toEqual([]);
  });

  test("the planner imports no WGSL emitter", () => {
    const wrong = (graph.get("codegen/plan.ts") ?? []).filter((t) => t.startsWith("codegen/wgsl/"));
    expect(graph.has("codegen/plan.ts")).toBe(true);
    expect(wrong).toEqual([]);
  });
});

/** The editor experience, through the real TypeScript language service on a real source file. */
import { readFileSync, existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, test } from "vitest";
import { create } from "../../plugin/tsserver/index.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const file = `${root}test/types/editor-fixture.ts`; // virtual: only the language service sees it

function languageService(text: string): ts.LanguageService {
  const host: ts.LanguageServiceHost = {
    getScriptFileNames: () => [file],
    getScriptVersion: () => "1",
    getScriptSnapshot: (name) => {
      const content = name === file ? text : existsSync(name) ? readFileSync(name, "utf8") : undefined;
      return content === undefined ? undefined : ts.ScriptSnapshot.fromString(content);
    },
    getCurrentDirectory: () => root,
    getCompilationSettings: () => ({
      strict: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      types: ["node", "@webgpu/types"],
      skipLibCheck: true,
    }),
    getDefaultLibFileName: (options) => ts.getDefaultLibFilePath(options),
    fileExists: (name) => name === file || ts.sys.fileExists(name),
    readFile: (name) => (name === file ? text : ts.sys.readFile(name)),
    readDirectory: (...args) => ts.sys.readDirectory(...args),
    directoryExists: (name) => ts.sys.directoryExists(name),
    getDirectories: (name) => ts.sys.getDirectories(name),
  };
  return ts.createLanguageService(host);
}

const header = `import { einsum, tensor, type Gpu, type Tensor } from "../../runtime/index.js";
declare function t<const S extends readonly number[]>(shape: S): Tensor<S>;
`;

function completionsAt(source: string, marker: string): string[] {
  const text = header + source;
  const at = text.indexOf(marker) + marker.length;
  const result = languageService(text).getCompletionsAtPosition(file, at, {});
  return (result?.entries ?? []).map((e) => e.name);
}

describe("completions inside the equation string", () => {
  test("a complete input list is offered with numpy's default output", () => {
    expect(completionsAt(`einsum("ij,jk", t([2, 3]), t([3, 4]));`, `"ij,jk`)).toContain("ij,jk->ik");
  });
  test("after '->' the default output comes first (after the text typed so far, which is valid too)", () => {
    const offered = completionsAt(`einsum("ijk,ikl->", t([8, 16, 32]), t([8, 32, 4]));`, `"ijk,ikl->`);
    expect(offered.filter((name) => name !== "ijk,ikl->")[0]).toBe("ijk,ikl->jl");
  });
  test("a partly typed output is completed with the labels it lacks", () => {
    expect(completionsAt(`einsum("ij,jk->k", t([2, 3]), t([3, 4]));`, `"ij,jk->k`)).toContain("ij,jk->ki");
  });
});

describe("tsserver plugin: hover on an einsum call shows its plan", () => {
  const source = `declare const g: Gpu;
const X = tensor(g, new Float32Array(16 * 16384 * 2048), [16, 16384, 2048]);
const Y = tensor(g, new Float32Array(8 * 2048 * 1024), [8, 2048, 1024]);
export const z = einsum("ijk,ikl->jl", X.slice(0, 3, 11), Y);
export const w = einsum("ij,jk->ik", t([2, 3]), t([3, number()]));
declare function number(): number;
`;
  const text = header + source;
  const service = create(
    {
      languageService: languageService(text),
      config: { profile: "nvidia-h100" },
    } as unknown as ts.server.PluginCreateInfo,
    ts,
  );
  const hover = (marker: string) => {
    const info = service.getQuickInfoAtPosition(file, text.indexOf(marker) + 1);
    return ts.displayPartsToString(info?.documentation ?? []);
  };

  test("on the function name: the plan from the types' shapes", () => {
    const doc = hover(`einsum("ijk`);
    expect(doc).toContain(
      "einsum ijk,ikl->jl   [8, 16384, 2048] [8, 2048, 1024] -> [16384, 1024]   profile nvidia-h100",
    );
    expect(doc).toMatch(/'direct'/);
    expect(doc).toMatch(/ttgt\s+549\.8G/);
    expect(doc).toMatch(/backward keeps 0 B beyond the operands/);
  });
  test("on the equation string too", () => {
    expect(hover(`"ijk,ikl->jl"`)).toContain("einsum ijk,ikl->jl");
  });
  test("a size the types do not know: the plan at a nominal size, and that the transformer's kernels read that size at run time", () => {
    const doc = hover(`einsum("ij,jk`);
    expect(doc).toContain(
      "With einsight's transformer, the size of 'k' is known only at run time: the kernels read it from params (costs estimated with 4096).",
    );
    expect(doc).toContain("einsum ij,jk->ik");
  });
  test("elsewhere the hover is TypeScript's own", () => {
    expect(hover("const X")).toBe("");
  });
});

test("tsserver can require the plugin by its package name", () => {
  const required = createRequire(import.meta.url)("einsight/tsserver") as (modules: {
    typescript: typeof ts;
  }) => ts.server.PluginModule;
  expect(typeof required({ typescript: ts }).create).toBe("function");
});

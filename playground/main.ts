/**
 * The playground page: the editor (editor.ts) on the left, and for the einsum under the cursor the
 * build's plan as a picture, the lint rule's warnings, the WGSL of each kernel, and a Run button
 * (run.ts) on the right. Examples to start from; Share puts the code into the page's link.
 */
import { forceLinting } from "@codemirror/lint";
import type { EditorView } from "@codemirror/view";
import { PROFILES, type ProfileName } from "../codegen/profile.js";
import { planPicture, PICTURE_CSS } from "../plugin/report/picture.js";
import { createEditor, Language } from "./editor.js";
import { EXAMPLES } from "./examples.js";
import type { Inspection } from "./protocol.js";
import { runEinsum, type RunReport } from "./run.js";
import { codeFrom, linkFor } from "./share.js";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

const style = document.createElement("style");
style.textContent = PICTURE_CSS;
document.head.append(style);

const examples = $<HTMLSelectElement>("examples");
EXAMPLES.forEach((e, i) => examples.append(new Option(e.name, String(i))));
const profiles = $<HTMLSelectElement>("profile");
Object.keys(PROFILES).forEach((p) => profiles.append(new Option(p, p)));
profiles.value = "generic";

let current: Inspection | undefined;
let running = false;
const RUN_HINT = $("run-result").textContent ?? "";

/** Whether two inspections describe the same call with the same shapes (a result shown still applies). */
const sameCall = (a: Inspection | undefined, b: Inspection | undefined) =>
  a?.equation === b?.equation && JSON.stringify(a?.runShapes) === JSON.stringify(b?.runShapes);
const language = new Language();
const editor: EditorView = createEditor($("editor"), (await codeFrom(location.hash)) ?? EXAMPLES[0]!.code, {
  language,
  profile: () => profiles.value as ProfileName,
  inspected: (inspection) => {
    const same = sameCall(current, inspection);
    current = inspection;
    show(inspection);
    if (!same && !running) $("run-result").textContent = RUN_HINT;
  },
  edited: () => {
    // a shared link carries the code as it was: once edited, the page's address no longer does
    if (location.hash.startsWith("#code=")) history.replaceState(null, "", location.pathname + location.search);
    $("share-link").textContent = "";
    $("share-status").textContent = "";
  },
});

function setCode(code: string): void {
  editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: code } });
}

examples.addEventListener("change", () => setCode(EXAMPLES[Number(examples.value)]!.code));
profiles.addEventListener("change", () => forceLinting(editor)); // checked again, planned for the new profile
window.addEventListener("hashchange", () => {
  void codeFrom(location.hash).then((code) => code !== undefined && setCode(code));
});

$("share").addEventListener("click", () => {
  void linkFor(editor.state.doc.toString(), location.href).then(async (link) => {
    history.replaceState(null, "", link);
    $("share-link").textContent = link;
    await navigator.clipboard?.writeText(link).catch(() => undefined);
    $("share-status").textContent =
      "The link to this code is in the address bar (and copied, where the browser allows).";
  });
});

$("run").addEventListener("click", () => void run());

/** The panels for the einsum under the cursor. */
function show(inspection: Inspection | undefined): void {
  const summary = $("summary");
  const plan = $("plan");
  const lint = $("lint");
  const wgsl = $("wgsl");
  $<HTMLButtonElement>("run").disabled = running || runnable(inspection) === undefined;
  if (inspection === undefined) {
    summary.textContent = 'No einsum in the code: write einsum("...", ...) with operands of known shapes.';
    plan.replaceChildren();
    lint.replaceChildren();
    wgsl.replaceChildren();
    return;
  }
  summary.textContent = summaryOf(inspection);
  plan.innerHTML = inspection.plan === undefined ? "" : planPicture(inspection.plan);
  if (inspection.explain !== undefined) {
    const details = document.createElement("details");
    details.innerHTML = "<summary>The plan as text</summary>";
    const pre = document.createElement("pre");
    pre.textContent = inspection.explain;
    details.append(pre);
    plan.append(details);
  }
  lint.replaceChildren(
    ...(inspection.risks ?? []).map((r) => Object.assign(document.createElement("li"), { textContent: r })),
  );
  if ((inspection.risks ?? []).length === 0 && inspection.plan !== undefined)
    lint.append(
      Object.assign(document.createElement("li"), { textContent: "einsight/risky-einsum: nothing to warn about." }),
    );
  wgsl.replaceChildren(
    ...(inspection.kernels ?? []).map((k, i) => {
      const details = document.createElement("details");
      details.open = i === 0;
      const title = document.createElement("summary");
      title.textContent = `${k.of}: step ${k.step + 1}, launch ${k.launch + 1} (${k.wgsl.split("\n").length} lines)`;
      const pre = document.createElement("pre");
      pre.textContent = k.wgsl;
      details.append(title, pre);
      return details;
    }),
  );
}

/** One sentence on the call: what it is, its shapes, and what the build makes of it. */
function summaryOf(inspection: Inspection): string {
  const equation =
    inspection.equation === undefined ? "an equation known only at run time" : `"${inspection.equation}"`;
  const shapes = inspection.shapes.map((s) => (s === undefined ? "?" : `[${s.map((n) => n ?? "number").join(", ")}]`));
  const call = `${inspection.fn}(${equation})${shapes.length === 0 ? "" : ` on ${shapes.join(", ")}`}`;
  const reason = inspection.reason ?? "";
  if (inspection.kind === "planned") return `${call}: compiled at build time.`;
  if (inspection.kind === "sized") return `${call}: compiled at build time, sizes read at run time: ${reason}`;
  return inspection.kind === "error"
    ? `${call}: ${reason}`
    : `${call}: ${reason} Run needs an einsum the build compiles.`;
}

/** The shapes a run uses (the build's: compiled calls only), or undefined where it cannot run. */
function runnable(inspection: Inspection | undefined): readonly (readonly number[])[] | undefined {
  return inspection?.equation === undefined ? undefined : inspection.runShapes;
}

async function run(): Promise<void> {
  const out = $("run-result");
  const shapes = runnable(current);
  if (current?.equation === undefined || shapes === undefined) return;
  if ((navigator as { gpu?: unknown }).gpu === undefined) {
    out.textContent =
      "This browser has no WebGPU (navigator.gpu): try a recent Chrome or Edge, or Firefox Nightly or Safari with WebGPU on.";
    return;
  }
  out.textContent = `Running ${current.fn}("${current.equation}")…`;
  running = true;
  $<HTMLButtonElement>("run").disabled = true;
  try {
    out.replaceChildren(report(current.equation, await runEinsum(current.equation, shapes, current.options)));
  } catch (e) {
    out.textContent = `The run failed: ${(e as Error).message ?? String(e)}`;
  } finally {
    running = false;
    $<HTMLButtonElement>("run").disabled = runnable(current) === undefined;
  }
}

function report(equation: string, r: RunReport): HTMLElement {
  const box = document.createElement("div");
  const check =
    "error" in r.check
      ? `largest relative difference from the CPU reference: ${r.check.error.toExponential(1)} (${r.check.error < 1e-3 ? "matches" : "DOES NOT MATCH"})`
      : `not checked on the CPU: ${r.check.skipped}`;
  const lines = [
    `einsum("${equation}") on ${r.adapter}`,
    `result [${r.shape.join(", ")}], first values ${r.first.map((v) => v.toFixed(4)).join(", ")}`,
    check,
  ];
  for (const line of lines) box.append(Object.assign(document.createElement("p"), { textContent: line }));
  const table = document.createElement("table");
  table.innerHTML =
    "<thead><tr><th scope=col>kernel</th><th scope=col>time per run</th><th scope=col>vs einsight</th></tr></thead>";
  const body = document.createElement("tbody");
  const mine = r.timings[0]?.ms;
  for (const t of r.timings) {
    const row = body.insertRow();
    row.insertCell().textContent = t.what;
    row.insertCell().textContent = t.ms === undefined ? (t.note ?? "did not run") : `${t.ms.toFixed(3)} ms`;
    row.insertCell().textContent = t.ms === undefined || mine === undefined ? "" : `${(t.ms / mine).toFixed(2)}x`;
  }
  table.append(body);
  box.append(table);
  box.dataset["check"] = "error" in r.check ? String(r.check.error) : "skipped";
  return box;
}

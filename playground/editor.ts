/**
 * The code editor: CodeMirror with TypeScript highlighting, and einsight's checks from the language
 * worker as you type (errors at their characters with einsight's sentences), completions (inside an
 * equation string: the equations the types allow) and hover (the plan, as einsight's tsserver
 * plugin shows it). Tab is left to the page, so keyboard users move between the editor and the rest.
 */
import { autocompletion, type CompletionContext, type CompletionResult } from "@codemirror/autocomplete";
import { javascript } from "@codemirror/lang-javascript";
import { linter, lintGutter, type Diagnostic } from "@codemirror/lint";
import { EditorView, hoverTooltip } from "@codemirror/view";
import { basicSetup } from "codemirror";
import type { ProfileName } from "../codegen/profile.js";
import type { Inspection, Question, Request, Response } from "./protocol.js";

/** The language worker behind a promise per request. */
export class Language {
  readonly #worker = new Worker(new URL("./language.worker.ts", import.meta.url), { type: "module" });
  readonly #waiting = new Map<number, (r: Response) => void>();
  #next = 0;

  constructor() {
    this.#worker.onmessage = (e: MessageEvent<Response>) => {
      this.#waiting.get(e.data.id)?.(e.data);
      this.#waiting.delete(e.data.id);
    };
  }

  ask(question: Question): Promise<Response> {
    const id = this.#next++;
    return new Promise((resolve) => {
      this.#waiting.set(id, resolve);
      this.#worker.postMessage({ ...question, id } satisfies Request);
    });
  }
}

export interface EditorHooks {
  readonly language: Language;
  readonly profile: () => ProfileName;
  /** Called after each check with the einsum under the cursor (or the file's first). */
  readonly inspected: (inspection: Inspection | undefined, code: string) => void;
  /** Called when the visitor changes the code. */
  readonly edited: () => void;
}

export function createEditor(parent: HTMLElement, code: string, hooks: EditorHooks): EditorView {
  const { language } = hooks;
  const inspect = async (view: EditorView) => {
    const code = view.state.doc.toString();
    const response = await language.ask({ kind: "inspect", pos: view.state.selection.main.head, code });
    hooks.inspected(response.inspection, code);
  };
  const check = linter(
    async (view): Promise<Diagnostic[]> => {
      const code = view.state.doc.toString();
      const response = await language.ask({ kind: "update", code, profile: hooks.profile() });
      void inspect(view);
      const end = view.state.doc.length;
      return (response.diagnostics ?? []).map((d) => ({
        from: Math.min(d.from, end),
        to: Math.min(d.to, end),
        severity: d.severity,
        message: d.message,
        source: "TypeScript + einsight",
      }));
    },
    { delay: 250 },
  );
  const complete = async (context: CompletionContext): Promise<CompletionResult | null> => {
    const response = await language.ask({ kind: "complete", pos: context.pos, code: context.state.doc.toString() });
    const found = response.completions;
    if (found === undefined || found.options.length === 0) return null;
    const inString = found.options.some((o) => o.type === "string");
    if (!context.explicit && !inString && context.matchBefore(/[\w$.]+$/) === null) return null;
    return {
      from: found.from,
      to: found.to,
      options: found.options.map((o) => ({
        label: o.label,
        type: o.type === "string" ? "text" : o.type,
        ...(o.from === undefined ? {} : { apply: applyAt(o.label, o.from, o.to!) }),
      })),
      validFor: inString ? /^[\w,.>\- ]*$/ : /^[\w$]*$/,
    };
  };
  const hover = hoverTooltip(async (view, pos) => {
    const response = await language.ask({ kind: "hover", pos, code: view.state.doc.toString() });
    const found = response.hover;
    if (found === undefined || found.text === "") return null;
    return {
      pos: found.from,
      end: found.to,
      above: true,
      create: () => {
        const dom = document.createElement("pre");
        dom.className = "hover";
        dom.textContent = found.text;
        return { dom };
      },
    };
  });
  return new EditorView({
    parent,
    doc: code,
    extensions: [
      basicSetup,
      EditorView.lineWrapping, // nothing hidden off the side, at a phone's width too
      javascript({ typescript: true }),
      check,
      lintGutter(),
      autocompletion({ override: [complete], activateOnTyping: true }),
      hover,
      EditorView.updateListener.of((update) => {
        if (update.docChanged && update.transactions.some((t) => t.isUserEvent("input") || t.isUserEvent("delete")))
          hooks.edited();
        if (update.selectionSet && !update.docChanged) void inspect(update.view);
      }),
      EditorView.contentAttributes.of({ "aria-label": "TypeScript code using einsight" }),
    ],
  });
}

/** A completion that replaces the characters TypeScript names (the string's contents, say). */
function applyAt(text: string, from: number, to: number) {
  return (view: EditorView) =>
    view.dispatch({ changes: { from, to, insert: text }, selection: { anchor: from + text.length } });
}

/** What the page and the language worker (language.worker.ts) say to each other. */
import type { Plan } from "../codegen/plan.js";
import type { ProfileName } from "../codegen/profile.js";

/** Every question carries the editor's code: the answer is about the code the visitor sees now. */
export type Question =
  | { readonly kind: "update"; readonly code: string; readonly profile?: ProfileName }
  | { readonly kind: "complete" | "hover" | "inspect"; readonly pos: number; readonly code: string };

export type Request = Question & { readonly id: number };

export interface Diagnostic {
  readonly from: number;
  readonly to: number;
  readonly message: string;
  readonly severity: "error" | "warning";
}

export interface Completions {
  readonly from: number;
  readonly to: number;
  readonly options: readonly { label: string; type: string; from?: number; to?: number }[];
}

/** What the build makes of the einsum under the cursor (the transformer's answer), for the panels. */
export interface Inspection {
  /** The call's characters in the file. */
  readonly from: number;
  readonly to: number;
  readonly kind: "planned" | "sized" | "runtime" | "error";
  /** Which of einsight's functions the call is. */
  readonly fn: string;
  readonly equation: string | undefined;
  /** Each operand's shape as the types know it (null: a size they leave `number`). */
  readonly shapes: readonly (readonly (number | null)[] | undefined)[];
  /** The shapes Run uses: the types' sizes, and for the sizes they leave `number` another operand's or 64. */
  readonly runShapes?: readonly (readonly number[])[];
  /** Why it is left to run time, or its error, or how its sizes are read at run time. */
  readonly reason?: string;
  readonly plan?: Plan;
  readonly explain?: string;
  /** Every kernel: the einsum's, then each operand's gradient einsum's (einsumWithBackward). */
  readonly kernels?: readonly { of: string; step: number; launch: number; wgsl: string }[];
  /** The plan options the call writes as literals, which Run passes too. */
  readonly options?: { readonly strategy: string | null; readonly memoryBudget: number | null };
  /** einsight/risky-einsum's warnings, as sentences. */
  readonly risks?: readonly string[];
}

export interface Response {
  readonly id: number;
  readonly diagnostics?: readonly Diagnostic[];
  readonly completions?: Completions | undefined;
  readonly hover?: { from: number; to: number; text: string } | undefined;
  readonly inspection?: Inspection | undefined;
  readonly failure?: string;
}

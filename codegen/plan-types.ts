/**
 * A plan as JSON: the einsum's operands and output, and its steps, each with the strategy that runs
 * it, its tiles, its cost and the alternatives that lost. codegen/plan makes one; the WGSL emitters
 * (codegen/wgsl) and the runtime read it.
 */
import type { Groups, Strided } from "./access.js";
import type { OperandLayout } from "./bind.js";
import type { Cost, Strategy } from "./cost.js";
import type { Dtype } from "./dtype.js";
import type { DeviceProfile, ProfileName } from "./profile.js";
import type { TileConfig } from "./tile-config.js";
import type { TileShape } from "./tiles.js";

export interface PlanOperand extends OperandLayout {
  readonly dtype?: Dtype;
}

export interface PlanOptions {
  /** Force one strategy on every step it can run (for comparisons); the others keep their best. */
  readonly strategy?: Strategy;
  /** Bytes of temporaries a step may allocate; strategies that need more lose. Default: unlimited. */
  readonly memoryBudget?: number;
  /** The device the costs are estimated for; default "generic". */
  readonly profile?: DeviceProfile | ProfileName;
  /**
   * Force the tiled kernels' tile (for tuning and comparisons): output sides `tm`, `tn` of 16, 32,
   * 64, 128 or 256 and slab depth `tk` of 8, 16, 32 or 64, each invocation loading whole elements. Default:
   * the profile's choice.
   */
  readonly tiles?: Partial<TileShape>;
  /**
   * Element strides of the output, in output-label order, when it is written into an existing
   * view (einsum's `out`); default contiguous. The view must not overlap itself.
   */
  readonly outputStrides?: readonly number[];
  /**
   * Element offset of that view in its buffer (default 0): whether it starts 16-byte aligned
   * decides whether the kernels may store it 16 bytes at a time. Plans are made for one answer
   * (the runtime's plan cache keys on it).
   */
  readonly outputOffset?: number;
  /** Add into the output instead of overwriting it (gradient accumulation). */
  readonly accumulate?: boolean;
  /**
   * Labels whose sizes are known only at run time (the sizes given for them are nominal, used for
   * the costs): their kernels read sizes and strides from params, so only `loop` and `direct`
   * without subgroup matrices can run them; 16-byte loads and stores are chosen at the nominal
   * sizes and checked per call (codegen/sized). Default: none.
   */
  readonly runtimeSizes?: readonly string[];
}

/** Where a step's input comes from: an operand of the einsum, or the result of an earlier step. */
export type InputRef = { readonly operand: number } | { readonly step: number };

/** A step's input: its labels and their element strides, and where it comes from. */
export interface StepInput extends Strided {
  readonly ref: InputRef;
}

export type StepKind = "contraction" | "outer" | "elementwise" | "reduce" | "transform";

export interface Alternative {
  readonly strategy: Strategy;
  readonly cost: Cost;
  readonly reason: string;
}

export interface PlanStep {
  readonly kind: StepKind;
  /** The step as an equation over the plan's labels (ellipsis dimensions are the digits 0, 1, ...). */
  readonly equation: string;
  readonly inputs: readonly StepInput[];
  /** Contiguous in `labels` order: the einsum's output for the last step, else an intermediate. */
  readonly output: {
    readonly labels: readonly string[];
    readonly shape: readonly number[];
    readonly strides: readonly number[];
  };
  readonly groups?: Groups;
  readonly strategy: Strategy;
  readonly tiles?: TileConfig;
  /** loop: invocations sharing each output's sum, where more than one (codegen/reduction). */
  readonly lanes?: number;
  /** ttgt: the inputs it copies into GEMM layout. */
  readonly copies?: readonly number[];
  readonly cost: Cost;
  readonly alternatives: readonly Alternative[];
  /** Earlier steps whose results are dead after this one. */
  readonly frees: readonly number[];
  readonly notes: readonly string[];
}

export interface Plan {
  readonly version: 1;
  readonly equation: string;
  /** The profile's name, "... with a tile table" when its tiles came from one (profileLabel). */
  readonly profile: string;
  readonly memoryBudget: number | null;
  readonly strategy: Strategy | null;
  readonly sizes: Readonly<Record<string, number>>;
  readonly operands: readonly {
    readonly shape: readonly number[];
    readonly strides: readonly number[];
    readonly dtype: Dtype;
  }[];
  /** The element type of every operand, intermediate and the output. */
  readonly dtype: Dtype;
  /**
   * `view`: written into a caller's view (`outputStrides` given), whose offset the plan knows only
   * as aligned or not (`outputOffset`); otherwise into a fresh buffer at offset 0. Kernels may store
   * either as vec4 where it starts aligned (`wideAccessHolds`).
   */
  readonly output: {
    readonly labels: readonly string[];
    readonly shape: readonly number[];
    readonly strides: readonly number[];
    readonly accumulate: boolean;
    readonly view?: boolean;
  };
  readonly steps: readonly PlanStep[];
  /**
   * Labels sized at run time (the `runtimeSizes` option): `sizes`, shapes, strides and costs are
   * nominal for them until codegen/sized fits the plan to the operands of a call.
   */
  readonly runtimeSizes?: readonly string[];
  readonly totals: Cost & {
    readonly peakTemporaryBytes: number;
    /**
     * Bytes a backward pass would have to keep alive beyond the operands themselves (which it
     * keeps as the views they are): the intermediates of a multi-step plan, and ttgt's copies.
     */
    readonly backwardKeepsBytes: number;
  };
}

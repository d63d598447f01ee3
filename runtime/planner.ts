/**
 * Where the planner plugs into the runtime: runtime/jit installs it (einsight and einsight/jit
 * import it; einsight/runtime does not, so a bundle of compiled einsums ships no planner), and
 * einsum() asks for it where a build-time plan does not serve.
 */
import type { CompiledEinsum } from "../codegen/compiled.js";
import type { launchArguments } from "../codegen/wgsl/step.js";
import type { Gpu } from "./device.js";
import type { EinsumOptions } from "./einsum-arguments.js";
import type { Tensor } from "./tensor.js";

/** One einsum() call as it is planned: its equation, its checked operands and options, and its `out` tensor if any. */
export interface EinsumCall {
  readonly equation: string;
  readonly tensors: readonly Tensor[];
  readonly options: EinsumOptions;
  readonly out: Tensor | undefined;
}

export interface Planner {
  /** The call's plan and kernels, made for this device now (cached by the planner). */
  readonly plan: (g: Gpu, call: EinsumCall) => CompiledEinsum;
  /** A compiled einsum sized at run time as it runs element by element (no 16-byte loads or stores). */
  readonly narrow: (compiled: CompiledEinsum) => CompiledEinsum["programs"];
  /** The equation in the planner's canonical spelling (as a plan's `equation`); throws where it is invalid. */
  readonly canonical: (equation: string) => string;
  /** Binds the operands to the equation: throws its binding error with the characters at fault. */
  readonly bind: (equation: string, operands: readonly Tensor[]) => void;
}

let planner: Planner | undefined;

/** Installs the planner (runtime/jit). */
export function usePlanner(p: Planner): void {
  planner = p;
}

/** The installed planner, if any. */
export function installedPlanner(): Planner | undefined {
  return planner;
}

/** What runs the plans sized at run time (runtime/sized installs it: einsight/sized). */
export interface SizedPlans {
  /**
   * A compiled einsum sized at run time as it runs for a call: fitted to the operands' sizes and
   * strides, with element-at-a-time kernels where the call breaks 16-byte access (`aligned`: whether
   * each operand's view starts 16-byte aligned, `outputAligned`: the `out` view's); or why it does not fit.
   */
  readonly fit: (
    call: EinsumCall,
    compiled: CompiledEinsum,
    aligned: readonly boolean[],
    outputAligned: boolean,
  ) => CompiledEinsum | string;
  /** A launch's workgroups and the params it reads at the fitted plan's sizes (codegen/wgsl/step). */
  readonly launch: typeof launchArguments;
}

let sizedPlans: SizedPlans | undefined;

/** Installs what runs plans sized at run time (runtime/sized). */
export function useSizedPlans(plans: SizedPlans): void {
  sizedPlans = plans;
}

/** What runs plans sized at run time, if installed. */
export function installedSizedPlans(): SizedPlans | undefined {
  return sizedPlans;
}

/**
 * The planner einsum() uses where no build-time plan fits a call (`import "einsight/jit"`; the
 * `einsight` entry imports it): plans made just in time and cached per device by equation, shapes,
 * strides and options. Importing this module installs it into runtime/einsum; einsight/runtime
 * alone leaves it, and with it the path search, the cost model and the WGSL emitters, out of a
 * bundle.
 */
import { bindShapes } from "../codegen/bind.js";
import { formatEquation, parseEquation } from "../codegen/equation.js";
import { check } from "../codegen/errors.js";
import { checkTileTable } from "../codegen/tiles.js";
import { startsAligned } from "../codegen/access.js";
import { planEinsum, type Plan, type PlanOptions } from "../codegen/plan.js";
import { sameDims } from "../codegen/views.js";
import { compileEinsum, compilePlan, withoutWideAccess, type CompiledEinsum } from "../codegen/compiled.js";
import { usePlanning, type Gpu } from "./device.js";
import { deviceProfile } from "./device-profile.js";
import type { Tensor } from "./tensor.js";
import { usable } from "./einsum.js";
import { usePlanner, type EinsumCall } from "./planner.js";
import "./sized.js"; // the planner's plans sized at run time are fitted to each call

/** Plans and kernels per device, by the canonical JSON of what determines them. Bounded: cleared when full. */
const compiledByGpu = new WeakMap<Gpu, Map<string, CompiledEinsum>>();
const CACHE_LIMIT = 512;
/** Per device and einsum layout: size sets met so far, then the plan sized at run time they share. */
const sizedByGpu = new WeakMap<Gpu, Map<string, number | CompiledEinsum>>();

function planJustInTime(g: Gpu, call: EinsumCall): CompiledEinsum {
  const { equation, tensors, options, out } = call;
  let cache = compiledByGpu.get(g);
  if (cache === undefined) compiledByGpu.set(g, (cache = new Map<string, CompiledEinsum>()));
  const key = layoutKey(call, (t) => [t.shape, t.strides]);
  const cached = cache.get(key);
  if (cached !== undefined) return cached;
  if (out !== undefined) {
    const shape = bindShapes(equation, tensors).output.shape;
    check(
      sameDims(out.shape, shape),
      "sizeMismatch",
      () =>
        `The 'out' tensor of einsum("${equation}") has shape [${out.shape.join(", ")}], but the result ` +
        `has shape [${shape.join(", ")}].`,
    );
  }
  const { out: _, compiled: __, ...planOptions } = options;
  const fullOptions: PlanOptions = {
    ...planOptions,
    profile: g.profile,
    ...(out === undefined ? {} : { outputStrides: out.strides, outputOffset: out.offset }),
  };
  // Planning is cheap and made for these sizes (path, strategies, memory budget); kernels are
  // what sizes can share.
  const plan = planEinsum(equation, tensors, fullOptions);
  g.notePlanMade();
  const compiled =
    sharedSizes(g, call, plan, fullOptions) ?? compilePlan(plan, g.limits.maxComputeWorkgroupsPerDimension);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, compiled);
  return compiled;
}

/**
 * After an einsum of one layout (equation, ranks, which strides are 0 or 1, options) has met
 * `g.sizedPlansAfter` size sets, it is planned once more with every size read at run time
 * (nominal sizes: this call's; codegen/sized), and a later call shares its kernels where it fits
 * and `plan`, the call's own plan, takes the same path with the same strategies (and subgroup
 * matrices or not): a program that meets many sizes compiles a bounded number of pipelines, and
 * each call still runs the path, strategies and memory its sizes call for. Undefined otherwise.
 * `planOptions`: the options `plan` was made with.
 */
function sharedSizes(g: Gpu, call: EinsumCall, plan: Plan, planOptions: PlanOptions): CompiledEinsum | undefined {
  const { equation, tensors } = call;
  const sizes = plan.sizes;
  let layouts = sizedByGpu.get(g);
  if (layouts === undefined) sizedByGpu.set(g, (layouts = new Map<string, number | CompiledEinsum>()));
  // Only the strides the kernels bake in (0 and 1) tell layouts apart; sizes and other strides may differ.
  const key = layoutKey(call, (t) => [t.strides.map((s) => (s === 0 || s === 1 ? s : 2))]);
  let entry = layouts.get(key) ?? 0;
  if (typeof entry === "number") {
    const labels = Object.keys(sizes);
    // Nominal sizes of 0 or 1 would plan for an edge case; the next call may serve instead.
    if (entry + 1 < g.sizedPlansAfter || labels.length === 0 || labels.some((l) => sizes[l]! < 2)) {
      layouts.set(key, entry + 1);
      return undefined;
    }
    entry = compileEinsum(
      equation,
      tensors,
      { ...planOptions, runtimeSizes: labels },
      g.limits.maxComputeWorkgroupsPerDimension,
    );
    g.notePlanMade();
    if (layouts.size >= CACHE_LIMIT) layouts.clear();
    layouts.set(key, entry);
  }
  if (planShape(entry.plan) !== planShape(plan)) return undefined;
  const fit = usable(call, entry);
  return typeof fit === "object" ? fit : undefined;
}

/**
 * The key of what determines an einsum's plan and kernels: the equation, the options, and per
 * operand (and `out`) its dtype, whether it starts 16-byte aligned, and `view`'s part of its layout.
 */
function layoutKey({ equation, tensors, options, out }: EinsumCall, view: (t: Tensor) => unknown[]): string {
  const layout = (t: Tensor) => [...view(t), t.dtype, startsAligned(t.offset, t.dtype)];
  return JSON.stringify([
    equation,
    tensors.map(layout),
    options.strategy ?? null,
    options.memoryBudget ?? null,
    options.tiles ?? null,
    out === undefined ? null : layout(out),
    options.accumulate === true,
  ]);
}

/**
 * A plan's path and kernels apart from sizes: each step's inputs, output labels, strategy and whether it multiplies
 * on subgroup matrices.
 */
function planShape(plan: Plan): string {
  return JSON.stringify(
    plan.steps.map((s) => [
      s.strategy,
      s.inputs.map((i) => [i.ref, i.labels]),
      s.output.labels,
      s.tiles?.matrix !== undefined,
    ]),
  );
}

/**
 * The kernels of each compiled einsum sized at run time without its 16-byte loads, made when a call first needs
 * them.
 */
const narrowByCompiled = new WeakMap<CompiledEinsum, CompiledEinsum["programs"]>();

function narrowPrograms(compiled: CompiledEinsum): CompiledEinsum["programs"] {
  const made = narrowByCompiled.get(compiled);
  if (made !== undefined) return made;
  const programs = compiled.narrow ?? compilePlan(withoutWideAccess(compiled.plan)).programs;
  narrowByCompiled.set(compiled, programs);
  return programs;
}

usePlanner({
  plan: planJustInTime,
  narrow: narrowPrograms,
  canonical: (equation) => formatEquation(parseEquation(equation)),
  bind: (equation, operands) => void bindShapes(equation, operands),
});
usePlanning({ profile: deviceProfile, checkTileTable });

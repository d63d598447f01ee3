/**
 * `einsum()`: plans just in time (cached per device by equation, shapes, strides and options),
 * binds operand views as they are, takes intermediates and scratch space as temporaries (counted
 * in `g.stats()`), queues every kernel, and returns the output tensor at once; `read()` awaits it.
 */
import { bindShapes } from "../codegen/bind.js";
import { formatEquation, parseEquation } from "../codegen/equation.js";
import { bindingWindow } from "../codegen/binding.js";
import { check } from "../codegen/errors.js";
import { startsAligned } from "../codegen/access.js";
import { DTYPE_BYTES } from "../codegen/dtype.js";
import {
  checkIndexRange,
  planEinsum,
  stepOutputBytes,
  wideAccessHolds,
  type Plan,
  type PlanOptions,
} from "../codegen/plan.js";
import { contiguousStrides, isContiguous, sameDims } from "../codegen/views.js";
import { launchArguments, type BufferRef } from "../codegen/wgsl/step.js";
import { checkCompiledSizes, fitCompiled, withoutWideAccess } from "../codegen/sized.js";
import { compileEinsum, compilePlan, type CompiledEinsum } from "../codegen/compiled.js";
import type { Gpu, Storage } from "./device.js";
import { Tensor } from "./tensor.js";
import { checkOut, einsumArguments, flushOwners, notifyWritten, type EinsumOptions } from "./einsum-arguments.js";

export type { EinsumOptions } from "./einsum-arguments.js";
import type { CheckEinsum, EinsumCompletions, EinsumOutput } from "./types/index.js";

/** Plans and kernels per device, by the canonical JSON of what determines them. Bounded: cleared when full. */
const compiledByGpu = new WeakMap<Gpu, Map<string, CompiledEinsum>>();
const CACHE_LIMIT = 512;
/** Per device and einsum layout: size sets met so far, then the plan sized at run time they share. */
const sizedByGpu = new WeakMap<Gpu, Map<string, number | CompiledEinsum>>();

/** The shapes of the tensors among einsum's arguments (a trailing options object is not one). */
export type OperandShapes<A extends readonly unknown[]> = A extends readonly [...infer T, infer Last]
  ? Last extends Tensor
    ? ShapesOf<A>
    : ShapesOf<T>
  : ShapesOf<A>;
type ShapesOf<T extends readonly unknown[]> = { -readonly [K in keyof T]: T[K] extends Tensor<infer S> ? S : never };

/**
 * Computes the einsum of `operands` on their GPU. Options may follow the operands:
 * `einsum("ij,jk->ik", a, b, { strategy: "split-k" })`. For a literal equation, tsc checks it
 * against the operands' shape types and infers the output shape (runtime/types).
 */
export function einsum<const E extends string, const A extends readonly (Tensor | EinsumOptions)[]>(
  equation: (E & CheckEinsum<E, OperandShapes<A>>) | NoInfer<EinsumCompletions<E, OperandShapes<A>>>,
  ...args: A
): Tensor<EinsumOutput<E, OperandShapes<A>>>;
export function einsum(equation: string, ...args: readonly (Tensor | EinsumOptions)[]): Tensor {
  const { operands: tensors, options } = einsumArguments(equation, args);
  const g = tensors[0]!.gpu;
  g.throwGpuError(); // what the GPU reported of this Gpu's earlier work, before more is queued
  const call: EinsumCall = { equation, tensors, options, out: checkOut(equation, options, tensors) };
  const compiled = compile(g, call);
  flushOwners([...tensors, call.out]);
  const result = g.batch(() => run(g, compiled, tensors, call.out));
  notifyWritten([call.out]);
  return result;
}

/** One einsum() call as it is planned: its equation, its checked operands and options, and its `out` tensor if any. */
interface EinsumCall {
  readonly equation: string;
  readonly tensors: readonly Tensor[];
  readonly options: EinsumOptions;
  readonly out: Tensor | undefined;
}

function compile(g: Gpu, call: EinsumCall): CompiledEinsum {
  const { equation, tensors, options, out } = call;
  let cache = compiledByGpu.get(g);
  if (cache === undefined) compiledByGpu.set(g, (cache = new Map<string, CompiledEinsum>()));
  const { out: _, compiled: precompiled, ...planOptions } = options;
  const built = precompiled === undefined ? undefined : usable(call, precompiled);
  if (built !== undefined) {
    checkLimits(g, built); // built without knowing this adapter's limits
    return built;
  }
  const key = layoutKey(call, (t) => [t.shape, t.strides]);
  let compiled = cache.get(key);
  if (compiled === undefined) {
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
    const fullOptions: PlanOptions = {
      ...planOptions,
      profile: g.profile,
      ...(out === undefined ? {} : { outputStrides: out.strides, outputOffset: out.offset }),
    };
    // Planning is cheap and made for these sizes (path, strategies, memory budget); kernels are
    // what sizes can share.
    const plan = planEinsum(equation, tensors, fullOptions);
    g.notePlanMade();
    compiled = sharedSizes(g, call, plan, fullOptions) ?? compilePlan(plan, g.limits.maxComputeWorkgroupsPerDimension);
    checkLimits(g, compiled);
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(key, compiled);
  }
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
  return usable(call, entry);
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
  const programs = compilePlan(withoutWideAccess(compiled.plan)).programs;
  narrowByCompiled.set(compiled, programs);
  return programs;
}

/** Compiled einsums whose equation was checked against a call's, by the equation text. */
const verifiedEquation = new WeakMap<CompiledEinsum, string>();

/**
 * A build-time compiled einsum, as it runs with these operands: the same sizes where the build knew
 * them (else an error naming the operand and dimension), the same strides (a plan sized at run
 * time: fitted to the operands' sizes), and the output it was compiled for (a fresh one, or an
 * `out` view with those strides and the same accumulate); undefined where it does not fit, and
 * the call is planned just in time instead.
 */
function usable({ equation, tensors, options, out }: EinsumCall, compiled: CompiledEinsum): CompiledEinsum | undefined {
  const accumulate = options.accumulate === true;
  // from user code: checked, not trusted
  const ops: unknown = (compiled as { plan?: { operands?: unknown } }).plan?.operands;
  check(
    Array.isArray(ops) && Array.isArray(compiled.programs) && ops.length === tensors.length,
    "compiledMismatch",
    () =>
      `The 'compiled' option of einsum("${equation}") is not a compiled einsum for its ` +
      `${tensors.length} operand(s); rebuild, or leave the option out.`,
  );
  if (verifiedEquation.get(compiled) !== equation) {
    const canonical = formatEquation(parseEquation(equation));
    check(
      compiled.plan.equation === canonical,
      "compiledMismatch",
      () =>
        `The 'compiled' option of einsum("${equation}") was compiled for "${compiled.plan.equation}"; ` +
        `rebuild, or leave the option out.`,
    );
    verifiedEquation.set(compiled, equation); // the call site passes the same pair every time: parse once
  }
  checkCompiledSizes(
    compiled.plan,
    tensors.map((t) => t.shape),
    `einsum("${equation}")`,
  );
  if ((compiled.plan.dtype ?? "f32") !== tensors[0]!.dtype) return undefined; // compiled for f32 (types carry no dtype)
  const aligned = tensors.map((t) => startsAligned(t.offset, t.dtype));
  const outputAligned = out === undefined || startsAligned(out.offset, out.dtype);
  if (compiled.plan.runtimeSizes !== undefined) {
    // Sized at run time: the kernels read every stride but 0s and 1s, so views whose 0s and 1s are the compiled
    // ones fit.
    if (out !== undefined && compiled.plan.output.accumulate !== accumulate) return undefined;
    const plan = fitCompiled(compiled.plan, tensors, out?.strides);
    if (plan === undefined || (out !== undefined && !sameDims(out.shape, plan.output.shape))) return undefined;
    // Its 16-byte loads and stores were chosen at nominal sizes: where this call's sizes or starts
    // break them, the same tiles go an element at a time (their kernels made once per compiled einsum).
    if (wideAccessHolds(plan, aligned, outputAligned)) return { plan, programs: compiled.programs };
    return { plan: withoutWideAccess(plan), programs: narrowPrograms(compiled) };
  }
  // Kernels that read (or store into an `out` view) 16 bytes at a time were compiled for aligned starts (offset 0):
  // a view may start elsewhere.
  if (!wideAccessHolds(compiled.plan, aligned, outputAligned)) return undefined;
  const output = compiled.plan.output;
  const layouts = compiled.plan.operands;
  const outputFits =
    out === undefined
      ? output.accumulate !== true && isContiguous({ shape: output.shape, strides: output.strides, offset: 0 })
      : output.view === true &&
        sameDims(out.shape, output.shape) &&
        sameDims(out.strides, output.strides) &&
        output.accumulate === accumulate;
  return outputFits && tensors.every((t, k) => sameDims(t.strides, layouts[k]!.strides)) ? compiled : undefined;
}

/**
 * Every result and scratch buffer is bound whole, so each must fit one binding, and each kernel's
 * tiles must fit the device's workgroup memory; checked before anything is allocated.
 */
function checkLimits(g: Gpu, { plan, programs }: CompiledEinsum): void {
  if (plan.runtimeSizes !== undefined) checkIndexRange(plan); // fitted to this call's sizes
  const limit = g.limits.maxStorageBufferBindingSize;
  plan.steps.forEach((step, i) => {
    const bytes = stepOutputBytes(step, plan.dtype);
    check(
      bytes <= limit,
      "bindingTooLarge",
      () =>
        `Step ${i + 1} of ${plan.equation} makes a result of shape [${step.output.shape.join(", ")}] ` +
        `(${bytes} bytes), more than this adapter's maxStorageBufferBindingSize of ${limit} bytes; split ` +
        `the einsum into smaller ones.`,
    );
    const scratch = step.cost.temporaryBytes;
    check(
      scratch <= limit,
      "bindingTooLarge",
      () =>
        `Step ${i + 1} of ${plan.equation} would use '${step.strategy}' with ${scratch} bytes of ` +
        `scratch, more than this adapter's maxStorageBufferBindingSize of ${limit} bytes; choose another ` +
        `strategy or a smaller memoryBudget.`,
    );
    const storage = g.limits.maxComputeWorkgroupStorageSize;
    const tileBytes = Math.max(0, ...programs[i]!.launches.map((l) => l.kernel.workgroupBytes ?? 0));
    check(
      tileBytes <= storage,
      "workgroupStorage",
      () =>
        `Step ${i + 1} of ${plan.equation} uses tiles needing ${tileBytes} bytes of workgroup memory, ` +
        `more than this device's maxComputeWorkgroupStorageSize of ${storage}; force smaller tiles (the ` +
        `'tiles' option: a smaller side or a shallower tk).`,
    );
  });
}

function run(g: Gpu, { plan, programs }: CompiledEinsum, operands: readonly Tensor[], out: Tensor | undefined): Tensor {
  const operandBindings = operands.map((t) => operandBinding(g, t)); // may refuse a view before anything is allocated
  const outBinding = out === undefined ? undefined : operandBinding(g, out, "The 'out' tensor");
  const results: Storage[] = [];
  let output: Storage | undefined;
  plan.steps.forEach((step, i) => {
    const isLast = i === plan.steps.length - 1;
    const result =
      isLast && out !== undefined
        ? out.storage
        : g.allocate(stepOutputBytes(step, plan.dtype), isLast ? "tensor" : "temporary");
    const resultBinding: InputBinding = isLast && outBinding !== undefined ? outBinding : { buffer: result, offset: 0 };
    const scratch = programs[i]!.scratch.map((b) => g.allocate(b, "temporary"));
    const inputs = step.inputs.map((input) =>
      "operand" in input.ref ? operandBindings[input.ref.operand]! : { buffer: results[input.ref.step]!, offset: 0 },
    );
    for (const launch of programs[i]!.launches) {
      const bound = launch.buffers.map((ref) => resolve(ref, inputs, resultBinding, scratch));
      // sizes left to run time go into params, and may make no work at all
      const { workgroups, params } = launchArguments(
        launch,
        step,
        plan.sizes,
        g.limits.maxComputeWorkgroupsPerDimension,
      );
      const kernel = workgroups === launch.kernel.workgroups ? launch.kernel : { ...launch.kernel, workgroups };
      if (workgroups[0] * workgroups[1] > 0)
        g.dispatch(
          kernel,
          bound.map((b) => b.binding),
          [...bound.map((b) => b.offset), ...params],
        );
    }
    scratch.forEach((s) => g.free(s));
    step.frees.forEach((f) => g.free(results[f]!));
    results.push(result);
    if (isLast) output = result;
  });
  return out ?? new Tensor(output!, plan.output.shape, contiguousStrides(plan.output.shape), 0, plan.dtype);
}

type Bound = { binding: GPUBufferBinding; offset: number };
type InputBinding = { buffer: Storage; offset: number; window?: { offset: number; size: number } };

/** An operand is bound through the aligned window its view touches; the kernel gets the rest of its offset. */
function operandBinding(g: Gpu, t: Tensor, what = "An operand"): InputBinding {
  const window = bindingWindow(t, DTYPE_BYTES[t.dtype], g.limits, what);
  if (window === undefined) return { buffer: t.storage, offset: 0 }; // empty view: never read
  return { buffer: t.storage, offset: window.view.offset, window: { offset: window.offset, size: window.size } };
}

function resolve(
  ref: BufferRef,
  inputs: readonly InputBinding[],
  result: InputBinding,
  scratch: readonly Storage[],
): Bound {
  const bound =
    "input" in ref ? inputs[ref.input]! : "output" in ref ? result : { buffer: scratch[ref.scratch]!, offset: 0 };
  return { binding: { buffer: bound.buffer.buffer, ...bound.window }, offset: bound.offset };
}

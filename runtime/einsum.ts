/**
 * `einsum()`: runs the call's build-time plan where it fits the operands, else the plan the planner
 * (runtime/jit, where installed) makes just in time; binds operand views as they are, takes
 * intermediates and scratch space as temporaries (counted in `g.stats()`), queues every kernel,
 * and returns the output tensor at once; `read()` awaits it.
 */
import { bindingWindow } from "../codegen/binding.js";
import { check } from "../codegen/errors.js";
import { startsAligned } from "../codegen/access.js";
import { DTYPE_BYTES } from "../codegen/dtype.js";
import { stepOutputBytes } from "../codegen/plan.js";
import { contiguousStrides, isContiguous, sameDims } from "../codegen/views.js";
import type { BufferRef } from "../codegen/wgsl/step.js";
import { checkCompiledSizes } from "../codegen/sized.js";
import { COMPILED_VERSION, type CompiledEinsum } from "../codegen/compiled.js";
import type { Gpu, Storage } from "./device.js";
import { Tensor } from "./tensor.js";
import { checkOut, einsumArguments, flushOwners, notifyWritten, type EinsumOptions } from "./einsum-arguments.js";
import { installedPlanner, installedSizedPlans, type EinsumCall } from "./planner.js";

export type { EinsumOptions } from "./einsum-arguments.js";
import type { CheckEinsum, EinsumCompletions, EinsumOutput } from "./types/index.js";

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

function compile(g: Gpu, call: EinsumCall): CompiledEinsum {
  const precompiled = call.options.compiled;
  const built = precompiled === undefined ? undefined : usable(call, precompiled);
  if (typeof built === "object") {
    checkLimits(g, built); // built without knowing this adapter's limits
    return built;
  }
  const planner = installedPlanner();
  check(planner !== undefined, "plannerMissing", () => {
    const why =
      built ??
      "it was not compiled at build time (the build ran without einsight's bundler plugin or " +
        "transformer, or the types do not know the equation or the operands' ranks)";
    return (
      `einsum("${call.equation}") needs a plan made at run time: ${why}. This program imports ` +
      `einsight/runtime, which only runs einsums compiled at build time; import "einsight/jit" once ` +
      `to add the planner, or import from "einsight".`
    );
  });
  const compiled = planner.plan(g, call);
  checkLimits(g, compiled);
  return compiled;
}

/** Compiled einsums whose equation was checked against a call's, by the equation text. */
const verifiedEquation = new WeakMap<CompiledEinsum, string>();

/**
 * A build-time compiled einsum, as it runs with these operands: the same sizes where the build knew
 * them (else an error naming the operand and dimension), the same strides (a plan sized at run
 * time: fitted to the operands' sizes), and the output it was compiled for (a fresh one, or an
 * `out` view with those strides and the same accumulate). Where it does not fit, why not (the call
 * is then planned just in time).
 */
export function usable(call: EinsumCall, given: CompiledEinsum): CompiledEinsum | string {
  const { equation, tensors, out } = call;
  const compiled = checkedCompiled(call, given);
  if (typeof compiled === "string") return compiled;
  if (verifiedEquation.get(given) !== equation) {
    // as the build spelled it, else as the planner (where installed) spells it
    const planner = installedPlanner();
    const same =
      equation === compiled.plan.equation ||
      equation === compiled.source ||
      (planner !== undefined && compiled.plan.equation === planner.canonical(equation));
    check(
      same,
      "compiledMismatch",
      () =>
        `The 'compiled' option of einsum("${equation}") was compiled for "${compiled.plan.equation}"; ` +
        (planner === undefined
          ? `einsight/runtime compares the equation as the build wrote it (it has no parser): rebuild, or ` +
            `import "einsight/jit" to compare equations however they are spelled.`
          : `rebuild, or leave the option out.`),
    );
    verifiedEquation.set(given, equation); // the call site passes the same pair every time: parse once
  }
  checkCompiledSizes(
    compiled,
    tensors.map((t) => t.shape),
    `einsum("${equation}")`,
  );
  const dtype = compiled.plan.dtype ?? "f32";
  const operandDtype = tensors[0]!.dtype;
  if (dtype !== operandDtype) return `the build compiled it for ${dtype} and the operands are ${operandDtype}`;
  const aligned = tensors.map((t) => startsAligned(t.offset, t.dtype));
  const outputAligned = out === undefined || startsAligned(out.offset, out.dtype);
  if (compiled.plan.runtimeSizes === undefined) return fixedFit(call, compiled, aligned, outputAligned);
  const sized = installedSizedPlans();
  return sized === undefined
    ? 'it was compiled for sizes read at run time, which einsight/sized fits to a call (import "einsight/sized": ' +
        "the build adds it beside such calls)"
    : sized.fit(call, compiled, aligned, outputAligned);
}

/** Compiled einsums found to be this einsight's (the call site passes the same object every time: checked once). */
const current = new WeakSet<CompiledEinsum>();

/**
 * The `compiled` option checked (it comes from user code): a compiled einsum of this einsight's
 * for as many operands as the call has, whole (`isWhole`, checked once per object); one another
 * einsight built is planned again (why, where it is not).
 */
function checkedCompiled({ equation, tensors }: EinsumCall, compiled: CompiledEinsum): CompiledEinsum | string {
  const c = compiled as Partial<CompiledEinsum> | null;
  const bad = () =>
    `The 'compiled' option of einsum("${equation}") is not a compiled einsum for its ` +
    `${tensors.length} operand(s); rebuild, or leave the option out.`;
  const operands: unknown = c?.plan?.operands;
  check(
    Array.isArray(operands) && operands.length === tensors.length && typeof c?.plan?.equation === "string",
    "compiledMismatch",
    bad,
  );
  if (current.has(compiled)) return compiled;
  const version: unknown = c.version;
  if (version !== COMPILED_VERSION)
    return typeof version === "number" && version > COMPILED_VERSION
      ? "a later einsight compiled it (update einsight, or rebuild)"
      : version === undefined || typeof version === "number"
        ? "an earlier einsight compiled it (rebuild)"
        : "its version is not one einsight writes (rebuild)";
  check(isWhole(compiled), "compiledMismatch", bad);
  current.add(compiled);
  return compiled;
}

const record = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null;
const list = (x: unknown): x is unknown[] => Array.isArray(x);
const numbers = (x: unknown, n?: number): x is number[] =>
  list(x) && (n === undefined || x.length === n) && x.every((v) => typeof v === "number");
const layout = (v: unknown): v is { shape: number[] } =>
  record(v) && numbers(v.shape) && numbers(v.strides, v.shape.length);
const labels = (l: unknown, n: number) => list(l) && l.length === n && l.every((x) => typeof x === "string");

/**
 * Whether a compiled einsum of this version has every part the runtime reads, of its type: each
 * operand's and the output's layout and labels, a start flag per operand, a program per step with
 * its scratch and launches, and kernels sized at run time only in a plan sized at run time.
 */
function isWhole(compiled: CompiledEinsum): boolean {
  const { plan, dims, aligned, programs } = compiled as unknown as Record<string, unknown> & {
    plan: Record<string, unknown>;
  };
  const ops = plan.operands as unknown[];
  const fixed = plan.runtimeSizes === undefined;
  const launch = (l: unknown) =>
    record(l) &&
    list(l.buffers) &&
    record(l.kernel) &&
    typeof l.kernel.code === "string" &&
    (!fixed ||
      (numbers(l.kernel.workgroups, 2) &&
        l.kernel.runtimeParams === undefined &&
        l.kernel.runtimeDispatch === undefined));
  const step = (s: unknown) =>
    record(s) && list(s.inputs) && list(s.frees) && record(s.output) && numbers(s.output.shape) && record(s.cost);
  return (
    ops.every(layout) &&
    layout(plan.output) &&
    record(dims) &&
    list(dims.inputs) &&
    ops.every((op, k) => labels((dims.inputs as unknown[])[k], op.shape.length)) &&
    labels(dims.output, plan.output.shape.length) &&
    record(aligned) &&
    list(aligned.operands) &&
    aligned.operands.length === ops.length &&
    list(plan.steps) &&
    plan.steps.every(step) &&
    list(programs) &&
    programs.length === plan.steps.length &&
    programs.every((p) => record(p) && numbers(p.scratch) && list(p.launches) && p.launches.every(launch))
  );
}

/** A plan for fixed sizes: the same strides, and an output laid out as it was compiled. */
function fixedFit(
  { tensors, options, out }: EinsumCall,
  compiled: CompiledEinsum,
  aligned: readonly boolean[],
  outputAligned: boolean,
): CompiledEinsum | string {
  // Kernels that read (or store into an `out` view) 16 bytes at a time were compiled for aligned starts (offset 0):
  // a view may start elsewhere.
  const need = compiled.aligned;
  if (!aligned.every((a, k) => a || !need.operands[k]) || !(outputAligned || !need.output))
    return "its kernels load 16 bytes at a time and a view starts off a 16-byte boundary";
  const output = compiled.plan.output;
  const layouts = compiled.plan.operands;
  const outputFits =
    out === undefined
      ? output.accumulate !== true && isContiguous({ shape: output.shape, strides: output.strides, offset: 0 })
      : output.view === true &&
        sameDims(out.shape, output.shape) &&
        sameDims(out.strides, output.strides) &&
        output.accumulate === (options.accumulate === true);
  if (!outputFits) return "the build compiled it for another output";
  const k = tensors.findIndex((t, k) => !sameDims(t.strides, layouts[k]!.strides));
  if (k < 0) return compiled;
  return (
    `operand ${k} is a view with strides [${tensors[k]!.strides.join(", ")}], and the build compiled it for ` +
    `[${layouts[k]!.strides.join(", ")}]`
  );
}

/**
 * Every result and scratch buffer is bound whole, so each must fit one binding, and each kernel's
 * tiles must fit the device's workgroup memory; checked before anything is allocated.
 */
function checkLimits(g: Gpu, { plan, programs }: CompiledEinsum): void {
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
  const outBinding = out === undefined ? undefined : operandBinding(g, out, "The 'out' tensor", out.storage);
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
      // a kernel sized at run time (fitted by runtime/sized) reads its sizes from params, and may make no work at all
      const sized = launch.kernel.runtimeParams !== undefined || launch.kernel.runtimeDispatch !== undefined;
      const { workgroups, params } = sized
        ? installedSizedPlans()!.launch(launch, step, plan.sizes, g.limits.maxComputeWorkgroupsPerDimension)
        : { workgroups: launch.kernel.workgroups, params: [] };
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
function operandBinding(g: Gpu, t: Tensor, what = "An operand", empty?: Storage): InputBinding {
  const window = bindingWindow(t, DTYPE_BYTES[t.dtype], g.limits, what);
  // An empty view is never read (nor written); an empty operand binds the Gpu's 16-byte buffer, which
  // read-only bindings may share (an empty `out` keeps its own: a written binding may not alias).
  if (window === undefined) return { buffer: empty ?? g.emptyStorage(), offset: 0 };
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

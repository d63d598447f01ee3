/**
 * `einsumWithBackward()`: an einsum and the function that takes its output's gradient to its
 * operands' gradients, each one more einsum planned by the same core (codegen/gradient). Backward
 * keeps the operands as the views they are, never a copy. A gradient goes either into a new tensor
 * shaped like the operand, or, when you pass one, is added in place into a gradient buffer laid out
 * like the operand's buffer: the gradient of a slice lands in the slice of its base's gradient, and
 * overlapping slices add up.
 */
import "./jit.js"; // its einsums are planned just in time
import { check } from "../codegen/errors.js";
import { gradientEinsum } from "../codegen/gradient.js";
import { contiguousStrides, sameDims } from "../codegen/views.js";
import { einsum, type OperandShapes } from "./einsum.js";
import { einsumArguments, flushOwners, notifyWritten, type EinsumOptions } from "./einsum-arguments.js";
import { Tensor, tensor, zeros } from "./tensor.js";
import type { CheckEinsum, EinsumCompletions, EinsumOutput } from "./types/index.js";

/**
 * Where each operand's gradient goes: `undefined` (or a short array) for a new tensor shaped like
 * the operand, a tensor over a buffer laid out like the operand's buffer to add into (for a view
 * `X.slice(...)`, a gradient of X's shape such as `zeros(g, X.shape)`), or `null` to skip it.
 */
export type GradientTargets = readonly (Tensor | null | undefined)[];

export interface EinsumWithBackward<Out extends readonly number[], Shapes extends readonly (readonly number[])[]> {
  readonly output: Tensor<Out>;
  /**
   * Queues the gradient einsums for `gradOutput` (shaped like the output) and returns one gradient
   * per operand: the tensor it went into, or null where skipped. Callable more than once.
   */
  readonly backward: (
    gradOutput: Tensor,
    into?: GradientTargets,
  ) => { -readonly [K in keyof Shapes]: Tensor<Shapes[K]> | null };
}

/**
 * `einsum()` with a backward function: `const { output, backward } = einsumWithBackward("ijk,ikl->jl", x, y)`,
 * then `backward(dOut)` for new gradients or `backward(dOut, [gX, gY])` to add into gX and gY.
 * Options are einsum's (except `out` and `accumulate`) and apply to the gradient einsums too.
 */
export function einsumWithBackward<const E extends string, const A extends readonly (Tensor | EinsumOptions)[]>(
  equation: (E & CheckEinsum<E, OperandShapes<A>>) | NoInfer<EinsumCompletions<E, OperandShapes<A>>>,
  ...args: A
): EinsumWithBackward<EinsumOutput<E, OperandShapes<A>>, OperandShapes<A>>;
export function einsumWithBackward(
  equation: string,
  ...args: readonly (Tensor | EinsumOptions)[]
): EinsumWithBackward<number[], number[][]> {
  const { operands, options } = einsumArguments(equation, args);
  check(
    operands.every((t) => t.dtype === "f32"),
    "unsupportedDtype",
    () => `einsumWithBackward("${equation}") computes gradients of f32 operands only; use einsum() for f16.`,
  );
  check(
    options.out === undefined && options.accumulate === undefined,
    "invalidOption",
    () =>
      `einsumWithBackward("${equation}") takes no 'out' or 'accumulate' option; backward's targets say ` +
      `where gradients go.`,
  );
  const output = einsum(equation, ...operands, options);
  const backward = (gradOutput: Tensor, into: GradientTargets = []) => {
    check(
      gradOutput instanceof Tensor && gradOutput.gpu === output.gpu,
      "invalidOperand",
      () => `backward() of einsum("${equation}") needs the output's gradient as a Tensor on the same GPU.`,
    );
    check(
      sameDims(gradOutput.shape, output.shape),
      "sizeMismatch",
      () =>
        `backward() of einsum("${equation}"): the output's gradient has shape ` +
        `[${gradOutput.shape.join(", ")}], but the output has shape [${output.shape.join(", ")}].`,
    );
    const list: unknown = into; // checked apart, so that `into` keeps its element type
    check(
      Array.isArray(list),
      "invalidOption",
      () =>
        `backward() of einsum("${equation}"): 'into' must be an array with one entry per operand (a ` +
        `tensor, undefined or null).`,
    );
    const call: BackwardCall = { equation, operands, options, gradOutput };
    flushOwners([gradOutput, ...(into as readonly (Tensor | null | undefined)[]).map((t) => t ?? undefined)]);
    const grads = output.gpu.batch(() => operands.map((_, k) => gradient(call, k, into[k])));
    notifyWritten(into);
    return grads;
  };
  return { output, backward } as EinsumWithBackward<number[], number[][]>;
}

/**
 * @internal Each operand's gradient of `einsum(equation, ...operands)` for the output's gradient
 * `gradOutput`, as new tensors, with no forward pass (an autograd that kept the operands, such as
 * tfjs's, calls it: runtime/tfjs).
 */
export function operandGradients(equation: string, operands: readonly Tensor[], gradOutput: Tensor): Tensor[] {
  const call: BackwardCall = { equation, operands, options: {}, gradOutput };
  flushOwners([gradOutput]);
  return gradOutput.gpu.batch(() => operands.map((_, k) => gradient(call, k, undefined)!));
}

/** One backward() call: the forward einsum's equation, operands and options, and the output's gradient. */
interface BackwardCall {
  readonly equation: string;
  readonly operands: readonly Tensor[];
  readonly options: EinsumOptions;
  readonly gradOutput: Tensor;
}

/** Queues operand `k`'s gradient einsum into `into` (see GradientTargets); returns where it went. */
function gradient(
  { equation, operands, options, gradOutput }: BackwardCall,
  k: number,
  into: Tensor | null | undefined,
): Tensor | null {
  if (into === null) return null;
  const operand = operands[k]!;
  const g = operand.gpu;
  check(
    into === undefined || into instanceof Tensor,
    "invalidOperand",
    () =>
      `backward() of einsum("${equation}"): the gradient target for operand ${k} is not a Tensor (pass ` +
      `a Tensor, undefined or null).`,
  );
  if (into !== undefined) {
    check(
      into.gpu === g && !into.destroyed,
      "invalidOperand",
      () =>
        `backward() of einsum("${equation}"): the gradient target for operand ${k} is destroyed or on ` +
        `another GPU.`,
    );
    check(
      into.storage.bytes >= operand.storage.bytes,
      "sizeMismatch",
      () =>
        `backward() of einsum("${equation}"): the gradient target for operand ${k} has a ` +
        `${into.storage.bytes}-byte buffer, smaller than the operand's ${operand.storage.bytes}-byte ` +
        `buffer; it must be laid out like the operand's buffer (e.g. zeros of its base's shape).`,
    );
    const j = operands.findIndex((t) => t.storage.buffer === into.storage.buffer);
    check(
      j < 0 && gradOutput.storage.buffer !== into.storage.buffer,
      "aliasedOutput",
      () =>
        `backward() of einsum("${equation}"): the gradient target for operand ${k} shares its buffer ` +
        `with ${j < 0 ? "the output's gradient" : `operand ${j}`}; give gradients buffers of their own.`,
    );
  }
  const target = into ?? zeros(g, operand.shape);
  if (operand.size === 0) return target; // an empty operand's gradient has no elements to compute
  // A fresh gradient is contiguous in the operand's shape; a given one is laid out like the operand's buffer.
  const [strides, offset] =
    into === undefined ? [contiguousStrides(operand.shape), 0] : [operand.strides, operand.offset];
  const derived = gradientEinsum(equation, operands, k, strides);
  // The forward's build-time plan is not this einsum's; its compiled gradient is (used where it fits:
  // sized at run time, a size of 1 may have dropped a label from the gradient einsum derived here).
  const { compiled, ...rest } = options;
  const built = compiled?.gradients?.[k];
  // from user code: checked, not trusted
  const builtFor: unknown = (built as { plan?: { equation?: unknown } } | undefined)?.plan?.equation;
  // (gradientEinsum writes its equations in formatEquation's canonical form, as plans store theirs)
  const gradientOptions: EinsumOptions =
    built === undefined || builtFor !== derived.equation ? rest : { ...rest, compiled: built };
  const ones = derived.inputs.some((i) => i.kind === "ones") ? tensor(g, [1], [1]) : undefined;
  const inputs = derived.inputs.map((input) => {
    if (input.kind === "gradOutput") return gradOutput;
    if (input.kind === "ones")
      return new Tensor(
        ones!.storage,
        input.shape,
        input.shape.map(() => 0),
        0,
      );
    const source = operands[input.index]!;
    return new Tensor(source.storage, input.shape, input.strides, source.offset);
  });
  einsum(derived.equation, ...inputs, {
    ...gradientOptions,
    out: new Tensor(target.storage, derived.target.shape, derived.target.strides, offset),
    accumulate: true,
  });
  ones?.destroy(); // queued work keeps the buffer until it is done
  return target;
}

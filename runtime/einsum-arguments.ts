/**
 * einsum()'s arguments: the operands and options split apart and checked (and the `out` tensor),
 * before anything is planned or queued.
 */
import type { CompiledEinsum } from "../codegen/compiled.js";
import { check } from "../codegen/errors.js";
import type { PlanOptions } from "../codegen/plan.js";
import { describeValue } from "./describe.js";
import { Tensor } from "./tensor.js";

export interface EinsumOptions extends Omit<PlanOptions, "profile" | "outputStrides"> {
  /**
   * Write the result into this tensor (any view of the output's shape that does not overlap itself
   * or share a buffer with an operand) instead of a new one; einsum returns it. With `accumulate`,
   * the result is added to what it holds.
   */
  readonly out?: Tensor;
  /**
   * A plan and kernels made at build time (the transformer passes it): used as is when the
   * operands have the shapes and strides it was compiled for; sizes the build left to run time
   * (`number` in a shape type) are read from the tensors. Different strides (views; the build
   * assumes contiguous operands) or an `out` are planned just in time; a size the build knew that
   * differs is an error naming the operand and dimension.
   */
  readonly compiled?: CompiledEinsum;
}

/** Splits einsum's arguments into operands and options, and checks the operands. */
export function einsumArguments(
  equation: string,
  args: readonly unknown[],
): { operands: readonly Tensor[]; options: EinsumOptions } {
  check(
    typeof equation === "string",
    "invalidEquation",
    () =>
      `einsum()'s first argument must be the equation string, e.g. "ij,jk->ik"; got ` + `${describeValue(equation)}.`,
  );
  const last: unknown = args[args.length - 1];
  const hasOptions = isPlainObject(last);
  const options = (hasOptions ? last : {}) as EinsumOptions;
  const operands = hasOptions ? args.slice(0, -1) : args;
  operands.forEach((op, k) =>
    check(
      op instanceof Tensor,
      "invalidOperand",
      () =>
        `Operand ${k} of einsum("${equation}") is ${describeValue(op)}, not a Tensor; make one with ` +
        `tensor(g, data, shape).`,
    ),
  );
  const tensors = operands as readonly Tensor[];
  check(
    tensors.length > 0,
    "operandCount",
    () => `einsum("${equation}") was given no operands; pass one tensor per comma-separated term.`,
  );
  const g = tensors[0]!.gpu;
  tensors.forEach((t, k) => {
    check(
      t.gpu === g,
      "mixedDevices",
      () =>
        `Operand ${k} of einsum("${equation}") lives on a different GPU than operand 0; make all ` +
        `operands with the same gpu().`,
    );
  });
  void g.device; // throws destroyedDevice (or deviceLost) before any tensor is said to be destroyed
  tensors.forEach((t, k) => {
    check(
      !t.destroyed,
      "destroyedTensor",
      () => `Operand ${k} of einsum("${equation}") (shape [${t.shape.join(", ")}]) was destroyed.`,
    );
  });
  return { operands: tensors, options };
}

/** The `out` tensor of the options, checked against the operands. */
export function checkOut(equation: string, options: EinsumOptions, operands: readonly Tensor[]): Tensor | undefined {
  const { out, accumulate } = options;
  check(
    accumulate === undefined || typeof accumulate === "boolean",
    "invalidOption",
    () => `accumulate must be true or false, got ${String(accumulate)}.`,
  );
  check(
    accumulate !== true || out !== undefined,
    "invalidOption",
    () => `einsum("${equation}") was asked to accumulate but given no 'out' tensor to add into.`,
  );
  if (out === undefined) return undefined;
  check(
    out instanceof Tensor,
    "invalidOperand",
    () => `The 'out' option of einsum("${equation}") is ${describeValue(out)}, not a Tensor.`,
  );
  check(
    out.gpu === operands[0]!.gpu,
    "mixedDevices",
    () => `The 'out' tensor of einsum("${equation}") lives on a different GPU than the operands.`,
  );
  check(
    !out.destroyed,
    "destroyedTensor",
    () => `The 'out' tensor of einsum("${equation}") (shape [${out.shape.join(", ")}]) was destroyed.`,
  );
  check(
    out.dtype === operands[0]!.dtype,
    "unsupportedDtype",
    () => `The 'out' tensor of einsum("${equation}") is ${out.dtype} but the operands are ` + `${operands[0]!.dtype}.`,
  );
  const k = operands.findIndex((t) => t.storage.buffer === out.storage.buffer); // one GPUBuffer, however many wrappers
  check(
    k < 0,
    "aliasedOutput",
    () =>
      `The 'out' tensor of einsum("${equation}") shares its buffer with operand ${k}; a kernel cannot ` +
      `read and write one buffer. Write into a separate tensor.`,
  );
  return out;
}

/**
 * Submits the work other libraries recorded on the buffers of `tensors` they own (`fromTfjs`), so
 * that einsight's submit that follows is queued after it.
 */
export function flushOwners(tensors: readonly (Tensor | undefined)[]): void {
  for (const t of tensors) {
    t?.storage.external?.flush?.();
    t?.storage.lentFlush?.();
  }
}

/** Tells the owners of the buffers einsight just wrote into (`out`, gradient targets) that their copies are stale. */
export function notifyWritten(tensors: readonly (Tensor | null | undefined)[]): void {
  for (const t of tensors) t?.storage.external?.written?.();
}

/** An object literal's kind of object (not a Tensor, an array or a class instance): einsum's options. */
export function isPlainObject(v: unknown): boolean {
  if (typeof v !== "object" || v === null) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

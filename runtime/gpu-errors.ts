/** Errors the GPU reports for a Gpu's work (asynchronously, through its error scopes) as EinsightErrors. */
import { EinsightError } from "../codegen/errors.js";

/**
 * The EinsightError for an error the GPU reported: a buffer of another device or a destroyed one
 * (which einsight cannot see before the GPU does, for buffers it did not make) said plainly.
 */
export function gpuErrorOf(message: string): EinsightError {
  if (/is associated with \[Device[^\]]*\], and cannot be used with \[Device/.test(message)) {
    return new EinsightError(
      "invalidBuffer",
      `A GPU buffer of another device was used: a buffer given to fromGpuBuffer() (or a tfjs tensor ` +
        `given to fromTfjs()) must come from this Gpu's device, g.device; make the other library use it ` +
        `(gpu({ device }) shares one the other way). The GPU said: ${message.trim()}`,
    );
  }
  if (/used in submit while destroyed/.test(message)) {
    return new EinsightError(
      "invalidBuffer",
      `A GPU buffer was destroyed while einsight still used it: a buffer given to fromGpuBuffer() (or ` +
        `lent to another library through gpuBuffer) must stay alive until the tensors over it are ` +
        `destroyed and their reads are done. The GPU said: ` +
        `${message.trim()}`,
    );
  }
  return new EinsightError(
    "gpuError",
    `The GPU reported an error that einsight did not prevent (please report it): ${message}`,
  );
}

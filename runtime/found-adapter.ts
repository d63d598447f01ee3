/**
 * What the two halves of finding an adapter share (runtime/adapter for browsers, and
 * runtime/node-adapter for Dawn in Node): the request, what is found, and the noAdapter error.
 */
import { EinsightError } from "../codegen/errors.js";

export interface AdapterRequest {
  /** Dawn toggles for Node, e.g. `enable-dawn-features=allow_unsafe_apis` (ignored in browsers). */
  readonly dawnOptions?: readonly string[];
  readonly powerPreference?: GPUPowerPreference;
}

export interface FoundAdapter {
  readonly adapter: GPUAdapter;
  /** The WGSL language features of the WebGPU implementation it came from (`GPU.wgslLanguageFeatures`). */
  readonly wgslFeatures: ReadonlySet<string>;
}

/** `GPU.wgslLanguageFeatures` as a set (empty where the implementation does not say). */
export function wgslFeaturesOf(gpu: GPU | undefined): ReadonlySet<string> {
  return new Set<string>((gpu as { wgslLanguageFeatures?: Iterable<string> } | undefined)?.wgslLanguageFeatures ?? []);
}

export function noAdapter(reason: string): EinsightError {
  return new EinsightError("noAdapter", `No WebGPU adapter. ${reason}`);
}

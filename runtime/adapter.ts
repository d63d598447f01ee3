/**
 * Finding a WebGPU adapter: `navigator.gpu` in a browser; in Node the npm package `webgpu` (Dawn),
 * on the machine's GPU when it has one, else on SwiftShader (a CPU Vulkan driver that Debian's
 * `chromium` package ships). No adapter at all is an error that says how to get one.
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

export async function requestAdapter(request: AdapterRequest = {}): Promise<FoundAdapter> {
  const browser = browserGpu();
  if (browser !== undefined) {
    const adapter = await browser.requestAdapter({ powerPreference: request.powerPreference });
    if (adapter !== null) return { adapter, wgslFeatures: wgslFeaturesOf(browser) };
    throw noAdapter("navigator.gpu returned no adapter. Enable WebGPU in this browser (Chromium: --enable-unsafe-webgpu; with no GPU also --enable-unsafe-swiftshader).");
  }
  // Loaded only in Node, so that browser bundles never see node:fs or the webgpu package.
  const { requestNodeAdapter } = await import("./node-adapter.js");
  return requestNodeAdapter(request);
}

/** `GPU.wgslLanguageFeatures` as a set (empty where the implementation does not say). */
export function wgslFeaturesOf(gpu: GPU | undefined): ReadonlySet<string> {
  return new Set<string>((gpu as { wgslLanguageFeatures?: Iterable<string> } | undefined)?.wgslLanguageFeatures ?? []);
}

/** The `navigator.gpu` of a browser (or a worker), undefined in Node. */
export function browserGpu(): GPU | undefined {
  return (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
}

/** A short human-readable name, e.g. "google swiftshader: SwiftShader driver 5.0.0 (software fallback)". */
export function describeAdapter(info: GPUAdapterInfo): string {
  const name = [info.vendor, info.architecture || info.device].filter((s) => s !== "").join(" ") || "unknown adapter";
  const description = info.description !== "" ? `: ${info.description}` : "";
  const fallback = (info as { isFallbackAdapter?: boolean }).isFallbackAdapter === true ? " (software fallback)" : "";
  return `${name}${description}${fallback}`;
}

export function noAdapter(reason: string): EinsightError {
  return new EinsightError("noAdapter", `No WebGPU adapter. ${reason}`);
}

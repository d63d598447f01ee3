/**
 * Finding a WebGPU adapter: `navigator.gpu` in a browser; in Node the npm package `webgpu` (Dawn),
 * on the machine's GPU when it has one, else on SwiftShader (a CPU Vulkan driver that Debian's
 * `chromium` package ships). No adapter at all is an error that says how to get one.
 */
import { noAdapter, wgslFeaturesOf, type AdapterRequest, type FoundAdapter } from "./found-adapter.js";

export async function requestAdapter(request: AdapterRequest = {}): Promise<FoundAdapter> {
  const browser = browserGpu();
  if (browser !== undefined) {
    const adapter = await browser.requestAdapter({ powerPreference: request.powerPreference });
    if (adapter !== null) return { adapter, wgslFeatures: wgslFeaturesOf(browser) };
    throw noAdapter(
      "navigator.gpu returned no adapter. Enable WebGPU in this browser (Chromium: " +
        "--enable-unsafe-webgpu; with no GPU also --enable-unsafe-swiftshader).",
    );
  }
  // Loaded only in Node, so that browser bundles never see node:fs or the webgpu package.
  const { requestNodeAdapter } = await import("./node-adapter.js");
  return requestNodeAdapter(request);
}

/**
 * The `navigator.gpu` of a browser (or a worker); undefined in Node, even where a program set one
 * (tfjs in Node wants `navigator.gpu` to exist): there einsight uses Dawn through `webgpu`.
 */
export function browserGpu(): GPU | undefined {
  if ((globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node !== undefined)
    return undefined;
  return (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
}

/** A short human-readable name, e.g. "google swiftshader: SwiftShader driver 5.0.0 (software fallback)". */
export function describeAdapter(info: GPUAdapterInfo): string {
  const name = [info.vendor, info.architecture || info.device].filter((s) => s !== "").join(" ") || "unknown adapter";
  const description = info.description !== "" ? `: ${info.description}` : "";
  const fallback = (info as { isFallbackAdapter?: boolean }).isFallbackAdapter === true ? " (software fallback)" : "";
  return `${name}${description}${fallback}`;
}

/**
 * Finding a WebGPU adapter: `navigator.gpu` in a browser; in Node the npm package `webgpu` (Dawn),
 * on the machine's GPU when it has one, else on SwiftShader (a CPU Vulkan driver that Debian's
 * `chromium` package ships), through runtime/node-adapter, which only the package's `node` entries
 * install: a bundle for the browser never reaches node:fs or the webgpu package. No adapter at all
 * is an error that says how to get one.
 */
import { noAdapter, wgslFeaturesOf, type AdapterRequest, type FoundAdapter } from "./found-adapter.js";

type AdapterFinder = (request: AdapterRequest) => Promise<FoundAdapter>;
let nodeAdapter: AdapterFinder | undefined;

/** Installs the adapter finder for Node (the package's `node` entries: runtime/*.node.ts). */
export function useNodeAdapter(find: AdapterFinder): void {
  nodeAdapter = find;
}

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
  if (nodeAdapter !== undefined) return nodeAdapter(request);
  if (inNode())
    throw noAdapter(
      "einsight runs in Node here through its browser entry (the 'browser' export condition, as under jsdom " +
        "or --conditions=browser) or from a file inside the package, so it has no Node adapter: " +
        'import "einsight/node" once to find a GPU through the webgpu package, or pass gpu({ device }) a ' +
        "GPUDevice of your own.",
    );
  throw noAdapter(
    "This JavaScript environment has no navigator.gpu: run in a browser with WebGPU, or pass gpu({ device }) " +
      "a GPUDevice of your own.",
  );
}

/**
 * The `navigator.gpu` of a browser (or a worker); undefined in Node, even where a program set one
 * (tfjs in Node wants `navigator.gpu` to exist): there einsight uses Dawn through `webgpu`.
 */
export function browserGpu(): GPU | undefined {
  if (inNode()) return undefined;
  return (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
}

function inNode(): boolean {
  return (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node !== undefined;
}

/** A short human-readable name, e.g. "google swiftshader: SwiftShader driver 5.0.0 (software fallback)". */
export function describeAdapter(info: GPUAdapterInfo): string {
  const name = [info.vendor, info.architecture || info.device].filter((s) => s !== "").join(" ") || "unknown adapter";
  const description = info.description !== "" ? `: ${info.description}` : "";
  const fallback = (info as { isFallbackAdapter?: boolean }).isFallbackAdapter === true ? " (software fallback)" : "";
  return `${name}${description}${fallback}`;
}

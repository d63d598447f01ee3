/**
 * Finding a WebGPU adapter: `navigator.gpu` in a browser; in Node the npm package `webgpu` (Dawn),
 * on the machine's GPU when it has one, else on SwiftShader (a CPU Vulkan driver that Debian's
 * `chromium` package ships). No adapter at all is an error that says how to get one.
 */
import { EinsightError } from "../codegen/errors.js";
export async function requestAdapter(request = {}) {
    const browserGpu = globalThis.navigator?.gpu;
    if (browserGpu !== undefined) {
        const adapter = await browserGpu.requestAdapter({ powerPreference: request.powerPreference });
        if (adapter !== null)
            return { adapter, release: () => undefined };
        throw noAdapter("navigator.gpu returned no adapter. Enable WebGPU in this browser (Chromium: --enable-unsafe-webgpu; with no GPU also --enable-unsafe-swiftshader).");
    }
    // Loaded only in Node, so that browser bundles never see node:fs or the webgpu package.
    const { requestNodeAdapter } = await import("./node-adapter.js");
    return requestNodeAdapter(request);
}
/** A short human-readable name, e.g. "google swiftshader: SwiftShader driver 5.0.0 (software fallback)". */
export function describeAdapter(info) {
    const name = [info.vendor, info.architecture || info.device].filter((s) => s !== "").join(" ") || "unknown adapter";
    const description = info.description !== "" ? `: ${info.description}` : "";
    const fallback = info.isFallbackAdapter === true ? " (software fallback)" : "";
    return `${name}${description}${fallback}`;
}
export function noAdapter(reason) {
    return new EinsightError("noAdapter", `No WebGPU adapter. ${reason}`);
}

/** The Node half of runtime/adapter: Dawn through the npm package `webgpu`, with SwiftShader as the fallback. */
import { existsSync, readdirSync } from "node:fs";
import { EinsightError } from "../codegen/errors.js";
import { noAdapter, type AdapterRequest } from "./adapter.js";

/** Where Debian's chromium package puts SwiftShader's Vulkan driver manifest. */
export const SWIFTSHADER_ICD = "/usr/lib/chromium/vk_swiftshader_icd.json";

export async function requestNodeAdapter(request: AdapterRequest): Promise<GPUAdapter> {
  const webgpu = await importWebgpu();
  const options = [...(request.dawnOptions ?? [])];
  const driverChosen = process.env["VK_ICD_FILENAMES"] !== undefined || process.env["VK_DRIVER_FILES"] !== undefined;
  // Ask the default drivers first only where a GPU device node exists: elsewhere Dawn would just
  // warn about an unusable software driver (Mesa's lavapipe) before SwiftShader is tried.
  if (driverChosen || hasGpuDevice() || !existsSync(SWIFTSHADER_ICD)) {
    const adapter = await webgpu.create(options).requestAdapter({ powerPreference: request.powerPreference });
    if (adapter !== null) return adapter;
  }
  if (!driverChosen && existsSync(SWIFTSHADER_ICD)) {
    process.env["VK_ICD_FILENAMES"] = SWIFTSHADER_ICD; // read by the Vulkan loader when Dawn starts it
    const adapter = await webgpu.create(options).requestAdapter();
    if (adapter !== null) return adapter;
  }
  throw noAdapter(
    "Dawn found no WebGPU adapter on this machine. With no GPU, install SwiftShader and the Vulkan loader " +
      `from Debian (as root: apt-get install -y chromium libvulkan1; einsight then uses ${SWIFTSHADER_ICD}). ` +
      "With a GPU, install its Vulkan driver, or point VK_ICD_FILENAMES at the driver's ICD manifest.",
  );
}

interface WebgpuModule {
  create(options: string[]): GPU;
}

async function importWebgpu(): Promise<WebgpuModule> {
  try {
    return (await import("webgpu")) as WebgpuModule;
  } catch (cause) {
    throw new EinsightError(
      "noAdapter",
      "WebGPU in Node needs the npm package 'webgpu' (Dawn): run npm install webgpu. Or pass a device you made yourself: gpu({ device }).",
      { cause },
    );
  }
}

function hasGpuDevice(): boolean {
  if (existsSync("/dev/nvidiactl")) return true;
  try {
    return readdirSync("/dev/dri").some((f) => f.startsWith("renderD"));
  } catch {
    return process.platform !== "linux"; // macOS and Windows: let Dawn look
  }
}

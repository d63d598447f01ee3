/** The Node half of runtime/adapter: Dawn through the npm package `webgpu`, with SwiftShader as the fallback. */
import { existsSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { EinsightError } from "../codegen/errors.js";
import { noAdapter, wgslFeaturesOf, type AdapterRequest, type FoundAdapter } from "./found-adapter.js";

/** Where Debian's chromium package puts SwiftShader's Vulkan driver manifest. */
export const SWIFTSHADER_ICD = "/usr/lib/chromium/vk_swiftshader_icd.json";

export async function requestNodeAdapter(request: AdapterRequest): Promise<FoundAdapter> {
  const webgpu = await importWebgpu();
  process.env["XDG_RUNTIME_DIR"] ??= tmpdir(); // the Vulkan loader complains on stderr without it
  const options = [...(request.dawnOptions ?? [])];
  const driverChosen = process.env["VK_ICD_FILENAMES"] !== undefined || process.env["VK_DRIVER_FILES"] !== undefined;
  // Ask the default drivers first only where a GPU device node exists: elsewhere Dawn would just
  // warn about an unusable software driver (Mesa's lavapipe) before SwiftShader is tried.
  if (driverChosen || hasGpuDevice() || !existsSync(SWIFTSHADER_ICD)) {
    const found = await adapterFrom(instanceFor(webgpu, options), { powerPreference: request.powerPreference });
    if (found !== undefined) return found;
  }
  if (!driverChosen && existsSync(SWIFTSHADER_ICD)) {
    process.env["VK_ICD_FILENAMES"] = SWIFTSHADER_ICD; // read by the Vulkan loader when Dawn starts an instance
    const found = await adapterFrom(instanceFor(webgpu, options), {});
    if (found !== undefined) return found;
  }
  throw noAdapter(
    "Dawn found no WebGPU adapter on this machine. With no GPU, install SwiftShader and the Vulkan loader " +
      `from Debian (as root: apt-get install -y chromium libvulkan1; einsight then uses ${SWIFTSHADER_ICD}). ` +
      "With a GPU, install its Vulkan driver, or point VK_ICD_FILENAMES at the driver's ICD manifest.",
  );
}

/**
 * Dawn instances, one per set of options and Vulkan driver, kept for the life of the process.
 * With webgpu 0.6.2 on SwiftShader, releasing an instance right after its last device is lost
 * (or collecting one while another instance or a device of it lives) crashes or hangs the process
 * at exit; a kept instance costs nothing idle and does not hold Node open.
 * test/gpu/lifecycle.test.ts runs these paths in child processes.
 */
const instances = new Map<string, GPU>();

function instanceFor(webgpu: WebgpuModule, options: string[]): GPU {
  const key = JSON.stringify([options, process.env["VK_ICD_FILENAMES"] ?? "", process.env["VK_DRIVER_FILES"] ?? ""]);
  let instance = instances.get(key);
  if (instance === undefined) {
    instance = webgpu.create(options);
    instances.set(key, instance);
  }
  return instance;
}

async function adapterFrom(instance: GPU, options: GPURequestAdapterOptions): Promise<FoundAdapter | undefined> {
  const adapter = await instance.requestAdapter(options);
  if (adapter === null) return undefined;
  return { adapter, wgslFeatures: wgslFeaturesOf(instance) };
}

interface WebgpuModule {
  create(options: string[]): GPU;
}

async function importWebgpu(): Promise<WebgpuModule> {
  try {
    return await import("webgpu");
  } catch (cause) {
    throw new EinsightError(
      "noAdapter",
      "WebGPU in Node needs the npm package 'webgpu' (Dawn): run npm install webgpu. Or pass a device " +
        "you made yourself: gpu({ device }).",
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

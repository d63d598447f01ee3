/**
 * Making and retiring the WebGPU devices behind `gpu()`: the features and limits einsight asks an
 * adapter for, what the adapter says of itself (the planner's device profile is read from it:
 * runtime/device-profile), and the one at a time teardown that Dawn on SwiftShader needs.
 */
import { EinsightError } from "../codegen/errors.js";
import { browserGpu, describeAdapter, requestAdapter } from "./adapter.js";
import { wgslFeaturesOf, type AdapterRequest } from "./found-adapter.js";

/** What an adapter says of itself: its info (unknown for a caller's device outside a browser) and its WGSL. */
export interface AdapterFacts {
  readonly info: GPUAdapterInfo | undefined;
  /** The WGSL language features of the WebGPU implementation it came from (`GPU.wgslLanguageFeatures`). */
  readonly wgslFeatures: ReadonlySet<string>;
}

/** A device and what einsight knows of it. */
export interface SetUpDevice {
  readonly device: GPUDevice;
  /** A short name of the adapter it came from. */
  readonly adapterName: string;
  readonly adapter: AdapterFacts;
}

export interface DeviceRequest extends AdapterRequest {
  /** Features to request; those the adapter lacks are skipped (default: OPTIONAL_FEATURES). */
  readonly features?: readonly GPUFeatureName[];
}

const OPTIONAL_FEATURES: readonly GPUFeatureName[] = [
  "shader-f16",
  "subgroups",
  "chromium-experimental-subgroup-matrix" as GPUFeatureName,
];

/** A new device from the best adapter found, once every device retired before it is gone. */
export async function createDevice(request: DeviceRequest): Promise<SetUpDevice> {
  await retiring;
  const { adapter, wgslFeatures } = await requestAdapter(request);
  const requiredFeatures = (request.features ?? OPTIONAL_FEATURES).filter((f) => adapter.features.has(f));
  let device: GPUDevice;
  try {
    device = await adapter.requestDevice({ requiredFeatures, requiredLimits: usefulLimits(adapter) });
  } catch (cause) {
    throw new EinsightError(
      "noAdapter",
      `The adapter ${describeAdapter(adapter.info)} refused to create a device: ${String(cause)}`,
      { cause },
    );
  }
  return { device, adapterName: describeAdapter(adapter.info), adapter: { info: adapter.info, wgslFeatures } };
}

/** A device the caller made, and what it says of the adapter it came from. */
export function givenDevice(device: GPUDevice): SetUpDevice {
  const info = (device as { adapterInfo?: GPUAdapterInfo }).adapterInfo;
  // A browser says which WGSL features it has; a device made in Node by the caller does not.
  const adapter = { info, wgslFeatures: wgslFeaturesOf(browserGpu()) };
  return { device, adapterName: info === undefined ? "device given by the caller" : describeAdapter(info), adapter };
}

/**
 * Devices are destroyed one at a time, each after the previous one is lost, and none is created
 * meanwhile: Dawn on SwiftShader aborts the process (std::system_error, futex assertions) when two
 * devices are torn down at once (measured with webgpu 0.6.2).
 */
let retiring: Promise<unknown> = Promise.resolve();

/** Destroys a device einsight created, after those retired before it. */
export function retireDevice(device: GPUDevice): void {
  retiring = retiring.then(async () => {
    device.destroy();
    await device.lost;
  });
}

/** The adapter's own maxima for the limits einsum kernels press against (the defaults are lower). */
function usefulLimits(adapter: GPUAdapter): Record<string, number> {
  const names = [
    "maxStorageBufferBindingSize",
    "maxBufferSize",
    "maxComputeWorkgroupStorageSize",
    "maxComputeInvocationsPerWorkgroup",
    "maxComputeWorkgroupSizeX",
    "maxComputeWorkgroupSizeY",
    "maxStorageBuffersPerShaderStage",
  ] as const;
  return Object.fromEntries(names.map((n) => [n, adapter.limits[n]]));
}

/**
 * Making and retiring the WebGPU devices behind `gpu()`: the features and limits einsight asks an
 * adapter for, the device profile the planner reads from what the adapter says, and the one at a
 * time teardown that Dawn on SwiftShader needs.
 */
import { EinsightError } from "../codegen/errors.js";
import { PROFILES, profileForAdapter, type DeviceProfile } from "../codegen/profile.js";
import { browserGpu, describeAdapter, requestAdapter } from "./adapter.js";
import { wgslFeaturesOf, type AdapterRequest } from "./found-adapter.js";

/** A device and what einsight knows of it. */
export interface SetUpDevice {
  readonly device: GPUDevice;
  /** A short name of the adapter it came from. */
  readonly adapterName: string;
  readonly profile: DeviceProfile;
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
  return {
    device,
    adapterName: describeAdapter(adapter.info),
    profile: deviceProfile(device, adapter.info, wgslFeatures),
  };
}

/** A device the caller made: its profile where it says which adapter it came from, else the generic one. */
export function givenDevice(device: GPUDevice): SetUpDevice {
  const info = (device as { adapterInfo?: GPUAdapterInfo }).adapterInfo;
  if (info === undefined) return { device, adapterName: "device given by the caller", profile: PROFILES.generic };
  // A browser says which WGSL features it has; a device made in Node by the caller does not.
  return {
    device,
    adapterName: describeAdapter(info),
    profile: deviceProfile(device, info, wgslFeaturesOf(browserGpu())),
  };
}

interface SubgroupMatrixConfig {
  readonly componentType: string;
  readonly resultComponentType: string;
  readonly M: number;
  readonly N: number;
  readonly K: number;
}

/**
 * The adapter's profile, with whether its WGSL has buffer views, and the subgroup-matrix shape f16
 * steps multiply on where the device has the feature, an f16 x f16 -> f32 configuration, and
 * subgroups of exactly 32 invocations (the kernel lays 8 subgroups over a 256-invocation workgroup).
 */
function deviceProfile(device: GPUDevice, info: GPUAdapterInfo, wgslFeatures: ReadonlySet<string>): DeviceProfile {
  const known = profileForAdapter(info);
  const profile = wgslFeatures.has("buffer_view") ? { ...known, bufferViews: true } : known;
  const details = info as {
    subgroupMinSize?: number;
    subgroupMaxSize?: number;
    subgroupMatrixConfigs?: Iterable<SubgroupMatrixConfig>;
  };
  if (!device.features.has("shader-f16") || !device.features.has("chromium-experimental-subgroup-matrix"))
    return profile;
  if (details.subgroupMinSize !== 32 || details.subgroupMaxSize !== 32) return profile;
  const configs = [...(details.subgroupMatrixConfigs ?? [])].filter(
    (c) =>
      c.componentType === "f16" &&
      c.resultComponentType === "f32" &&
      [8, 16].includes(c.M) &&
      [8, 16].includes(c.N) &&
      [8, 16].includes(c.K),
  );
  const best = configs.sort((x, y) => y.M * y.N * y.K - x.M * x.N * x.K)[0];
  return best === undefined ? profile : { ...profile, subgroupMatrix: { m: best.M, n: best.N, k: best.K } };
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

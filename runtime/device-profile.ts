/**
 * The device profile the planner plans for (codegen/profile), read from what the adapter says of
 * itself: the known profile of its vendor and architecture, whether its WGSL has buffer views, and
 * the subgroup-matrix shape f16 steps multiply on. The planner's (runtime/jit installs it):
 * einsums compiled at build time carry the profile they were planned for.
 */
import { PROFILES, profileForAdapter, type DeviceProfile } from "../codegen/profile.js";
import type { AdapterFacts } from "./device-setup.js";

interface SubgroupMatrixConfig {
  readonly componentType: string;
  readonly resultComponentType: string;
  readonly M: number;
  readonly N: number;
  readonly K: number;
}

/**
 * The generic profile where the adapter is unknown (a device the caller made outside a browser);
 * else its profile, with buffer views where its WGSL has them, and an f16 x f16 -> f32
 * subgroup-matrix configuration where the device has the feature (`features`: the device's) and subgroups of exactly 32
 * invocations (the kernel lays 8 subgroups over a 256-invocation workgroup).
 */
export function deviceProfile(features: GPUSupportedFeatures, { info, wgslFeatures }: AdapterFacts): DeviceProfile {
  if (info === undefined) return PROFILES.generic;
  const known = profileForAdapter(info);
  const profile = wgslFeatures.has("buffer_view") ? { ...known, bufferViews: true } : known;
  const details = info as {
    subgroupMinSize?: number;
    subgroupMaxSize?: number;
    subgroupMatrixConfigs?: Iterable<SubgroupMatrixConfig>;
  };
  if (!features.has("shader-f16") || !features.has("chromium-experimental-subgroup-matrix")) return profile;
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

/**
 * Device profiles: the few numbers the cost model needs about a GPU. A plan is deterministic for
 * the same input and profile. The figures are estimates to rank strategies, not promises; the
 * benchmark suite measures the real ones (bench/RESULTS.md).
 */
export const PROFILES = {
    /** An H100-class GPU through Dawn: 132 SMs; fp32 a tiled WGSL kernel reaches (shared/device notes: 17.7 untuned, 51.4 cuBLAS). */
    "nvidia-h100": { name: "nvidia-h100", flopsPerSecond: 30e12, bytesPerSecond: 3.0e12, launchSeconds: 8e-6, parallelWorkgroups: 264, loopEfficiency: 0.1, maxTile: 128 },
    /** A mid-range discrete or integrated GPU; the default when the adapter is not recognized. */
    generic: { name: "generic", flopsPerSecond: 4e12, bytesPerSecond: 400e9, launchSeconds: 10e-6, parallelWorkgroups: 64, loopEfficiency: 0.1, maxTile: 64 },
    /**
     * SwiftShader, Vulkan on the CPU (a 2-core machine here). Measured by the small benchmark preset:
     * direct 0.3-0.5 GFLOP/s, the loop kernel about half of that (bench/RESULTS.md).
     */
    swiftshader: { name: "swiftshader", flopsPerSecond: 0.5e9, bytesPerSecond: 4e9, launchSeconds: 50e-6, parallelWorkgroups: 2, loopEfficiency: 0.5, maxTile: 64 },
};
/** The profile for an adapter, from what `GPUAdapterInfo` says about it. */
export function profileForAdapter(info) {
    const text = `${info.vendor} ${info.architecture} ${info.device} ${info.description}`.toLowerCase();
    if (text.includes("swiftshader"))
        return PROFILES.swiftshader;
    if (text.includes("h100") || text.includes("h200") || text.includes("hopper"))
        return PROFILES["nvidia-h100"];
    return PROFILES.generic;
}

/**
 * The main job, for now: the motivating contraction's operand x = X[3:11] as a view (no copy), how
 * einsight binds "ijk,ikl->jl" to it, and a generated kernel run on WebGPU that materializes a
 * strided view, checked against the CPU. Run with `npm start`.
 */
import { bindShapes, classifyLabels } from "../codegen/index.js";
import { gpu, tensor } from "../runtime/index.js";

const MiB = 1 << 20;
const g = await gpu();
console.log(`WebGPU adapter: ${g.adapterName}`);

// X (16, 64, 32) and Y (8, 32, 24): small stand-ins for the seed's (16, 16384, 2048) and (8, 2048, 1024).
const values = (n: number, seed: number) => Float32Array.from({ length: n }, (_, i) => ((i * 2654435761 + seed) % 1000) / 1000 - 0.5);
const X = tensor(g, values(16 * 64 * 32, 1), [16, 64, 32]);
const Y = tensor(g, values(8 * 32 * 24, 2), [8, 32, 24]);
const before = g.stats();
const x = X.slice(0, 3, 11); // a view: same buffer, offset 3 * 64 * 32
console.log(`x = X.slice(0, 3, 11): ${x.toString()}; bytes allocated for it: ${g.stats().allocatedBytes - before.allocatedBytes}`);

const binding = bindShapes("ijk,ikl->jl", [x, Y]);
const [left, right] = binding.operands;
console.log(`\n"ijk,ikl->jl" bound to x and Y: sizes ${JSON.stringify(binding.sizes)}, output [${binding.output.shape.join(", ")}]`);
console.log(`  x strides per label ${JSON.stringify(Object.fromEntries(left!.labels.map((l, k) => [l, left!.strides[k]])))}, offset ${left!.offset}`);
console.log(`  Y strides per label ${JSON.stringify(Object.fromEntries(right!.labels.map((l, k) => [l, right!.strides[k]])))}`);
console.log(`  label classes ${JSON.stringify(classifyLabels(left!.labels, right!.labels, binding.output.labels))}`);

// The first generated kernel: materialize a strided view (x with j and k swapped) on the GPU.
const view = x.transpose(1, 2);
const copy = view.contiguous();
const gpuValues = await copy.read();
const cpuValues = await view.read(); // read() gathers the view on the CPU from the buffer's bytes
const mismatches = gpuValues.filter((v, i) => v !== cpuValues[i]).length;
console.log(`\nx.transpose(1, 2).contiguous(): ${copy.toString()}`);
console.log(`  first values ${[...gpuValues.slice(0, 4)].map((v) => v.toFixed(3)).join(", ")}; ${mismatches} of ${gpuValues.length} differ from the CPU`);
const s = g.stats();
console.log(`  stats: ${(s.allocatedBytes / MiB).toFixed(2)} MiB allocated, peak ${(s.peakBytes / MiB).toFixed(2)} MiB, ${s.temporaryBytes} temporary bytes, ${s.pipelinesCompiled} pipeline(s), ${s.dispatches} dispatch(es)`);
g.destroy();
if (mismatches > 0) process.exitCode = 1;

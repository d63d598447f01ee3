import { contiguousStrides, elementCount } from "../views.js";
import { emitCopyKernel } from "./copy.js";
import { emitDirectKernel } from "./direct.js";
import { emitLoopKernel } from "./loop.js";
const F32 = 4;
/** The label split-k gives its slice index in the partial buffer (never a user label). */
const SLICE = "*";
export function emitStep(plan, index, maxWorkgroupsPerDimension) {
    const step = plan.steps[index];
    // Only the last step writes the einsum's output, which may be a view to add into.
    const accumulate = index === plan.steps.length - 1 && plan.output.accumulate;
    // The title names no user label, so that the same contraction under other letters shares a pipeline.
    const title = `${step.kind} step, ${step.strategy}`;
    const launch = (kernel, buffers) => (kernel === undefined ? [] : [{ kernel, buffers }]);
    const inputs = step.inputs.map((_, i) => ({ input: i }));
    const out = { output: true };
    const outStrides = { labels: step.output.labels, strides: step.output.strides };
    switch (step.strategy) {
        case "loop":
            return { scratch: [], launches: launch(emitLoopKernel({ inputs: step.inputs, output: step.output.labels, outStrides: step.output.strides, accumulate, sizes: plan.sizes, title }, maxWorkgroupsPerDimension), [...inputs, out]) };
        case "direct":
            return { scratch: [], launches: launch(direct(plan, step, step.inputs[0], step.inputs[1], outStrides, title, maxWorkgroupsPerDimension, accumulate), [...inputs, out]) };
        case "split-k":
            return splitK(plan, step, title, maxWorkgroupsPerDimension, accumulate);
        case "ttgt":
            return ttgt(plan, step, title, maxWorkgroupsPerDimension, accumulate);
    }
}
function direct(plan, step, a, b, out, title, maxWg, accumulate, splitStride) {
    return emitDirectKernel({ a, b, out, groups: step.groups, sizes: plan.sizes, tiles: step.tiles, title, accumulate, ...(splitStride === undefined ? {} : { splitStride }) }, maxWg);
}
/** Partial products of each k slice into scratch [slice, ...output], then a loop kernel sums the slices. */
function splitK(plan, step, title, maxWg, accumulate) {
    const count = elementCount(step.output.shape);
    const slices = step.tiles.splits;
    // Partials are contiguous [slice, ...output] whatever view the output is written into.
    const packed = contiguousStrides(step.output.shape);
    const partial = { labels: step.output.labels, strides: packed };
    const gemm = direct(plan, step, step.inputs[0], step.inputs[1], partial, title, maxWg, false, count);
    const sum = emitLoopKernel({ inputs: [{ labels: [SLICE, ...step.output.labels], strides: [count, ...packed] }], output: step.output.labels, outStrides: step.output.strides, accumulate, sizes: { ...plan.sizes, [SLICE]: slices }, title: `${title}: sum of the ${slices} k slices` }, maxWg);
    const launches = [...(gemm === undefined ? [] : [{ kernel: gemm, buffers: [{ input: 0 }, { input: 1 }, { scratch: 0 }] }]), ...(sum === undefined ? [] : [{ kernel: sum, buffers: [{ scratch: 0 }, { output: true }] }])];
    return { scratch: [slices * count * F32], launches };
}
/** torch's way: copy each input that is not already [batch, m, k] / [batch, k, n] contiguous, then GEMM. */
function ttgt(plan, step, title, maxWg, accumulate) {
    const g = step.groups;
    const orders = [[...g.batch, ...g.m, ...g.k], [...g.batch, ...g.k, ...g.n]];
    const scratch = [];
    const launches = [];
    const gemmInputs = step.inputs.map((input, i) => {
        if (!step.copies.includes(i))
            return { operand: input, buffer: { input: i } };
        const order = orders[i];
        const shape = order.map((l) => plan.sizes[l]);
        const copy = emitCopyKernel({ shape, strides: order.map((l) => strideOf(input, l)) }, maxWg);
        scratch.push(elementCount(shape) * F32);
        const buffer = { scratch: scratch.length - 1 };
        if (copy !== undefined)
            launches.push({ kernel: copy, buffers: [{ input: i }, buffer] });
        return { operand: { labels: order, strides: contiguousStrides(shape) }, buffer };
    });
    const gemm = direct(plan, step, gemmInputs[0].operand, gemmInputs[1].operand, { labels: step.output.labels, strides: step.output.strides }, title, maxWg, accumulate);
    if (gemm !== undefined)
        launches.push({ kernel: gemm, buffers: [gemmInputs[0].buffer, gemmInputs[1].buffer, { output: true }] });
    return { scratch, launches };
}
function strideOf(input, label) {
    const i = input.labels.indexOf(label);
    return i < 0 ? 0 : input.strides[i];
}

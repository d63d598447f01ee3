/**
 * The planner: from an equation and operand layouts to a Plan, plain JSON and deterministic for the
 * same input. Several operands are contracted pairwise (codegen/path picks the order); each step
 * gets the strategy the cost model rates fastest within the memory budget, and keeps every losing
 * alternative with the reason it lost.
 */
import { bindShapes, classifyLabels } from "./bind.js";
import { costPair, costSingle, STRATEGIES, TILE_DEPTHS, TILE_SIDES } from "./cost.js";
import { parseEquation, formatEquation } from "./equation.js";
import { check, EinsightError } from "./errors.js";
import { choosePairs } from "./path.js";
import { PROFILES } from "./profile.js";
import { contiguousStrides, elementCount, mayOverlap } from "./views.js";
const F32 = 4;
/**
 * A strategy that allocates temporaries must be estimated at least this much faster than the best
 * one that allocates none: einsight does not spend hidden memory for a marginal gain.
 */
export const TEMPORARY_SPEEDUP = 1.25;
export function planEinsum(equation, operands, options = {}) {
    const eq = typeof equation === "string" ? parseEquation(equation) : equation;
    const binding = bindShapes(eq, operands);
    checkOptions(options, operands);
    const profile = resolveProfile(options.profile);
    const budget = options.memoryBudget ?? Infinity;
    const items = binding.operands.map((op, k) => ({ ref: { operand: k }, labels: op.labels, strides: op.strides }));
    const steps = [];
    const sizes = binding.sizes;
    const outLabels = binding.output.labels;
    if (items.length === 1) {
        steps.push(singleStep(items[0], outLabels, sizes, profile, options.strategy));
    }
    else {
        for (const pair of choosePairs(items.map((i) => i.labels), outLabels, sizes, budget)) {
            const step = pairStep(items[pair.left], items[pair.right], pair.keep, pair.last ? outLabels : undefined, sizes, profile, options, budget);
            steps.push(step);
            items.splice(pair.right, 1);
            items[pair.left] = { ref: { step: steps.length - 1 }, labels: step.output.labels, strides: step.output.strides };
        }
    }
    const outputStrides = options.outputStrides ?? contiguousStrides(binding.output.shape);
    checkOutputStrides(outputStrides, binding.output.shape);
    const last = steps[steps.length - 1];
    steps[steps.length - 1] = { ...last, output: { ...last.output, strides: [...outputStrides] } };
    return {
        version: 1,
        equation: formatEquation(eq),
        profile: profile.name,
        memoryBudget: options.memoryBudget ?? null,
        strategy: options.strategy ?? null,
        sizes,
        operands: operands.map((op) => ({ shape: [...op.shape], strides: [...(op.strides ?? contiguousStrides(op.shape))], dtype: op.dtype ?? "f32" })),
        output: { ...binding.output, strides: [...outputStrides], accumulate: options.accumulate === true },
        steps,
        totals: totals(steps),
    };
}
/** The bytes of GPU memory a step's result takes (an intermediate, or the output). */
export function stepOutputBytes(step) {
    return elementCount(step.output.shape) * F32;
}
function checkOptions(options, operands) {
    const { strategy, memoryBudget } = options;
    check(strategy === undefined || STRATEGIES.includes(strategy), "invalidOption", () => `Unknown strategy '${String(strategy)}'; use one of ${STRATEGIES.map((s) => `'${s}'`).join(", ")}.`);
    check(memoryBudget === undefined || (typeof memoryBudget === "number" && memoryBudget >= 0), "invalidOption", () => `memoryBudget must be a non-negative number of bytes, got ${String(memoryBudget)}.`);
    checkTiles(options.tiles);
    operands.forEach((op, k) => check(op.dtype === undefined || op.dtype === "f32", "unsupportedDtype", () => `Operand ${k} has dtype '${String(op.dtype)}'; einsight computes in 'f32' for now.`));
}
function checkOutputStrides(strides, shape) {
    check(Array.isArray(strides) && strides.length === shape.length && strides.every((s) => Number.isSafeInteger(s) && s >= 0), "invalidOption", () => `outputStrides must be ${shape.length} non-negative integer element strides (one per output dimension of shape [${shape.join(", ")}]), got ${JSON.stringify(strides)}.`);
    check(!mayOverlap({ shape, strides }), "overlappingOutput", () => `The output view (shape [${shape.join(", ")}], strides [${strides.join(", ")}]) names some elements more than once, so writing it would race; write into a view without expanded or overlapping dimensions.`);
}
function checkTiles(tiles) {
    if (tiles === undefined)
        return;
    const sides = TILE_SIDES;
    const depths = TILE_DEPTHS;
    check(typeof tiles === "object" && tiles !== null, "invalidOption", () => `tiles must be an object like { tm: 64, tn: 64, tk: 16 }, got ${JSON.stringify(tiles) ?? "undefined"}.`);
    for (const key of ["tm", "tn"]) {
        const v = tiles[key];
        check(v === undefined || sides.includes(v), "invalidOption", () => `tiles.${key} must be one of ${sides.join(", ")}, got ${String(v)}.`);
    }
    check(tiles.tk === undefined || depths.includes(tiles.tk), "invalidOption", () => `tiles.tk must be one of ${depths.join(", ")}, got ${String(tiles.tk)}.`);
    // 256 invocations stage each slab: every side x depth must be a whole number of loads each.
    const tk = tiles.tk ?? 16;
    for (const key of ["tm", "tn"]) {
        const side = tiles[key];
        check(side === undefined || (side * tk) % 256 === 0, "invalidOption", () => `tiles.${key} x tiles.tk = ${side} x ${tk} must be a multiple of 256 (one load per invocation); use a deeper tk or a larger side.`);
    }
}
function resolveProfile(profile) {
    if (profile === undefined)
        return PROFILES.generic;
    if (typeof profile !== "string")
        return profile;
    const found = PROFILES[profile];
    if (found === undefined) {
        throw new EinsightError("invalidOption", `Unknown device profile '${profile}'; use one of ${Object.keys(PROFILES).map((p) => `'${p}'`).join(", ")}, or pass a DeviceProfile object.`);
    }
    return found;
}
function singleStep(input, outLabels, sizes, profile, forced) {
    const summed = input.labels.filter((l) => !outLabels.includes(l));
    const shape = outLabels.map((l) => sizes[l]);
    const chosen = costSingle(elementCount(input.labels.map((l) => sizes[l])), elementCount(shape), profile);
    const notes = forced !== undefined && forced !== "loop" ? [`'${forced}' needs two operands; a one-operand step runs the loop kernel`] : [];
    return {
        kind: summed.length > 0 ? "reduce" : "transform",
        equation: `${input.labels.join("")}->${outLabels.join("")}`,
        inputs: [input],
        output: { labels: outLabels, shape, strides: contiguousStrides(shape) },
        strategy: "loop",
        cost: chosen.cost,
        alternatives: [],
        frees: refSteps([input]),
        notes,
    };
}
function pairStep(a, b, keep, finalLabels, sizes, profile, options, budget) {
    const classes = classifyLabels(a.labels, b.labels, keep);
    const of = (c) => Object.keys(classes).filter((l) => classes[l] === c);
    // Intermediates are laid out [batch, m, n]; the last step writes the einsum's output order.
    const natural = [...of("batch"), ...of("leftFree"), ...of("rightFree")];
    const outLabels = finalLabels ?? natural;
    const inOutputOrder = (c) => outLabels.filter((l) => classes[l] === c);
    const aStride = strideOf(a);
    const kLabels = [...of("contracted"), ...of("leftSummed"), ...of("rightSummed")];
    // Contracted labels outermost to innermost by the left operand's stride, so its unit stride is innermost.
    const k = kLabels.map((l, i) => ({ l, s: aStride(l), i })).sort((x, y) => y.s - x.s || x.i - y.i).map((x) => x.l);
    const groups = { batch: inOutputOrder("batch"), m: inOutputOrder("leftFree"), n: inOutputOrder("rightFree"), k };
    const shape = outLabels.map((l) => sizes[l]);
    const pair = pairShape(a, b, groups, sizes, elementCount(shape));
    const candidates = costPair(pair, profile, options.tiles);
    const { chosen, alternatives, notes } = choose(candidates, options.strategy, budget);
    const kind = kLabels.length > 0 ? "contraction" : groups.m.length > 0 && groups.n.length > 0 ? "outer" : "elementwise";
    return {
        kind,
        equation: `${a.labels.join("")},${b.labels.join("")}->${outLabels.join("")}`,
        inputs: [a, b],
        output: { labels: outLabels, shape, strides: contiguousStrides(shape) },
        groups,
        strategy: chosen.strategy,
        ...(chosen.tiles === undefined ? {} : { tiles: chosen.tiles }),
        ...(chosen.copies === undefined ? {} : { copies: chosen.copies }),
        cost: chosen.cost,
        alternatives,
        frees: refSteps([a, b]),
        notes: [...chosen.notes, ...notes],
    };
}
function pairShape(a, b, g, sizes, outElements) {
    const size = (ls) => elementCount(ls.map((l) => sizes[l]));
    const unit = (input, ls) => ls.length > 0 && strideOf(input)(ls[ls.length - 1]) === 1;
    return {
        batch: size(g.batch),
        m: size(g.m),
        n: size(g.n),
        k: size(g.k),
        aElements: size(a.labels),
        bElements: size(b.labels),
        outElements,
        aCoalesced: unit(a, g.k) || unit(a, g.m),
        bCoalesced: unit(b, g.n) || unit(b, g.k),
        aGemmReady: isLaidOut(a, [...g.batch, ...g.m, ...g.k], sizes),
        bGemmReady: isLaidOut(b, [...g.batch, ...g.k, ...g.n], sizes),
    };
}
/** Whether `input` is exactly the contiguous tensor of `order` (labels it lacks would need a copy). */
function isLaidOut(input, order, sizes) {
    const want = contiguousStrides(order.map((l) => sizes[l]));
    const stride = strideOf(input);
    return order.every((l, i) => sizes[l] === 1 || (input.labels.includes(l) && stride(l) === want[i]));
}
function choose(candidates, forced, budget) {
    const forcedOne = forced === undefined ? undefined : candidates.find((c) => c.strategy === forced);
    const notes = forced !== undefined && forcedOne === undefined ? [`'${forced}' cannot run this step (${forced === "split-k" ? "the step already fills the device, or its contraction is too short to split" : "not applicable"}); chose by cost`] : [];
    const free = candidates.filter((c) => c.cost.temporaryBytes === 0).sort(byTime)[0]; // direct and loop need none
    const paying = candidates.filter((c) => c.cost.temporaryBytes > 0 && c.cost.temporaryBytes <= budget && c.cost.estimatedSeconds * TEMPORARY_SPEEDUP <= free.cost.estimatedSeconds).sort(byTime)[0];
    const chosen = forcedOne ?? paying ?? free;
    const alternatives = candidates
        .filter((c) => c !== chosen)
        .map((c) => ({ strategy: c.strategy, cost: c.cost, reason: lostBecause(c, chosen, forcedOne !== undefined, budget) }));
    return { chosen, alternatives, notes };
}
function byTime(x, y) {
    return x.cost.estimatedSeconds - y.cost.estimatedSeconds;
}
function lostBecause(c, chosen, forced, budget) {
    if (forced)
        return `not the forced strategy '${chosen.strategy}'`;
    if (c.cost.temporaryBytes > budget)
        return `needs ${c.cost.temporaryBytes} bytes of temporaries, over the memoryBudget of ${budget}`;
    const ratio = c.cost.estimatedSeconds / Math.max(chosen.cost.estimatedSeconds, 1e-12);
    const time = `estimated ${formatSeconds(c.cost.estimatedSeconds)}, ${ratio.toFixed(2)}x the chosen '${chosen.strategy}' (${formatSeconds(chosen.cost.estimatedSeconds)})`;
    if (c.cost.temporaryBytes > 0 && ratio < 1)
        return `${time}: not worth ${c.cost.temporaryBytes} bytes of temporaries (einsight wants ${TEMPORARY_SPEEDUP}x for any)`;
    return time;
}
export function formatSeconds(s) {
    if (s >= 1)
        return `${s.toFixed(2)} s`;
    if (s >= 1e-3)
        return `${(s * 1e3).toFixed(3)} ms`;
    return `${(s * 1e6).toFixed(1)} us`;
}
function strideOf(input) {
    return (label) => {
        const i = input.labels.indexOf(label);
        return i < 0 ? 0 : input.strides[i];
    };
}
function refSteps(inputs) {
    return inputs.flatMap((i) => ("step" in i.ref ? [i.ref.step] : []));
}
function totals(steps) {
    const sum = (f) => steps.reduce((acc, s) => acc + f(s.cost), 0);
    let live = 0;
    let peak = 0;
    let temporaries = 0;
    steps.forEach((s, i) => {
        const intermediate = i < steps.length - 1 ? stepOutputBytes(s) : 0;
        peak = Math.max(peak, live + s.cost.temporaryBytes + intermediate);
        temporaries += s.cost.temporaryBytes + intermediate;
        live += intermediate - s.frees.reduce((acc, f) => acc + stepOutputBytes(steps[f]), 0);
    });
    return {
        flops: sum((c) => c.flops),
        bytesRead: sum((c) => c.bytesRead),
        bytesWritten: sum((c) => c.bytesWritten),
        temporaryBytes: temporaries,
        dispatches: sum((c) => c.dispatches),
        estimatedSeconds: sum((c) => c.estimatedSeconds),
        peakTemporaryBytes: peak,
        backwardKeepsBytes: steps.reduce((acc, s, i) => acc + (i < steps.length - 1 ? stepOutputBytes(s) : 0) + (s.strategy === "ttgt" ? s.cost.temporaryBytes : 0), 0),
    };
}

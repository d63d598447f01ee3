/**
 * Binds operand shapes and strides to a parsed equation: the size of every label (with numpy's
 * size-1 broadcasting), the ellipsis dimensions, each operand's stride per label (a repeated label,
 * i.e. a diagonal, strides by the sum of its dimensions' strides), and the output shape.
 *
 * Ellipsis dimensions become labels of their own, the digits "0", "1", ... counted from the left of
 * the broadcast ellipsis shape; an operand with fewer ellipsis dimensions aligns to the right, as in
 * numpy broadcasting. Later stages treat them exactly like letters.
 */
import { ELLIPSIS, parseEquation } from "./equation.js";
import { EinsightError } from "./errors.js";
import { contiguousStrides } from "./views.js";
export function isEllipsisLabel(label) {
    return label >= "0" && label <= "9";
}
/** Parses (when given a string) and binds in one call. */
export function bindShapes(equation, operands) {
    const eq = typeof equation === "string" ? parseEquation(equation) : equation;
    checkOperandCount(eq, operands.length);
    const layouts = operands.map((op, k) => checkLayout(eq, k, op));
    const ellipsisRank = Math.max(0, ...layouts.map((l, k) => l.shape.length - explicitCount(eq.inputs[k])));
    const ellipsis = Array.from({ length: ellipsisRank }, (_, k) => String(k));
    const dims = layouts.map((l, k) => expandDims(eq, k, l.shape.length, ellipsisRank));
    const sizes = bindSizes(eq, layouts, dims);
    const bound = layouts.map((l, k) => bindOperand(l, dims[k], sizes));
    const outLabels = expandOutput(eq, ellipsis);
    return {
        equation: eq,
        sizes,
        ellipsis,
        operands: bound,
        output: { labels: outLabels, shape: outLabels.map((l) => sizes[l]) },
    };
}
/**
 * Classes the labels of a pairwise step: `left` and `right` are the operands' labels, `keep` the
 * labels needed after the step (the output's, plus those of operands not yet contracted).
 */
export function classifyLabels(left, right, keep) {
    const kept = new Set(keep);
    const inRight = new Set(right);
    const classes = {};
    for (const l of left) {
        if (inRight.has(l))
            classes[l] = kept.has(l) ? "batch" : "contracted";
        else
            classes[l] = kept.has(l) ? "leftFree" : "leftSummed";
    }
    for (const l of right) {
        if (!(l in classes))
            classes[l] = kept.has(l) ? "rightFree" : "rightSummed";
    }
    return classes;
}
function explicitCount(term) {
    return term.labels.filter((l) => l !== ELLIPSIS).length;
}
function fail(eq, code, span, reason) {
    throw new EinsightError(code, reason, { span, equation: eq.source });
}
function checkOperandCount(eq, given) {
    const want = eq.inputs.length;
    if (given === want)
        return;
    const s = (n) => (n === 1 ? "" : "s");
    const reason = `The equation has ${want} input term${s(want)} but ${given} operand${s(given)} ${given === 1 ? "was" : "were"} given; pass one tensor per comma-separated term.`;
    const missing = eq.inputs[given];
    const lastInput = eq.inputs[want - 1];
    const span = missing !== undefined ? missing.span : [eq.inputs[0].span[0], lastInput.span[1]];
    fail(eq, "operandCount", span, reason);
}
function isIndex(n) {
    return typeof n === "number" && Number.isSafeInteger(n) && n >= 0;
}
function checkLayout(eq, k, op) {
    const term = eq.inputs[k];
    const shape = op?.shape;
    if (!Array.isArray(shape) || !shape.every(isIndex)) {
        fail(eq, "invalidShape", term.span, `Operand ${k} has shape ${show(shape)}; a shape is an array of non-negative integers.`);
    }
    const strides = op.strides ?? contiguousStrides(shape);
    if (!Array.isArray(strides) || strides.length !== shape.length || !strides.every(isIndex)) {
        fail(eq, "invalidStrides", term.span, `Operand ${k} has strides ${show(strides)} for shape ${show(shape)}; give one non-negative integer stride (in elements) per dimension.`);
    }
    const offset = op.offset ?? 0;
    if (!isIndex(offset)) {
        fail(eq, "invalidStrides", term.span, `Operand ${k} has offset ${show(offset)}; an offset is a non-negative integer number of elements.`);
    }
    const n = explicitCount(term);
    const hasEllipsis = term.labels.includes(ELLIPSIS);
    if (hasEllipsis ? shape.length < n : shape.length !== n) {
        const want = hasEllipsis ? `at least ${n} dimensions` : `${n} dimension${n === 1 ? "" : "s"}`;
        const fix = hasEllipsis || shape.length < n ? "" : " Add '...' to the term to broadcast over the extra leading dimensions.";
        fail(eq, "rankMismatch", term.span, `Operand ${k} has rank ${shape.length} (shape ${show(shape)}) but its term '${term.labels.join("")}' needs ${want}.${fix}`);
    }
    return { shape, strides, offset };
}
/** The label of each dimension of operand `k`, its ellipsis expanded to the rightmost ellipsis labels. */
function expandDims(eq, k, rank, ellipsisRank) {
    const term = eq.inputs[k];
    const e = rank - explicitCount(term);
    const out = [];
    for (const l of term.labels) {
        if (l !== ELLIPSIS)
            out.push(l);
        else
            for (let d = ellipsisRank - e; d < ellipsisRank; d++)
                out.push(String(d));
    }
    return out;
}
/** Where dimension `d` of operand `k` was written in the equation (its ellipsis for ellipsis dims). */
function dimSpan(eq, k, dims, d) {
    const term = eq.inputs[k];
    const label = dims[d];
    if (isEllipsisLabel(label))
        return term.spans[term.labels.indexOf(ELLIPSIS)];
    const nth = dims.slice(0, d).filter((l) => l === label).length;
    const positions = term.labels.flatMap((l, i) => (l === label ? [i] : []));
    return term.spans[positions[nth]];
}
function bindSizes(eq, layouts, dims) {
    const sizes = {};
    const from = {}; // which operand fixed a size > 1
    layouts.forEach((layout, k) => {
        const own = operandSizes(eq, k, layout.shape, dims[k]);
        for (const [label, [size, d]] of own) {
            const known = sizes[label];
            if (known === undefined || known === 1) {
                sizes[label] = size;
                if (size !== 1)
                    from[label] = k;
            }
            else if (size !== 1 && size !== known) {
                const span = dimSpan(eq, k, dims[k], d);
                if (isEllipsisLabel(label)) {
                    fail(eq, "ellipsisMismatch", span, `The '...' dimensions of operand ${k} (shape ${show(layout.shape)}) do not broadcast with operand ${from[label]}: ellipsis dimension ${label} is ${size} here and ${known} there. Sizes must match or be 1.`);
                }
                fail(eq, "sizeMismatch", span, `Label '${label}' is ${size} in operand ${k} (dimension ${d}) but ${known} in operand ${from[label]}; a label must have one size across operands (or be 1 to broadcast).`);
            }
        }
    });
    return sizes;
}
/** Size of each label within one operand, checking that repeated labels (diagonals) are square. */
function operandSizes(eq, k, shape, dims) {
    const own = new Map();
    dims.forEach((label, d) => {
        const size = shape[d];
        const first = own.get(label);
        if (first === undefined)
            own.set(label, [size, d]);
        else if (first[0] !== size) {
            fail(eq, "nonSquareDiagonal", dimSpan(eq, k, dims, d), `Operand ${k} repeats label '${label}' (a diagonal), so its dimensions ${first[1]} and ${d} must be equal, but they are ${first[0]} and ${size}.`);
        }
    });
    return own;
}
function bindOperand(layout, dims, sizes) {
    const labels = [...new Set(dims)];
    const strides = labels.map((label) => {
        let stride = 0;
        dims.forEach((l, d) => {
            if (l === label)
                stride += layout.shape[d] === 1 && sizes[label] !== 1 ? 0 : layout.strides[d];
        });
        return stride;
    });
    const diagonal = labels.filter((l) => dims.indexOf(l) !== dims.lastIndexOf(l));
    return { dims, labels, strides, offset: layout.offset, diagonal };
}
function expandOutput(eq, ellipsis) {
    const out = eq.output.labels.flatMap((l) => (l === ELLIPSIS ? ellipsis : [l]));
    if (ellipsis.length > 0 && !eq.output.labels.includes(ELLIPSIS)) {
        fail(eq, "missingOutputEllipsis", eq.output.span, `The inputs have ${ellipsis.length} '...' dimension${ellipsis.length === 1 ? "" : "s"} but the output has no '...'; write '...' in the output to keep them (numpy does not sum them away).`);
    }
    return out;
}
function show(v) {
    return Array.isArray(v) ? `[${v.join(", ")}]` : String(v);
}

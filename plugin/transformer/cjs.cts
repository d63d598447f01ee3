// ts-patch and other hosts may load transformers with require(): this CommonJS entry hands them the
// ES module transformer (require of an ES module needs Node 20.19+ or 22.12+, as einsight does).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const transformer = require("./index.js") as { default: (...args: unknown[]) => unknown };
export = transformer.default;

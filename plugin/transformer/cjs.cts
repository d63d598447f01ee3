// ts-patch and other hosts may load transformers with require(): this CommonJS entry hands them the
// ES module transformer (require of an ES module needs Node 20.19+ or 22.12+, as einsight does).
const transformer = require("./index.js") as { default: (...args: unknown[]) => unknown }; // eslint-disable-line @typescript-eslint/no-require-imports
export = transformer.default;

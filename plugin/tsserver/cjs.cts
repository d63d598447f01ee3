// tsserver loads plugins with require(): this CommonJS entry hands it the ES module plugin
// (require of an ES module needs Node 20.19+ or 22.12+, as einsight does).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const plugin = require("./index.js") as { default: (modules: { typescript: unknown }) => unknown };
export = plugin.default;

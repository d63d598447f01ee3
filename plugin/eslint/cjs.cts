// A CommonJS ESLint config (eslint.config.cjs, or eslint.config.js in a package that is not
// "type": "module") loads einsight/eslint with require(), which cannot load index.js: it awaits at
// top level. This entry (package.json's "require" condition of ./eslint) checks the same packages,
// then requires the plugin's ES module (require of an ES module needs Node 20.19+ or 22.12+, as
// einsight does).
/* eslint-disable @typescript-eslint/no-require-imports */
import type * as Plugin from "./plugin.js";

const peers = require("../peers.js") as {
  requirePeers: (who: string, packages: readonly string[]) => void;
  TYPESCRIPT: string;
};
peers.requirePeers("einsight/eslint", ["@typescript-eslint/utils", peers.TYPESCRIPT]);
const plugin = require("./plugin.js") as typeof Plugin;
export = plugin.default; // what `import einsight from "einsight/eslint"` gives: { meta, rules, configs }

/**
 * Installs Node's adapter finder (Dawn through the webgpu package): the package's `node` entries
 * import it, and `import "einsight/node"` does where Node resolves einsight's browser entry (jsdom).
 */
import { useNodeAdapter } from "./adapter.js";
import { requestNodeAdapter } from "./node-adapter.js";

useNodeAdapter(requestNodeAdapter);

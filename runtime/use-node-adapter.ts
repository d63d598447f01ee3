/** Installs Node's adapter finder (Dawn through the webgpu package) for the package's `node` entries. */
import { useNodeAdapter } from "./adapter.js";
import { requestNodeAdapter } from "./node-adapter.js";

useNodeAdapter(requestNodeAdapter);

// The configuration docs/guide/install.md gives for webpack 5.
import { fileURLToPath } from "node:url";

export default {
  mode: "production",
  entry: "./main.js",
  output: {
    path: fileURLToPath(new URL("./dist", import.meta.url)),
    // ES module output: the pool's worker is a module worker and imports chunks.
    module: true,
    chunkFormat: "module",
    clean: true,
  },
  experiments: { outputModule: true },
};

// The configuration docs/guide/install.md gives for Rollup. Rollup does not follow
// `new URL("./file", import.meta.url)`, which webpar uses for its workers and .wasm files, so
// webpar is served as the package is (it is plain ES modules) and the page's import map
// resolves "webpar" to it; the app itself, and its task worker, are bundled as usual.
import { nodeResolve } from "@rollup/plugin-node-resolve";
import { cpSync } from "node:fs";

/** Copies webpar as it is, and the page with its import map, beside the bundle. */
const serveWebparAsIs = {
  name: "serve-webpar-as-is",
  writeBundle() {
    cpSync("node_modules/webpar", "dist/webpar", { recursive: true });
    cpSync("index.html", "dist/index.html");
  },
};

export default [
  // The app: everything but webpar.
  { input: "main.js", external: ["webpar"], output: { dir: "dist", format: "es" }, plugins: [serveWebparAsIs] },
  // The task worker: bundled whole, webpar/task included (a worker has no import map).
  { input: "tasks.js", output: { dir: "dist", format: "es" }, plugins: [nodeResolve()] },
];

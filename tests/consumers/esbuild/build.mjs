// The build docs/guide/install.md gives for esbuild. esbuild does not follow
// `new URL("./file", import.meta.url)`, which webpar uses for its workers and .wasm files, so
// webpar is served as the package is (it is plain ES modules) and the page's import map
// resolves "webpar" to it; the app itself, and its task worker, are bundled as usual.
import { build } from "esbuild";
import { cpSync } from "node:fs";

// The app: everything but webpar.
await build({ entryPoints: ["main.js"], bundle: true, format: "esm", outdir: "dist", external: ["webpar"] });
// The task worker: bundled whole, webpar/task included (a worker has no import map).
await build({ entryPoints: ["tasks.js"], bundle: true, format: "esm", outdir: "dist" });
// webpar as it is, beside the app, and the page with its import map.
cpSync("node_modules/webpar", "dist/webpar", { recursive: true });
cpSync("index.html", "dist/index.html");

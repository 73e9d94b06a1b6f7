// The configuration docs/guide/install.md gives for Vite.
import { defineConfig } from "vite";

// Threads need a cross-origin isolated page: these two headers on every response.
const isolation = {
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Embedder-Policy": "require-corp",
};

export default defineConfig({
  server: { headers: isolation },
  preview: { headers: isolation },
  // Serve webpar as it is: pre-bundling would move its JS away from its .wasm and worker.
  optimizeDeps: { exclude: ["webpar"] },
  // The pool's worker imports the bindings: emit workers as ES modules.
  worker: { format: "es" },
});

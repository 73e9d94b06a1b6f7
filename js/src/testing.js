// Hooks for webpar's own tests and benchmarks: never part of the public API. The package's
// `exports` map does not list this file, so an app cannot import it; the tests load it from
// the served package by URL (/pkg/testing.js).
export { initThreadPool } from "./backends/engine.js";
export { crashPoolForTests, engineCrashed, lastPanic } from "./webpar_core.js";

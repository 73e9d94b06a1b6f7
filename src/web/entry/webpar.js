// The package's entry module: the generated bindings (webpar_core.js), with `initThreadPool`
// being webpar's `startThreadPool`, which checks its input, refuses a second pool and lets
// `Runner` tell a run before the pool is ready (PoolNotReadyError) from one after it.
// The explicit export below takes precedence over the star export's raw `initThreadPool`.
export * from "./webpar_core.js";
export { default, startThreadPool as initThreadPool } from "./webpar_core.js";

// The package's entry module on Node.js (the "node" condition of its exports): the same
// public API as webpar.js, with the runtime hooks of runtimes/node.js installed first
// (workers on node:worker_threads, the .wasm files read from disk).
import "./runtimes/node.js";

export * from "./webpar.js";
export { default } from "./webpar.js";

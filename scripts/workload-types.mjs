// Appends the declarations of a package's workloads (their params, inputs and outputs, by
// name) to its webpar_core.d.ts, generated from the catalogue its own wasm holds.
// Usage: node scripts/workload-types.mjs <package directory>
import { resolve } from "node:path";
import { appendWorkloadTypes } from "../js/src/cli/wasm.js";

await appendWorkloadTypes(resolve(process.argv[2] ?? ""));

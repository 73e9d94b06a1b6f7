// Appends the declarations of a package's workloads (their params, inputs and outputs, by
// name) to its webpar_core.d.ts, generated from the catalogue its own wasm holds: webpar's
// workloads and those of the crate the package was built from, typed the same way.
// Usage: node scripts/workload-types.mjs <package directory>
import { appendFileSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const dir = resolve(process.argv[2] ?? "");
// The build without shared memory: it instantiates anywhere, with no worker started.
const bindings = await import(pathToFileURL(join(dir, "webpar_single.js")).href);
bindings.initSync({ module: readFileSync(join(dir, "webpar_single_bg.wasm")) });
const declarations = bindings.workloadDeclarations();
if (!declarations.includes("export interface WorkloadParams {")) {
  throw new Error(`${dir}: the wasm's catalogue gave no WorkloadParams declaration`);
}
appendFileSync(join(dir, "webpar_core.d.ts"), `\n${declarations}`);

// Node.js half of `./build.sh bench`: every workload's defaults compared sequentially, on
// threads and on isolated workers (bench/compare.mjs, as in the browser), in Node.js with the
// package's Node.js entry: the pool's threads and the isolated workers are worker_threads.
// Usage: node bench/node.mjs OUT.json [REPEATS]
import { writeFileSync } from "node:fs";
import { compareAll } from "./compare.mjs";

const [out, repeatsArg] = process.argv.slice(2);
const repeats = Number(repeatsArg ?? 5);
// The entry an app importing "webpar" gets on Node.js; bench.js beside it shares its modules.
const { default: init } = await import(new URL("../www/pkg/webpar.node.js", import.meta.url).href);
const started = await init({ backend: "threads" });
const rows = await compareAll(async (fn, arg) => fn(arg), repeats,
  { pkg: new URL("../www/pkg/webpar.js", import.meta.url).href, where: "node" });
writeFileSync(out, JSON.stringify({ node: process.version, threads: started.threads, rows }, null, 1));
console.log(`node: ${rows.length} rows in ${out}`);

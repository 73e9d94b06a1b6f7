// The runtime hooks (src/runtimes/): which runtime webpar is in, Bun refused with a typed
// error before anything starts, and Node.js kept running while webpar holds it. Each case runs
// in a fresh Node.js process, as the hooks are read when the modules load.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";

const src = new URL("../src/", import.meta.url).href;

/** Runs ES module `code` in a new Node.js process; returns its stdout lines. */
function node(code) {
  const run = spawnSync(process.execPath, ["--input-type=module", "-e", code], { encoding: "utf8", timeout: 20_000 });
  assert.equal(run.status, 0, `exit ${run.status}: ${run.stderr}`);
  return run.stdout.trim().split("\n");
}

test("Node.js is recognised, and needs no cross-origin isolation for threads", () => {
  const [line] = node(`
    await import("${src}runtimes/node.js");
    const { capabilities } = await import("${src}backends/backend.js");
    const caps = capabilities();
    console.log(JSON.stringify({ runtime: caps.runtime, threads: caps.threads, processes: caps.processes }));
  `);
  assert.deepEqual(JSON.parse(line), { runtime: "node", threads: { ok: true, why: [] }, processes: { ok: true, why: [] } });
});

test("Bun is refused with PoolNotReadyError saying why, by init and by capabilities()", () => {
  const [caps, refusal] = node(`
    globalThis.Bun = { version: "1.3.5" };
    const { capabilities, startBackend } = await import("${src}backends/backend.js");
    console.log(JSON.stringify(capabilities()));
    const hooks = { instantiate: () => { throw new Error("must not start"); }, startThreads: () => 2, splits: () => false };
    const error = await startBackend({}, hooks).then(() => null, (err) => err);
    console.log(JSON.stringify({ name: error?.name, message: error?.message }));
  `);
  const read = JSON.parse(caps);
  assert.equal(read.runtime, "bun");
  for (const backend of ["threads", "processes", "sequential"]) {
    assert.equal(read[backend].ok, false, backend);
    assert.match(read[backend].why.join(" "), /oven-sh\/bun\/issues\/25677/, backend);
  }
  const { name, message } = JSON.parse(refusal);
  assert.equal(name, "PoolNotReadyError");
  assert.match(message, /does not run on Bun yet.*Node\.js 20 or newer, or Deno/);
});

test("on Node.js, webpar's hold keeps the process running until it is released, and only then", () => {
  const lines = node(`
    const { host } = await import("${src}runtimes/host.js");
    await import("${src}runtimes/node.js");
    const release = host.hold();
    const again = host.hold();
    again();
    // An unref'd timer alone would never fire: the process would end first.
    setTimeout(() => { console.log("held"); release(); release(); }, 50).unref();
    process.on("exit", () => console.log("ended"));
  `);
  assert.deepEqual(lines, ["held", "ended"]);
});

test("on Node.js, the cores come from os.availableParallelism()", async () => {
  const [count] = node(`
    const { cores } = await import("${src}runtimes/host.js");
    await import("${src}runtimes/node.js");
    console.log(cores());
  `);
  const { availableParallelism } = await import("node:os");
  assert.equal(Number(count), Math.min(256, availableParallelism()));
});

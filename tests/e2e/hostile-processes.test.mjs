// Hostile input on the processes backend and the JS worker pool, on a page without COOP/COEP:
// params, options and task arguments that throw while they are read or cannot be cloned,
// callbacks that throw. Every Promise settles with a typed Error, and normal work goes on.
import { test } from "node:test";
import assert from "node:assert/strict";
import { inPage } from "./browser.mjs";

test("hostile calls on processes and the worker pool all settle with typed errors; normal work goes on", async () => {
  const seen = await inPage(async (webpar) => {
    await webpar.default({ backend: "processes", processes: 2 });
    const runner = new webpar.Runner();
    const bench = await import("/pkg/bench.js");
    const pool = webpar.createWorkerPool("/tasks.js", { size: 2 });
    const thrown = [new Error("boom"), "a string", 42, undefined, Symbol("s")];
    const hostile = (value) => [
      { get below() { throw value; } },
      new Proxy({}, { ownKeys() { throw value; } }),
      new Proxy({ below: 10 }, { get() { throw value; } }),
      new Proxy({ below: 10 }, { has() { throw value; } }),
      (() => { const { proxy, revoke } = Proxy.revocable({}, {}); revoke(); return proxy; })(),
    ];
    const calls = [];
    for (const value of thrown) {
      for (const bad of hostile(value)) {
        calls.push(() => runner.run("primes", bad));
        calls.push(() => runner.run("primes", { below: 10 }, bad));
        calls.push(() => runner.run("primes", { below: 10 }, { mode: "processes", onProgress: () => { throw value; } }));
        calls.push(() => bench.compare(runner, "primes", { below: 10 }, bad));
        calls.push(() => bench.sweep(runner, "primes", bad));
        calls.push(() => runner.submit("primes", bad));
        calls.push(async () => { for await (const _ of runner.map("primes", [bad])) void _; });
        calls.push(() => webpar.default(bad));
        calls.push(() => pool.submit("identity", [bad]));
        calls.push(() => pool.submit("identity", bad));
        calls.push(() => pool.submit(bad));
        calls.push(() => pool.submit("identity", [1], bad));
        calls.push(() => pool.submit("busy", [20], { onProgress: () => { throw value; } }));
        calls.push(async () => { for await (const _ of pool.map("identity", [bad])) void _; });
        calls.push(async () => webpar.createWorkerPool(bad));
        calls.push(async () => webpar.createWorkerPool("/tasks.js", bad));
        calls.push(() => runner.run("sort", { input: bad }));
      }
    }
    const outcomes = await Promise.all(calls.map(async (call) => {
      try {
        const result = call();
        const settled = await Promise.race([
          Promise.resolve(result).then(() => "resolved", (error) => ({ error })),
          new Promise((resolve) => setTimeout(() => resolve("pending"), 20_000)),
        ]);
        return settled;
      } catch (error) {
        return { sync: true, error };
      }
    }));
    const summary = { calls: calls.length, pending: 0, resolved: 0, untyped: [], sync: 0, names: {} };
    for (const [index, outcome] of outcomes.entries()) {
      if (outcome === "pending") summary.pending++;
      else if (outcome === "resolved") summary.resolved++;
      else {
        const { error } = outcome;
        if (outcome.sync) summary.sync++;
        if (!(error instanceof Error) || typeof error.name !== "string" || error.name === "Error") {
          summary.untyped.push(`call ${index % 17} of hostile value ${Math.floor(index / 17) % 5}: ${String(error?.message ?? error).slice(0, 100)}`);
        } else summary.names[error.name] = (summary.names[error.name] ?? 0) + 1;
      }
    }
    // Normal work afterwards: every one right.
    const primes = await Promise.all(Array.from({ length: 20 }, () => runner.run("primes", { below: 100_000 })));
    summary.after = new Set(primes.map((r) => r.checksum));
    summary.afterPool = await pool.submit("fib", [20]);
    summary.broken = runner.stats().processes.broken;
    summary.after = [...summary.after];
    await pool.close();
    return summary;
  }, { isolated: false, limitMs: 120_000 });
  assert.equal(seen.pending, 0, "no Promise stays pending");
  assert.deepEqual(seen.untyped, [], "every failure is a typed Error");
  assert.equal(seen.sync, 0, "nothing throws synchronously");
  assert.ok(seen.calls > 400, `${seen.calls} calls`);
  assert.deepEqual(seen.after, ["9592"]);
  assert.equal(seen.afterPool, 6765);
  assert.equal(seen.broken, false);
});

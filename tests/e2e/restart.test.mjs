// The threads engine restarts in the page after a crash on a pool thread: the jobs running
// then reject with EngineCrashedError (a panic's message and location when there was one),
// a new instance and a pool of the same size start without a reload, and the next 100 jobs
// succeed with the checksums of before. Every way a pool thread can go down is covered: a
// Rust panic (the crash hook answers the pending jobs), a bare trap and running out of
// memory (no hook runs: the worker's uncaught error tells the page).
import { test } from "node:test";
import assert from "node:assert/strict";
import { inPage } from "./browser.mjs";

async function crashAndGoOn(kind) {
  return inPage(async (webpar, kind) => {
    await webpar.default({ backend: "threads", threads: 2 });
    const runner = new webpar.Runner();
    const before = await runner.run("primes", { below: 100_000 });
    const beforeMap = [];
    for await (const value of runner.map("countdown", [{ n: 1000 }, { n: 2000 }])) beforeMap.push(value);
    // Long enough to be running when the pool thread goes down.
    // With a progress callback and a timeout: their timers must not outlive the old engine.
    const pending = runner.run("primes", { below: 40_000_000 }, { mode: "sequential", onProgress: () => {}, timeoutMs: 600_000 })
      .then(() => "resolved", (err) => ({ name: err.name, message: err.message }));
    const crashing = runner.run("empty", {}, { crashForTests: kind })
      .then(() => "resolved", (err) => ({ name: err.name, message: err.message }));
    const outcomes = await Promise.all([pending, crashing]);
    // The next 100 jobs, submitted at once: they wait for the new engine, then all succeed.
    const next = await Promise.allSettled(Array.from({ length: 100 }, (_, i) =>
      runner.run("primes", { below: 100_000 + (i % 3) })));
    const afterMap = [];
    for await (const value of runner.map("countdown", [{ n: 1000 }, { n: 2000 }])) afterMap.push(value);
    // A runner made before the crash and one made after both work on the new engine.
    const fresh = new webpar.Runner();
    const freshRun = await fresh.run("primes", { below: 100_000 });
    fresh.free();
    return {
      before: before.checksum, outcomes,
      next: next.map((r) => r.status === "fulfilled" ? r.value.checksum : `${r.reason.name}: ${r.reason.message}`),
      beforeMap, afterMap, fresh: freshRun.checksum, threads: runner.threads, backend: runner.backend,
      engine: runner.stats().engine,
    };
  }, { arg: kind, limitMs: 120_000 });
}

for (const kind of ["panic", "unreachable", "oom"]) {
  test(`after a ${kind} on a pool thread the engine restarts and the next 100 jobs succeed`, async () => {
    const result = await crashAndGoOn(kind);
    const [pending, crashing] = result.outcomes;
    assert.equal(pending.name, "EngineCrashedError", JSON.stringify(pending));
    // The job that asked for the crash may have finished before its pool thread went down.
    if (crashing !== "resolved") assert.equal(crashing.name, "EngineCrashedError", crashing.message);
    if (kind === "panic") {
      assert.match(pending.message, /a panic on demand \(panic\)/);
      assert.match(pending.message, /process\.rs:\d+/, "the panic's location");
    }
    assert.equal(result.next.length, 100);
    // primes below 100_000, 100_001 and 100_002 all count the same primes.
    for (const checksum of result.next) assert.equal(checksum, result.before);
    assert.deepEqual(result.afterMap, result.beforeMap);
    assert.equal(result.fresh, result.before);
    assert.equal(result.threads, 2, "the new pool has the size of the old one");
    assert.equal(result.backend, "threads");
    assert.equal(result.engine.restarts, 1);
    assert.equal(result.engine.broken, null);
    assert.equal(result.engine.restarting, false);
    assert.ok(result.engine.lastRestartMs > 0 && result.engine.lastRestartMs < 30_000, String(result.engine.lastRestartMs));
    assert.ok(result.engine.lastCrash.length > 0);
  });
}

test("a job that starts after a crash nobody saw yet waits for the restart instead of failing", async () => {
  const result = await inPage(async (webpar) => {
    await webpar.default({ threads: 2 });
    const testing = await import("/pkg/testing.js");
    const runner = new webpar.Runner();
    const before = await runner.run("countdown", { n: 10_000 });
    // Crash a pool thread with no job pending on the page's side: nothing rejects, so the
    // keeper learns of it from the worker's error or the engine's crashed flag.
    testing.crashPoolForTests("panic");
    await new Promise((resolve) => setTimeout(resolve, 200));
    const after = await runner.run("countdown", { n: 10_000 });
    const compared = await (await import("/pkg/bench.js")).compare(runner, "countdown", { n: 100_000 }, { repeats: 1 });
    return { before: before.checksum, after: after.checksum, compared: compared.checksumsMatch, engine: runner.stats().engine, threads: runner.threads };
  });
  assert.equal(result.after, result.before);
  assert.equal(result.compared, true);
  assert.equal(result.engine.restarts, 1);
  assert.equal(result.threads, 2);
});

test("200 restarts in one page: each old instance's memory is let go (the browser reserves room for about 125 at once)", { timeout: 300_000 }, async () => {
  const { inPage } = await import("./browser.mjs");
  const seen = await inPage(async ({ default: init, Runner }) => {
    await init({ backend: "threads", threads: 2 });
    const runner = new Runner();
    for (let i = 0; i < 200; i++) {
      await runner.run("empty", {}, { crashForTests: "panic" }).catch(() => {});
      // The job that asked for the crash may finish before its thread goes down, and a job
      // may then run before it does: jobs go on until this crash's restart is counted, so the
      // next crash is asked of the new engine (asked of a dying one, it would be lost). One
      // that runs when the thread goes down fails with EngineCrashedError.
      for (let attempt = 0; runner.stats().engine.restarts < i + 1; attempt++) {
        if (attempt === 200) return { failedAt: i, restarts: runner.stats().engine.restarts };
        try {
          await runner.run("countdown", { n: 1 });
        } catch (err) {
          if (err?.name !== "EngineCrashedError") return { failedAt: i, error: `${err.name}: ${err.message}` };
        }
        if (runner.stats().engine.restarts < i + 1) await new Promise((resolve) => setTimeout(resolve, 10));
      }
    }
    return { restarts: runner.stats().engine.restarts, broken: runner.stats().engine.broken };
  }, { limitMs: 240_000 });
  assert.deepEqual(seen, { restarts: 200, broken: null });
});

// runner.advise and mode "auto": a prediction before the run, with its reasons, on threads and
// on isolated workers. (How close the predictions come is the bench's question.)
import test from "node:test";
import assert from "node:assert/strict";

import { inPage, OPEN_URL } from "./browser.mjs";

test("threads: advise probes a job once, predicts a speedup within its interval, and mode auto follows it", async () => {
  const seen = await inPage(async (webpar) => {
    const { threads } = await webpar.default({ threads: 2 });
    const runner = new webpar.Runner();
    const first = await runner.advise("primes", { below: 3_000_000 });
    const again = await runner.advise("primes", { below: 3_000_000 });
    const tiny = await runner.advise("empty", {});
    const auto = await runner.run("primes", { below: 3_000_000 }, { mode: "auto" });
    const autoTiny = await runner.run("countdown", { n: 10 }, { mode: "auto" });
    // A parallel run seen (auto's) narrows the interval.
    const after = await runner.advise("primes", { below: 3_000_000 });
    const refused = await runner.advise("primes", { below: -1 }).catch((error) => ({ name: error.name, param: error.param }));
    const unknown = await runner.advise("nope", {}).catch((error) => error.name);
    return { threads, first, again, tiny, auto: { mode: auto.mode, advice: auto.advice, checksum: auto.checksum },
      autoTiny: { mode: autoTiny.mode, advice: autoTiny.advice.mode }, after, refused, unknown };
  });
  const { first, again, tiny, after } = seen;
  assert.equal(first.probed, true);
  assert.equal(again.probed, false);
  assert.equal(first.backend, "threads");
  assert.equal(first.threads, seen.threads);
  assert.equal(first.mode, "parallel");
  assert.ok(first.speedup > 1.2 && first.speedup <= seen.threads, String(first.speedup));
  assert.ok(first.interval[0] <= first.speedup && first.speedup <= first.interval[1], JSON.stringify(first.interval));
  assert.ok(first.predictedMs > 0 && first.sequentialMs > first.predictedMs);
  assert.ok(first.reasons.length >= 2 && first.reasons.every((r) => typeof r === "string" && r.endsWith(".")), JSON.stringify(first.reasons));
  assert.match(first.reasons.at(-1), /^Predicted: .* ms on 2 threads, [\d.]+× as fast: run it in parallel\.$/);
  // An empty job is all hop: no gain.
  assert.equal(tiny.mode, "sequential");
  assert.ok(tiny.speedup < 1.1, String(tiny.speedup));
  assert.ok(tiny.chunkSize > 1, "tiny jobs are worth batching in map");
  assert.equal(seen.auto.mode, "parallel");
  assert.equal(seen.auto.advice.mode, "parallel");
  assert.equal(seen.auto.checksum, "216816");
  assert.deepEqual(seen.autoTiny, { mode: "sequential", advice: "sequential" });
  assert.ok(after.interval[1] - after.interval[0] < first.interval[1] - first.interval[0], "a parallel run seen narrows the interval");
  assert.deepEqual(seen.refused, { name: "InvalidParamsError", param: "below" });
  assert.equal(seen.unknown, "UnknownWorkloadError");
});

test("isolated workers: advise counts the parts' messages and says when a job does not split", async () => {
  const seen = await inPage(async (webpar) => {
    await webpar.default({ threads: 2 });
    const runner = new webpar.Runner();
    return {
      primes: await runner.advise("primes", { below: 3_000_000 }),
      nbody: await runner.advise("nbody", { bodies: 200, steps: 2 }),
    };
  }, { base: OPEN_URL });
  assert.equal(seen.primes.backend, "processes");
  assert.equal(seen.primes.mode, "parallel");
  assert.ok(seen.primes.speedup > 1.2, String(seen.primes.speedup));
  assert.equal(seen.nbody.mode, "sequential");
  assert.ok(seen.nbody.reasons.some((r) => /nbody does not split into parts/.test(r)), JSON.stringify(seen.nbody.reasons));
});

test("a worker pool's advise: tasks whose work outweighs their copies go to the pool; a task that is all copy stays on the page", async () => {
  const seen = await inPage(async (webpar) => {
    await webpar.default({ threads: 2 });
    const pool = webpar.createWorkerPool(new URL("/tasks.js", location.href), { size: 2 });
    const busy = await pool.advise("busy", [40], { tasks: 4 });
    const again = await pool.advise("busy", [40], { tasks: 4 });
    const copy = await pool.advise("identity", [new Float64Array(4 << 20)], { tasks: 4 });
    const refused = await pool.advise("busy", [1], { tasks: 0 }).catch((error) => ({ name: error.name, param: error.param }));
    await pool.close();
    return { busy, again: again.probed, copy, refused };
  });
  assert.equal(seen.busy.probed, true);
  assert.equal(seen.again, false);
  assert.equal(seen.busy.mode, "pool");
  assert.equal(seen.busy.threads, 2);
  assert.ok(seen.busy.speedup > 1.5 && seen.busy.speedup <= 2, String(seen.busy.speedup));
  assert.match(seen.busy.reasons.at(-1), /^Predicted: 4 tasks in ~\d+ ms on 2 workers, [\d.]+× as fast as one after another without copies: run them on the pool\.$/);
  assert.equal(seen.copy.bytes, 32 << 20);
  assert.equal(seen.copy.mode, "page");
  assert.ok(seen.copy.reasons.some((r) => /cost more than the work .*: run it on the page/.test(r)), JSON.stringify(seen.copy.reasons));
  assert.deepEqual(seen.refused, { name: "InvalidParamsError", param: "tasks" });
});

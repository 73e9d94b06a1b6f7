// createWorkerPool: the app's own JS functions (www/tasks.js) on isolated workers, on a page
// without COOP/COEP: submit, map, progress, transfer, errors with their name and stack,
// timeout and cancel by terminating the worker, a crashing worker, idle release, close with
// pending tasks, and the bundler form (a worker script that calls serve()).
import { test } from "node:test";
import assert from "node:assert/strict";
import { inPage } from "./browser.mjs";

test("a progress callback that throws stops its task with CallbackError, as on Runner; the pool goes on", async () => {
  const result = await inPage(async (webpar) => {
    const pool = webpar.createWorkerPool(new URL("/tasks.js", location.href), { size: 1 });
    const thrown = new RangeError("no progress for you");
    const failed = await pool.submit("busy", [60_000], { onProgress: () => { throw thrown; } })
      .then(() => null, (err) => ({ name: err.name, message: err.message, cause: err.cause === thrown }));
    const next = await pool.submit("fib", [20]);
    const stats = pool.stats();
    await pool.close();
    return { failed, next, replaced: stats.pool.replaced, failedCount: stats.failed };
  }, { isolated: false });
  assert.equal(result.failed.name, "CallbackError");
  assert.match(result.failed.message, /^onProgress threw \(no progress for you\); the task was stopped/);
  assert.equal(result.failed.cause, true);
  assert.equal(result.next, 6765);
  // Stopped at its first progress report, not run for its minute: its worker was replaced.
  assert.equal(result.replaced, 1, "its worker was terminated and replaced");
  assert.equal(result.failedCount, 1);
});

test("submit, map, progress and transfer on the app's own task module", async () => {
  const result = await inPage(async (webpar) => {
    const pool = webpar.createWorkerPool(new URL("/tasks.js", location.href), { size: 2 });
    const fib = await pool.submit("fib", [25]);
    const steps = [];
    const busy = await pool.submit("busy", [100], { onProgress: (value) => steps.push(value) });
    const values = [];
    for await (const value of pool.map("fib", [10, 11, 12, 13, 14, 15])) values.push(value);
    const unordered = [];
    for await (const value of pool.map("fib", [20, 5, 1], { ordered: false })) unordered.push(value);
    const buffer = new Uint8Array(1 << 20).fill(3).buffer;
    const summed = await pool.submit("sumBytes", [buffer], { transfer: [buffer] });
    const counted = await pool.submit("countingBytes", [300]);
    const stats = pool.stats();
    await pool.close();
    return {
      fib, busy, steps, values, unordered: unordered.sort((a, b) => a - b), summed, left: buffer.byteLength,
      counted: [counted.length, counted[255], counted[256]], completed: stats.completed, workers: stats.pool.workers.length,
    };
  }, { isolated: false });
  assert.equal(result.fib, 75025);
  assert.equal(result.busy, 10);
  assert.equal(result.steps.at(-1), 1);
  assert.ok(result.steps.length >= 5, `progress values: ${result.steps}`);
  assert.deepEqual(result.values, [55, 89, 144, 233, 377, 610]);
  assert.deepEqual(result.unordered, [1, 5, 6765]);
  assert.deepEqual(result.summed, { sum: 3 << 20, length: 1 << 20 });
  assert.equal(result.left, 0, "the transferred buffer left the page");
  assert.deepEqual(result.counted, [300, 255, 0]);
  assert.equal(result.workers, 2);
  assert.equal(result.completed, 13, "4 submits and 9 items of map");
});

test("a task's error comes back with its name, message, fields and stack; unknown names are typed", async () => {
  const result = await inPage(async (webpar) => {
    const pool = webpar.createWorkerPool("/tasks.js", { size: 1 });
    const failed = await pool.submit("validate", ["nobody"]).then(() => null, (err) => ({
      name: err.name, message: err.message, field: err.field, stack: err.stack, isError: err instanceof Error,
    }));
    const unknown = await pool.submit("nothing").then(() => null, (err) => [err.name, err.message]);
    let badArgs;
    await pool.submit("fib", 3).then(() => null, (err) => { badArgs = `${err.name} ${err.param}`; });
    const clone = await pool.submit("fib", [() => 1]).then(() => null, (err) => err.name);
    const still = await pool.submit("fib", [10]);
    let notUrl;
    try {
      webpar.createWorkerPool(42);
    } catch (err) {
      notUrl = err.name;
    }
    const missing = webpar.createWorkerPool("/no-such-tasks.js", { size: 1 });
    const failedStart = await missing.submit("fib", [1]).then(() => null, (err) => [err.name, err.message]);
    await missing.close();
    await pool.close();
    return { failed, unknown, badArgs, clone, still, notUrl, failedStart };
  }, { isolated: false });
  assert.equal(result.failed.name, "ValidationError");
  assert.equal(result.failed.message, "not an email address: nobody");
  assert.equal(result.failed.field, "email");
  assert.equal(result.failed.isError, true);
  assert.match(result.failed.stack, /tasks\.js/);
  assert.equal(result.unknown[0], "UnknownTaskError");
  assert.match(result.unknown[1], /no function "nothing"; its functions: .*fib/);
  assert.equal(result.badArgs, "InvalidParamsError args");
  assert.equal(result.clone, "DataCloneError");
  assert.equal(result.still, 55);
  assert.equal(result.notUrl, "InvalidParamsError");
  assert.equal(result.failedStart[0], "PoolNotReadyError");
  assert.match(result.failedStart[1], /no-such-tasks\.js/);
});

test("timeout and cancel terminate the task's worker; a crash fails only its task; the pool keeps its size", async () => {
  const result = await inPage(async (webpar) => {
    const pool = webpar.createWorkerPool("/tasks.js", { size: 2 });
    const outcome = (task) => task.then((v) => ["ok", v], (err) => [err.name, err.message]);
    const timedOut = await outcome(pool.submit("forever", [], { timeoutMs: 200 }));
    const running = pool.submit("forever");
    // Cancelled once a worker runs it (a replacement may still be starting): its worker must go.
    while (!pool.stats().pool.workers.some((w) => w.state === "busy")) await new Promise((resolve) => setTimeout(resolve, 10));
    running.cancel();
    const cancelled = await outcome(running);
    const [crashed, beside] = await Promise.all([outcome(pool.submit("crash")), outcome(pool.submit("fib", [20]))]);
    const after = await pool.submit("fib", [15]);
    const stats = pool.stats();
    await pool.close();
    return { timedOut, cancelled, crashed, beside, after, workers: stats.pool.workers.length, replaced: stats.pool.replaced, crashes: stats.pool.crashes };
  }, { isolated: false });
  assert.equal(result.timedOut[0], "TimeoutError");
  assert.match(result.timedOut[1], /200 ms/);
  assert.equal(result.cancelled[0], "AbortError");
  assert.equal(result.crashed[0], "EngineCrashedError");
  assert.match(result.crashed[1], /an uncaught error in a timer/);
  assert.deepEqual(result.beside, ["ok", 6765]);
  assert.equal(result.after, 610);
  assert.equal(result.workers, 2);
  assert.equal(result.crashes, 1);
  assert.ok(result.replaced >= 2, `replaced ${result.replaced}`);
});

test("idle workers are let go and come back; close settles pending tasks; serve() in a bundled worker", async () => {
  const result = await inPage(async (webpar) => {
    const pool = webpar.createWorkerPool("/tasks.js", { size: 2, idleTimeoutMs: 100 });
    await pool.submit("fib", [5]);
    const before = pool.stats().pool.workers.length;
    await new Promise((resolve) => setTimeout(resolve, 400));
    const idle = pool.stats().pool.workers.length;
    const again = await pool.submit("fib", [6]);
    // Two run, two wait; closing cancels the waiting ones and lets the running ones finish.
    const tasks = [0, 1, 2, 3].map(() => pool.submit("busy", [150]));
    await new Promise((resolve) => setTimeout(resolve, 20));
    const closed = pool.close({ cancelPending: true });
    const late = await pool.submit("fib", [1]).then(() => "ok", (err) => err.name);
    await closed;
    const statuses = tasks.map((t) => t.status);

    const source = `import { serve, progress } from "${location.origin}/pkg/task.js";
      serve({ triple: (n) => { progress("half"); return 3 * n; } });`;
    const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
    const bundled = webpar.createWorkerPool(() => new Worker(url, { type: "module" }), { size: 1 });
    const seen = [];
    const tripled = await bundled.submit("triple", [14], { onProgress: (v) => seen.push(v) });
    await bundled.close();
    return { before, idle, again, late, statuses, tripled, seen };
  }, { isolated: false });
  assert.equal(result.before, 1);
  assert.equal(result.idle, 0);
  assert.equal(result.again, 8);
  assert.equal(result.late, "PoolClosedError");
  assert.deepEqual(result.statuses, ["fulfilled", "fulfilled", "cancelled", "cancelled"]);
  assert.equal(result.tripled, 42);
  assert.deepEqual(result.seen, ["half"]);
});

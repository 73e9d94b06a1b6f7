// The executor vocabulary in the page: Task states and cancel, map's order, backpressure and
// early break, asCompleted/wait, TaskGroup, the queue's limit, close() and stats().
import { test } from "node:test";
import assert from "node:assert/strict";
import { inPage } from "./browser.mjs";


test("submit: Task states, cancel before and after start, deadlines, priority, progress", { timeout: 120_000 }, async () => {
  const seen = await inPage(async ({ default: init, Runner }) => {
    await init({ threads: 2 });
    // A job that runs for seconds unless stopped: cancelling it must be what ends it.
    const LONG = { below: 1_000_000_000 };
    const runner = new Runner({ maxRunning: 1 });
    const out = {};

    const first = runner.submit("primes", { below: 2_000_000 });
    const queued = runner.submit("primes", { below: 1000 });
    out.initial = [first.status, queued.status, queued.id > first.id, first.done];
    const fractions = [];
    const watching = (async () => { for await (const f of first.progress) fractions.push(f); })();
    const report = await first;
    await watching;
    out.first = { status: first.status, checksum: report.checksum, done: first.done };
    out.fractions = { count: fractions.length, last: fractions.at(-1),
      monotone: fractions.every((f, i) => i === 0 || f >= fractions[i - 1]) };
    out.second = (await queued).checksum;

    // Cancel before start: removed, never runs.
    const blocker = runner.submit("primes", LONG);
    const waiting = runner.submit("primes", { below: 1000 });
    out.cancelQueued = [waiting.cancel(), waiting.status, await waiting.catch((e) => e.name), waiting.cancel()];
    // Cancel after start: asked to stop; rejects with AbortError within a chunk.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = performance.now();
    out.cancelRunning = [blocker.status, blocker.cancel(), await blocker.catch((e) => e.name), blocker.status];
    out.stopMs = performance.now() - started;

    // result({ timeoutMs }) gives up waiting but the task goes on.
    const slow = runner.submit("primes", LONG);
    out.resultTimeout = [await slow.result({ timeoutMs: 50 }).catch((e) => e.name), slow.status];
    // deadlineMs counts the queue: this one misses it while the slow one runs.
    const late = runner.submit("primes", { below: 1000 }, { deadlineMs: 50 });
    out.deadline = [await late.catch((e) => e.name), late.status];
    slow.cancel();
    await slow.catch(() => {});
    // timeoutMs counts from the start.
    out.timeout = await runner.submit("primes", LONG, { timeoutMs: 100 }).catch((e) => e.name);

    // Priority: with one running, the queued ones start highest first.
    const order = [];
    const hold = runner.submit("primes", { below: 3_000_000 });
    const tasks = [0, 5, 1, 5, 9].map((priority, i) =>
      runner.submit("primes", { below: 1000 + i }, { priority }).then(() => order.push(`${priority}:${i}`)));
    await Promise.all([hold, ...tasks]);
    out.order = order;

    // Bad input and bad options reject the Task; submit never throws.
    out.bad = [
      await runner.submit("primes", { below: -1 }).catch((e) => `${e.name} ${e.param}`),
      await runner.submit("nope", {}).catch((e) => e.name),
      await runner.submit("primes", { below: 10 }, { priority: "high" }).catch((e) => `${e.name} ${e.param}`),
      await runner.submit("primes", { below: 10 }, { signal: AbortSignal.abort() }).catch((e) => e.name),
    ];
    out.stats = runner.stats();
    return out;
  }, { limitMs: 110_000 });

  assert.deepEqual(seen.initial, ["running", "queued", true, false]);
  assert.deepEqual(seen.first, { status: "fulfilled", checksum: "148933", done: true });
  assert.ok(seen.fractions.count >= 1 && seen.fractions.last === 1 && seen.fractions.monotone, JSON.stringify(seen.fractions));
  assert.equal(seen.second, "168");
  assert.deepEqual(seen.cancelQueued, [true, "cancelled", "AbortError", false]);
  assert.deepEqual(seen.cancelRunning, ["running", false, "AbortError", "cancelled"]);
  assert.ok(seen.stopMs < 5_000, `a running task stopped after ${seen.stopMs} ms`);
  assert.deepEqual(seen.resultTimeout, ["TimeoutError", "running"]);
  assert.deepEqual(seen.deadline, ["TimeoutError", "rejected"]);
  assert.equal(seen.timeout, "TimeoutError");
  assert.deepEqual(seen.order, ["9:4", "5:1", "5:3", "1:2", "0:0"]);
  assert.deepEqual(seen.bad, ["InvalidParamsError below", "UnknownWorkloadError", "InvalidParamsError priority", "AbortError"]);
  assert.equal(seen.stats.queued, 0);
  assert.equal(seen.stats.running, 0);
  assert.ok(seen.stats.completed >= 8 && seen.stats.cancelled >= 3 && seen.stats.failed >= 5, JSON.stringify(seen.stats));
  assert.ok(seen.stats.runMs.p50 > 0 && seen.stats.waitMs.p99 >= seen.stats.waitMs.p50);
  assert.ok(seen.stats.memory.heapBytes > 0);
});

test("map: ordered and unordered results, bounded buffer, early break, failures in place", { timeout: 120_000 }, async () => {
  const seen = await inPage(async ({ default: init, Runner }) => {
    await init({ threads: 2 });
    // A job that runs for seconds unless stopped: cancelling it must be what ends it.
    const LONG = { below: 1_000_000_000 };
    const runner = new Runner();
    const out = {};
    const isPrime = (k) => { if (k < 2) return false; for (let d = 2; d * d <= k; d++) if (k % d === 0) return false; return true; };
    const count = (below) => { let c = 0; for (let k = 0; k < below; k++) if (isPrime(k)) c++; return c; };

    // Ordered: results in input order, for generated params (checksums) and inputs (outputs).
    const bounds = Array.from({ length: 300 }, (_, i) => 1 + ((i * 7919) % 5000));
    const ordered = [];
    for await (const checksum of runner.map("primes", bounds.map((below) => ({ below })), { chunkSize: 16 })) {
      ordered.push(Number(checksum));
    }
    out.ordered = ordered.every((c, i) => c === count(bounds[i])) && ordered.length === 300;
    const lists = [];
    for await (const output of runner.map("primes", [{ input: { below: 20 } }, { input: { below: 10 } }])) {
      lists.push([...output.primes].join(" "));
    }
    out.lists = lists;

    // Unordered: every result once, the long one last.
    const unordered = [];
    const mixed = [{ below: 20_000_000 }, ...Array.from({ length: 20 }, (_, i) => ({ below: 100 + i }))];
    for await (const checksum of runner.map("primes", mixed, { ordered: false, concurrency: 4 })) unordered.push(checksum);
    out.unorderedLast = unordered.at(-1);
    out.unorderedCount = unordered.length;

    // Backpressure: a lazy source is read only as far as the buffer allows.
    let pulled = 0;
    let finallyRan = false;
    function* source() {
      try {
        for (let i = 0; i < 1_000_000; i++) { pulled++; yield { below: 1000 }; }
      } finally { finallyRan = true; }
    }
    let consumed = 0;
    let worstAhead = 0;
    for await (const _ of runner.map("primes", source(), { chunkSize: 10, concurrency: 2, buffer: 40 })) {
      consumed++;
      worstAhead = Math.max(worstAhead, pulled - consumed);
      if (consumed === 500) break; // early break stops the rest
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    out.backpressure = { worstAhead, consumed, pulledAfterBreak: pulled, finallyRan, running: runner.stats().running };

    // Async iterable input.
    async function* later() { for (let i = 0; i < 5; i++) { await null; yield { below: 10 * (i + 1) }; } }
    const fromAsync = [];
    for await (const c of runner.map("primes", later(), { chunkSize: 2 })) fromAsync.push(c);
    out.fromAsync = fromAsync;

    // An input's failure is thrown where its result would be; the results before it come.
    const before = [];
    out.failure = await (async () => {
      try {
        for await (const c of runner.map("primes", [{ below: 10 }, { below: -5 }, { below: 30 }], { chunkSize: 3 })) before.push(c);
        return "no error";
      } catch (err) {
        return `${err.name} ${err.param}`;
      }
    })();
    out.before = before;
    // A batch's items are read in one go: each bad item still fails alone, named, with what
    // its getter threw as the cause, after the results before it.
    const thrown = new Error("the item's getter");
    const badItems = {
      getter: { get below() { throw thrown; } },
      null: null,
      string: "primes",
      array: [10],
      text: { below: "10" },
      unknown: { below: 10, above: 3 },
    };
    out.badItems = {};
    for (const [kind, bad] of Object.entries(badItems)) {
      const got = [];
      try {
        for await (const c of runner.map("primes", [{ below: 10 }, { input: { below: 20 } }, bad], { chunkSize: 3 })) {
          got.push(typeof c === "string" ? c : c.count);
        }
        out.badItems[kind] = "no error";
      } catch (err) {
        out.badItems[kind] = [got, err.name, err.param ?? null, err.cause === thrown];
      }
    }
    // Aborting the signal ends the loop with AbortError.
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    out.aborted = await (async () => {
      try {
        for await (const _ of runner.map("primes", [LONG], { signal: controller.signal })) { /* */ }
        return "finished";
      } catch (err) { return err.name; }
    })();
    return out;
  }, { limitMs: 110_000 });

  assert.equal(seen.ordered, true);
  assert.deepEqual(seen.lists, ["2 3 5 7 11 13 17 19", "2 3 5 7"]);
  assert.equal(seen.unorderedCount, 21);
  assert.equal(seen.unorderedLast, "1270607");
  assert.ok(seen.backpressure.worstAhead <= 40 + 10, `read ${seen.backpressure.worstAhead} inputs ahead of the loop`);
  assert.ok(seen.backpressure.pulledAfterBreak <= 500 + 50, `pulled ${seen.backpressure.pulledAfterBreak}`);
  assert.equal(seen.backpressure.finallyRan, true, "breaking out closes the source");
  assert.equal(seen.backpressure.running, 0, "no chunk runs after the break");
  assert.deepEqual(seen.fromAsync, ["4", "8", "10", "12", "15"]);
  assert.equal(seen.failure, "InvalidParamsError below");
  assert.deepEqual(seen.before, ["4"]);
  assert.deepEqual(seen.badItems, {
    getter: [["4", 8], "InvalidParamsError", null, true],
    null: [["4", 8], "InvalidParamsError", null, false],
    string: [["4", 8], "InvalidParamsError", null, false],
    array: [["4", 8], "InvalidParamsError", null, false],
    text: [["4", 8], "InvalidParamsError", "below", false],
    unknown: [["4", 8], "InvalidParamsError", "above", false],
  });
  assert.equal(seen.aborted, "AbortError");
});

test("asCompleted, wait, TaskGroup, a full queue, close and await using", { timeout: 120_000 }, async () => {
  // Source text: the page runs `await using`, which this Node's parser may not know.
  const seen = await inPage(String.raw`async ({ default: init, Runner, asCompleted, wait }) => {
    await init({ threads: 2 });
    // A job that runs for seconds unless stopped: cancelling it must be what ends it.
    const LONG = { below: 1_000_000_000 };
    const out = {};
    const runner = new Runner();

    // asCompleted yields the quick ones first.
    const tasks = [{ below: 30_000_000 }, { below: 100 }, { below: 1000 }].map((p) => runner.submit("primes", p));
    const completed = [];
    for await (const task of asCompleted(tasks)) completed.push(task.value.checksum);
    out.completed = completed;
    // wait: first-completed returns before the slow one; first-exception on the failure.
    const slow = runner.submit("primes", { below: 1_000_000_000 });
    const quick = runner.submit("primes", { below: 100 });
    const first = await wait([slow, quick], { returnWhen: "first-completed" });
    out.firstCompleted = [first.done.has(quick), first.notDone.has(slow)];
    const failing = runner.submit("primes", { below: -1 });
    const firstError = await wait([slow, failing], { returnWhen: "first-exception" });
    out.firstException = [firstError.done.has(failing), firstError.notDone.has(slow)];
    const timed = await wait([slow], { timeoutMs: 50 });
    out.timedOut = timed.notDone.size;
    slow.cancel();
    await slow.catch(() => {});

    // TaskGroup: one failure cancels the siblings; join rejects with an AggregateError.
    const group = runner.group();
    const siblings = [group.submit("primes", LONG), group.submit("primes", LONG)];
    setTimeout(() => group.submit("primes", { below: -1 }), 100);
    const joined = await group.join().catch((err) => err);
    out.group = {
      name: joined.constructor.name,
      errors: joined.errors.map((e) => e.name),
      siblings: siblings.map((t) => t.status),
    };
    const calm = runner.group({ cancelOnFailure: false });
    calm.submit("primes", { below: 100 });
    calm.submit("primes", { below: -1 });
    out.settled = (await calm.settled()).map((r) => r.status);
    {
      await using ok = runner.group();
      ok.submit("primes", { below: 100 });
    }

    // A full queue: reject, or wait for room with capacity().
    const small = new Runner({ maxQueue: 2, maxRunning: 1 });
    const busy = small.submit("primes", LONG);
    const q1 = small.submit("primes", { below: 100 });
    const q2 = small.submit("primes", { below: 200 });
    out.full = await small.submit("primes", { below: 300 }).catch((e) => e.name);
    let roomAt = 0;
    const room = small.capacity().then(() => { roomAt = performance.now(); });
    await new Promise((resolve) => setTimeout(resolve, 100));
    out.waitedForRoom = roomAt === 0;
    busy.cancel();
    await room;
    out.roomAfterCancel = roomAt > 0;
    await Promise.all([q1, q2]);

    // close: queued tasks cancelled with cancelPending, running ones finish, later work refused.
    const closing = new Runner({ maxRunning: 1 });
    const running = closing.submit("primes", { below: 3_000_000 });
    const pending = [1, 2, 3].map(() => closing.submit("primes", { below: 100 }));
    await closing.close({ cancelPending: true });
    out.close = {
      running: running.status,
      pending: pending.map((t) => t.status),
      submit: await closing.submit("primes", { below: 10 }).catch((e) => e.name),
      run: await closing.run("primes", { below: 10 }).catch((e) => e.name),
      capacity: await closing.capacity().catch((e) => e.name),
    };
    const disposed = new Runner();
    let task;
    {
      await using scoped = disposed;
      task = scoped.submit("primes", { below: 1_000_000 });
    }
    out.disposed = [task.status, await disposed.run("primes", { below: 10 }).catch((e) => e.name)];
    return out;
  }`, { limitMs: 110_000 });

  // The big one last; the two quick ones race each other on the two threads.
  assert.deepEqual([...seen.completed.slice(0, 2)].sort(), ["168", "25"]);
  assert.equal(seen.completed[2], "1857859");
  assert.deepEqual(seen.firstCompleted, [true, true]);
  assert.deepEqual(seen.firstException, [true, true]);
  assert.equal(seen.timedOut, 1);
  assert.deepEqual(seen.group, { name: "AggregateError", errors: ["InvalidParamsError"], siblings: ["cancelled", "cancelled"] });
  assert.deepEqual(seen.settled, ["fulfilled", "rejected"]);
  assert.equal(seen.full, "QueueFullError");
  assert.equal(seen.waitedForRoom, true);
  assert.equal(seen.roomAfterCancel, true);
  assert.deepEqual(seen.close, {
    running: "fulfilled", pending: ["cancelled", "cancelled", "cancelled"],
    submit: "PoolClosedError", run: "PoolClosedError", capacity: "PoolClosedError",
  });
  assert.deepEqual(seen.disposed, ["fulfilled", "RunnerFreedError"]);
});

test("fairness: under twenty producers keeping the queue full, a task of each priority starts within maxQueue + 1,000 starts", { timeout: 300_000 }, async () => {
  const seen = await inPage(async ({ default: init, Runner }) => {
    await init({ threads: 2 });
    // One consumer: tasks start one at a time, so the order they complete in is the order
    // they start in.
    const maxQueue = 50;
    const runner = new Runner({ maxRunning: 1, maxQueue });
    let completed = 0;
    let refused = 0;
    let flooding = true;
    const producers = Array.from({ length: 20 }, async () => {
      while (flooding) {
        await runner.capacity();
        if (!flooding) break;
        runner.submit("empty", {}, { priority: 5 }).then(() => { completed += 1; },
          (err) => { if (err.name === "QueueFullError") refused += 1; });
      }
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const probes = {};
    for (const priority of [-1, 0, 5, 9]) {
      await runner.capacity();
      const queuedAt = completed;
      const ahead = runner.stats().queued;
      await runner.submit("empty", {}, { priority });
      probes[priority] = { waited: completed - queuedAt, ahead };
    }
    flooding = false;
    await Promise.all(producers);
    await runner.close();
    return { probes, refused, completed };
  }, { limitMs: 240_000 });
  for (const [priority, { waited, ahead }] of Object.entries(seen.probes)) {
    assert.ok(ahead <= 50, `priority ${priority}: ${ahead} queued ahead`);
    assert.ok(waited <= 50 + 1_000, `priority ${priority} waited ${waited} starts (${ahead} ahead)`);
  }
  // Strict priorities until the limit: the lowest waited for it, the highest went next.
  assert.ok(seen.probes[-1].waited >= 1_000, JSON.stringify(seen));
  assert.ok(seen.probes[9].waited <= 1, JSON.stringify(seen));
  // capacity() kept each woken producer's place: no submit after it was refused.
  assert.equal(seen.refused, 0, JSON.stringify(seen));
});

// The async primitives of the package (js/src/sync.js), in the page: their invariants
// under many concurrent tasks, FIFO service, and waiters that abort and leave nothing behind.
import { test } from "node:test";
import assert from "node:assert/strict";
import { inPage } from "./browser.mjs";

test("Semaphore and Mutex: never more holders than permits, FIFO, aborted waiters leave the line", async () => {
  const seen = await inPage(async ({ Semaphore, Mutex }) => {
    const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
    const semaphore = new Semaphore(3);
    let inside = 0;
    let maxInside = 0;
    await Promise.all(Array.from({ length: 60 }, (_, i) => semaphore.run(async () => {
      inside += 1;
      maxInside = Math.max(maxInside, inside);
      await sleep(i % 4);
      inside -= 1;
    })));

    const lock = new Mutex();
    const held = await lock.acquire();
    const order = [];
    const controller = new AbortController();
    const waits = ["a", "b", "c", "d"].map((name) => lock.acquire(name === "b" ? { signal: controller.signal } : undefined)
      .then((permit) => { order.push(name); return permit; }, (err) => { order.push(`${name}:${err.name}`); return null; }));
    const waitingBefore = lock.waiting;
    controller.abort();
    await Promise.resolve();
    const waitingAfterAbort = lock.waiting;
    held.release();
    held.release(); // a second release of the same permit does nothing
    for (let i = 0; i < 3; i++) {
      const permit = await waits[[0, 2, 3][i]];
      await Promise.resolve();
      permit.release();
    }
    await Promise.all(waits);
    return { maxInside, available: semaphore.available, order, waitingBefore, waitingAfterAbort,
      lockAvailable: lock.available, locked: lock.locked, tryOnFree: lock.tryAcquire() !== null };
  });
  assert.equal(seen.maxInside, 3);
  assert.equal(seen.available, 3);
  assert.deepEqual(seen.order, ["b:AbortError", "a", "c", "d"]);
  assert.equal(seen.waitingBefore, 4);
  assert.equal(seen.waitingAfterAbort, 3);
  assert.equal(seen.lockAvailable, 1);
  assert.equal(seen.locked, false);
  assert.equal(seen.tryOnFree, true);
});

test("Flag releases every waiter; Barrier phases never overlap and a waiter that aborts breaks it", async () => {
  const seen = await inPage(async ({ Flag, Barrier }) => {
    const event = new Flag();
    let released = 0;
    const waiters = Array.from({ length: 5 }, () => event.wait().then(() => released++));
    const before = released;
    event.set();
    await Promise.all(waiters);
    const afterSet = await event.wait();

    const parties = 4;
    const phases = 6;
    const barrier = new Barrier(parties);
    const log = [];
    const indices = [];
    await Promise.all(Array.from({ length: parties }, async (_, task) => {
      for (let phase = 0; phase < phases; phase++) {
        log.push(["start", phase, task]);
        await new Promise((resolve) => setTimeout(resolve, (task * 7 + phase * 3) % 5));
        log.push(["end", phase, task]);
        indices.push([phase, await barrier.wait()]);
      }
    }));
    // No task starts phase p + 1 before every task has ended phase p.
    let overlaps = 0;
    for (let phase = 1; phase < phases; phase++) {
      const firstStart = log.findIndex(([kind, p]) => kind === "start" && p === phase);
      const lastEnd = log.findLastIndex(([kind, p]) => kind === "end" && p === phase - 1);
      if (firstStart < lastEnd) overlaps++;
    }
    const perPhase = Array.from({ length: phases }, (_, p) =>
      indices.filter(([phase]) => phase === p).map(([, i]) => i).sort().join(""));

    const breaking = new Barrier(3);
    const controller = new AbortController();
    const outcomes = Promise.all([breaking.wait(), breaking.wait({ signal: controller.signal })]
      .map((p) => p.then(() => "resolved", (err) => err.name)));
    controller.abort();
    const broken = await outcomes;
    const refusedWhileBroken = await breaking.wait().then(() => "resolved", (err) => err.name);
    breaking.reset();
    const afterReset = await Promise.all([breaking.wait(), breaking.wait(), breaking.wait()]);
    return { before, released, afterSet, overlaps, perPhase, broken, refusedWhileBroken, afterReset: afterReset.sort() };
  });
  assert.equal(seen.before, 0);
  assert.equal(seen.released, 5);
  assert.equal(seen.afterSet, true);
  assert.equal(seen.overlaps, 0);
  assert.deepEqual(seen.perPhase, Array(6).fill("0123"));
  assert.deepEqual(seen.broken, ["BrokenBarrierError", "AbortError"]);
  assert.equal(seen.refusedWhileBroken, "BrokenBarrierError");
  assert.deepEqual(seen.afterReset, [0, 1, 2]);
});

test("Queue: bounded, every item exactly once, taskDone/join, close ends consumers, aborted puts leave no item", async () => {
  const seen = await inPage(async ({ Queue }) => {
    const queue = new Queue({ maxSize: 5 });
    let maxSize = 0;
    const got = [];
    const producers = Array.from({ length: 3 }, async (_, p) => {
      for (let i = 0; i < 300; i++) {
        await queue.put(`${p}:${i}`);
        maxSize = Math.max(maxSize, queue.size);
      }
    });
    const consumers = Array.from({ length: 4 }, async () => {
      for await (const item of queue) {
        got.push(item);
        if (got.length % 7 === 0) await new Promise((resolve) => setTimeout(resolve, 0));
        queue.taskDone();
      }
    });
    await Promise.all(producers);
    await queue.join();
    const unfinishedAfterJoin = queue.unfinished;
    queue.close();
    await Promise.all(consumers);
    const unique = new Set(got).size;

    const small = new Queue({ maxSize: 1 });
    small.tryPut("x");
    const full = (() => { try { small.tryPut("y"); return "put"; } catch (err) { return err.name; } })();
    const controller = new AbortController();
    const abortedPut = small.put("never", { signal: controller.signal }).then(() => "put", (err) => err.name);
    const laterPut = small.put("z");
    controller.abort();
    const abortedName = await abortedPut;
    const first = await small.get();
    await laterPut;
    const second = await small.get();
    const empty = (() => { try { small.tryGet(); return "got"; } catch (err) { return err.name; } })();
    small.close();
    const closedGet = await small.get().then(() => "got", (err) => err.name);
    const closedPut = await small.put("late").then(() => "put", (err) => err.name);
    return { maxSize, count: got.length, unique, unfinishedAfterJoin, full, abortedName, first, second, empty, closedGet, closedPut };
  });
  assert.equal(seen.count, 900);
  assert.equal(seen.unique, 900, "every item exactly once");
  assert.ok(seen.maxSize <= 5, `size reached ${seen.maxSize}`);
  assert.equal(seen.unfinishedAfterJoin, 0);
  assert.equal(seen.full, "QueueFullError");
  assert.equal(seen.abortedName, "AbortError");
  assert.deepEqual([seen.first, seen.second], ["x", "z"], "the aborted put's item never entered");
  assert.equal(seen.empty, "QueueEmptyError");
  assert.equal(seen.closedGet, "QueueClosedError");
  assert.equal(seen.closedPut, "QueueClosedError");
});

test("every() ticks until its signal aborts, then never again; a throwing tick rejects with its cause", async () => {
  const seen = await inPage(async ({ every }) => {
    const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
    let ticks = 0;
    const controller = new AbortController();
    const running = every(10, () => { ticks++; }, { signal: controller.signal });
    while (ticks < 3) await sleep(5);
    controller.abort();
    const report = await running;
    const atAbort = ticks;
    await sleep(50);
    const oops = new Error("tick failed");
    const failed = await every(5, (tick) => { if (tick === 2) throw oops; })
      .then(() => null, (err) => ({ name: err.name, causeKept: err.cause === oops }));
    const bad = await every(0, () => {}).then(() => null, (err) => err.name);
    return { reportTicks: report.ticks, atAbort, after: ticks, failed, bad, late: typeof report.maxLateMs };
  });
  assert.ok(seen.reportTicks >= 3);
  assert.equal(seen.after, seen.atAbort, "no tick after the abort");
  assert.equal(seen.reportTicks, seen.atAbort);
  assert.deepEqual(seen.failed, { name: "CallbackError", causeKept: true });
  assert.equal(seen.bad, "InvalidParamsError");
  assert.equal(seen.late, "number");
});

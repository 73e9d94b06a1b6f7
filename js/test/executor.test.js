// The executor (executor.js) with work of the test's own: no wasm, no browser. Limits,
// priorities, cancel, deadlines, close, and that every task settles.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Executor } from "../src/executor/executor.js";
import { asCompleted, wait } from "../src/executor/wait.js";
import { AbortError, PoolClosedError, QueueFullError, TimeoutError } from "../src/errors.js";

/** Work that resolves with `value` when the test says so (or aborts with its signal). */
function gate() {
  const opened = [];
  const work = (value) => (signal) => new Promise((resolve, reject) => {
    opened.push(() => resolve(value));
    signal.addEventListener("abort", () => reject(signal.reason), { once: true });
  });
  const openAll = () => { for (const open of opened.splice(0)) open(); };
  return { work, openAll, get waiting() { return opened.length; } };
}
const turn = () => new Promise((resolve) => setTimeout(resolve, 0));

test("at most maxRunning tasks run at once; the rest wait and all complete", async () => {
  const executor = new Executor({ maxQueue: 100, maxRunning: 3 });
  const { work, openAll } = gate();
  const tasks = Array.from({ length: 10 }, (_, i) => executor.enqueue(work(i), {}));
  await turn();
  assert.equal(executor.running, 3);
  assert.equal(executor.queued, 7);
  while (executor.running > 0) {
    openAll();
    await turn();
  }
  assert.deepEqual(await Promise.all(tasks), Array.from({ length: 10 }, (_, i) => i));
  assert.equal(executor.stats().completed, 10);
});

test("higher priority starts first; equal priorities in submit order", async () => {
  const executor = new Executor({ maxQueue: 100, maxRunning: 1 });
  const { work, openAll } = gate();
  const started = [];
  const track = (name) => (signal) => { started.push(name); return work(name)(signal); };
  const all = [
    executor.enqueue(track("first"), {}),
    executor.enqueue(track("low"), { priority: -1 }),
    executor.enqueue(track("a"), {}),
    executor.enqueue(track("high"), { priority: 5 }),
    executor.enqueue(track("b"), {}),
  ];
  for (let i = 0; i < 5; i++) {
    await turn();
    openAll();
  }
  await Promise.all(all);
  assert.deepEqual(started, ["first", "high", "a", "b", "low"]);
});

test("a full queue refuses a submit with QueueFullError", async () => {
  const executor = new Executor({ maxQueue: 1, maxRunning: 1 });
  const { work, openAll } = gate();
  const running = executor.enqueue(work(1), {});
  const queued = executor.enqueue(work(2), {});
  await assert.rejects(executor.enqueue(work(3), {}), QueueFullError);
  await turn();
  openAll();
  await turn();
  openAll();
  assert.deepEqual(await Promise.all([running, queued]), [1, 2]);
});

test("cancel: a queued task is cancelled at once, a running one through its signal", async () => {
  const executor = new Executor({ maxQueue: 10, maxRunning: 1 });
  const { work } = gate();
  const running = executor.enqueue(work(1), {});
  const queued = executor.enqueue(work(2), {});
  await turn();
  assert.equal(queued.cancel(), true);
  await assert.rejects(queued, AbortError);
  assert.equal(queued.status, "cancelled");
  running.cancel();
  await assert.rejects(running, AbortError);
  assert.equal(executor.running, 0);
});

test("a deadline that passes while queued rejects with TimeoutError", async () => {
  const executor = new Executor({ maxQueue: 10, maxRunning: 1 });
  const { work, openAll } = gate();
  const running = executor.enqueue(work(1), {});
  const late = executor.enqueue(work(2), { deadlineMs: 5 });
  await assert.rejects(late, TimeoutError);
  openAll();
  assert.equal(await running, 1);
});

test("close settles every task: cancelPending cancels the queued, later submits are refused", async () => {
  const executor = new Executor({ maxQueue: 10, maxRunning: 1 });
  const { work, openAll } = gate();
  const running = executor.enqueue(work(1), {});
  const queued = executor.enqueue(work(2), {});
  await turn();
  const closed = executor.close({ cancelPending: true });
  await assert.rejects(queued, AbortError);
  await assert.rejects(executor.enqueue(work(3), {}), PoolClosedError);
  openAll();
  await closed;
  assert.equal(await running, 1);
});

test("asCompleted yields the tasks first settled first; wait splits done from not done", async () => {
  let release;
  const slow = new Promise((resolve) => { release = resolve; });
  const fast = Promise.resolve("fast");
  const order = [];
  const iterating = (async () => { for await (const p of asCompleted([slow, fast])) order.push(await p); })();
  await turn();
  release("slow");
  await iterating;
  assert.deepEqual(order, ["fast", "slow"]);
  const never = new Promise(() => {});
  const { done, notDone } = await wait([fast, never], { returnWhen: "first-completed" });
  assert.ok(done.has(fast) && notDone.has(never));
});

test("an options object that throws anything while it is read is an InvalidParamsError with what it threw", async () => {
  const { readOptions } = await import("../src/options.js");
  const { InvalidParamsError } = await import("../src/errors.js");
  const { proxy: revoked, revoke } = Proxy.revocable({}, {});
  revoke();
  const hostile = new Proxy(new Error("x"), { get() { throw new Error("every get throws"); } });
  for (const thrown of [new Error("boom"), "a string", 42, undefined, Symbol("s"), revoked, hostile]) {
    const options = new Proxy({}, { ownKeys() { throw thrown; } });
    assert.throws(() => readOptions(options, ["a"], "the options"), (error) =>
      error instanceof InvalidParamsError && error.param === "options" && Object.is(error.cause, thrown));
  }
});

test("wait, asCompleted and task.result check their arguments: typed errors, never a raw TypeError or a sync throw from a Promise method", async () => {
  const { InvalidParamsError, CallbackError } = await import("../src/errors.js");
  const named = (param) => (error) => error instanceof InvalidParamsError && error.param === param;
  await assert.rejects(wait(null), named("tasks"));
  assert.deepEqual(await wait([], null), { done: new Set(), notDone: new Set() }, "null options are no options");
  await assert.rejects(wait([], { signal: {} }), named("signal"));
  await assert.rejects(wait([], { returnWhen: "soon" }), named("returnWhen"));
  const boom = new Error("the app's iterator");
  const throwing = { *[Symbol.iterator]() { yield Promise.resolve(1); throw boom; } };
  await assert.rejects(wait(throwing), (error) => error instanceof CallbackError && error.cause === boom);
  assert.throws(() => asCompleted(null), named("tasks"));
  assert.throws(() => asCompleted([], { timeoutMs: -1 }), named("timeoutMs"));
  const executor = new Executor({ maxQueue: 10, maxRunning: 1 });
  const task = executor.enqueue(async () => 1, {});
  let returned;
  assert.doesNotThrow(() => { returned = task.result(null); });
  assert.equal(await returned, 1);
  await assert.rejects(task.result({ timeoutMs: -1 }), named("timeoutMs"));
  await assert.rejects(task.result(42), named("options"));
});

test("no priority starves: a low-priority task starts within STARVATION_STARTS starts under a flood of higher ones", { timeout: 60_000 }, async () => {
  const { STARVATION_STARTS } = await import("../src/executor/waiting-line.js");
  const maxQueue = 50;
  const executor = new Executor({ maxQueue, maxRunning: 1 });
  let starts = 0;
  // Each task takes a turn of the event loop, as real work does.
  const tick = () => new Promise((resolve) => setImmediate(resolve));
  const work = () => async () => { starts += 1; await tick(); };
  let flooding = true;
  // Twenty producers keep the queue full of priority-5 tasks.
  const producers = Array.from({ length: 20 }, async () => {
    while (flooding) {
      await executor.capacity();
      if (flooding) executor.enqueue(work(), { priority: 5 });
    }
  });
  await turn();
  const probes = {};
  for (const priority of [-1, 0, 5, 9]) {
    await executor.capacity();
    const queuedAt = starts;
    const ahead = executor.queued;
    const task = executor.enqueue(async () => {
      probes[priority] = { waited: starts - queuedAt, ahead };
      starts += 1;
      await tick();
    }, { priority });
    await task;
  }
  flooding = false;
  await Promise.all(producers);
  for (const [priority, { waited, ahead }] of Object.entries(probes)) {
    assert.ok(ahead <= maxQueue, `priority ${priority}: ${ahead} ahead`);
    assert.ok(waited <= STARVATION_STARTS + ahead, `priority ${priority} waited ${waited} starts with ${ahead} ahead`);
  }
  // Strict until then: the lowest waited the longest, the highest hardly at all.
  assert.ok(probes[-1].waited >= STARVATION_STARTS, JSON.stringify(probes));
  assert.ok(probes[9].waited <= 1, JSON.stringify(probes));
});

test("capacity() wakes its waiters first come, first served, only as many as there is room for", async () => {
  const executor = new Executor({ maxQueue: 2, maxRunning: 1 });
  const { work, openAll } = gate();
  executor.enqueue(work("running"), {});
  executor.enqueue(work("a"), {});
  executor.enqueue(work("b"), {});
  const woken = [];
  const waiters = ["w1", "w2", "w3"].map((name) => executor.capacity().then(() => {
    woken.push(name);
    executor.enqueue(work(name), {});
  }));
  // A caller that comes later queues behind them, even when room comes.
  const late = executor.capacity().then(() => woken.push("late"));
  await turn();
  assert.deepEqual(woken, []);
  openAll(); // "running" ends: "a" starts, one place frees
  await turn();
  assert.deepEqual(woken, ["w1"]);
  openAll(); // "a" ends: "b" starts, one place frees
  await turn();
  assert.deepEqual(woken, ["w1", "w2"]);
  while (woken.length < 4 || executor.running > 0) {
    openAll();
    await turn();
  }
  await Promise.all([...waiters, late]);
  assert.deepEqual(woken, ["w1", "w2", "w3", "late"]);
  assert.equal(executor.stats().failed, 0);
});

test("with maxQueue 0, capacity() resolves as a task ends: a submit runs at once or is refused", { timeout: 10_000 }, async () => {
  const executor = new Executor({ maxQueue: 0, maxRunning: 1 });
  const { work, openAll } = gate();
  const first = executor.enqueue(work(1), {});
  const refused = await executor.enqueue(work(2), {}).catch((err) => err.name);
  assert.equal(refused, "QueueFullError");
  let woke = false;
  const room = executor.capacity().then(() => { woke = true; });
  await turn();
  assert.equal(woke, false);
  openAll();
  await first;
  await room;
  assert.equal(woke, true);
  assert.equal(await executor.enqueue(async () => 3, {}), 3);
});

// The async primitives (sync.js) on Node's event loop: their invariants, FIFO order, and that an
// aborted waiter leaves the line without losing a permit, an item or a slot.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Mutex, Semaphore } from "../src/sync/semaphore.js";
import { Flag } from "../src/sync/flag.js";
import { Barrier } from "../src/sync/barrier.js";
import { Queue } from "../src/sync/queue.js";
import { every } from "../src/sync/every.js";
import { AbortError, BrokenBarrierError, InvalidParamsError, QueueClosedError } from "../src/errors.js";

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

test("a Semaphore never lets more holders in than it has permits, in arrival order", async () => {
  const semaphore = new Semaphore(2);
  let inside = 0;
  let most = 0;
  const order = [];
  await Promise.all(Array.from({ length: 20 }, (_, i) => semaphore.run(async () => {
    inside += 1;
    most = Math.max(most, inside);
    order.push(i);
    await tick();
    inside -= 1;
  })));
  assert.equal(most, 2);
  assert.deepEqual(order, Array.from({ length: 20 }, (_, i) => i));
  assert.equal(semaphore.available, 2);
});

test("an aborted acquire leaves the line and loses no permit", async () => {
  const mutex = new Mutex();
  const held = await mutex.acquire();
  assert.equal(mutex.locked, true);
  const controller = new AbortController();
  const waiting = mutex.acquire({ signal: controller.signal });
  controller.abort();
  await assert.rejects(waiting, AbortError);
  held.release();
  assert.equal(mutex.locked, false);
  assert.ok(mutex.tryAcquire());
});

test("a Flag wakes every waiter once set, and none before", async () => {
  const flag = new Flag();
  let woken = 0;
  const waiters = Array.from({ length: 5 }, () => flag.wait().then(() => { woken += 1; }));
  await tick();
  assert.equal(woken, 0);
  flag.set();
  await Promise.all(waiters);
  assert.equal(woken, 5);
  assert.equal(await flag.wait(), true);
});

test("a Barrier's phases never overlap, and a waiter that aborts breaks it", async () => {
  const barrier = new Barrier(3);
  const indexes = await Promise.all([barrier.wait(), barrier.wait(), barrier.wait()]);
  assert.deepEqual(indexes.sort(), [0, 1, 2]);
  const controller = new AbortController();
  const other = barrier.wait();
  const leaving = barrier.wait({ signal: controller.signal });
  controller.abort();
  await assert.rejects(leaving, AbortError);
  await assert.rejects(other, BrokenBarrierError);
  await assert.rejects(barrier.wait(), BrokenBarrierError);
  barrier.reset();
  assert.equal(barrier.broken, false);
});

test("a bounded Queue makes put wait while full, keeps order, and join waits for taskDone", async () => {
  const queue = new Queue({ maxSize: 2 });
  await queue.put(1);
  await queue.put(2);
  let third = false;
  const putting = queue.put(3).then(() => { third = true; });
  await tick();
  assert.equal(third, false);
  assert.equal(await queue.get(), 1);
  await putting;
  assert.deepEqual([await queue.get(), await queue.get()], [2, 3]);
  let joined = false;
  const join = queue.join().then(() => { joined = true; });
  queue.taskDone();
  queue.taskDone();
  await tick();
  assert.equal(joined, false);
  queue.taskDone();
  await join;
});

test("a closed Queue refuses puts, drains, then ends its async iteration", async () => {
  const queue = new Queue();
  await queue.put("a");
  queue.close();
  await assert.rejects(queue.put("b"), QueueClosedError);
  const seen = [];
  for await (const item of queue) seen.push(item);
  assert.deepEqual(seen, ["a"]);
});

test("wrong arguments are typed errors", () => {
  assert.throws(() => new Semaphore(-1), InvalidParamsError);
  assert.throws(() => new Barrier(1.5), InvalidParamsError);
  assert.throws(() => new Queue({ maxSize: -1 }), InvalidParamsError);
});

test("every runs until its signal aborts and resolves then", async () => {
  const controller = new AbortController();
  let calls = 0;
  await every(1, () => {
    calls += 1;
    if (calls === 3) controller.abort();
  }, { signal: controller.signal }).catch((error) => assert.equal(error.name, "AbortError"));
  assert.equal(calls, 3);
});

test("every argument is checked by the package's one reader: typed errors naming it, never a raw TypeError", async () => {
  const named = (param) => (error) => error instanceof InvalidParamsError && error.param === param;
  assert.equal(new Queue(null).size, 0, "null options are no options");
  assert.throws(() => new Queue("x"), named("options"));
  assert.throws(() => new Queue({ maxsize: 2 }), named("maxsize"));
  assert.throws(() => new Barrier(), named("parties"));
  await assert.rejects(new Semaphore(1).run(42), named("fn"));
  await assert.rejects(new Semaphore(1).acquire({ signal: {} }), named("signal"));
  await assert.rejects(new Flag().wait(5), named("options"));
  await assert.rejects(every(10, "not a function"), named("fn"));
  await assert.rejects(every(0, () => {}), named("ms"));
});

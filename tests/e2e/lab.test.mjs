// The lab through runner.lab: each experiment's invariants, not its timings. The race loses
// updates without a lock and never with one; a semaphore's bound, an event's hold and a
// barrier's phases hold; the queue delivers every item exactly once; gather collects every
// error while a TaskGroup cancels the siblings; the periodic task stops when aborted; errors
// travel back from every pool. Threads experiments refuse a page without isolation.
import { test } from "node:test";
import assert from "node:assert/strict";
import { inPage } from "./browser.mjs";

const SMALL = {
  gil: { n: 20_000_000 }, race: { increments: 2_000_000 }, locks: { rounds: 500 }, queue: { items: 20_000 },
  pickling: { n: 100_000, tasks: 2_000 }, asyncio: { calls: 6, latency: 20, limit: 2, ticks: 3 }, exceptions: { timeoutMs: 10 },
};

test("every experiment runs on threads and keeps its invariants", async () => {
  const out = await inPage(async (webpar, small) => {
    await webpar.default({ backend: "threads", threads: 2 });
    const runner = new webpar.Runner();
    const lab = await import("/pkg/lab.js");
    const reports = {};
    for (const experiment of lab.labs(runner)) reports[experiment.name] = await lab.lab(runner, experiment.name, small[experiment.name]);
    // Races are likely, not certain: more increments until one is lost.
    for (const increments of [8_000_000, 32_000_000]) {
      if (reports.race.rows[0].lostUpdates > 0) break;
      reports.race = await lab.lab(runner, "race", { increments });
    }
    return { names: lab.labs(runner).map((e) => [e.name, e.runs]), reports };
  }, { arg: SMALL, limitMs: 180_000 });
  assert.deepEqual(out.names, [["gil", "js"], ["race", "threads"], ["locks", "threads"], ["queue", "threads"],
    ["pickling", "js"], ["asyncio", "js"], ["exceptions", "js"]]);
  const { gil, race, locks, queue, pickling, asyncio, exceptions } = out.reports;
  for (const report of Object.values(out.reports)) {
    assert.ok(report.columns.includes(report.chart.x) && report.columns.includes(report.chart.y), report.experiment);
  }

  assert.equal(gil.checksumsMatch, true);
  assert.deepEqual(gil.rows.map((r) => r.mode), ["sequential", "2 threads", "2 processes", "sequential", "2 threads", "2 processes"]);
  assert.match(gil.rows[3].source, /CPython .*reference data, not measured here/);

  const [unsynchronized, ...synchronized] = race.rows;
  assert.ok(unsynchronized.lostUpdates > 0, "two threads reading and writing one counter lost no update");
  assert.equal(unsynchronized.count + unsynchronized.lostUpdates, unsynchronized.expected);
  assert.deepEqual(synchronized.map((r) => [r.variant, r.lostUpdates, r.count === r.expected]),
    [["Mutex", 0, true], ["atomic fetch_add", 0, true], ["per-thread counts, summed", 0, true]]);

  assert.deepEqual(locks.rows.map((r) => [r.primitive, r.holds]),
    [["Semaphore", true], ["Semaphore", true], ["Event", true], ["ReentrantLock", true], ["Barrier", true]]);
  assert.equal(locks.rows[0].observed, "at most 1 inside");
  assert.equal(locks.rows[3].observed, "at most 1 inside; every nested lock taken at once");
  assert.match(locks.rows[4].observed, /^0 phase starts before the last phase ended$/);

  assert.deepEqual(queue.rows.map((r) => r.capacity), [1, 8, 64, 1024]);
  for (const row of queue.rows) {
    assert.equal(row.exactlyOnce, true);
    assert.equal(row.joinWaited, true);
  }

  assert.equal(pickling.sumsMatch, true);
  const sliced = pickling.rows.find((r) => /2 processes/.test(r.case));
  assert.equal(sliced.bytesCopied, 2 * 4 * 100_000);
  assert.ok(pickling.rows.some((r) => /chunkSize 1000$/.test(r.case)));

  const find = (pattern) => asyncio.rows.find((r) => pattern.test(r.case));
  assert.equal(find(/Semaphore/).observed, "at most 2 at once");
  assert.match(find(/as_completed/).observed, /: the reverse of submission$/);
  assert.equal(find(/^gather/).observed, "3 fulfilled, 0 cancelled, 1 failed; errors: TimeoutError");
  assert.match(find(/^TaskGroup/).observed, /^0 fulfilled, 3 cancelled, 1 failed; errors: /);
  assert.match(find(/^every/).observed, /^3 ticks, then stopped/);

  const byHow = (pattern) => exceptions.rows.find((r) => pattern.test(r.how));
  assert.match(byHow(/memory budget/).error, /^OverBudgetError: /);
  assert.equal(byHow(/memory budget/).via, "the error callback (then's second function)");
  assert.match(byHow(/^result/).error, /^TimeoutError: /);
  assert.equal(byHow(/after the wait timed out/).via, "its status: running");
  assert.equal(byHow(/throws in its worker/).error, "RangeError: no square root of -1 here");
  assert.match(byHow(/mapAsync/).error, /^CallFailedError: item 1 failed/);
  assert.equal(byHow(/mapAsync/).cause, "TypeError: the reply was not JSON");
});

test("bad params and names are refused; a run can be cancelled and the next one works", async () => {
  const out = await inPage(async (webpar) => {
    await webpar.default({ backend: "threads", threads: 2 });
    const runner = new webpar.Runner();
    const lab = await import("/pkg/lab.js");
    const reason = (promise) => promise.then(() => "ran", (e) => `${e.name}: ${e.message}`);
    const controller = new AbortController();
    const long = reason(lab.lab(runner, "asyncio", { calls: 1000, latency: 1000 }, { signal: controller.signal }));
    setTimeout(() => controller.abort(), 100);
    const racing = reason(lab.lab(runner, "race", { increments: 100_000_000 }, { timeoutMs: 30 }));
    return {
      unknown: await reason(lab.lab(runner, "telepathy")),
      param: await reason(lab.lab(runner, "race", { speed: 2 })),
      range: await reason(lab.lab(runner, "race", { threads: 0 })),
      getter: await reason(lab.lab(runner, "race", { get threads() { throw new Error("no threads for you"); } })),
      tooMany: await reason(lab.lab(runner, "race", { threads: 64 })),
      cancelled: await long,
      timedOut: await racing,
      after: (await lab.lab(runner, "locks", { rounds: 10 })).rows.every((r) => r.holds),
    };
  });
  assert.match(out.unknown, /^UnknownWorkloadError: no lab experiment "telepathy"; the experiments are gil, race, locks/);
  assert.match(out.param, /^InvalidParamsError: race: unknown param "speed"; its params are threads, increments/);
  assert.match(out.range, /^InvalidParamsError: race: param "threads" must be a whole number in 1\.\.=256/);
  assert.match(out.getter, /^InvalidParamsError: race: params threw while they were read \(no threads for you\); err\.cause is what it threw$/);
  assert.match(out.tooMany, /^InvalidParamsError: race: 64 threads asked for, but the pool has 2/);
  assert.match(out.cancelled, /^AbortError/);
  assert.match(out.timedOut, /^TimeoutError/);
  assert.equal(out.after, true);
});

test("without isolation the JS experiments run on processes and the threads ones say what they need", async () => {
  const out = await inPage(async (webpar, small) => {
    await webpar.default({ backend: "auto" });
    const runner = new webpar.Runner();
    const lab = await import("/pkg/lab.js");
    const result = {};
    for (const { name } of lab.labs(runner)) {
      result[name] = await lab.lab(runner, name, small[name]).then((r) => r.rows.length, (e) => `${e.name}: ${e.message}`);
    }
    return result;
  }, { arg: SMALL, isolated: false, limitMs: 180_000 });
  for (const name of ["race", "locks", "queue"]) {
    assert.match(out[name], /^PoolNotReadyError: the lab's ".*" needs threads sharing memory, which need a cross-origin isolated page \(this page runs on processes\)/);
  }
  for (const name of ["gil", "pickling", "asyncio", "exceptions"]) assert.equal(typeof out[name], "number", `${name}: ${out[name]}`);
});

// runner.mapAsync: the app's own async function under the I/O scheduler's limits (p-map +
// p-limit + p-retry in one): order, concurrency, the sliding-window rate, retries, per-attempt
// timeouts, failures where their value would be, early break and backpressure.
import { test } from "node:test";
import assert from "node:assert/strict";
import { inPage } from "./browser.mjs";

test("mapAsync: order, limits, retries, timeouts, failures, break and backpressure", { timeout: 120_000 }, async () => {
  const seen = await inPage(async ({ default: init, Runner }) => {
    await init({ threads: 2 });
    const runner = new Runner();
    const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
    const out = {};

    // Order and concurrency.
    let inFlight = 0;
    let most = 0;
    const squares = [];
    const items = Array.from({ length: 200 }, (_, i) => i);
    for await (const value of runner.mapAsync(items, async (n) => {
      most = Math.max(most, ++inFlight);
      await sleep((n * 7) % 5);
      inFlight -= 1;
      return n * n;
    }, { concurrency: 8 })) squares.push(value);
    out.ordered = squares.every((v, i) => v === i * i) && squares.length === 200;
    out.most = most;
    const unordered = [];
    for await (const v of runner.mapAsync(new Set([3, 1, 2]), async (n) => { await sleep(n * 20); return n; }, { ordered: false })) unordered.push(v);
    out.unordered = unordered;
    // Synchronous values and an async iterable of items.
    async function* gen() { yield "a"; yield "b"; }
    const sync = [];
    for await (const v of runner.mapAsync(gen(), (s, { index }) => `${s}${index}`)) sync.push(v);
    out.sync = sync;

    // Retries: items fail twice, then succeed; every attempt sees its number.
    const attempts = new Map();
    const retried = [];
    for await (const v of runner.mapAsync([10, 20, 30], async (n, { attempt }) => {
      attempts.set(n, attempt);
      if (attempt < 2) throw new Error(`flaky ${n}`);
      return n + attempt;
    }, { retries: 2, retryBaseMs: 1 })) retried.push(v);
    out.retried = retried;

    // A failure for good: CallFailedError at its place, with the cause; the rest stop.
    let called = 0;
    const boom = new Error("boom");
    const before = [];
    try {
      for await (const v of runner.mapAsync(Array.from({ length: 1000 }, (_, i) => i), async (n) => {
        called += 1;
        await sleep(1);
        if (n === 5) throw boom;
        return n;
      }, { concurrency: 4 })) before.push(v);
    } catch (err) {
      out.failure = { name: err.name, cause: err.cause === boom, index: err.index, attempts: err.attempts, before };
    }
    await sleep(100);
    out.calledAfterFailure = called;

    // A per-attempt timeout aborts the attempt's signal and fails it with TimeoutError.
    let abortedSignal = false;
    try {
      for await (const _ of runner.mapAsync([1], (n, { signal }) => new Promise((resolve) => {
        signal.addEventListener("abort", () => { abortedSignal = true; });
      }), { attemptTimeoutMs: 50 })) { /* never */ }
    } catch (err) {
      out.timeout = `${err.name} ${err.cause?.name} ${abortedSignal}`;
    }
    // timeoutMs is the whole call's limit: the loop throws TimeoutError with what it had.
    const got = [];
    try {
      for await (const v of runner.mapAsync([1, 2, 3], (n) => (n === 1 ? n : new Promise(() => {})), { timeoutMs: 100 })) got.push(v);
    } catch (err) {
      out.wholeCall = `${err.name} ${got.join(",")}`;
    }
    // A throwing fn (synchronously) fails its call too.
    out.syncThrow = await (async () => {
      try { for await (const _ of runner.mapAsync([1], () => { throw new TypeError("nope"); })) { /* */ } return "no"; } catch (err) { return `${err.name} ${err.cause?.name}`; }
    })();

    // Breaking out stops the calls.
    let started = 0;
    let consumed = 0;
    for await (const _ of runner.mapAsync(Array.from({ length: 10_000 }, (_, i) => i), async () => { started++; await sleep(1); return 1; }, { concurrency: 10 })) {
      if (++consumed === 30) break;
    }
    const atBreak = started;
    await sleep(100);
    out.breakStops = { atBreak, later: started, bounded: atBreak < 200 };

    // Backpressure: a slow loop slows the calls; values never pile up past the buffer.
    let made = 0;
    let taken = 0;
    let ahead = 0;
    for await (const _ of runner.mapAsync(Array.from({ length: 300 }, (_, i) => i), async (n) => { made++; return n; }, { concurrency: 5, buffer: 10 })) {
      taken++;
      ahead = Math.max(ahead, made - taken);
      if (taken % 10 === 0) await sleep(5);
    }
    out.backpressure = { taken, ahead };

    // The rate limit: at most ratePerSec starts in any one-second window.
    const starts = [];
    for await (const _ of runner.mapAsync(Array.from({ length: 30 }, (_, i) => i), async () => { starts.push(performance.now()); }, { ratePerSec: 20 })) { /* */ }
    let worstWindow = 0;
    for (let i = 0; i < starts.length; i++) {
      worstWindow = Math.max(worstWindow, starts.filter((t) => t >= starts[i] && t < starts[i] + 999).length);
    }
    out.worstWindow = worstWindow;

    // Composable: fetched bodies (mapAsync, I/O on the event loop) feed map (hashing on
    // the pool), streaming, with bounded memory at both stages.
    const fetchBytes = async (i, { signal }) => new Uint8Array(await (await fetch(`/api/doc?i=${i}&bytes=5000`, { signal })).arrayBuffer());
    async function* bodies() {
      for await (const body of runner.mapAsync([0, 1, 2, 3], fetchBytes, { concurrency: 2, buffer: 2 })) yield { input: body };
    }
    const digests = [];
    for await (const [digest] of runner.map("sha256", bodies(), { chunkSize: 2 })) digests.push(digest.hex);
    const expected = [];
    for (const i of [0, 1, 2, 3]) {
      const bytes = await (await fetch(`/api/doc?i=${i}&bytes=5000`)).arrayBuffer();
      expected.push([...new Uint8Array(await crypto.subtle.digest("SHA-256", bytes))].map((b) => b.toString(16).padStart(2, "0")).join(""));
    }
    out.pipeline = digests.length === 4 && digests.every((d, i) => d === expected[i]);

    // Bad arguments throw at once.
    const throws = (f) => { try { f(); return "no throw"; } catch (err) { return `${err.name} ${err.param}`; } };
    out.bad = [
      throws(() => runner.mapAsync([1], "not a function")),
      throws(() => runner.mapAsync(42, async () => 1)),
      throws(() => runner.mapAsync([1], async () => 1, { concurency: 2 })),
    ];
    const aborted = new AbortController();
    setTimeout(() => aborted.abort(), 50);
    out.abort = await (async () => {
      try { for await (const _ of runner.mapAsync([1, 2], () => sleep(10_000), { signal: aborted.signal })) { /* */ } return "no"; } catch (err) { return err.name; }
    })();
    return out;
  });
  assert.equal(seen.ordered, true);
  assert.ok(seen.most <= 8 && seen.most >= 2, `at most ${seen.most} in flight`);
  assert.deepEqual(seen.unordered, [1, 2, 3]);
  assert.deepEqual(seen.sync, ["a0", "b1"]);
  assert.deepEqual(seen.retried, [12, 22, 32]);
  assert.deepEqual(seen.failure, { name: "CallFailedError", cause: true, index: 5, attempts: 1, before: [0, 1, 2, 3, 4] });
  assert.ok(seen.calledAfterFailure < 50, `${seen.calledAfterFailure} calls made after the failure`);
  assert.equal(seen.timeout, "CallFailedError TimeoutError true");
  assert.equal(seen.wholeCall, "TimeoutError 1");
  assert.equal(seen.syncThrow, "CallFailedError TypeError");
  assert.equal(seen.breakStops.atBreak, seen.breakStops.later, "no call starts after the break");
  assert.ok(seen.breakStops.bounded, JSON.stringify(seen.breakStops));
  assert.equal(seen.backpressure.taken, 300);
  assert.ok(seen.backpressure.ahead <= 10 + 10 + 5, `values made ahead of the loop: ${seen.backpressure.ahead}`);
  assert.ok(seen.worstWindow <= 20, `${seen.worstWindow} starts in one second`);
  assert.deepEqual(seen.bad, ["InvalidParamsError fn", "InvalidParamsError items", "InvalidParamsError concurency"]);
  assert.equal(seen.abort, "AbortError");
  assert.equal(seen.pipeline, true, "mapAsync's bodies hashed on the pool through map, in order");
});

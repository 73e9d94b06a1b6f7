// Runs in the page (see hostile.test.mjs): thousands of calls through the package's JS API
// with objects that throw while webpar reads them, callbacks that throw, freed runners and
// URLs that leave the origin; then normal runs that must all succeed. Returns what it saw.
import init, { memoryUsage, Runner } from "/pkg/webpar.js";
import { compare, pipeline, sweep } from "/pkg/bench.js";

/** Everything a caller's value can throw: an Error, a primitive, a hostile object. */
const THROWN = [
  () => new Error("boom from the caller"),
  () => "a thrown string",
  () => 42,
  () => undefined,
  () => Symbol("thrown"),
  () => { const { proxy, revoke } = Proxy.revocable({}, {}); revoke(); return proxy; },
  () => new Proxy(new Error("proxied"), { get() { throw new Error("the thrown value's getter"); } }),
];

/** Values that throw when webpar reads them; `make(thrown)` builds one around `thrown`. */
const HOSTILE = {
  getter: (thrown) => ({ get below() { throw thrown; }, get calls() { throw thrown; } }),
  ownKeys: (thrown) => new Proxy({}, { ownKeys() { throw thrown; } }),
  get: (thrown) => new Proxy({ below: 1, calls: 1 }, { get() { throw thrown; } }),
  descriptor: (thrown) => new Proxy({ below: 1 }, { getOwnPropertyDescriptor() { throw thrown; } }),
  revoked: () => { const { proxy, revoke } = Proxy.revocable({}, {}); revoke(); return proxy; },
};

/** Options objects whose controls throw when read or used. */
function hostileOptions(kind, thrown) {
  switch (kind) {
    case 0: return HOSTILE.getter(thrown);
    case 1: return { signal: { get aborted() { throw thrown; }, addEventListener() {} } };
    case 2: return { signal: { aborted: false, addEventListener() { throw thrown; } } };
    case 3: return { signal: new Proxy(new AbortController().signal, {}) };
    case 4: return { signal: HOSTILE.revoked() };
    case 5: return { threads: new Proxy([1, 2], { get(t, k) { if (k === "length") throw thrown; return t[k]; } }) };
    case 6: return { threads: HOSTILE.revoked() };
    default: return new Proxy({}, { ownKeys() { throw thrown; } });
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Settles `promise`, or says it is still pending after `ms`. */
function outcome(promise, ms = 10_000) {
  return Promise.race([
    promise.then((value) => ({ value }), (error) => ({ error })),
    sleep(ms).then(() => ({ pending: true })),
  ]);
}

export async function run() {
  await init({ threads: 2 });
  const runner = new Runner();
  const seen = { calls: 0, pending: 0, resolved: [], names: {}, causeKept: 0, causeExpected: 0, sync: 0 };
  const record = (result, expectedCause) => {
    seen.calls++;
    if (result.pending) { seen.pending++; return; }
    if (!("error" in result)) { seen.resolved.push(JSON.stringify(result.value)?.slice(0, 80)); return; }
    const name = result.error?.name ?? typeof result.error;
    seen.names[name] = (seen.names[name] ?? 0) + 1;
    if (expectedCause !== undefined) {
      seen.causeExpected++;
      if (Object.is(result.error.cause, expectedCause)) seen.causeKept++;
    }
  };
  /** Calls `method` of the runner; a synchronous throw is counted as a defect. */
  const call = (fn) => {
    try { return fn(); } catch (error) { seen.sync++; return Promise.reject(error); }
  };

  // Warm up, then take the heap's size.
  await runner.run("primes", { below: 100_000 });
  await runner.io({ calls: 100, latencyMs: 0 });
  const heapBefore = memoryUsage().heapBytes;

  // 1. Hostile params, specs, names and options, in rounds of concurrent calls.
  const kinds = Object.keys(HOSTILE);
  const pending = [];
  for (let i = 0; i < 12_000; i++) {
    const thrown = THROWN[i % THROWN.length]();
    const kind = kinds[i % kinds.length];
    const value = HOSTILE[kind](thrown);
    const expected = kind === "revoked" ? undefined : thrown;
    const options = hostileOptions(i % 8, thrown);
    // Which option kinds carry `thrown` as the cause (`threads` is an option of sweep only; a
    // run's options are read by the executor, which refuses an object that is not an
    // AbortSignal without calling its getters, so kinds 1 and 2 have nothing to keep there).
    const cause = (kinds) => (kinds.includes(i % 8) ? thrown : undefined);
    switch (i % 6) {
      case 0: pending.push(outcome(call(() => runner.run("primes", value))).then((r) => record(r, expected))); break;
      case 1: pending.push(outcome(call(() => runner.run("primes", { below: 1000 }, options))).then((r) => record(r, cause([0, 7])))); break;
      case 2: pending.push(outcome(call(() => runner.io(value))).then((r) => record(r, expected))); break;
      case 3: pending.push(outcome(call(() => sweep(runner, "primes", { below: 1000 }, options))).then((r) => record(r, cause([0, 1, 2, 5, 7])))); break;
      case 4: pending.push(outcome(call(() => compare(runner, value, value, options))).then((r) => record(r))); break;
      default: pending.push(outcome(call(() => pipeline(runner, value, options))).then((r) => record(r, expected))); break;
    }
    // A well-formed call in the same turn as hostile ones must still succeed.
    if (i % 1000 === 0) {
      pending.push(outcome(runner.run("primes", { below: 10_000 })).then((r) => {
        if (r.value?.checksum !== "1229") seen.resolved.push(`well-formed run gave ${JSON.stringify(r)}`);
      }));
    }
    if (pending.length >= 500) await Promise.all(pending.splice(0));
  }
  await Promise.all(pending);
  // validate() is synchronous by design: it must throw the typed error, never corrupt.
  let validateTyped = 0;
  for (let i = 0; i < 1000; i++) {
    try { runner.validate("primes", HOSTILE.getter(THROWN[i % THROWN.length]())); } catch (err) {
      if (err?.name === "InvalidParamsError") validateTyped++;
    }
  }

  // 2. Callbacks that throw: the job rejects with CallbackError, the throw as its cause.
  const callbacks = { progress: 0, finalProgress: 0, batch: 0, results: 0 };
  for (let i = 0; i < 10; i++) {
    const thrown = new Error(`onProgress ${i}`);
    const r = await outcome(runner.run("primes", { below: 20_000_000 }, { onProgress: () => { throw thrown; } }));
    if (r.error?.name === "CallbackError" && r.error.cause === thrown) callbacks.progress++;
    const last = new Error("last report");
    const f = await outcome(runner.run("primes", { below: 1000 }, { onProgress: (x) => { if (x === 1) throw last; } }));
    if (f.error?.name === "CallbackError" && f.error.cause === last) callbacks.finalProgress++;
    if (f.error?.result?.checksum === "168") callbacks.results++;
    const b = await outcome(runner.io({ calls: 10_000, latencyMs: 0, batchSize: 10 }, { onBatch: () => { throw thrown; } }));
    if (b.error?.name === "CallbackError" && b.error.cause === thrown && b.error.report?.calls === 10_000) callbacks.batch++;
  }

  // 3. Freed runners and foreign `this`.
  const freed = { names: [], secondFree: "no throw" };
  for (let i = 0; i < 200; i++) {
    const r = new Runner();
    r.free();
    try { r.free(); } catch (err) { freed.secondFree = `${err.name}: ${err.message}`; }
    for (const p of [r.run("primes", { below: 10 }), r.io({ calls: 1 }), compare(r, "primes", { below: 10 })]) {
      const o = await outcome(call(() => p));
      freed.names.push(o.error?.name ?? "resolved");
    }
    const foreign = await outcome(call(() => Runner.prototype.run.call({}, "primes", { below: 10 })));
    freed.names.push(foreign.error?.name ?? "resolved");
    const detached = runner.run;
    const lost = await outcome(call(() => detached("primes", { below: 10 })));
    freed.names.push(lost.error?.name ?? "resolved");
  }
  const usingDisposed = (() => { const r = new Runner(); r[Symbol.dispose](); r[Symbol.dispose](); return r.run("primes", { below: 10 }); })();
  freed.names.push((await outcome(usingDisposed)).error?.name ?? "resolved");

  // 4. URLs: a template is judged by what the browser resolves it to.
  const urls = {};
  for (const url of ["//example.com/x?i={i}", "/\\example.com/x", "/\\/example.com/{i}", "///example.com/",
    "http://127.0.0.{i}:1/x", "javascript:alert(1)", "/api/delay?ms=1&i={i}", `${location.origin}/api/delay?ms=1&i={i}`]) {
    const r = await outcome(runner.io({ source: "fetch", url, calls: 3, concurrency: 3 }));
    urls[url] = r.error ? `${r.error.name} ${r.error.param}` : `ok ${r.value.succeeded}`;
  }

  // 5. Then 100 normal runs, with the right answers.
  let normal = 0;
  for (let i = 0; i < 100; i++) {
    if (i % 4 === 3) {
      const report = await runner.io({ calls: 500, latencyMs: 0, concurrency: 50 });
      if (report.succeeded === 500) normal++;
    } else {
      const report = await runner.run("primes", { below: 100_000 }, { mode: i % 2 ? "parallel" : "sequential" });
      if (report.checksum === "9592") normal++;
    }
  }
  const heapAfter = memoryUsage().heapBytes;
  return { seen, validateTyped, callbacks, freed, urls, normal, heapBefore, heapAfter };
}

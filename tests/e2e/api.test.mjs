// The public API of the "webpar" entry point, as an app meets it: the exact list of names,
// init() alone starting a backend on any page, a Runner made before init, a second init
// asking for something else, and errors that are the package's classes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { inPage } from "./browser.mjs";

/** Every name the entry exports: each is documented in js/src/webpar.d.ts and the README. */
const PUBLIC = [
  "AbortError", "Barrier", "BrokenBarrierError", "CallFailedError", "CallbackError",
  "DataCloneError", "EngineCrashedError", "Flag", "InvalidParamsError", "Mutex",
  "OverBudgetError", "PoolBrokenError", "PoolClosedError", "PoolNotReadyError", "Queue",
  "QueueClosedError", "QueueEmptyError", "QueueFullError", "Runner", "RunnerFreedError",
  "Semaphore", "TimeoutError", "UnknownTaskError", "UnknownWorkloadError", "WebparError",
  "asCompleted", "capabilities", "createWorkerPool", "default", "every", "memoryUsage", "wait",
];

test("the entry exports exactly the public names: no test hook, no wasm internal", async () => {
  const names = await inPage(async (webpar) => Object.keys(webpar).sort());
  assert.deepEqual(names, [...PUBLIC].sort());
});

for (const isolated of [true, false]) {
  test(`init() alone starts a backend and a run works (${isolated ? "isolated: threads" : "no headers: processes"})`, async () => {
    const seen = await inPage(async ({ default: init, Runner }) => {
      const started = await init();
      const report = await new Runner().run("primes", { below: 1000 });
      return { backend: started.backend, checksum: report.checksum };
    }, { isolated });
    assert.deepEqual(seen, { backend: isolated ? "threads" : "processes", checksum: "168" });
  });
}

test("a Runner made before init starts webpar itself; its jobs wait for the start", async () => {
  const seen = await inPage(async ({ default: init, Runner, PoolNotReadyError }) => {
    const runner = new Runner();
    // A synchronous method cannot wait: it says what to do, as a typed error.
    let early;
    try {
      runner.workloads();
    } catch (error) {
      early = `${error instanceof PoolNotReadyError} ${error.message}`;
    }
    const task = runner.submit("primes", { below: 100 });
    const run = runner.run("primes", { below: 1000 });
    const mapped = [];
    for await (const out of runner.map("primes", [{ below: 10 }, { below: 20 }])) mapped.push(out);
    const started = await init();
    return {
      early, task: (await task).checksum, run: (await run).checksum, mapped: mapped.map(String),
      backend: started.backend, workloads: runner.workloads().length > 0,
    };
  });
  assert.match(seen.early, /^true runner\.workloads\(\) needs webpar started.*await init\(\)/);
  assert.deepEqual({ ...seen, early: undefined }, {
    early: undefined, task: "25", run: "168", mapped: ["4", "8"], backend: "threads", workloads: true,
  });
});

test("a second init asking for another backend or pool size rejects with InvalidParamsError", async () => {
  const seen = await inPage(async ({ default: init, InvalidParamsError }) => {
    const first = await init({ threads: 2 });
    const again = await init();
    const outcome = (promise) => promise.then(() => "resolved", (error) => `${error instanceof InvalidParamsError} ${error.param}`);
    return {
      first: first.backend, again: again.backend,
      backend: await outcome(init({ backend: "processes" })),
      threads: await outcome(init({ threads: 1 })),
      same: await outcome(init({ backend: "threads", threads: 2 })),
    };
  });
  assert.deepEqual(seen, {
    first: "threads", again: "threads", backend: "true backend", threads: "true threads", same: "resolved",
  });
});

test("an invalid pool size is refused, never a reason to fall back", async () => {
  const seen = await inPage(async ({ default: init }) => {
    const out = [];
    for (const threads of [0, Number.NaN, 1e6, 2.5]) {
      out.push(await init({ threads }).then((s) => `resolved ${s.backend}`, (e) => `${e.name} ${e.param}`));
    }
    return out;
  });
  assert.deepEqual(seen, Array(4).fill("InvalidParamsError threads"));
});

test("errors are the package's classes, from the engine, the executor and isolated workers", async () => {
  const seen = await inPage(async (webpar) => {
    const { default: init, Runner, WebparError } = webpar;
    await init({ threads: 2 });
    const runner = new Runner({ maxQueue: 0, maxRunning: 1 });
    const kinds = {};
    const record = async (label, promise) => {
      const error = await promise.then(() => null, (e) => e);
      kinds[label] = error && `${error instanceof webpar[error.name]} ${error instanceof WebparError} ${error.name}`;
    };
    await record("engine", runner.run("primes", { below: -1 }));
    await record("unknown", runner.run("no such workload", {}));
    await record("processes", runner.run("primes", { below: -1 }, { mode: "processes" }));
    const controller = new AbortController();
    controller.abort();
    await record("aborted", runner.submit("primes", { below: 100 }, { signal: controller.signal }));
    await runner.close();
    await record("closed", runner.run("primes", { below: 100 }));
    return kinds;
  });
  assert.deepEqual(seen, {
    engine: "true true InvalidParamsError", unknown: "true true UnknownWorkloadError",
    processes: "true true InvalidParamsError", aborted: "true true AbortError", closed: "true true PoolClosedError",
  });
});

test("forcing threads on a page without isolation rejects with PoolNotReadyError naming the headers", async () => {
  const seen = await inPage(async ({ default: init, PoolNotReadyError }) =>
    init({ backend: "threads" }).then(() => "resolved", (e) => `${e instanceof PoolNotReadyError} ${e.message}`), { isolated: false });
  assert.match(seen, /^true .*cross-origin isolated.*Cross-Origin-Embedder-Policy/);
});

test("webpar/bench, webpar/lab and webpar/task export exactly their functions; bench and lab take the Runner first", async () => {
  const seen = await inPage(async ({ default: init, Runner, InvalidParamsError }) => {
    const bench = await import("/pkg/bench.js");
    const lab = await import("/pkg/lab.js");
    await init({ threads: 2 });
    const runner = new Runner();
    const compared = await bench.compare(runner, "primes", { below: 10_000 }, { repeats: 1 });
    const refused = await bench.compare({}, "primes", { below: 10 }).then(() => "resolved", (e) => `${e instanceof InvalidParamsError} ${e.param}`);
    let labsRefused;
    try {
      lab.labs(null);
    } catch (e) {
      labsRefused = `${e instanceof InvalidParamsError} ${e.param}`;
    }
    const task = await import("/pkg/task.js");
    return {
      bench: Object.keys(bench).sort(), lab: Object.keys(lab).sort(), task: Object.keys(task).sort(),
      checksumsMatch: compared.checksumsMatch,
      refused, labsRefused, experiments: lab.labs(runner).length, runner: ["compare", "sweep", "pipeline", "lab", "labs"].filter((m) => m in runner),
    };
  });
  assert.deepEqual(seen, {
    bench: ["compare", "pipeline", "sweep"], lab: ["lab", "labs"], task: ["progress", "serve", "transfer"],
    checksumsMatch: true,
    refused: "true runner", labsRefused: "true runner", experiments: 7, runner: [],
  });
});

test("timeoutMs means the whole call and is checked by one rule on every method and backend", async () => {
  const seen = await inPage(async ({ default: init, Runner, asCompleted, createWorkerPool }) => {
    const { lab } = await import("/pkg/lab.js");
    await init({ threads: 2 });
    const runner = new Runner();
    const pool = createWorkerPool("/tasks.js", { size: 1 });
    const refusal = async (call) => {
      try {
        await call();
        return "resolved";
      } catch (error) {
        return `${error.name} ${error.param}`;
      }
    };
    const out = {};
    for (const bad of [0, 1.5, -1, 2 ** 31]) {
      out[bad] = [
        await refusal(() => runner.run("primes", { below: 10 }, { timeoutMs: bad })),
        await refusal(() => runner.run("primes", { below: 10 }, { timeoutMs: bad, mode: "processes" })),
        await refusal(() => runner.submit("primes", { below: 10 }, { deadlineMs: bad })),
        await refusal(() => runner.io({ calls: 1 }, { timeoutMs: bad })),
        await refusal(async () => { for await (const _ of runner.mapAsync([1], (x) => x, { attemptTimeoutMs: bad })) void _; }),
        await refusal(() => lab(runner, "asyncio", {}, { timeoutMs: bad })),
        await refusal(() => pool.submit("identity", [1], { timeoutMs: bad })),
        await refusal(() => asCompleted([], { timeoutMs: bad }).next()),
      ];
    }
    await pool.close();
    return out;
  });
  const expected = [
    "InvalidParamsError timeoutMs", "InvalidParamsError timeoutMs", "InvalidParamsError deadlineMs",
    "InvalidParamsError timeoutMs", "InvalidParamsError attemptTimeoutMs", "InvalidParamsError timeoutMs",
    "InvalidParamsError timeoutMs", "InvalidParamsError timeoutMs",
  ];
  assert.deepEqual(seen, { 0: expected, 1.5: expected, "-1": expected, [2 ** 31]: expected });
});

test("what the app's own iterator throws comes back the same way everywhere: a CallbackError with it as cause", async () => {
  const seen = await inPage(async ({ default: init, Runner, wait, CallbackError }) => {
    await init({ threads: 2 });
    const runner = new Runner();
    const boom = new Error("the app's iterator");
    function* inputs() { yield { below: 10 }; throw boom; }
    async function* asyncInputs() { yield 1; throw boom; }
    const caught = async (run) => {
      try {
        await run();
        return "no error";
      } catch (error) {
        return `${error instanceof CallbackError} ${error.cause === boom}`;
      }
    };
    return {
      map: await caught(async () => { for await (const _ of runner.map("primes", inputs())) void _; }),
      mapAsync: await caught(async () => { for await (const _ of runner.mapAsync(asyncInputs(), async (x) => x)) void _; }),
      wait: await caught(() => wait({ *[Symbol.iterator]() { throw boom; } })),
    };
  });
  assert.deepEqual(seen, { map: "true true", mapAsync: "true true", wait: "true true" });
});

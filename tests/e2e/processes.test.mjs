// The processes backend: on a page served without COOP/COEP, init({ backend: "auto" }) picks
// isolated workers and says why not threads; every workload gives the checksums of
// sequential and of threads (on the isolated page); cancel and timeout terminate and replace
// the worker; a crashing worker takes only its own task down; a crash loop breaks the pool.
import { test } from "node:test";
import assert from "node:assert/strict";
import { inPage } from "./browser.mjs";

// Small params of the workloads: fast, and more chunks than parts where it matters. Another
// workload runs at its defaults.
const SMALL = {
  countdown: { n: 5_000_003 },
  sum: { n: 2_000_001 },
  primes: { below: 300_007 },
  mandelbrot: { width: 120, height: 90, max_iter: 200 },
  montecarlo_pi: { samples: 2_000_003 },
  sort: { n: 300_001 },
  nbody: { bodies: 200, steps: 3 },
  equations: { systems: 30, size: 40 },
  sha256: { blocks: 300, block_bytes: 4096 },
  matmul: { n: 90 },
  wordcount: { words: 100_000 },
  empty: {},
};

test("without isolation, auto picks processes and says why; forcing threads names the failed check", async () => {
  const result = await inPage(async (webpar) => {
    let forced;
    try {
      await webpar.default({ backend: "threads" });
      forced = "resolved";
    } catch (err) {
      forced = `${err.name}: ${err.message}`;
    }
    let bad;
    try {
      await webpar.default({ backend: "gpu" });
    } catch (err) {
      bad = `${err.name} ${err.param}`;
    }
    const started = await webpar.default({ backend: "auto" });
    const runner = new webpar.Runner();
    return {
      forced, bad, backend: started.backend, processes: started.processes, fellBack: started.fellBack,
      caps: started.capabilities, runnerBackend: runner.backend, threads: runner.threads,
      cores: navigator.hardwareConcurrency,
    };
  }, { isolated: false });
  assert.match(result.forced, /^PoolNotReadyError: the threads backend cannot run here: the page is not cross-origin isolated.*Cross-Origin-Embedder-Policy/);
  assert.equal(result.bad, "InvalidParamsError backend");
  assert.equal(result.backend, "processes");
  assert.equal(result.runnerBackend, "processes");
  assert.equal(result.processes, result.cores);
  assert.equal(result.threads, undefined);
  assert.equal(result.caps.crossOriginIsolated, false);
  assert.equal(result.caps.threads.ok, false);
  assert.equal(result.caps.processes.ok, true);
  assert.match(result.fellBack[0], /^threads: .*not cross-origin isolated/);
});

test("on an isolated page auto picks threads, and processes can be asked for", async () => {
  const result = await inPage(async (webpar) => {
    const started = await webpar.default({ backend: "auto", threads: 2 });
    const runner = new webpar.Runner();
    const onProcesses = await runner.run("countdown", { n: 1_000_000 }, { mode: "processes" });
    const onThreads = await runner.run("countdown", { n: 1_000_000 });
    const again = await webpar.default({ backend: "auto" });
    let other;
    try {
      await webpar.default({ backend: "processes" });
    } catch (err) {
      other = err.name;
    }
    return {
      backend: started.backend, threads: started.threads, again: again.backend, other,
      processes: [onProcesses.mode, onProcesses.backend, onProcesses.checksum],
      threadsRun: [onThreads.mode, onThreads.checksum],
    };
  });
  assert.equal(result.backend, "threads");
  assert.equal(result.threads, 2);
  assert.equal(result.again, "threads");
  assert.equal(result.other, "InvalidParamsError");
  assert.deepEqual(result.processes.slice(0, 2), ["processes", "processes"]);
  assert.equal(result.processes[2], result.threadsRun[1]);
});

test("every workload on processes gives the checksum of sequential and of threads", async () => {
  const onProcesses = await inPage(async (webpar, small) => {
    await webpar.default({ backend: "processes", processes: 2 });
    const runner = new webpar.Runner();
    const out = {};
    const defaults = (w) => Object.fromEntries(w.params.map((p) => [p.name, p.default]));
    for (const w of runner.workloads()) {
      const params = small[w.name] ?? defaults(w);
      const split = await runner.run(w.name, params);
      const whole = await runner.run(w.name, params, { mode: "sequential" });
      out[w.name] = {
        split: split.checksum, whole: whole.checksum, parts: split.parts, splits: w.splits,
        mode: [split.mode, whole.mode], messages: split.messages, deterministic: split.deterministic,
      };
    }
    return out;
  }, { isolated: false, limitMs: 120_000, arg: SMALL });
  const onThreads = await inPage(async (webpar, small) => {
    await webpar.default({ backend: "threads", threads: 2 });
    const runner = new webpar.Runner();
    const out = {};
    const defaults = (w) => Object.fromEntries(w.params.map((p) => [p.name, p.default]));
    for (const w of runner.workloads()) out[w.name] = (await runner.run(w.name, small[w.name] ?? defaults(w))).checksum;
    return out;
  }, { limitMs: 120_000, arg: SMALL });
  assert.deepEqual(Object.keys(onProcesses).sort(), Object.keys(onThreads).sort());
  for (const name of Object.keys(SMALL)) assert.ok(name in onProcesses, name);
  for (const [name, run] of Object.entries(onProcesses)) {
    assert.equal(run.split, run.whole, `${name}: processes against sequential`);
    assert.equal(run.split, onThreads[name], `${name}: processes against threads`);
    assert.deepEqual(run.mode, ["processes", "sequential"], name);
    assert.equal(run.deterministic, true, name);
    // Two workers: a splitting workload is cut into 4 parts per worker, the others run whole.
    assert.equal(run.parts, run.splits ? 8 : 1, name);
    assert.equal(run.messages, 2 * run.parts, name);
  }
  assert.equal(onProcesses.countdown.splits, true);
  assert.equal(onProcesses.sort.splits, false);
});

test("an app's data runs on processes too, and transferred buffers move instead of being copied", async () => {
  const result = await inPage(async (webpar) => {
    await webpar.default({ backend: "processes" });
    const runner = new webpar.Runner();
    const values = Float64Array.from({ length: 100_000 }, (_, i) => (i * 7919) % 100_003);
    const copied = await runner.run("sort", { input: values });
    const given = Float64Array.from(values);
    const moved = await runner.run("sort", { input: given }, { transfer: [given.buffer] });
    const sortedOk = copied.output.every((v, i, a) => i === 0 || a[i - 1] <= v);
    const items = [];
    for await (const output of runner.map("sha256", [{ input: "a" }, { input: "b" }, { input: "abc" }])) items.push(output[0].hex);
    return {
      sortedOk, same: copied.checksum === moved.checksum, detached: given.byteLength,
      copiedBytes: copied.bytesCopied, movedBytes: moved.bytesCopied, movedTransferred: moved.bytesTransferred,
      outBytes: copied.output.byteLength, items,
    };
  }, { isolated: false });
  assert.equal(result.sortedOk, true);
  assert.equal(result.same, true);
  assert.equal(result.detached, 0, "the given buffer left the page");
  assert.equal(result.copiedBytes, 800_000);
  assert.equal(result.movedBytes, 0);
  assert.equal(result.movedTransferred, 800_000 + result.outBytes);
  assert.equal(result.items[2], "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
});

test("sum of an app's integers: the page cuts the array into one slice per worker; every mode agrees", async () => {
  const result = await inPage(async (webpar) => {
    await webpar.default({ backend: "threads", threads: 2 });
    const runner = new webpar.Runner();
    const n = 1_000_003;
    const ints = Int32Array.from({ length: n }, (_, i) => (i * 7919) % 200_001 - 100_000);
    let exact = 0n;
    for (const v of ints) exact += BigInt(v);
    const out = {};
    for (const mode of ["sequential", "parallel", "processes"]) {
      const report = await runner.run("sum", { input: ints }, { mode });
      out[mode] = {
        sum: report.output.sum === exact, type: typeof report.output.sum, checksum: report.checksum,
        parts: report.parts, copied: report.bytesCopied, moved: report.bytesTransferred, params: report.params,
      };
    }
    // 64-bit integers wrap around at 2^64 in every mode alike.
    const wide = BigUint64Array.from({ length: 10_001 }, (_, i) => (1n << 63n) + BigInt(i));
    const wrapped = [];
    for (const mode of ["sequential", "parallel", "processes"]) wrapped.push((await runner.run("sum", { input: wide }, { mode })).output.sum);
    const reasons = [];
    for (const input of [new Float64Array(10), [1, 2, 3], new Int32Array(0)]) {
      reasons.push(await runner.run("sum", { input }, { mode: "processes" }).then(() => "ran", (e) => `${e.name}: ${e.message}`));
    }
    const given = Int32Array.from(ints);
    reasons.push(await runner.run("sum", { input: given }, { mode: "processes", transfer: [given.buffer] }).then(() => "ran", (e) => e.name));
    return { out, n, wrapped: wrapped.map(String), reasons };
  });
  const { sequential, parallel, processes } = result.out;
  for (const report of [sequential, parallel, processes]) {
    assert.equal(report.sum, true);
    assert.equal(report.type, "bigint");
    assert.equal(report.checksum, sequential.checksum);
    assert.deepEqual(report.params, { n: result.n });
  }
  assert.equal(processes.parts, 2, "one slice per worker");
  assert.equal(processes.copied, 4 * result.n, "each element copied once into its slice");
  assert.equal(processes.moved, 4 * result.n + 16, "the slices moved, the two sums back");
  let wrapped = 0n;
  for (let i = 0n; i < 10_001n; i++) wrapped += (1n << 63n) + i;
  assert.deepEqual(result.wrapped, Array(3).fill(BigInt.asIntN(64, wrapped).toString()));
  assert.match(result.reasons[0], /^InvalidParamsError: sum: input must be an Int32Array, Uint32Array, BigInt64Array or BigUint64Array \(integers\), got a Float64Array.*round to integers/);
  assert.match(result.reasons[1], /^InvalidParamsError: sum: input must be/);
  assert.match(result.reasons[2], /^InvalidParamsError: .*empty/);
  assert.equal(result.reasons[3], "InvalidParamsError", "transfer gives a whole buffer to one worker");
});

test("cancel and timeout stop a running job by replacing its worker; the pool keeps its size", async () => {
  const result = await inPage(async (webpar) => {
    await webpar.default({ backend: "processes", processes: 2 });
    const runner = new webpar.Runner();
    const huge = { n: 1e12 };
    const settle = async (promise) => {
      const start = performance.now();
      try {
        await promise;
        return ["resolved"];
      } catch (err) {
        return [err.name, performance.now() - start, err.message];
      }
    };
    const timedOut = await settle(runner.run("countdown", huge, { timeoutMs: 300 }));
    const controller = new AbortController();
    const aborted = settle(runner.run("countdown", huge, { signal: controller.signal }));
    await new Promise((resolve) => setTimeout(resolve, 200));
    const abortAt = performance.now();
    controller.abort();
    const abortedResult = await aborted;
    const abortMs = performance.now() - abortAt;
    const after = await runner.run("primes", { below: 100_000 });
    const stats = runner.stats().processes;
    return {
      timedOut, abortedName: abortedResult[0], abortMs, after: after.checksum,
      workers: stats.workers.length, replaced: stats.replaced, busy: stats.workers.filter((w) => w.state === "busy").length,
    };
  }, { isolated: false });
  assert.equal(result.timedOut[0], "TimeoutError");
  assert.match(result.timedOut[2], /300 ms/);
  // A countdown of 1e12 steps takes minutes: settling at all proves the worker was stopped.
  assert.ok(result.timedOut[1] < 5_000, `timeout settled after ${result.timedOut[1]} ms`);
  assert.equal(result.abortedName, "AbortError");
  assert.ok(result.abortMs < 5_000, `abort settled after ${result.abortMs} ms`);
  assert.equal(result.after, "9592");
  assert.equal(result.workers, 2);
  assert.equal(result.busy, 0);
  assert.ok(result.replaced >= 2, `replaced ${result.replaced}`);
});

test("a crashing process worker fails only its own task, with the panic's message and location", async () => {
  const result = await inPage(async (webpar) => {
    await webpar.default({ backend: "processes", processes: 2 });
    const runner = new webpar.Runner();
    const outcome = (promise) => promise.then((r) => ["ok", r.checksum], (err) => [err.name, err.message]);
    const all = await Promise.all([
      outcome(runner.run("primes", { below: 200_000 })),
      outcome(runner.run("empty", {}, { crashForTests: "panic" })),
      outcome(runner.run("primes", { below: 300_000 })),
      outcome(runner.run("empty", {}, { crashForTests: "unreachable" })),
      outcome(runner.run("empty", {}, { crashForTests: "oom" })),
      outcome(runner.run("countdown", { n: 1000 })),
    ]);
    const next = await runner.run("primes", { below: 100_000 });
    return { all, next: next.checksum, stats: runner.stats().processes };
  }, { isolated: false, limitMs: 120_000 });
  const [primes, panic, primes2, unreachable, oom, countdown] = result.all;
  assert.deepEqual(primes, ["ok", "17984"]);
  assert.deepEqual(primes2, ["ok", "25997"]);
  assert.equal(countdown[0], "ok");
  assert.equal(panic[0], "EngineCrashedError");
  assert.match(panic[1], /a panic on demand \(panic\)/);
  assert.match(panic[1], /src\/web\/process\.rs:\d+/);
  assert.match(panic[1], /only its task failed/);
  assert.equal(unreachable[0], "EngineCrashedError");
  assert.equal(oom[0], "EngineCrashedError");
  assert.equal(result.next, "9592");
  assert.equal(result.stats.crashes, 3);
  assert.equal(result.stats.broken, false);
  assert.equal(result.stats.workers.length, 2);
});

test("a crash loop breaks the pool, which then rejects at once with PoolBrokenError", async () => {
  const result = await inPage(async (webpar) => {
    await webpar.default({ backend: "processes", processes: 2 });
    const runner = new webpar.Runner();
    const names = [];
    for (let i = 0; i < 5; i++) {
      names.push(await runner.run("empty", {}, { crashForTests: "panic" }).then(() => "ok", (err) => err.name));
    }
    const start = performance.now();
    const after = await runner.run("countdown", { n: 1000 }).then(() => ["ok"], (err) => [err.name, err.message]);
    return { names, after, ms: performance.now() - start, broken: runner.stats().processes.broken };
  }, { isolated: false });
  assert.deepEqual(result.names.slice(0, 4), Array(4).fill("EngineCrashedError"));
  assert.match(result.names[4], /EngineCrashedError|PoolBrokenError/);
  assert.equal(result.after[0], "PoolBrokenError");
  assert.match(result.after[1], /5 workers crashed or failed to start within 10 s; the last: panicked at .*a panic on demand/);
  assert.equal(result.broken, true);
});

test("compare on processes: sequential against processes; threads pages can add processes as a mode", async () => {
  const open = await inPage(async (webpar) => {
    await webpar.default({ backend: "processes" });
    const cmp = await (await import("/pkg/bench.js")).compare(new webpar.Runner(), "montecarlo_pi", { samples: 3_000_000 }, { repeats: 2 });
    return { modes: cmp.runs.map((r) => r.mode), match: cmp.checksumsMatch, speedup: cmp.speedup, repeats: cmp.repeats };
  }, { isolated: false });
  assert.deepEqual(open.modes, ["sequential", "processes"]);
  assert.equal(open.match, true);
  assert.ok(open.speedup > 0);
  const isolated = await inPage(async (webpar) => {
    await webpar.default({ backend: "threads" });
    const runner = new webpar.Runner();
    const cmp = await (await import("/pkg/bench.js")).compare(runner, "countdown", { n: 2_000_000 }, { repeats: 2, modes: ["sequential", "parallel", "processes"] });
    let bad;
    try {
      await (await import("/pkg/bench.js")).compare(runner, "countdown", { n: 10 }, { modes: ["parallel"] });
    } catch (err) {
      bad = `${err.name} ${err.param}`;
    }
    return { modes: cmp.runs.map((r) => r.mode), match: cmp.checksumsMatch, speedups: Object.keys(cmp.speedups), bad };
  });
  assert.deepEqual(isolated.modes, ["sequential", "parallel", "processes"]);
  assert.equal(isolated.match, true);
  assert.deepEqual(isolated.speedups, ["parallel", "processes"]);
  assert.equal(isolated.bad, "InvalidParamsError modes");
});

test("the sequential backend runs in the page, a splitting job in slices with the page's events between them", async () => {
  const result = await inPage(async (webpar) => {
    const started = await webpar.default({ backend: "sequential" });
    const runner = new webpar.Runner();
    let ticks = 0;
    const interval = setInterval(() => ticks++, 0);
    const sliced = await runner.run("countdown", { n: 50_000_000 });
    clearInterval(interval);
    const whole = await runner.run("sort", { n: 10_000 });
    const cmp = await (await import("/pkg/bench.js")).compare(runner, "primes", { below: 100_000 }, { repeats: 1 });
    return {
      backend: [started.backend, runner.backend], sliced: [sliced.mode, sliced.parts, sliced.checksum], ticks,
      whole: [whole.mode, whole.parts], cmp: [cmp.checksumsMatch, cmp.runs.map((r) => r.checksum)],
    };
  }, { isolated: false });
  const reference = await inPage(async (webpar) => {
    await webpar.default({ backend: "threads" });
    return (await new webpar.Runner().run("countdown", { n: 50_000_000 })).checksum;
  });
  assert.deepEqual(result.backend, ["sequential", "sequential"]);
  assert.deepEqual(result.sliced, ["sequential", 64, reference]);
  assert.ok(result.ticks >= 10, `the page's timer ran ${result.ticks} times during the job`);
  assert.deepEqual(result.whole, ["sequential", 1]);
  assert.deepEqual(result.cmp, [true, ["9592", "9592"]]);
});

test("auto settles only on a backend it has seen run: with the isolated workers' script missing, init() rejects saying why each failed", { timeout: 120_000 }, async () => {
  const { launch, open, OPEN_URL } = await import("./browser.mjs");
  const context = await launch();
  try {
    await context.route("**/app.js", (route) => route.fulfill({ body: "", contentType: "text/javascript" }));
    // As a bundle that lost the worker script would be served.
    await context.route("**/webpar-process.js", (route) => route.fulfill({ status: 404, body: "" }));
    const { page } = await open(context, "/", OPEN_URL);
    const seen = await page.evaluate(async () => {
      const { default: init, createWorkerPool, PoolNotReadyError } = await import("/pkg/webpar.js");
      const started = await init().then((r) => `resolved ${r.backend}`,
        (err) => ({ name: err.name, typed: err instanceof PoolNotReadyError, message: err.message }));
      // A worker pool whose task module is missing: warm() says so instead of resolving.
      const pool = createWorkerPool(new URL("/no-such-tasks.js", location.href), { size: 1 });
      const warmed = await pool.warm().then(() => "resolved", (err) => ({ name: err.name, message: err.message }));
      await pool.close();
      return { started, warmed };
    });
    assert.equal(seen.started.name, "PoolNotReadyError", JSON.stringify(seen));
    assert.equal(seen.started.typed, true);
    assert.match(seen.started.message, /^no backend could start: threads: .*cross-origin isolat.*; processes: a worker of the process pool failed to start/);
    assert.equal(seen.warmed.name, "PoolNotReadyError", JSON.stringify(seen));
    assert.match(seen.warmed.message, /failed to start/);
  } finally {
    await context.close();
  }
});

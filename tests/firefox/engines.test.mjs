// The threads and processes backends in a second engine, Firefox ESR (webdriver.mjs): on a
// cross-origin isolated page threads run with the checksums of sequential and processes, and
// the engine restarts after a pool thread traps; on
// a page without isolation every workload runs on processes with the checksums of
// sequential, a crash fails only its task, a timeout replaces the worker, and the JS worker
// pool runs the app's functions. Firefox has no Document-Isolation-Policy: where the threads
// frame's header is served, the frame is not isolated and webpar stays on isolated workers.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { firefox } from "./webdriver.mjs";

const BASE_URL = process.env.BASE_URL ?? "http://127.0.0.1:8080";
const OPEN_URL = process.env.OPEN_URL ?? "http://127.0.0.1:8081";
const FRAME_URL = process.env.FRAME_URL ?? "http://127.0.0.1:8082";
// Small params of the workloads; another workload runs at its defaults.
const SMALL = {
  countdown: { n: 5_000_003 }, sum: { n: 2_000_001 }, primes: { below: 300_007 },
  mandelbrot: { width: 120, height: 90, max_iter: 200 }, montecarlo_pi: { samples: 2_000_003 },
  sort: { n: 300_001 }, nbody: { bodies: 200, steps: 3 }, equations: { systems: 30, size: 40 },
  sha256: { blocks: 300, block_bytes: 4096 }, matmul: { n: 90 }, wordcount: { words: 100_000 }, empty: {},
};

let browser;
before(async () => { browser = await firefox(); });
after(async () => { await browser?.close(); });

test("Firefox ESR, isolated page: threads, with the checksums of sequential and of processes", async () => {
  const seen = await browser.inPage(`${BASE_URL}/`, async (webpar, small) => {
    const started = await webpar.default({ backend: "auto", threads: 2 });
    const runner = new webpar.Runner();
    const out = { backend: started.backend, threads: started.threads, isolated: crossOriginIsolated, workloads: {} };
    const defaults = (w) => Object.fromEntries(w.params.map((p) => [p.name, p.default]));
    for (const w of runner.workloads()) {
      const params = small[w.name] ?? defaults(w);
      const cmp = await (await import("/pkg/bench.js")).compare(runner, w.name, params, { repeats: 1, modes: ["sequential", "parallel", "processes"] });
      out.workloads[w.name] = [cmp.checksumsMatch, cmp.runs.map((r) => r.mode).join()];
    }
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    out.aborted = await runner.run("primes", { below: 1_000_000_000 }, { signal: controller.signal }).then(() => "ran", (e) => e.name);
    // A trap on a pool thread: the running job fails, the engine restarts, the next jobs run.
    const expected = (await runner.run("primes", small.primes)).checksum;
    const pending = runner.run("primes", { below: 1_000_000_000 }, { mode: "sequential" }).then(() => "ran", (e) => e.name);
    await runner.run("empty", {}, { crashForTests: "unreachable" }).catch(() => {});
    out.crashed = await pending;
    const next = await Promise.all(Array.from({ length: 20 }, () => runner.run("primes", small.primes)));
    out.next = next.filter((report) => report.checksum === expected).length;
    out.engine = runner.stats().engine;
    out.threadsAfter = runner.threads;
    return out;
  }, SMALL);
  assert.equal(seen.isolated, true);
  assert.equal(seen.backend, "threads");
  assert.equal(seen.threads, 2);
  for (const name of Object.keys(SMALL)) assert.ok(name in seen.workloads, name);
  for (const [name, [match, modes]] of Object.entries(seen.workloads)) {
    assert.equal(match, true, name);
    assert.equal(modes, "sequential,parallel,processes", name);
  }
  assert.equal(seen.aborted, "AbortError");
  assert.equal(seen.crashed, "EngineCrashedError");
  assert.equal(seen.next, 20);
  assert.equal(seen.engine.restarts, 1);
  assert.equal(seen.threadsAfter, 2);
});

test("Firefox ESR, page without isolation: processes, crashes contained, timeouts replace the worker", async () => {
  const seen = await browser.inPage(`${OPEN_URL}/`, async (webpar, small) => {
    const started = await webpar.default({ backend: "auto", processes: 2 });
    const runner = new webpar.Runner();
    const out = { backend: started.backend, isolated: crossOriginIsolated, fellBack: started.fellBack, workloads: {} };
    const defaults = (w) => Object.fromEntries(w.params.map((p) => [p.name, p.default]));
    for (const w of runner.workloads()) {
      const split = await runner.run(w.name, small[w.name] ?? defaults(w));
      const whole = await runner.run(w.name, small[w.name] ?? defaults(w), { mode: "sequential" });
      out.workloads[w.name] = [split.checksum === whole.checksum, split.parts];
    }
    const outcome = (promise) => promise.then((r) => ["ok", r.checksum], (e) => [e.name, e.message]);
    out.crash = await Promise.all([
      outcome(runner.run("primes", { below: 200_000 })),
      outcome(runner.run("empty", {}, { crashForTests: "panic" })),
      outcome(runner.run("primes", { below: 300_000 })),
    ]);
    out.timeout = await outcome(runner.run("countdown", { n: 1e12 }, { timeoutMs: 300 }));
    out.after = await outcome(runner.run("primes", { below: 100_000 }));
    const pool = webpar.createWorkerPool("/tasks.js", { size: 2 });
    const values = [];
    for await (const value of pool.map("fib", [10, 20])) values.push(value);
    out.pool = {
      values,
      error: await pool.submit("validate", ["x"]).then(() => null, (e) => [e.name, e.field, /tasks\.js/.test(e.stack)]),
      timeout: await pool.submit("forever", [], { timeoutMs: 200 }).then(() => null, (e) => e.name),
      after: await pool.submit("fib", [15]),
    };
    await pool.close();
    return out;
  }, SMALL);
  assert.equal(seen.isolated, false);
  assert.equal(seen.backend, "processes");
  assert.match(seen.fellBack[0], /not cross-origin isolated/);
  for (const name of Object.keys(SMALL)) assert.ok(name in seen.workloads, name);
  for (const [name, [same, parts]] of Object.entries(seen.workloads)) {
    assert.equal(same, true, name);
    assert.ok(parts === 1 || parts === 8, `${name}: ${parts} parts`);
  }
  assert.deepEqual(seen.crash[0], ["ok", "17984"]);
  assert.equal(seen.crash[1][0], "EngineCrashedError");
  assert.match(seen.crash[1][1], /a panic on demand/);
  assert.deepEqual(seen.crash[2], ["ok", "25997"]);
  assert.equal(seen.timeout[0], "TimeoutError");
  assert.deepEqual(seen.after, ["ok", "9592"]);
  assert.deepEqual(seen.pool, { values: [55, 6765], error: ["ValidationError", "email", true], timeout: "TimeoutError", after: 610 });
});

test("Firefox ESR, the threads frame's header served: no Document-Isolation-Policy here, so isolated workers, saying why", async () => {
  const seen = await browser.inPage(`${FRAME_URL}/`, async (webpar) => {
    const started = await webpar.default({ backend: "auto", processes: 2 });
    const report = await new webpar.Runner().run("primes", { below: 100_000 });
    return {
      backend: started.backend, fellBack: started.fellBack, frame: webpar.capabilities().frame,
      checksum: report.checksum, frames: document.querySelectorAll("iframe").length,
    };
  });
  assert.equal(seen.backend, "processes");
  assert.match(seen.fellBack[1], /^frame: the threads frame \(\/pkg\/webpar-frame\.html\) is not cross-origin isolated although served with "Document-Isolation-Policy: isolate-and-credentialless": this browser does not support Document-Isolation-Policy/);
  assert.deepEqual(seen.frame, { ok: false, why: [seen.fellBack[1].slice("frame: ".length)] });
  assert.equal(seen.checksum, "9592");
  assert.equal(seen.frames, 0, "the frame that could not start is removed");
});

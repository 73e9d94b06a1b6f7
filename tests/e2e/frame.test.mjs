// Threads where nobody set COOP/COEP: webpar's frame document, served with
// Document-Isolation-Policy (the dev server without isolation does, FRAME_URL), is
// cross-origin isolated by itself in Chromium, and the page's CPU jobs run on threads inside
// it (frame/page.js) with the same API, results and errors as on an isolated page. Without the
// header (OPEN_URL) webpar falls back to isolated workers and says which header would fix it;
// with no header at all, webpar's service worker can add it (init({ serviceWorker: true })).
import { test } from "node:test";
import assert from "node:assert/strict";
import { BASE_URL, FRAME_URL, OPEN_URL, compareInForm, inPage, launch, open } from "./browser.mjs";

/** What init() picked on a page, what capabilities() says of the frame, and the frame in the page. */
const picked = async (webpar, options) => {
  const started = await webpar.default(options);
  const runner = new webpar.Runner();
  // Large enough for both threads to take part (a tiny job may end on one).
  const report = await runner.run("primes", { below: 1_000_000 });
  const iframe = document.querySelector('iframe[title="webpar threads"]');
  return {
    backend: started.backend, threads: started.threads, fellBack: started.fellBack, isolated: crossOriginIsolated,
    frame: webpar.capabilities().frame, runnerBackend: runner.backend, checksum: report.checksum,
    threadsUsed: report.threadsUsed, iframe: iframe ? { hidden: iframe.hidden, src: new URL(iframe.src).pathname } : null,
  };
};

test("init({ backend: \"auto\" }) picks threads on an isolated page, threads in the frame where its header is served, isolated workers where not", async () => {
  const isolated = await inPage(picked, { base: BASE_URL });
  assert.equal(isolated.backend, "threads");
  assert.equal(isolated.iframe, null);
  assert.deepEqual(isolated.frame, { ok: false, why: ["not needed: the page is cross-origin isolated, threads run in it"] });

  const framed = await inPage(picked, { base: FRAME_URL, arg: { threads: 2 } });
  assert.deepEqual({ ...framed, fellBack: framed.fellBack.length }, {
    backend: "frame", threads: 2, fellBack: 1, isolated: false, frame: { ok: true, why: [] }, runnerBackend: "frame",
    checksum: "78498", threadsUsed: 2, iframe: { hidden: true, src: "/pkg/webpar-frame.html" },
  });
  assert.match(framed.fellBack[0], /^threads: .*not cross-origin isolated/);

  const open = await inPage(picked, { base: OPEN_URL });
  assert.equal(open.backend, "processes");
  assert.equal(open.iframe, null, "a frame that could not start is removed");
  assert.match(open.fellBack[1], /^frame: the threads frame \(\/pkg\/webpar-frame\.html\) is served without the header that isolates it: serve it with "Document-Isolation-Policy: isolate-and-credentialless"/);
  assert.deepEqual(open.frame, { ok: false, why: [open.fellBack[1].slice("frame: ".length)] });
  assert.equal(open.checksum, "78498");

  // Asking for the frame where it cannot start says why; `frame: false` never tries it.
  const forced = await inPage(async (webpar) => webpar.default({ backend: "frame" }).then(
    (started) => started.backend, (error) => `${error.name}: ${error.message}`), { base: OPEN_URL });
  assert.match(forced, /^PoolNotReadyError: the threads frame .*Document-Isolation-Policy/);
  const declined = await inPage(picked, { base: FRAME_URL, arg: { frame: false } });
  assert.equal(declined.backend, "processes");
  assert.equal(declined.iframe, null);
});

test("threads in the frame: comparisons, sweeps, maps and groups give the threads' results; errors, cancel, timeouts and crashes are the same", { timeout: 240_000 }, async () => {
  const seen = await inPage(async (webpar) => {
    const { compare, sweep } = await import("/pkg/bench.js");
    const started = await webpar.default({ threads: 2 });
    const runner = new webpar.Runner();
    const outcome = (promise) => Promise.resolve(promise).then((r) => ["ok", r?.checksum ?? r], (e) => [e.name, e.message, e.param]);
    const out = { backend: started.backend };
    const cmp = await compare(runner, "primes", { below: 2_000_000 }, { repeats: 2, modes: ["sequential", "parallel", "processes"] });
    out.compare = { match: cmp.checksumsMatch, modes: cmp.runs.map((r) => `${r.mode}:${r.threadsUsed}`), checksums: [...new Set(cmp.runs.map((r) => r.checksum))] };
    const scaling = await sweep(runner, "primes", { below: 1_000_000 }, { repeats: 1 });
    out.sweep = scaling.rows.map((r) => r.threads);
    const mapped = [];
    for await (const count of runner.map("primes", [{ below: 10 }, { below: 100 }, { below: 1000 }], { chunkSize: 2 })) mapped.push(count);
    out.map = mapped;
    // The app's data: read, sorted, written into its own array; given up with `transfer`.
    const scores = new Float64Array([0.5, 0.25, 1]);
    const inPlace = await runner.run("sort", { input: scores, into: scores });
    out.into = [inPlace.output === scores, [...scores]];
    const given = new Float64Array([3, 1, 2]);
    const moved = await runner.run("sort", { input: given }, { transfer: [given.buffer] });
    out.transfer = [[...moved.output], given.byteLength];
    // The same typed errors, with their fields.
    out.errors = await Promise.all([
      outcome(runner.run("primes", { below: -1 })),
      outcome(runner.run("no-such-workload", {})),
      outcome(runner.run("countdown", { n: 1e12 }, { timeoutMs: 300 })),
      outcome(runner.run("primes", { below: 1000 }, { onProgress: (f) => { if (f === 1) throw new Error("bar broke"); } })
        .catch((e) => Promise.reject(Object.assign(e, { message: `${e.message} / kept ${e.result?.checksum}` })))),
    ]);
    // Cancel while it runs, after progress came across the frame.
    let reports = 0;
    const task = runner.submit("countdown", { n: 1e12 }, { onProgress: () => { reports += 1; if (reports === 2) task.cancel(); } });
    out.cancel = [await outcome(task), task.status, reports >= 2];
    // A group: the first failure cancels the rest.
    const group = runner.group();
    group.submit("countdown", { n: 1e12 });
    group.submit("primes", { below: -5 });
    out.group = await group.join().then(() => "joined", (e) => `${e.name} of ${e.errors.map((x) => x.name).join(",")}`);
    // A crash in the frame's engine: the job it hit rejects, the next ones run on the
    // restarted engine. (The job that asked for the crash may finish before it.)
    const pending = outcome(runner.run("primes", { below: 40_000_000 }, { mode: "sequential" }));
    const crashing = outcome(runner.run("empty", {}, { crashForTests: "panic" }));
    [out.crash, out.crashing] = await Promise.all([pending, crashing]);
    out.after = await outcome(runner.run("primes", { below: 100_000 }));
    return out;
  }, { base: FRAME_URL, limitMs: 200_000 });
  assert.equal(seen.backend, "frame");
  assert.deepEqual(seen.compare, { match: true, modes: ["sequential:1", "parallel:2", "processes:2"], checksums: ["148933"] });
  assert.deepEqual(seen.sweep, [1, 2]);
  assert.deepEqual(seen.map, ["4", "25", "168"]);
  assert.deepEqual(seen.into, [true, [0.25, 0.5, 1]]);
  assert.deepEqual(seen.transfer, [[1, 2, 3], 0]);
  assert.equal(seen.errors[0][0], "InvalidParamsError");
  assert.equal(seen.errors[0][2], "below");
  assert.equal(seen.errors[1][0], "UnknownWorkloadError");
  assert.equal(seen.errors[2][0], "TimeoutError");
  assert.equal(seen.errors[3][0], "CallbackError");
  assert.match(seen.errors[3][1], /bar broke.* \/ kept 168$/);
  assert.deepEqual(seen.cancel.slice(1), ["cancelled", true]);
  assert.equal(seen.cancel[0][0], "AbortError");
  assert.equal(seen.group, "AggregateError of InvalidParamsError");
  assert.equal(seen.crash[0], "EngineCrashedError", seen.crash.join(": "));
  assert.match(seen.crash[1], /a panic on demand/);
  if (seen.crashing[0] !== "ok") assert.equal(seen.crashing[0], "EngineCrashedError");
  assert.deepEqual(seen.after, ["ok", "9592"]);
});

test("a frame the app's own DOM code removes: its jobs reject with EngineCrashedError saying so, none waits", async () => {
  const seen = await inPage(async (webpar) => {
    await webpar.default({ threads: 2 });
    const runner = new webpar.Runner();
    const running = runner.run("countdown", { n: 1e12 }).then(() => "resolved", (e) => `${e.name}: ${e.message}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    document.querySelector('iframe[title="webpar threads"]').remove();
    const later = await runner.run("primes", { below: 1000 }).then(() => "resolved", (e) => e.name);
    return { running: await running, later };
  }, { base: FRAME_URL });
  assert.match(seen.running, /^EngineCrashedError: the threads frame was removed from the page/);
  assert.equal(seen.later, "EngineCrashedError");
});

test("the demo page on a page without COOP/COEP, its frame isolated: says so and compares on threads", async () => {
  const context = await launch();
  try {
    const { page, problems } = await open(context, "/", FRAME_URL);
    await page.waitForSelector("body[data-ready=true]", { timeout: 60_000 });
    assert.match(await page.textContent("#status"), /^Not cross-origin isolated, but the threads frame is ✓ \(Document-Isolation-Policy\) · thread pool ready in it: \d+ threads/);
    assert.equal(await page.getAttribute("#status", "data-backend"), "frame");
    assert.match(await page.textContent("#run"), /sequential vs parallel/);
    const { error, rows: [sequential, parallel] } = await compareInForm(page, "countdown", { n: 50_000_000 }, 2);
    assert.equal(error, "");
    assert.deepEqual([sequential.mode, parallel.mode], ["sequential", "parallel"]);
    assert.equal(sequential.checksum, parallel.checksum);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test("with no header at all, webpar's service worker isolates the frame: threads on the first load and on the next", async () => {
  const context = await launch();
  try {
    for (const load of ["first", "again"]) {
      const { page, problems } = await open(context, "/tasks.js", OPEN_URL);
      const seen = await page.evaluate(async () => {
        const webpar = await import("/pkg/webpar.js");
        const started = await webpar.default({ serviceWorker: true, threads: 2 });
        const report = await new webpar.Runner().run("primes", { below: 1_000_000 });
        const controlled = navigator.serviceWorker.controller !== null;
        const registrations = (await navigator.serviceWorker.getRegistrations()).map((r) => new URL(r.scope).pathname);
        return { backend: started.backend, checksum: report.checksum, threadsUsed: report.threadsUsed, controlled, registrations };
      });
      // The page itself is not controlled: the worker's scope is the package's folder.
      assert.deepEqual(seen, { backend: "frame", checksum: "78498", threadsUsed: 2, controlled: false, registrations: ["/pkg/"] }, load);
      assert.deepEqual(problems.filter((p) => !/favicon|404/.test(p)), [], load);
      await page.close();
    }
  } finally {
    await context.close();
  }
});

// The soak: a long life in one page, and what it leaves behind. A million tasks each through
// `submit`, `map` and a worker pool (`createWorkerPool`), 1,000 crash-and-restart cycles of
// the threads backend, 1,000 worker replacements of the processes backend (after a timeout,
// or a crash every 250th: five crashes within 10 s break that pool on purpose), and 1,000
// create/close cycles of a worker pool; after each, against the page
// before it: the wasm heap's live bytes, the JS heap (after a full garbage collection), the
// workers still open beyond the backend's own, and the timers still pending. Every figure
// must stay flat: growth of at most 16 MiB, no worker and no timer left.
//
// Usage: node bench/soak.mjs OUT.json [SCALE] (BASE_URL and OPEN_URL: the dev server with and
// without isolation; CHROMIUM). SCALE (default 1) multiplies the counts, for a quick run.
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { CHROMIUM_ARGS } from "../tests/e2e/browser.mjs";

/** Growth of either heap beyond which a figure is not flat. */
export const FLAT_BYTES = 16 * 1024 * 1024;

/**
 * Installed before the page's own scripts: counts the workers open (made and not yet
 * terminated) and the timers pending (set and neither fired nor cleared).
 */
function counters() {
  const workers = new Set();
  const Native = globalThis.Worker;
  globalThis.Worker = class extends Native {
    constructor(...args) {
      super(...args);
      workers.add(this);
    }

    terminate() {
      workers.delete(this);
      super.terminate();
    }
  };
  const timers = new Set();
  const { setTimeout: set, clearTimeout: clear, setInterval: every, clearInterval: stop } = globalThis;
  globalThis.setTimeout = (fn, ms, ...args) => {
    const id = set((...a) => { timers.delete(id); if (typeof fn === "function") fn(...a); }, ms, ...args);
    timers.add(id);
    return id;
  };
  globalThis.clearTimeout = (id) => { timers.delete(id); clear(id); };
  globalThis.setInterval = (fn, ms, ...args) => {
    const id = every(fn, ms, ...args);
    timers.add(id);
    return id;
  };
  globalThis.clearInterval = (id) => { timers.delete(id); stop(id); };
  globalThis.soakCounters = () => ({ workers: workers.size, timers: timers.size });
}

/** The module of the worker pool's tasks, served beside the page. */
const TASKS = "export function echo(x) { return x; }\n";

/** In the page: the soak of `scenario`, measured against the page before it. */
async function soakInPage({ scenario, count }) {
  const webpar = await import("/pkg/webpar.js");
  const { default: init, Runner, createWorkerPool, memoryUsage } = webpar;
  const backend = scenario.endsWith("processes") ? "processes" : "threads";
  await init({ backend, threads: 2, processes: 2 });
  const runner = new Runner();
  const tasksUrl = new URL("/soak-tasks.js", location.href);
  const settle = () => new Promise((resolve) => setTimeout(resolve, 200));
  const measure = async () => {
    await settle();
    globalThis.gc?.();
    return {
      wasmHeap: memoryUsage().heapBytes,
      jsHeap: performance.memory?.usedJSHeapSize ?? 0,
      ...globalThis.soakCounters(),
    };
  };
  // Warm up what the scenario uses, so that its first allocations are not counted as growth.
  await runner.run("empty", {});
  const warmPool = createWorkerPool(tasksUrl, { size: 2 });
  await warmPool.submit("echo", [1]);
  await warmPool.close();
  const before = await measure();
  const started = performance.now();
  const batch = 1_000;
  if (scenario === "submit") {
    for (let done = 0; done < count; done += batch) {
      await Promise.all(Array.from({ length: batch }, () => runner.submit("empty", {})));
    }
  } else if (scenario === "map") {
    function* inputs() { for (let i = 0; i < count; i++) yield {}; }
    let seen = 0;
    for await (const _ of runner.map("empty", inputs(), { chunkSize: 1_000 })) seen += 1;
    if (seen !== count) throw new Error(`map gave ${seen} results of ${count}`);
  } else if (scenario === "worker pool") {
    const pool = createWorkerPool(tasksUrl, { size: 2 });
    for (let done = 0; done < count; done += batch) {
      await Promise.all(Array.from({ length: batch }, (_, i) => pool.submit("echo", [i])));
    }
    await pool.close();
  } else if (scenario === "crash and restart, threads") {
    for (let i = 0; i < count; i++) {
      await runner.run("empty", {}, { crashForTests: "panic" }).catch(() => {});
      // The job that asked for the crash may finish before its thread goes down; a job that
      // runs when it does fails with EngineCrashedError, and runs again on the new engine.
      for (let attempt = 0; ; attempt++) {
        try {
          await runner.run("countdown", { n: 1 });
          break;
        } catch (err) {
          if (err?.name !== "EngineCrashedError" || attempt === 2) throw err;
        }
      }
    }
  } else if (scenario === "worker replaced, processes") {
    // Five crashes within 10 s break the pool on purpose (a crash loop), so the workers are
    // replaced mostly after a timeout (terminated mid-job, as a crash leaves them), and after
    // a crash every 250th time.
    for (let i = 0; i < count; i++) {
      const options = i % 250 === 0 ? { crashForTests: "panic" } : { timeoutMs: 1 };
      await runner.run("primes", { below: 1_000_000_000 }, options).catch(() => {});
      await runner.run("countdown", { n: 1 });
    }
  } else if (scenario === "worker pool create and close") {
    for (let i = 0; i < count; i++) {
      const pool = createWorkerPool(tasksUrl, { size: 2 });
      await pool.submit("echo", [i]);
      await pool.close();
    }
  } else {
    throw new Error(`no scenario ${scenario}`);
  }
  const seconds = (performance.now() - started) / 1000;
  const after = await measure();
  return { before, after, seconds };
}

/** The scenarios, with their counts at scale 1. */
const SCENARIOS = [
  ["submit", 1_000_000],
  ["map", 1_000_000],
  ["worker pool", 1_000_000],
  ["crash and restart, threads", 1_000],
  ["worker replaced, processes", 1_000],
  ["worker pool create and close", 1_000],
];

/** Runs every scenario in a fresh page of its own; resolves with one row each. */
export async function soak({ scale = 1, log = () => {} } = {}) {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: [...CHROMIUM_ARGS, "--js-flags=--expose-gc", "--enable-precise-memory-info"],
    headless: true,
  });
  const rows = [];
  try {
    for (const [scenario, full] of SCENARIOS) {
      const count = Math.max(1, Math.round(full * scale));
      const context = await browser.newContext();
      try {
        await context.addInitScript(counters);
        // Without its own script the page starts nothing; the soak's tasks module beside it.
        await context.route("**/app.js", (route) => route.fulfill({ body: "", contentType: "text/javascript" }));
        await context.route("**/soak-tasks.js", (route) => route.fulfill({ body: TASKS, contentType: "text/javascript" }));
        const page = await context.newPage();
        const problems = [];
        page.on("pageerror", (err) => problems.push(err.message));
        const base = scenario.endsWith("processes")
          ? process.env.OPEN_URL ?? "http://127.0.0.1:8081" : process.env.BASE_URL ?? "http://127.0.0.1:8080";
        await page.goto(new URL("/", base).href);
        let measured;
        try {
          measured = await page.evaluate(soakInPage, { scenario, count });
        } catch (err) {
          // A scenario that fails is a row that says so; the others still run.
          const error = err.message.split("\n")[0];
          log(`soak, ${scenario}: FAILED: ${error}`);
          rows.push({ kind: "soak", case: scenario, count, error, flat: false, page_errors: problems.length });
          continue;
        }
        const { before, after, seconds } = measured;
        const row = {
          kind: "soak", case: scenario, count, seconds,
          wasm_heap_growth_bytes: after.wasmHeap - before.wasmHeap,
          js_heap_growth_bytes: after.jsHeap - before.jsHeap,
          workers_left: after.workers - before.workers,
          timers_left: after.timers - before.timers,
          page_errors: problems.length,
        };
        row.flat = row.wasm_heap_growth_bytes <= FLAT_BYTES && row.js_heap_growth_bytes <= FLAT_BYTES &&
          row.workers_left <= 0 && row.timers_left <= 0;
        log(`soak, ${scenario} x ${count.toLocaleString("en")} in ${seconds.toFixed(1)} s: wasm heap ` +
          `${(row.wasm_heap_growth_bytes / 1048576).toFixed(2)} MiB, JS heap ${(row.js_heap_growth_bytes / 1048576).toFixed(2)} MiB, ` +
          `${row.workers_left} workers and ${row.timers_left} timers left${row.flat ? "" : " — NOT FLAT"}`);
        rows.push(row);
      } finally {
        await context.close();
      }
    }
  } finally {
    await browser.close();
  }
  return rows;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [out, scaleArg] = process.argv.slice(2);
  const rows = await soak({ scale: Number(scaleArg ?? 1), log: console.log });
  writeFileSync(out, JSON.stringify({ rows }, null, 2));
  if (rows.some((row) => !row.flat)) {
    console.error("the soak is not flat: see the rows above");
    process.exitCode = 1;
  }
}

// Browser half of `./build.sh bench`, against the dev server (BASE_URL, and OPEN_URL for the
// page without COOP/COEP):
// - every workload's defaults through Runner.compare (sequential vs threads vs processes), and
//   those of examples/levenshtein, a crate that adds its own, on the page opened on its package;
// - the processes backend on a page without isolation, its startup, crash recovery, and the
//   JS worker pool against workerpool (bench/processes.mjs);
// - plain-JS peers of four kernels on a workerpool pool of the same size, same checksums;
// - overheads: empty-job round trip through Runner.run, a postMessage round trip to a
//   worker, initThreadPool(k) ready time, and abort latency at the largest allowed sizes;
// - I/O: 10,000 timer calls of 100 ms at concurrency 200 against the ideal; the limiter's
//   cost per zero-latency call against p-limit's in the same page; wasm memory growth over
//   1,000,000 calls; and the dev server under 10,000 fetches (from Node, which has no
//   browser connection cap);
// - the longest main-thread gap while the largest allowed I/O jobs run (bench/stalls.mjs);
// - the executor: tiny tasks per second through submit (one at a time, and all at once) and
//   through map in chunks; the copy rates of an app's data into and out of wasm memory; and
//   sorting and hashing an app's data against the same in plain JS on workerpool.
// Usage: node bench/browser.mjs OUT.json [REPEATS]
import { readFileSync, writeFileSync } from "node:fs";
import { FRAME_URL, OPEN_URL, launch, open } from "../tests/e2e/browser.mjs";
import { ioStalls } from "./stalls.mjs";
import { processesBench } from "./processes.mjs";
import { pageVsApi } from "./page.mjs";
import { median } from "./interval.mjs";
import { compareAll } from "./compare.mjs";
import { timelineOverhead } from "./timeline.mjs";
import { predictionAccuracy } from "./advise.mjs";

const [out, repeatsArg] = process.argv.slice(2);
const repeats = Number(repeatsArg ?? 5);
const ROUND_TRIPS = 10_000;
const context = await launch();
const log = (line) => console.log(line);
const MINUTE = 60_000;

/**
 * `promise`, or a failure naming `stage` once `ms` have passed: no stage can hang the bench
 * (its browser is closed on the way out, which ends whatever still runs).
 */
function within(stage, ms, promise) {
  let timer;
  const late = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`bench stage "${stage}" did not finish within ${ms / MINUTE} min`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

try {
  const { page, problems } = await open(context);
  page.on("console", (msg) => { if (msg.type() === "log") log(msg.text()); });
  await page.waitForSelector("body[data-ready=true]", { timeout: 60_000 });
  const threads = Number(await page.getAttribute("#status", "data-threads"));
  const rows = [];
  rows.push(...await within("compare", 40 * MINUTE, compareAll((fn, arg) => page.evaluate(fn, arg), repeats)));
  // A crate's own workload (examples/levenshtein), on the page opened on its package.
  const extension = await open(context, "/?package=levenshtein");
  extension.page.on("console", (msg) => { if (msg.type() === "log") log(msg.text()); });
  await extension.page.waitForSelector("body[data-ready=true]", { timeout: 60_000 });
  rows.push(...await within("compare levenshtein", 10 * MINUTE, compareAll((fn, arg) => extension.page.evaluate(fn, arg), repeats,
    { pkg: "/examples/levenshtein/webpar.js", extension: true })));
  rows.push(...await within("serde input copy", 5 * MINUTE, extension.page.evaluate(serdeInputCopy)));
  problems.push(...extension.problems);
  await extension.page.close();
  await page.addScriptTag({ url: "/vendor/workerpool.js" });
  rows.push(...await within("JS peers", 10 * MINUTE, page.evaluate(jsPeers, { repeats, threads })));
  rows.push(...await within("timeline overhead", 10 * MINUTE, timelineOverhead((fn, arg) => page.evaluate(fn, arg))));
  // runner.advise against compare, on threads here and on isolated workers on a page without COOP/COEP.
  rows.push(...await within("predictions on threads", 15 * MINUTE, predictionAccuracy((fn, arg) => page.evaluate(fn, arg), { where: "threads" })));
  const unisolated = await open(context, "/", OPEN_URL);
  unisolated.page.on("console", (msg) => { if (msg.type() === "log") log(msg.text()); });
  await unisolated.page.waitForSelector("body[data-ready=true]", { timeout: 120_000 });
  rows.push(...await within("predictions on isolated workers", 15 * MINUTE,
    predictionAccuracy((fn, arg) => unisolated.page.evaluate(fn, arg), { where: "processes" })));
  problems.push(...unisolated.problems);
  await unisolated.page.close();
  rows.push(...await within("round trips", 5 * MINUTE, page.evaluate(roundTrips, ROUND_TRIPS)));
  rows.push(...await within("executor", 5 * MINUTE, page.evaluate(executorBench, threads)));
  rows.push(...await within("abort latencies", 5 * MINUTE, page.evaluate(abortLatencies)));
  rows.push(...await within("pickling lesson", 5 * MINUTE, page.evaluate(picklingLesson, repeats)));
  for (const k of [...new Set([1, threads])]) rows.push(await within(`initThreadPool(${k})`, 2 * MINUTE, poolReadyTime(k)));
  rows.push(...await within("engine restarts", 5 * MINUTE, engineRestartTimes(threads)));
  await servePLimit(page);
  rows.push(...await within("I/O", 10 * MINUTE, page.evaluate(ioBench)));
  rows.push(...await within("I/O stalls", 10 * MINUTE, page.evaluate(ioStalls)));
  rows.push(await within("dev server load", 5 * MINUTE, devServerLoad()));
  rows.push(...await within("processes", 30 * MINUTE, processesBench(context, { repeats, threads })));
  rows.push(...await within("page against API", 10 * MINUTE, pageVsApi(context)));
  // A page without COOP/COEP whose threads frame is isolated by its header (the frame backend).
  const framed = await open(context, "/", FRAME_URL);
  framed.page.on("console", (msg) => { if (msg.type() === "log") log(msg.text()); });
  await framed.page.waitForSelector("body[data-ready=true]", { timeout: 60_000 });
  if (await framed.page.getAttribute("#status", "data-backend") !== "frame") throw new Error("the frame page did not start the frame backend");
  rows.push(...await within("frame compare", 40 * MINUTE, compareAll((fn, arg) => framed.page.evaluate(fn, arg), repeats, { where: "frame" })));
  rows.push(...await within("frame hop", 5 * MINUTE, framed.page.evaluate(frameHop, 2000)));
  problems.push(...framed.problems);
  await framed.page.close();
  if (problems.length) throw new Error(`the page reported errors: ${problems.join("; ")}`);
  const browser = await page.evaluate(() => navigator.userAgent.match(/Chrom(?:e|ium)\/[\d.]+/)?.[0] ?? navigator.userAgent);
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  writeFileSync(out, JSON.stringify({ browser, cores, threads, rows }, null, 2));
} finally {
  await context.close();
}

/**
 * What the input form of a registered workload (read and written by serde-wasm-bindgen)
 * costs: examples/levenshtein on 1,000,000 short words, the median of 5 runs of the copy in
 * (the snapshot and serde's read of every string) and out (1,000,000 distances to an Array).
 */
async function serdeInputCopy() {
  const { Runner } = await import("/examples/levenshtein/webpar.js");
  const runner = new Runner();
  const count = 1_000_000;
  const words = Array.from({ length: count }, (_, i) => ((i * 2654435761) % 2 ** 32).toString(36));
  const ins = [];
  const outs = [];
  for (let r = 0; r < 5; r++) {
    const { copy } = await runner.run("levenshtein", { input: { query: "kitten", words, top: 10 } });
    ins.push(copy.inMs);
    outs.push(copy.outMs);
  }
  const mid = (xs) => xs.sort((a, b) => a - b)[xs.length >> 1];
  console.log(`serde input form: ${count} words in ${mid(ins).toFixed(1)} ms, ${count} distances out in ${mid(outs).toFixed(1)} ms`);
  return [{ kind: "overhead", overhead: "serde_input_items_per_second", where: "wasm", value: count / mid(ins) * 1000, count, in_ms: mid(ins), out_ms: mid(outs) }];
}

async function jsPeers({ repeats, threads }) {
  const { Runner } = await import("/pkg/webpar.js");
  const defaults = Object.fromEntries(new Runner().workloads().map((w) =>
    [w.name, Object.fromEntries(w.params.map((p) => [p.name, p.default]))]));
  const pool = self.workerpool.pool("/bench/js-peers.js", { maxWorkers: threads, workerType: "web" });
  const split = (total, parts) => Array.from({ length: parts }, (_, i) =>
    [Math.floor((total * i) / parts), Math.floor((total * (i + 1)) / parts)]);
  const jobs = {
    // Many small tasks, so that uneven work balances across the workers.
    primes: async ({ below }) => String((await Promise.all(split(below, 256).map(([a, b]) => pool.exec("primes", [a, b])))).reduce((x, y) => x + y, 0)),
    sum: async ({ n }) => String((await Promise.all(split(n, threads).map(([a, b]) => pool.exec("sum", [b - a])))).reduce((x, y) => x + y, 0)),
    montecarlo_pi: async ({ samples }) => {
      const perChunk = 65536, chunks = Math.ceil(samples / perChunk);
      const parts = await Promise.all(split(chunks, 64).map(([a, b]) => pool.exec("montecarlo", [a, b, perChunk, samples])));
      return String(parts.reduce((x, y) => x + y, 0));
    },
    mandelbrot: async ({ width, height, max_iter }) => {
      const parts = await Promise.all(split(width * height, 64).map(([a, b]) => pool.exec("mandelbrot", [width, height, max_iter, a, b])));
      const total = parts.reduce((acc, [hi, lo]) => acc + (BigInt(hi) << 32n) + BigInt(lo), 0n);
      return BigInt.asUintN(64, total).toString();
    },
  };
  const rows = [];
  for (const [workload, job] of Object.entries(jobs)) {
    const params = defaults[workload];
    let checksum = await job(params); // warm-up: workers start, code gets compiled
    const times = [];
    for (let i = 0; i < repeats; i++) {
      const start = performance.now();
      checksum = await job(params);
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)];
    rows.push({ kind: "peer", workload, mode: "parallel", where: "js", peer: "workerpool", threads, median_ms: median,
      min_ms: times[0], max_ms: times.at(-1), checksum, repeats, params });
    console.log(`js workerpool ${workload}: ${median.toFixed(1)} ms`);
  }
  await pool.terminate();
  return rows;
}

/**
 * In the frame page: the mean time of an empty job through Runner.run, one at a time, on the
 * threads in the frame and on isolated workers of the same page (the mean: a page without
 * isolation has a coarse clock).
 */
async function frameHop(count) {
  const { Runner } = await import("/pkg/webpar.js");
  const runner = new Runner();
  const meanUs = async (mode) => {
    for (let i = 0; i < 200; i++) await runner.run("empty", {}, { mode });
    const start = performance.now();
    for (let i = 0; i < count; i++) await runner.run("empty", {}, { mode });
    return (performance.now() - start) * 1000 / count;
  };
  const frame = await meanUs("sequential");
  const processes = await meanUs("processes");
  console.log(`frame page: empty job ${frame.toFixed(1)} us mean on the frame's threads, ${processes.toFixed(1)} us on isolated workers`);
  return [
    { kind: "overhead", overhead: "frame_empty_job_mean_us", where: "frame", value: frame, count },
    { kind: "overhead", overhead: "frame_page_processes_empty_job_mean_us", where: "frame", value: processes, count },
  ];
}

/** In the page: empty-job round trips through Runner.run, and postMessage round trips. */
async function roundTrips(count) {
  const { Runner } = await import("/pkg/webpar.js");
  const runner = new Runner();
  const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const sequentialTimes = async (once) => {
    const times = [];
    for (let i = 0; i < 200; i++) await once(); // warm-up
    const start = performance.now();
    for (let i = 0; i < count; i++) {
      const t = performance.now();
      await once();
      times.push(performance.now() - t);
    }
    return { medianUs: median(times) * 1000, perSecond: count / ((performance.now() - start) / 1000) };
  };
  const job = await sequentialTimes(() => runner.run("empty", {}, { mode: "sequential" }));
  const concurrentStart = performance.now();
  await Promise.all(Array.from({ length: count }, () => runner.run("empty", {}, { mode: "sequential" })));
  const concurrentPerSecond = count / ((performance.now() - concurrentStart) / 1000);
  const worker = new Worker(URL.createObjectURL(new Blob(["onmessage = (e) => postMessage(e.data);"], { type: "text/javascript" })));
  const echo = () => new Promise((resolve) => { worker.onmessage = resolve; worker.postMessage(1); });
  const message = await sequentialTimes(echo);
  worker.terminate();
  console.log(`empty job round trip: ${job.medianUs.toFixed(1)} us median, ${job.perSecond.toFixed(0)} jobs/s one at a time, ${concurrentPerSecond.toFixed(0)} jobs/s ${count} at once; postMessage round trip ${message.medianUs.toFixed(1)} us`);
  return [
    { kind: "overhead", overhead: "empty_job_round_trip_us", where: "wasm", value: job.medianUs, count },
    { kind: "overhead", overhead: "empty_jobs_per_second_sequential", where: "wasm", value: job.perSecond, count },
    { kind: "overhead", overhead: "empty_job_mean_us", where: "wasm", value: 1e6 / job.perSecond, count },
    { kind: "overhead", overhead: "empty_jobs_per_second_concurrent", where: "wasm", value: concurrentPerSecond, count },
    { kind: "overhead", overhead: "postmessage_round_trip_us", where: "js", value: message.medianUs, count },
  ];
}

/** In the page: the executor's throughput, the copy rates, and app data against plain JS. */
async function executorBench(threads) {
  const { Runner } = await import("/pkg/webpar.js");
  const runner = new Runner({ maxQueue: 1_000_000 });
  const rows = [];
  const rate = async (count, run) => {
    await run(Math.min(count, 2000)); // warm-up
    const start = performance.now();
    await run(count);
    return count / ((performance.now() - start) / 1000);
  };
  const oneAtATime = await rate(5000, async (n) => { for (let i = 0; i < n; i++) await runner.submit("empty", {}); });
  const allAtOnce = await rate(20_000, (n) => Promise.all(Array.from({ length: n }, () => runner.submit("empty", {}))));
  const mapped = {};
  for (const chunkSize of [1000, 10_000]) {
    mapped[chunkSize] = await rate(1_000_000, async (n) => {
      let seen = 0;
      const inputs = { *[Symbol.iterator]() { for (let i = 0; i < n; i++) yield {}; } };
      for await (const _ of runner.map("empty", inputs, { chunkSize })) seen++;
      if (seen !== n) throw new Error(`map yielded ${seen} of ${n}`);
    });
  }
  console.log(`tiny tasks: submit ${oneAtATime.toFixed(0)}/s one at a time, ${allAtOnce.toFixed(0)}/s all at once; ` +
    `map ${mapped[1000].toFixed(0)}/s (chunkSize 1000), ${mapped[10_000].toFixed(0)}/s (chunkSize 10000)`);
  rows.push(
    { kind: "overhead", overhead: "submit_tasks_per_second_one_at_a_time", where: "wasm", value: oneAtATime, count: 5000 },
    { kind: "overhead", overhead: "submit_tasks_per_second_all_at_once", where: "wasm", value: allAtOnce, count: 20_000 },
    { kind: "overhead", overhead: "map_tasks_per_second_chunk_1000", where: "wasm", value: mapped[1000], count: 1_000_000 },
    { kind: "overhead", overhead: "map_tasks_per_second_chunk_10000", where: "wasm", value: mapped[10_000], count: 1_000_000 },
  );

  // Copy rates: 128 MiB in, 128 MiB out (sorting 16 Mi numbers).
  const numbers = Float64Array.from({ length: 16 * 1024 * 1024 }, (_, i) => Math.sin(i) * 1e6);
  const copies = [];
  for (let i = 0; i < 5; i++) copies.push((await runner.run("sort", { input: numbers })).copy);
  const medianOf = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const inGBs = medianOf(copies.map((c) => c.inBytes / c.inMs / 1e6));
  const outGBs = medianOf(copies.map((c) => c.outBytes / c.outMs / 1e6));
  // Out into the app's own array (`into`), which saves the fresh buffer.
  const target = new Float64Array(numbers.length);
  const intoCopies = [];
  for (let i = 0; i < 5; i++) intoCopies.push((await runner.run("sort", { input: numbers, into: target })).copy);
  const intoGBs = medianOf(intoCopies.map((c) => c.outBytes / c.outMs / 1e6));
  // The browser's own cost of a fresh array of that size, for scale: plain JS, no wasm.
  const freshJs = [];
  for (let i = 0; i < 5; i++) {
    const start = performance.now();
    new Float64Array(numbers.length).set(numbers);
    freshJs.push(numbers.byteLength / (performance.now() - start) / 1e6);
  }
  const freshGBs = medianOf(freshJs);
  console.log(`copy of an app's data: in ${inGBs.toFixed(2)} GB/s, out ${outGBs.toFixed(2)} GB/s to a new array, ` +
    `${intoGBs.toFixed(2)} GB/s into the app's (128 MiB each way); plain JS into a new array ${freshGBs.toFixed(2)} GB/s`);
  rows.push({ kind: "overhead", overhead: "copy_in_gb_per_s", where: "wasm", value: inGBs, bytes: copies[0].inBytes },
    { kind: "overhead", overhead: "copy_out_gb_per_s", where: "wasm", value: outGBs, bytes: copies[0].outBytes },
    { kind: "overhead", overhead: "copy_out_into_gb_per_s", where: "wasm", value: intoGBs, bytes: intoCopies[0].outBytes },
    { kind: "overhead", overhead: "fresh_array_copy_gb_per_s", where: "js", value: freshGBs, bytes: numbers.byteLength });

  // App data against plain JS on workerpool, wall time from the call to the result in hand.
  const pool = self.workerpool.pool("/bench/js-peers.js", { maxWorkers: threads, workerType: "web" });
  const best = async (run, repeats = 5) => {
    await run();
    const times = [];
    for (let i = 0; i < repeats; i++) {
      const start = performance.now();
      await run();
      times.push(performance.now() - start);
    }
    return medianOf(times);
  };
  const data = numbers.subarray(0, 4 * 1024 * 1024);
  const expected = data.slice().sort();
  const webparSort = await best(async () => {
    const { output } = await runner.run("sort", { input: data });
    if (output[12345] !== expected[12345]) throw new Error("webpar sorted wrong");
  });
  const jsSort = await best(async () => {
    const part = Math.ceil(data.length / threads);
    const slices = await Promise.all(Array.from({ length: threads }, (_, i) => {
      const slice = data.slice(i * part, (i + 1) * part);
      return pool.exec("sortSlice", [slice], { transfer: [slice.buffer] });
    }));
    // k-way merge on the page's thread.
    const out = new Float64Array(data.length);
    const at = slices.map(() => 0);
    for (let k = 0; k < out.length; k++) {
      let pick = -1;
      for (let s = 0; s < slices.length; s++) {
        if (at[s] < slices[s].length && (pick < 0 || slices[s][at[s]] < slices[pick][at[pick]])) pick = s;
      }
      out[k] = slices[pick][at[pick]++];
    }
    if (out[12345] !== expected[12345]) throw new Error("JS sorted wrong");
  });
  const jsSortMain = await best(async () => { data.slice().sort(); });
  const messages = Array.from({ length: 64 }, (_, i) => new Uint8Array(1 << 20).fill(i));
  const webparHash = await best(() => runner.run("sha256", { input: messages }));
  const jsHash = await best(() => {
    const per = Math.ceil(messages.length / threads);
    return Promise.all(Array.from({ length: threads }, (_, i) =>
      pool.exec("digests", [messages.slice(i * per, (i + 1) * per)])));
  });
  await pool.terminate();
  console.log(`app data: sort 4 Mi f64 webpar ${webparSort.toFixed(1)} ms, JS workerpool ${jsSort.toFixed(1)} ms, JS on the page ${jsSortMain.toFixed(1)} ms; ` +
    `sha256 64 x 1 MiB webpar ${webparHash.toFixed(1)} ms, JS workerpool (crypto.subtle) ${jsHash.toFixed(1)} ms`);
  rows.push(
    { kind: "app_data", case: "sort_4Mi_f64", webpar_ms: webparSort, js_workerpool_ms: jsSort, js_main_thread_ms: jsSortMain, threads },
    { kind: "app_data", case: "sha256_64x1MiB", webpar_ms: webparHash, js_workerpool_ms: jsHash, threads },
  );
  return rows;
}

/**
 * In the page: for every workload at its largest allowed parameters (halved until the memory
 * budget admits them), the time from aborting the signal to the Promise's rejection.
 */
async function abortLatencies() {
  const { Runner } = await import("/pkg/webpar.js");
  const runner = new Runner();
  const rows = [];
  for (const workload of runner.workloads()) {
    if (workload.params.length === 0) continue;
    let params = Object.fromEntries(workload.params.map((p) => [p.name, p.max]));
    for (let attempt = 0; attempt < 64; attempt++) {
      const controller = new AbortController();
      const running = runner.run(workload.name, params, { signal: controller.signal });
      let abortedAt = 0;
      const timer = setTimeout(() => { abortedAt = performance.now(); controller.abort(); }, 300);
      try {
        await running;
        clearTimeout(timer);
        break; // finished within 300 ms: nothing to measure at this size
      } catch (err) {
        clearTimeout(timer);
        if (err.name === "OverBudgetError") {
          params = Object.fromEntries(workload.params.map((p) => [p.name, Math.max(p.min, Math.floor(params[p.name] / 2))]));
          continue;
        }
        if (err.name !== "AbortError") throw err;
        const latency = performance.now() - abortedAt;
        rows.push({ kind: "overhead", overhead: "abort_latency_ms", where: "wasm", workload: workload.name, params, value: latency });
        console.log(`abort latency ${workload.name} ${JSON.stringify(params)}: ${latency.toFixed(1)} ms`);
        break;
      }
    }
  }
  return rows;
}

/** initThreadPool(k) ready time on a fresh page (a pool starts once per page). */
async function poolReadyTime(k) {
  const fresh = await context.newPage();
  // The demo page without its own script, so that this is the first start.
  await fresh.route("**/app.js", (route) => route.fulfill({ body: "", contentType: "text/javascript" }));
  await fresh.goto(new URL("/", process.env.BASE_URL).href);
  const ms = await fresh.evaluate(async (k) => {
    const { default: init } = await import("/pkg/webpar.js");
    // startupMs: from the instantiated module to a ready pool.
    return (await init({ backend: "threads", threads: k })).startupMs;
  }, k);
  await fresh.close();
  console.log(`initThreadPool(${k}) ready in ${ms.toFixed(1)} ms`);
  return { kind: "overhead", overhead: "init_thread_pool_ms", where: "wasm", threads: k, value: ms };
}

/**
 * In the page: the pickling lesson. One app's Int32Array of 20 M integers summed
 * sequentially, on threads and on isolated workers, timed from the call to the result in
 * hand (median of `repeats`), with the bytes each mode copied and the messages it sent.
 */
async function picklingLesson(repeats) {
  const { Runner } = await import("/pkg/webpar.js");
  const runner = new Runner();
  const n = 20_000_000;
  const values = new Int32Array(n);
  for (let i = 0; i < n; i++) values[i] = (i % 2001) - 1000;
  const rows = [];
  for (const mode of ["sequential", "parallel", "processes"]) {
    await runner.run("sum", { input: values }, { mode });
    const times = [];
    let report;
    for (let r = 0; r < repeats; r++) {
      const start = performance.now();
      report = await runner.run("sum", { input: values }, { mode });
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    const onWorkers = report.backend === "processes";
    rows.push({
      kind: "pickling", mode: mode === "parallel" ? "threads" : mode, where: "wasm", n, bytes: 4 * n,
      threads: report.threads, call_to_result_ms: times[times.length >> 1], copy_in_ms: report.copy.inMs,
      bytes_copied: (onWorkers ? report.bytesCopied : 0) + report.copy.inBytes,
      messages: onWorkers ? report.messages : 0, sum: String(report.output.sum),
    });
  }
  const [first] = rows;
  for (const row of rows) {
    console.log(`pickling lesson, sum of ${n} Int32: ${row.mode} ${row.call_to_result_ms.toFixed(1)} ms ` +
      `(${(first.call_to_result_ms / row.call_to_result_ms).toFixed(2)}x), ${row.bytes_copied} bytes copied, ${row.messages} messages`);
  }
  return rows;
}

/**
 * The threads engine's restart after a crash, on a fresh page: from a panic on a pool thread
 * to the running job's rejection, and to the next job's result on the new engine (module
 * instance and pool of the same size); the keeper's own restart time beside them.
 */
async function engineRestartTimes(threads) {
  const fresh = await context.newPage();
  await fresh.route("**/app.js", (route) => route.fulfill({ body: "", contentType: "text/javascript" }));
  await fresh.goto(new URL("/", process.env.BASE_URL).href);
  const times = await fresh.evaluate(async (threads) => {
    const { default: init, Runner } = await import("/pkg/webpar.js");
    await init({ backend: "threads", threads });
    const runner = new Runner();
    const toRejection = [];
    const toNextResult = [];
    const restart = [];
    for (let i = 0; i < 5; i++) {
      // A job that runs for seconds, going when the crash comes.
      const running = runner.run("primes", { below: 40_000_000 }, { mode: "sequential" }).catch(() => {});
      await new Promise((resolve) => setTimeout(resolve, 50));
      const start = performance.now();
      runner.run("empty", {}, { crashForTests: "panic" }).catch(() => {});
      await running;
      toRejection.push(performance.now() - start);
      await runner.run("countdown", { n: 1 });
      toNextResult.push(performance.now() - start);
      restart.push(runner.stats().engine.lastRestartMs);
    }
    const median = (values) => values.sort((a, b) => a - b)[values.length >> 1];
    return { toRejection: median(toRejection), toNextResult: median(toNextResult), restart: median(restart) };
  }, threads);
  await fresh.close();
  console.log(`threads engine restart (${threads} threads): job rejected after ${times.toRejection.toFixed(1)} ms, ` +
    `next result after ${times.toNextResult.toFixed(1)} ms (restart ${times.restart.toFixed(1)} ms)`);
  return [
    { kind: "overhead", overhead: "engine_crash_to_rejection_ms", where: "wasm", threads, value: times.toRejection },
    { kind: "overhead", overhead: "engine_crash_to_next_result_ms", where: "wasm", threads, value: times.toNextResult },
    { kind: "overhead", overhead: "engine_restart_ms", where: "wasm", threads, value: times.restart },
  ];
}

/** Serves p-limit and its queue to the page as ES modules (bench only: not in the demo). */
async function servePLimit(page) {
  const module = (path, rewrite = (text) => text) => async (route) => route.fulfill({
    body: rewrite(readFileSync(new URL(`../node_modules/${path}`, import.meta.url), "utf8")),
    contentType: "text/javascript",
  });
  await page.route("**/bench-vendor/p-limit.js", module("p-limit/index.js", (t) => t.replace("'yocto-queue'", "'./yocto-queue.js'")));
  await page.route("**/bench-vendor/yocto-queue.js", module("yocto-queue/index.js"));
}

/** In the page: the I/O targets. */
async function ioBench() {
  const { Runner } = await import("/pkg/webpar.js");
  const { default: pLimit } = await import("/bench-vendor/p-limit.js");
  const runner = new Runner();
  const rows = [];
  const waves = await runner.io({ calls: 10_000, latencyMs: 100, concurrency: 200 });
  rows.push({ kind: "io", case: "timer_10000x100ms_c200", makespan_ms: waves.makespanMs, ideal_ms: waves.idealMs, ratio: waves.ratioToIdeal, max_in_flight: waves.maxInFlight });
  console.log(`io: 10,000 x 100 ms at 200: ${waves.makespanMs.toFixed(0)} ms, ideal ${waves.idealMs} ms, ratio ${waves.ratioToIdeal.toFixed(3)}`);

  const calls = 100_000;
  const perCall = async (run) => {
    await run(10_000); // warm-up
    const times = [];
    for (let i = 0; i < 5; i++) {
      const start = performance.now();
      await run(calls);
      times.push(((performance.now() - start) * 1000) / calls);
    }
    return times.sort((a, b) => a - b)[2];
  };
  const bare = await perCall((n) => runner.io({ calls: n, latencyMs: 0, concurrency: 100 }));
  let sunk = 0;
  const sinking = await perCall((n) => runner.io({ calls: n, latencyMs: 0, concurrency: 100, batchSize: 1000 }, { onBatch: (batch) => { sunk += batch.length; } }));
  const pLimited = await perCall((n) => {
    const limit = pLimit(100);
    return Promise.all(Array.from({ length: n }, () => limit(async () => 0)));
  });
  // The app's own async function through mapAsync (values yielded to a for-await loop).
  const range = (n) => Array.from({ length: n }, (_, i) => i);
  const viaMapAsync = await perCall(async (n) => {
    let seen = 0;
    for await (const _ of runner.mapAsync(range(n), async (i) => i, { concurrency: 100, buffer: 10_000 })) seen++;
    if (seen !== n) throw new Error(`mapAsync yielded ${seen} of ${n}`);
  });
  rows.push({ kind: "io", case: "zero_latency_overhead_us", calls, webpar_us: bare, webpar_with_batches_us: sinking, p_limit_us: pLimited, map_async_us: viaMapAsync });
  console.log(`io: per zero-latency call ${bare.toFixed(3)} us (${sinking.toFixed(3)} us with onBatch), mapAsync ${viaMapAsync.toFixed(3)} us, p-limit ${pLimited.toFixed(3)} us`);

  const million = await runner.io({ calls: 1_000_000, latencyMs: 1, concurrency: 1000, batchSize: 1000 }, { onBatch: () => {} });
  rows.push({ kind: "io", case: "memory_1000000_calls", calls: million.calls, succeeded: million.succeeded, memory_growth_bytes: million.memoryGrowthBytes, peak_memory_bytes: million.peakMemoryBytes, makespan_ms: million.makespanMs });
  console.log(`io: 1,000,000 calls: wasm memory grew ${(million.memoryGrowthBytes / 1048576).toFixed(2)} MiB (peak ${(million.peakMemoryBytes / 1048576).toFixed(1)} MiB) in ${(million.makespanMs / 1000).toFixed(1)} s`);
  return rows;
}

/** From Node: 10,000 fetches of /api/delay?ms=50 at 200 in flight; errors and time. */
async function devServerLoad() {
  const total = 10_000, inFlight = 200;
  let next = 0, errors = 0;
  const start = performance.now();
  await Promise.all(Array.from({ length: inFlight }, async () => {
    while (next < total) {
      const i = next++;
      try {
        const response = await fetch(new URL(`/api/delay?ms=50&bytes=256&i=${i}`, process.env.BASE_URL));
        if (!response.ok) errors++;
        await response.arrayBuffer();
      } catch {
        errors++;
      }
    }
  }));
  const ms = performance.now() - start;
  console.log(`dev server: ${total} fetches of /api/delay?ms=50 at ${inFlight} in flight: ${errors} errors, ${ms.toFixed(0)} ms (ideal ${total / inFlight * 50} ms)`);
  return { kind: "io", case: "dev_server_10000_fetches", fetches: total, concurrency: inFlight, errors, makespan_ms: ms, ideal_ms: (total / inFlight) * 50 };
}

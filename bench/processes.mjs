// The processes half of `./build.sh bench` (bench/browser.mjs calls it):
// - on a page served without COOP/COEP (OPEN_URL), the processes backend: sequential (one
//   worker) against processes for the workloads that split, and `sum`, whose parts each
//   build their own share of the array;
// - startup: init({ backend: "processes" }) of k workers on a fresh page (threads' startup is
//   bench/browser.mjs's init_thread_pool_ms);
// - crashes: from a worker's panic to its task's rejection, and to the next job's result on
//   the replacement;
// - the JS worker pool against workerpool on the same trivial task: round trip per task one
//   at a time, and tasks per second through map / all submitted at once.
import { BASE_URL, OPEN_URL } from "../tests/e2e/browser.mjs";

/** A fresh page without COOP/COEP, the demo's own script stubbed out. */
async function openPage(context) {
  const page = await context.newPage();
  await page.route("**/app.js", (route) => route.fulfill({ body: "", contentType: "text/javascript" }));
  const problems = [];
  page.on("pageerror", (err) => problems.push(err.message));
  page.on("console", (msg) => { if (msg.type() === "log") console.log(msg.text()); });
  await page.goto(new URL("/", OPEN_URL).href);
  return { page, problems };
}

/** Every processes row, each measured on a page of its own. */
export async function processesBench(context, { repeats, threads }) {
  const rows = [];
  {
    const { page, problems } = await openPage(context);
    rows.push(...await page.evaluate(openPageCompare, { repeats, threads }));
    rows.push(...await page.evaluate(crashTimes));
    await page.addScriptTag({ url: "/vendor/workerpool.js" });
    rows.push(...await page.evaluate(workerPools, threads));
    if (problems.length) throw new Error(`the page without isolation reported: ${problems.join("; ")}`);
    await page.close();
  }
  {
    // A SharedArrayBuffer needs a cross-origin isolated page.
    const page = await context.newPage();
    await page.route("**/app.js", (route) => route.fulfill({ body: "", contentType: "text/javascript" }));
    page.on("console", (msg) => { if (msg.type() === "log") console.log(msg.text()); });
    await page.goto(new URL("/", BASE_URL).href);
    rows.push(...await page.evaluate(sharedBuffer));
    await page.close();
  }
  for (const k of [...new Set([1, threads])]) {
    const { page } = await openPage(context);
    const ms = await page.evaluate(async (k) => {
      const { default: init } = await import("/pkg/webpar.js");
      return (await init({ backend: "processes", processes: k })).startupMs;
    }, k);
    rows.push({ kind: "overhead", overhead: "process_pool_ready_ms", where: "wasm", threads: k, value: ms });
    await page.close();
  }
  return rows;
}

/** In the page: compare (sequential vs processes) of the workloads that split, at their defaults. */
async function openPageCompare({ repeats, threads }) {
  const { default: init, Runner } = await import("/pkg/webpar.js");
  const { compare } = await import("/pkg/bench.js");
  await init({ backend: "processes", processes: threads });
  const runner = new Runner();
  const rows = [];
  for (const workload of runner.workloads()) {
    if (!workload.splits) continue;
    const params = Object.fromEntries(workload.params.map((p) => [p.name, p.default]));
    const cmp = await compare(runner, workload.name, params, { repeats });
    for (const run of cmp.runs) {
      rows.push({
        kind: "run", workload: run.workload, mode: run.mode === "sequential" ? "sequential" : "processes",
        where: "wasm", page: "not isolated", threads: run.threads, threads_used: run.threadsUsed,
        median_ms: run.medianMs, min_ms: run.minMs, max_ms: run.maxMs, times_ms: run.timesMs, checksum: run.checksum, repeats,
        params: run.params, parts: run.parts, messages: run.messages, bytes_copied: run.bytesCopied,
      });
    }
    console.log(`processes (not isolated) ${workload.name}: ${cmp.runs[0].medianMs.toFixed(1)} ms -> ${cmp.runs[1].medianMs.toFixed(1)} ms (${cmp.speedup.toFixed(2)}x)`);
  }
  return rows;
}

/**
 * In a cross-origin isolated page: a task that marks a buffer of 16 MiB, given a
 * SharedArrayBuffer (shared: the page sees the mark) and given an ArrayBuffer (copied).
 */
export async function sharedBuffer() {
  const { createWorkerPool } = await import("/pkg/webpar.js");
  const pool = createWorkerPool("/tasks.js", { size: 1 });
  await pool.warm();
  const median = async (make) => {
    const times = [];
    let buffer;
    for (let i = 0; i < 7; i++) {
      buffer = make();
      const start = performance.now();
      await pool.submit("mark", [buffer]);
      times.push(performance.now() - start);
    }
    return { ms: times.sort((a, b) => a - b)[3], first: new Int32Array(buffer)[0] };
  };
  const shared = await median(() => new SharedArrayBuffer(16 << 20));
  const copied = await median(() => new ArrayBuffer(16 << 20));
  await pool.close();
  console.log(`16 MiB to a task: shared (SharedArrayBuffer) ${shared.ms.toFixed(1)} ms, the page sees its write: ${shared.first === 1}; ` +
    `copied (ArrayBuffer) ${copied.ms.toFixed(1)} ms, the page's copy unchanged: ${copied.first === 0}`);
  return [{ kind: "worker_pool_shared", shared_16mib_ms: shared.ms, shared_seen: shared.first === 1, copied_16mib_ms: copied.ms }];
}

/** In the page: a panic in a process worker, to the rejection and to the next result. */
async function crashTimes() {
  const { Runner } = await import("/pkg/webpar.js");
  const runner = new Runner();
  const toRejection = [];
  const toNextResult = [];
  for (let i = 0; i < 3; i++) {
    // One at a time, under the crash-loop limit (5 in 10 s).
    await new Promise((resolve) => setTimeout(resolve, 3_500));
    await runner.run("empty", {});
    const start = performance.now();
    await runner.run("empty", {}, { crashForTests: "panic" }).catch(() => {});
    toRejection.push(performance.now() - start);
    await runner.run("countdown", { n: 1 });
    toNextResult.push(performance.now() - start);
  }
  const median = (values) => values.sort((a, b) => a - b)[values.length >> 1];
  return [
    { kind: "overhead", overhead: "process_crash_to_rejection_ms", where: "wasm", value: median(toRejection) },
    { kind: "overhead", overhead: "process_crash_to_next_result_ms", where: "wasm", value: median(toNextResult) },
  ];
}

/**
 * In the page: createWorkerPool against workerpool, the same trivial task, beside a raw
 * postMessage round trip to a module worker that echoes (the floor of any worker pool). One at
 * a time, the three take turns in rounds of 100 tasks (in a random order per round, so that a
 * busy spell of the machine falls on all of them), and the medians of the rounds are compared.
 */
export async function workerPools(threads) {
  const { createWorkerPool } = await import("/pkg/webpar.js");
  const ours = createWorkerPool("/tasks.js", { size: threads, maxQueue: 100_000 });
  const theirs = self.workerpool.pool("/bench/js-peers.js", { maxWorkers: threads, workerType: "web" });
  await ours.warm();
  await Promise.all(Array.from({ length: threads }, () => theirs.exec("identity", [0])));
  const echo = new Worker(URL.createObjectURL(new Blob(["onmessage = (e) => postMessage(e.data);"],
    { type: "text/javascript" })), { type: "module" });
  const message = { type: "run", id: 1, fn: "identity", args: [0] };
  const raw = () => new Promise((resolve) => { echo.onmessage = resolve; echo.postMessage(message); });
  const singles = [["postMessage", raw], ["createWorkerPool", (i) => ours.submit("identity", [i])],
    ["workerpool", (i) => theirs.exec("identity", [i])]];
  for (const [, one] of singles) for (let i = 0; i < 300; i++) await one(i);
  const rounds = singles.map(() => []);
  for (let round = 0; round < 40; round++) {
    for (const k of [0, 1, 2].sort(() => Math.random() - 0.5)) {
      const start = performance.now();
      for (let i = 0; i < 100; i++) await singles[k][1](i);
      rounds[k].push((performance.now() - start) * 10);
    }
  }
  const medianOf = (values) => values.sort((a, b) => a - b)[values.length >> 1];
  const [rawUs, oursUs, theirsUs] = rounds.map(medianOf);
  echo.terminate();
  console.log(`one task at a time: postMessage ${rawUs.toFixed(1)} µs, createWorkerPool ${oursUs.toFixed(1)} µs (${(oursUs / rawUs).toFixed(2)}x), ` +
    `workerpool ${theirsUs.toFixed(1)} µs (${(theirsUs / rawUs).toFixed(2)}x)`);
  const measure = async (label, one, many, mapped) => {
    const bulk = 20_000;
    let start = performance.now();
    await many(bulk);
    const allAtOncePerSecond = bulk / ((performance.now() - start) / 1000);
    start = performance.now();
    const count = await mapped(bulk);
    const mapPerSecond = count / ((performance.now() - start) / 1000);
    console.log(`${label}: ${allAtOncePerSecond.toFixed(0)}/s at once, ${mapPerSecond.toFixed(0)}/s through map`);
    return { roundTripUs: label === "workerpool" ? theirsUs : oursUs, allAtOncePerSecond, mapPerSecond };
  };
  const webpar = await measure("createWorkerPool",
    (i) => ours.submit("identity", [i]),
    (n) => Promise.all(Array.from({ length: n }, (_, i) => ours.submit("identity", [i]))),
    async (n) => {
      let count = 0;
      for await (const value of ours.map("identity", Array.from({ length: n }, (_, i) => i), { concurrency: 4 * threads })) count += value >= 0;
      return count;
    });
  const peer = await measure("workerpool",
    (i) => theirs.exec("identity", [i]),
    (n) => Promise.all(Array.from({ length: n }, (_, i) => theirs.exec("identity", [i]))),
    async (n) => (await Promise.all(Array.from({ length: n }, (_, i) => theirs.exec("identity", [i])))).length);
  await theirs.terminate();
  // Buffers: 16 MiB into a task copied, and transferred; 16 MiB back from a task, transferred.
  const mib16 = 16 << 20;
  const timeIt = async (fn) => {
    const times = [];
    for (let i = 0; i < 7; i++) {
      const start = performance.now();
      await fn();
      times.push(performance.now() - start);
    }
    return medianOf(times);
  };
  // (A task that only marks the buffer: the time is the crossing.)
  const copiedInMs = await timeIt(() => ours.submit("mark", [new ArrayBuffer(mib16)]));
  const transferredInMs = await timeIt(() => {
    const buffer = new ArrayBuffer(mib16);
    return ours.submit("mark", [buffer], { transfer: [buffer] });
  });
  const transferredOutMs = await timeIt(() => ours.submit("countingBytes", [mib16]));
  console.log(`16 MiB into a task: copied ${copiedInMs.toFixed(1)} ms, transferred ${transferredInMs.toFixed(1)} ms; ` +
    `16 MiB back, transferred: ${transferredOutMs.toFixed(1)} ms (the task fills it)`);
  await ours.close();
  return [{
    kind: "worker_pool", workers: threads, postmessage_round_trip_us: rawUs,
    copied_in_16mib_ms: copiedInMs, transferred_in_16mib_ms: transferredInMs, transferred_out_16mib_ms: transferredOutMs,
    webpar_round_trip_us: webpar.roundTripUs, workerpool_round_trip_us: peer.roundTripUs,
    webpar_all_at_once_per_s: webpar.allAtOncePerSecond, workerpool_all_at_once_per_s: peer.allAtOncePerSecond,
    webpar_map_per_s: webpar.mapPerSecond, workerpool_exec_all_per_s: peer.mapPerSecond,
  }];
}

// Merges the native and browser benchmark rows: prints one table and the overhead rows,
// writes them to OUT.json, and writes docs/benchmarks.md and docs/benchmarks.json (committed;
// the demo page shows the peer numbers from the latter).
// Usage: node bench/report.mjs NATIVE.json BROWSER.json OUT.json [MORE_NATIVE.json ...]
// (the portable and sha2-software native rows; missing files are skipped). The machine's load
// is read from load-start.txt and load-end.txt beside OUT.json when they are there.
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { dirname, join } from "node:path";
import { cpus } from "node:os";
import { median, medianInterval, ratioInterval } from "./interval.mjs";

const [nativePath, browserPath, out, ...moreNative] = process.argv.slice(2);
const native = [nativePath, ...moreNative].filter((path) => existsSync(path))
  .flatMap((path) => JSON.parse(readFileSync(path, "utf8")));
const browser = JSON.parse(readFileSync(browserPath, "utf8"));
// Node.js's rows (bench/node.mjs), beside OUT when that stage ran.
const nodePath = join(dirname(out), "node.json");
const node = existsSync(nodePath) ? JSON.parse(readFileSync(nodePath, "utf8")) : { rows: [] };
const rows = [...browser.rows, ...native, ...node.rows];
const machine = {
  cores: cpus().length, cpu: cpus()[0]?.model?.trim() ?? "unknown CPU", browser: browser.browser,
  browser_cores: browser.cores, pool_threads: browser.threads, date: new Date().toISOString().slice(0, 10),
  load: machineLoad(dirname(out)),
};

/**
 * The machine's load: the share of CPU time busy in the 5 s before the run (when nothing of
 * the bench runs: other processes' load), the load average then, and the shares of CPU time
 * stolen by the hypervisor and spent busy during the run, from /proc snapshots taken by
 * build.sh. A machine already loaded at the start, or with steal time, makes every ratio less
 * certain: the report says so.
 */
function machineLoad(dir) {
  const read = (name) => existsSync(join(dir, name)) ? readFileSync(join(dir, name), "utf8") : null;
  const quiet = read("quiet-start.txt"), start = read("load-start.txt"), end = read("load-end.txt");
  if (!start || !end) return null;
  const cpuLine = (text) => text.split("\n").find((line) => line.startsWith("cpu "))?.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal ...: the busy and stolen shares between two.
  const shares = (from, to) => {
    const [a, b] = [cpuLine(from), cpuLine(to)];
    if (!a || !b) return null;
    const delta = b.map((v, i) => v - (a[i] ?? 0));
    const total = delta.reduce((sum, v) => sum + v, 0) || 1;
    return { busy: 1 - (delta[3] + (delta[4] ?? 0)) / total, steal: (delta[7] ?? 0) / total };
  };
  const during = shares(start, end);
  if (!during) return null;
  const before = quiet ? shares(quiet, start) : null;
  const loadBefore = Number(start.trim().split(/\s+/)[0]);
  return {
    load_average_before: loadBefore,
    load_average_after: Number(end.trim().split(/\s+/)[0]),
    busy_share_before: before?.busy ?? null,
    busy_share: during.busy,
    steal_share: during.steal,
    // Without the quiet window (an older run), the load average is all there is.
    busy_before: (before ? before.busy > 0.25 : loadBefore > 0.25 * cpus().length) || during.steal > 0.02,
  };
}

const runs = rows.filter((r) => r.kind === "run" || r.kind === "peer");
// Rows of the isolated page unless `page` is given ("not isolated": the processes backend).
const find = (workload, mode, where, page) => runs.find((r) => r.workload === workload && r.mode === mode &&
  r.where === where && r.page === page);
const ms = (row) => (row ? row.median_ms.toFixed(1) : "-");
const ratio = (a, b) => (a && b ? (a.median_ms / b.median_ms).toFixed(2) + "x" : "-");
/** A median with its 95% interval as ± a share of it (the interval's half width). */
const msCi = (row) => {
  if (!row) return "-";
  const [low, high] = row.ci_low_ms !== undefined ? [row.ci_low_ms, row.ci_high_ms]
    : row.times_ms ? medianInterval(row.times_ms) : [undefined, undefined];
  if (low === undefined) return ms(row);
  return `${ms(row)} ±${((high - low) / 2 / row.median_ms * 100).toFixed(1)}%`;
};
/** The speedup below which a compute-bound kernel misses its target on 2 cores. */
const TARGET = 1.9;
/** Workloads bound by memory bandwidth rather than compute: no speedup target. */
const MEMORY_BOUND = new Set(["sum"]);
/**
 * A speedup with its 95% interval; marked † when the interval crosses the target and ✗ when it
 * lies below it (compute-bound kernels on two or more threads).
 */
const speedupCi = (base, other) => {
  if (!base || !other) return "-";
  const value = base.median_ms / other.median_ms;
  if (!base.times_ms || !other.times_ms) return `${value.toFixed(2)}x`;
  const [low, high] = ratioInterval(base.times_ms, other.times_ms);
  const judged = other.threads >= 2 && !MEMORY_BOUND.has(base.workload) && other.mode !== "processes";
  const mark = !judged ? "" : high < TARGET ? " ✗" : low < TARGET ? " †" : "";
  return `${value.toFixed(2)}x [${low.toFixed(2)}, ${high.toFixed(2)}]${mark}`;
};
const repeatsOf = (row) => (row?.stopped ? `${row.repeats} (${row.stopped})` : row ? String(row.repeats) : "-");

const header = ["workload", "wasm seq ms", "threads ms", "speedup [95% CI]", "processes ms", "speedup [95% CI]",
  "repeats", "copied MiB", "native seq ms", "native par ms", "native speedup [95% CI]", "wasm/native (1 thread)",
  "portable seq ms", "wasm/portable", "JS workerpool par ms", "webpar vs JS", "checksums"];
const table = [header];
const openHeader = ["workload", "seq ms (1 worker)", "processes ms", "speedup [95% CI]", "repeats", "parts", "messages", "copied bytes"];
const openTable = [openHeader];
const nodeTable = [["workload", "Node seq ms", "threads ms", "speedup [95% CI]", "isolated workers ms", "speedup [95% CI]",
  "repeats", "Node/Chromium (1 thread)", "Chromium threads speedup", "checksums (with Chromium's)"]];
const frameTable = [["workload", "frame seq ms", "threads in the frame ms", "speedup [95% CI]", "isolated workers ms",
  "speedup [95% CI]", "repeats", "frame/isolated page (1 thread)", "isolated page threads speedup", "checksums (with the isolated page's)"]];
let differ = false;
const mib = (row) => (row?.bytes_copied === undefined ? "-" : (row.bytes_copied / 1048576).toFixed(2));
for (const workload of [...new Set(runs.map((r) => r.workload))]) {
  const ws = find(workload, "sequential", "wasm"), wp = find(workload, "parallel", "wasm");
  const wx = find(workload, "processes", "wasm");
  const os = find(workload, "sequential", "wasm", "not isolated"), ox = find(workload, "processes", "wasm", "not isolated");
  const ns = find(workload, "sequential", "native"), np = find(workload, "parallel", "native");
  const js = find(workload, "parallel", "js");
  const ps = find(workload, "sequential", "native-portable"), pp = find(workload, "parallel", "native-portable");
  const soft = [find(workload, "sequential", "native-soft-sha"), find(workload, "parallel", "native-soft-sha")];
  const checksums = new Set([ws, wp, wx, os, ox, ns, np, ps, pp, ...soft, js].filter(Boolean).map((r) => r.checksum));
  differ ||= checksums.size !== 1;
  table.push([workload, msCi(ws), msCi(wp), speedupCi(ws, wp), msCi(wx), speedupCi(ws, wx), repeatsOf(ws), mib(wx),
    msCi(ns), msCi(np), speedupCi(ns, np), ratio(ws, ns), msCi(ps), ratio(ws, ps), ms(js), js ? ratio(js, wp) : "-",
    checksums.size === 1 ? "equal" : "DIFFER"]);
  if (ox) openTable.push([workload, msCi(os), msCi(ox), speedupCi(os, ox), repeatsOf(ox), ox.parts, ox.messages, ox.bytes_copied]);
  // The same comparison elsewhere (Node.js; the frame page), beside Chromium's isolated page.
  for (const [where, elsewhere] of [["node", nodeTable], ["frame", frameTable]]) {
    const [es, ep, ex] = ["sequential", "parallel", "processes"].map((mode) => find(workload, mode, where));
    if (!es) continue;
    const same = [es, ep, ex, ws].filter(Boolean).every((r) => r.checksum === es.checksum);
    differ ||= !same;
    elsewhere.push([workload, msCi(es), msCi(ep), speedupCi(es, ep), msCi(ex), speedupCi(es, ex), repeatsOf(es),
      ws ? ratio(es, ws) : "-", wp ? speedupCi(ws, wp) : "-", same ? "equal" : "DIFFER"]);
  }
}

/** The per-job cost of the frame's hop: an empty job's mean time on the frame page and on the isolated page. */
function frameHopLine() {
  const framed = overhead("frame_empty_job_mean_us")[0]?.value;
  const direct = overhead("empty_job_mean_us")[0]?.value;
  const workers = overhead("frame_page_processes_empty_job_mean_us")[0]?.value;
  if (framed === undefined) return "";
  return `An empty job through Runner.run, one at a time, takes ${framed.toFixed(0)} µs on average in the frame` +
    (direct === undefined ? "" : ` against ${direct.toFixed(0)} µs on the isolated page's own threads (the hop: ${(framed - direct).toFixed(0)} µs)`) +
    (workers === undefined ? "." : `, and ${workers.toFixed(0)} µs on isolated workers of the same page.`);
}

// What recording a timeline costs, and how close runner.advise comes.
const timelineRows = rows.filter((r) => r.kind === "timeline_overhead");
const timelineTable = [["workload", "off ms", "on ms", "on/off [95% CI]", "chunks", "pairs"],
  ...timelineRows.map((r) => [r.workload, r.off_median_ms.toFixed(1), r.on_median_ms.toFixed(1),
    `${r.on_off.toFixed(3)} [${r.ci_low.toFixed(3)}, ${r.ci_high.toFixed(3)}]`, String(r.chunks), `${r.repeats} (${r.stopped})`])];
const predictionRows = rows.filter((r) => r.kind === "prediction");
const predictionTable = [["workload", "size", "backend", "predicted [interval]", "measured", "error", "within"],
  ...predictionRows.map((r) => [r.workload, r.size, r.where, `${r.predicted.toFixed(2)}x [${r.low.toFixed(2)}, ${r.high.toFixed(2)}]`,
    `${r.measured.toFixed(2)}x`, `${(r.error * 100).toFixed(1)}%`, r.within ? "yes" : "no"])];
const worstPrediction = predictionRows.reduce((worst, r) => (Math.abs(r.error) > Math.abs(worst?.error ?? 0) ? r : worst), undefined);
const predictionsOk = predictionRows.filter((r) => Math.abs(r.error) <= 0.15 || r.within).length;
const predictionLine = worstPrediction === undefined ? "(not measured in this run)"
  : `${predictionsOk} of ${predictionRows.length} predictions within ±15% of the measured speedup or within their own interval; ` +
    `the worst: ${worstPrediction.workload} (${worstPrediction.size}) on ${worstPrediction.where}, predicted ${worstPrediction.predicted.toFixed(2)}x, ` +
    `measured ${worstPrediction.measured.toFixed(2)}x (${(worstPrediction.error * 100).toFixed(1)}%).`;

const overhead = (name) => rows.filter((r) => r.kind === "overhead" && r.overhead === name);
const one = (name) => overhead(name)[0]?.value;
const overheadLines = [
  `empty job round trip through Runner.run: ${one("empty_job_round_trip_us")?.toFixed(1)} µs median over ${overhead("empty_job_round_trip_us")[0]?.count} jobs, ` +
    `${one("empty_jobs_per_second_sequential")?.toFixed(0)} jobs/s one at a time, ${one("empty_jobs_per_second_concurrent")?.toFixed(0)} jobs/s all submitted at once`,
  `postMessage round trip to a worker (same page, for scale): ${one("postmessage_round_trip_us")?.toFixed(1)} µs median`,
  one("submit_tasks_per_second_one_at_a_time") && `tiny tasks through runner.submit: ${one("submit_tasks_per_second_one_at_a_time").toFixed(0)}/s awaited one at a time, ` +
    `${one("submit_tasks_per_second_all_at_once").toFixed(0)}/s ${overhead("submit_tasks_per_second_all_at_once")[0].count.toLocaleString("en")} submitted at once`,
  one("map_tasks_per_second_chunk_1000") && `tiny tasks through runner.map over 1,000,000 inputs: ${one("map_tasks_per_second_chunk_1000").toFixed(0)}/s with chunkSize 1,000, ` +
    `${one("map_tasks_per_second_chunk_10000").toFixed(0)}/s with chunkSize 10,000`,
  one("copy_in_gb_per_s") && `copying an app's data (${(overhead("copy_in_gb_per_s")[0].bytes / 1048576).toFixed(0)} MiB of f64): into wasm memory ${one("copy_in_gb_per_s").toFixed(2)} GB/s, out of it ${one("copy_out_gb_per_s").toFixed(2)} GB/s into a new array` +
    (one("copy_out_into_gb_per_s") ? `, ${one("copy_out_into_gb_per_s").toFixed(2)} GB/s into the app's own (\`into\`); plain JS copying into a new array of that size ${one("fresh_array_copy_gb_per_s").toFixed(2)} GB/s (a fresh buffer's pages cost the browser more than the copy)` : ""),
  ...rows.filter((r) => r.kind === "app_data").map((r) => r.case.startsWith("sort")
    ? `sorting an app's 4 Mi f64 (call to result in hand): webpar ${r.webpar_ms.toFixed(1)} ms, plain JS on workerpool (${r.threads} workers sort slices, the page merges) ${r.js_workerpool_ms.toFixed(1)} ms, Float64Array.prototype.sort on the page ${r.js_main_thread_ms.toFixed(1)} ms`
    : `hashing an app's 64 x 1 MiB (SHA-256): webpar ${r.webpar_ms.toFixed(1)} ms, plain JS on workerpool with crypto.subtle (the browser's native SHA-256) ${r.js_workerpool_ms.toFixed(1)} ms`),
  one("serde_input_items_per_second") && (() => {
    const r = overhead("serde_input_items_per_second")[0];
    return `a registered workload's input form (serde-wasm-bindgen; examples/levenshtein): ${r.count.toLocaleString("en")} short strings read in ${r.in_ms.toFixed(0)} ms ` +
      `(${(r.in_ms / r.count * 1000).toFixed(2)} µs each: the snapshot, then one call into JS per string), ${r.count.toLocaleString("en")} numbers written out to an Array in ${r.out_ms.toFixed(0)} ms`;
  })(),
  ...overhead("init_thread_pool_ms").map((r) => `initThreadPool(${r.threads}) ready: ${r.value.toFixed(1)} ms`),
  ...overhead("process_pool_ready_ms").map((r) => `init({ backend: "processes", processes: ${r.threads} }) ready (compile, ${r.threads} workers instantiated): ${r.value.toFixed(1)} ms`),
  (() => {
    const [ss, sp] = [find("sha256", "sequential", "native-soft-sha"), find("sha256", "parallel", "native-soft-sha")];
    const [hs, ws] = [find("sha256", "sequential", "native"), find("sha256", "sequential", "wasm")];
    return ss && hs && ws && `sha256 natively with sha2's software backend (no SHA instructions): ${ms(ss)} ms sequential, ${ms(sp)} ms in parallel; ` +
      `wasm on 1 thread is ${ratio(ws, ss)} of it, and ${ratio(ws, hs)} of the native build that uses the CPU's SHA instructions`;
  })(),
  one("engine_restart_ms") && `a panic on a pool thread (threads backend, ${overhead("engine_restart_ms")[0].threads} threads): the running job rejected after ${one("engine_crash_to_rejection_ms").toFixed(1)} ms, ` +
    `the engine restarted (new module instance and pool, no reload) in ${one("engine_restart_ms").toFixed(1)} ms, the next job's result after ${one("engine_crash_to_next_result_ms").toFixed(1)} ms`,
  one("process_crash_to_rejection_ms") && `a panic in a process worker: its task rejected after ${one("process_crash_to_rejection_ms").toFixed(1)} ms, the next job's result on the replacement after ${one("process_crash_to_next_result_ms").toFixed(1)} ms`,
  ...rows.filter((r) => r.kind === "worker_pool").map((r) =>
    `the app's own JS functions on ${r.workers} isolated workers, a task that returns its argument, awaited one at a time (medians of rounds taking turns in one page): ` +
    `a raw postMessage round trip ${r.postmessage_round_trip_us?.toFixed(1)} µs, createWorkerPool ${r.webpar_round_trip_us.toFixed(1)} µs ` +
    `(${(r.webpar_round_trip_us / r.postmessage_round_trip_us).toFixed(2)}x), workerpool ${r.workerpool_round_trip_us.toFixed(1)} µs ` +
    `(${(r.workerpool_round_trip_us / r.postmessage_round_trip_us).toFixed(2)}x); ` +
    `20,000 submitted at once: createWorkerPool ${r.webpar_all_at_once_per_s.toFixed(0)}/s, workerpool ${r.workerpool_all_at_once_per_s.toFixed(0)}/s (its exec); ` +
    `createWorkerPool's lazy map ${r.webpar_map_per_s.toFixed(0)}/s; 16 MiB into a task copied ${r.copied_in_16mib_ms?.toFixed(1)} ms, ` +
    `transferred ${r.transferred_in_16mib_ms?.toFixed(1)} ms, 16 MiB back transferred ${r.transferred_out_16mib_ms?.toFixed(1)} ms`),
  ...rows.filter((r) => r.kind === "worker_pool_shared").map((r) =>
    `a task that marks a 16 MiB buffer (cross-origin isolated page): given a SharedArrayBuffer ${r.shared_16mib_ms.toFixed(1)} ms ` +
    `(shared: the page saw the mark: ${r.shared_seen}), given an ArrayBuffer ${r.copied_16mib_ms.toFixed(1)} ms (copied)`),
  ...rows.filter((r) => r.kind === "page_vs_api").map((r) => {
    const [shown, measured] = [median(r.page), median(r.api)];
    return `the demo page's compare of ${r.workload} against the same compare through the API in the same page (${r.page.length} rounds each, taking turns): ` +
      `the page shows ${shown.toFixed(2)}x, the API measures ${measured.toFixed(2)}x (${((shown / measured - 1) * 100).toFixed(1)}%)`;
  }),
  ...overhead("abort_latency_ms").map((r) => `abort latency of ${r.workload} at ${Object.entries(r.params).map(([k, v]) => `${k}=${v}`).join(", ")}: ${r.value.toFixed(1)} ms`),
].filter(Boolean);

/**
 * What an app downloads: the package's JavaScript (every module, the generated bindings
 * included) and each wasm build, raw and gzipped, as the package is built in www/pkg.
 */
function packageSize(dir = "www/pkg") {
  if (!existsSync(dir)) return [];
  const files = readdirSync(dir, { recursive: true }).filter((f) => /\.(js|wasm)$/.test(f));
  const size = (list) => list.reduce((sum, f) => {
    const bytes = readFileSync(join(dir, f));
    return { raw: sum.raw + bytes.length, gzip: sum.gzip + gzipSync(bytes, { level: 9 }).length };
  }, { raw: 0, gzip: 0 });
  const kib = ({ raw, gzip }) => `${(raw / 1024).toFixed(1)} KiB, ${(gzip / 1024).toFixed(1)} KiB gzipped`;
  const js = files.filter((f) => f.endsWith(".js"));
  return [
    `JavaScript (${js.length} modules, the bindings included): ${kib(size(js))}`,
    ...files.filter((f) => f.endsWith(".wasm")).sort().map((f) => `${f}: ${kib(size([f]))}`),
  ];
}
const sizeLines = packageSize();

const io = (name) => rows.find((r) => r.kind === "io" && r.case === name);
const waves = io("timer_10000x100ms_c200"), zero = io("zero_latency_overhead_us");
const million = io("memory_1000000_calls"), server = io("dev_server_10000_fetches");
const ioLines = [
  waves && `10,000 timer calls of 100 ms at concurrency 200: makespan ${waves.makespan_ms.toFixed(0)} ms, ideal ${waves.ideal_ms} ms, ${waves.ratio.toFixed(3)}x the ideal (max ${waves.max_in_flight} in flight)`,
  zero && `limiter cost per zero-latency call over ${zero.calls.toLocaleString("en")} calls: webpar ${zero.webpar_us.toFixed(3)} µs (${zero.webpar_with_batches_us.toFixed(3)} µs with results handed to onBatch), p-limit ${zero.p_limit_us.toFixed(3)} µs in the same page`,
  zero?.map_async_us && `runner.mapAsync of an async function that returns at once, values yielded to a for-await loop: ${zero.map_async_us.toFixed(3)} µs per item over ${zero.calls.toLocaleString("en")} items`,
  million && `1,000,000 timer calls with batchSize 1,000: wasm memory grew ${(million.memory_growth_bytes / 1048576).toFixed(2)} MiB (peak ${(million.peak_memory_bytes / 1048576).toFixed(1)} MiB), ${million.succeeded.toLocaleString("en")} succeeded in ${(million.makespan_ms / 1000).toFixed(1)} s`,
  server && `dev server: ${server.fetches.toLocaleString("en")} fetches of /api/delay?ms=50 at ${server.concurrency} in flight (from Node): ${server.errors} errors, ${server.makespan_ms.toFixed(0)} ms (ideal ${server.ideal_ms} ms)`,
  ...rows.filter((r) => r.kind === "io_stall").map((r) =>
    `longest main-thread gap, ${r.case}: ${r.longest_gap_ms.toFixed(1)} ms (${r.succeeded.toLocaleString("en")} of ${r.calls.toLocaleString("en")} calls in ${(r.makespan_ms / 1000).toFixed(1)} s)`),
].filter(Boolean);

/**
 * The start-up soak (bench/startup.mjs, startup.json beside OUT): demo page loads and bare
 * `init()`s in fresh contexts with every core kept busy, and how many stalled.
 */
function startupLines(dir) {
  const path = join(dir, "startup.json");
  if (!existsSync(path)) return ["(not measured in this run)"];
  return JSON.parse(readFileSync(path, "utf8")).rows.map((r) =>
    `${r.case === "page" ? "the demo page loaded" : "a bare page's `init()` and one job"}, ${r.loads} times in fresh ` +
    `contexts with ${r.busy_processes} spinning processes keeping every core busy: ${r.ready} ready, ${r.failed} failed, ` +
    `${r.stalled} stalled (slowest start ${(r.slowest_ms / 1000).toFixed(1)} s)` +
    (r.problems.length ? `; first problems: ${r.problems.join(" | ")}` : ""));
}
const startup = startupLines(dirname(out));

/** The soak (bench/soak.mjs, soak.json beside OUT): what a long life leaves behind. */
function soakLines(dir) {
  const path = join(dir, "soak.json");
  if (!existsSync(path)) return ["(not measured in this run)"];
  const mib = (bytes) => `${bytes < 0 ? "−" : "+"}${(Math.abs(bytes) / 1048576).toFixed(2)} MiB`;
  return JSON.parse(readFileSync(path, "utf8")).rows.map((r) => r.error ? `${r.case}, ${r.count.toLocaleString("en")} times: **failed**: ${r.error}` :
    `${r.case}, ${r.count.toLocaleString("en")} times (${r.seconds.toFixed(0)} s): wasm heap ${mib(r.wasm_heap_growth_bytes)}, ` +
    `JS heap ${mib(r.js_heap_growth_bytes)}, ${r.workers_left} workers and ${r.timers_left} timers left` +
    (r.flat ? "" : " — **not flat**"));
}
const soakRows = soakLines(dirname(out));

const markdownTable = (t) => {
  const widths = t[0].map((_, i) => Math.max(...t.map((row) => String(row[i]).length)));
  const line = (row) => "| " + row.map((cell, i) => String(cell).padEnd(widths[i])).join(" | ") + " |";
  return [line(t[0]), "|" + widths.map((w) => "-".repeat(w + 2)).join("|") + "|", ...t.slice(1).map(line)].join("\n");
};
const load = machine.load;
const machineLine = `${machine.cores} cores (${machine.cpu}), ${machine.browser} headless, pool of ${machine.pool_threads} threads, ` +
  `medians with 95% intervals, ${machine.date}` + (load ? `; load average ${load.load_average_before.toFixed(2)} before the run` +
  (load.busy_share_before !== null && load.busy_share_before !== undefined
    ? ` (CPU busy ${(load.busy_share_before * 100).toFixed(0)}% in the 5 s before it, nothing of the bench running)` : "") + ", " +
  `CPU busy ${(load.busy_share * 100).toFixed(0)}% and stolen ${(load.steal_share * 100).toFixed(1)}% during it` +
  (load.busy_before ? " — taken on a busy machine: treat its ratios as rough" : "") : "");
console.log(markdownTable(table));
if (openTable.length > 1) console.log(`\nOn a page without COOP/COEP (the processes backend):\n${markdownTable(openTable)}`);
if (nodeTable.length > 1) console.log(`\nNode.js ${node.node} (worker_threads):\n${markdownTable(nodeTable)}`);
if (frameTable.length > 1) console.log(`\nA page without COOP/COEP, threads in the frame:\n${markdownTable(frameTable)}`);
console.log(`\n${machineLine}\n`);
for (const line of overheadLines) console.log(line);
// The pickling lesson: one app array summed in each mode, call to result in hand.
const pickling = rows.filter((r) => r.kind === "pickling");
const picklingTable = [["mode", "call to result ms", "vs sequential", "copying in ms", "bytes copied", "messages", "sum"]];
for (const row of pickling) {
  picklingTable.push([row.mode === "processes" ? `processes (${row.threads})` : row.mode === "threads" ? `threads (${row.threads})` : row.mode,
    row.call_to_result_ms.toFixed(1), (pickling[0].call_to_result_ms / row.call_to_result_ms).toFixed(2) + "x",
    row.copy_in_ms.toFixed(1), row.bytes_copied.toLocaleString("en"), row.messages, row.sum]);
}
if (pickling.length) console.log(`\npickling lesson:\n${markdownTable(picklingTable)}`);

console.log("");
for (const line of ioLines) console.log(line);

/**
 * What limits each kernel's speedup, from the native profile (examples/profile_native.rs,
 * target/bench/profile.json beside OUT): the same kernels on a native pool of as many threads,
 * with the kernel's accounting of every thread's CPU time and page faults, and what two
 * threads get from this machine's cores and memory. The mechanism of each kernel is said
 * in words; every number comes from the run.
 */
const LIMITS = {
  countdown: "Independent chains in registers: nothing is shared, so only the last chunk's tail and the pool's wake-up are lost.",
  sum: "Fills an array of fresh memory, then reads it once. Natively most of the time is the OS handing out the array's pages (its system share); the parallel fill takes those faults side by side, and the read runs at the memory's bandwidth, which two threads do not double (the machine's read row).",
  primes: "Trial division, costlier for larger numbers: chunks are taken as threads come free, so the dearer last chunks still balance.",
  mandelbrot: "Rows of very unequal cost (the set's inside iterates to the limit), handed out one at a time: the load balances.",
  montecarlo_pi: "Arithmetic in registers on samples of each chunk: compute-bound like the machine's compute row.",
  nbody: "Every step needs every body's position from the step before: each step is split over the threads and then joined, so each of the steps pays a join, and the bodies of a step are few.",
  equations: "Blocked LU, one system per task: a 300-unknown matrix (720 KiB) does not fit a core's L2 cache, and column-by-column elimination streamed it from memory shared with the other core once per column; panels of 32 columns update the rest of the matrix once per panel, four rows of U per pass over a row (a quarter of the row's loads and stores; 30% less time natively, the same bits), and the cancel flag is checked once per panel. Natively that scales (the profile). In wasm a system still takes longer while the other thread solves one than alone, so the threads speedup stays below native's; the cause is not established (not the shared cancel counters: checking them per panel instead of per column changed neither mode).",
  sha256: "SHA-256 compression on the ALU, 1 MiB per chunk; in wasm it runs in software (no SHA instructions), so it is pure compute.",
  sort: "Sorted runs, then merge passes split by merge path: every pass reads and writes the whole array (memory traffic, the machine's update row). Its two buffers are filled by every thread; natively the OS's page faults of those fresh buffers are its system share, which wasm, reusing its memory, does not pay.",
  matmul: "Row blocks of 64 rows (16 at n = 1024) over tiles that stay in cache: compute-bound, its three matrices filled by every thread; with so few blocks the last one decides the tail (busy below 100%).",
  wordcount: "Each piece of text is counted into its own map with its words borrowed from the text (in wasm one allocator, behind one lock, serves every thread: an allocation per word made the threads queue), then the maps are merged pairwise, in parallel: what stays on one thread is the last merge, of two maps of the distinct words, and ranking the top words.",
  option_pricing: "Each chunk prices up to 4,096 paths of one contract with a log, a square root, a cosine and an exponential per path, in registers: compute-bound like montecarlo_pi, whose speedup it should match.",
};

function limitsSection(dir) {
  const path = join(dir, "profile.json");
  if (!existsSync(path)) return "(not measured in this run)";
  const { kernels, machine: cores } = JSON.parse(readFileSync(path, "utf8"));
  const pct = (v) => `${(v * 100).toFixed(0)}%`;
  const rows = [["workload", "native seq ms", "native par ms", "speedup", "busy", "inflation",
    "system time (seq / par)", "page faults per run", "what limits it"]];
  for (const k of kernels) {
    rows.push([k.workload, k.sequential.wall_ms.toFixed(1), k.parallel.wall_ms.toFixed(1), `${k.speedup.toFixed(2)}x`,
      pct(k.busy), `${k.inflation.toFixed(2)}x`,
      `${pct(k.sequential.system_share)} / ${pct(k.parallel.system_share)}`,
      Math.round(k.parallel.faults_per_run).toLocaleString("en"), LIMITS[k.workload] ?? ""]);
  }
  const x = (v) => `${v.toFixed(2)}x`;
  return `The same kernels natively (built for this CPU), on a pool of ${kernels[0]?.threads ?? cores.threads} threads, each mode
run ${kernels[0]?.repeats ?? "-"} times in turns (medians), with the kernel's accounting of every thread
(\`/proc/self/task/*/schedstat\`, \`/proc/self/stat\`; examples/profile_native.rs). *busy* is the
parallel run's CPU time over threads × its wall time: below 100%, threads sat idle (a serial
phase, a tail). *inflation* is the parallel run's CPU time over the sequential run's: above 1,
the same work cost more with every thread running (shared caches and memory bandwidth,
faults). The speedup is about threads × busy / inflation.

What this machine gives ${cores.threads} threads each running the same loop at once, as throughput over one
thread alone (the best of seven tries: a ceiling): independent multiply-adds ${x(cores.compute)}, a dependent multiply chain ${x(cores.latency)},
reading 128 MiB each ${x(cores.read)} (one thread alone reads ${cores.read_gb_s_one_thread.toFixed(1)} GB/s),
updating 128 MiB each ${x(cores.update)}, writing memory fresh from the OS ${x(cores.first_touch)}. A kernel bound by
memory traffic cannot scale past those rows; a compute-bound one can reach the first two.

${markdownTable(rows)}`;
}

writeFileSync(out, JSON.stringify({ machine, rows }, null, 2));
writeFileSync("docs/benchmarks.json", JSON.stringify({ machine, rows }, null, 2) + "\n");
writeFileSync("docs/benchmarks.md", `# Benchmarks

Written by \`./build.sh bench\` (bench/report.mjs) from one run; do not edit by hand.
Machine: ${machineLine}.

Every workload at its catalogue defaults. *wasm* is webpar in headless Chromium (sequential: one
pool thread; parallel: the whole pool); *native* is the same Rust kernels natively (sequential,
and rayon's global pool), built for this CPU (\`-C target-cpu=native\`: its SIMD and SHA
instructions), the best native build; *portable* is the native build for the baseline x86-64
target, without them; *JS workerpool* is the same algorithm in plain JS on a
[workerpool](https://www.npmjs.com/package/workerpool) pool of the same size in the same page.
All of them produce the same checksum (last column). *webpar vs JS* is JS time / webpar
parallel time.

Each time is a median with its 95% confidence interval (percentile bootstrap) as ± a share
of it; each speedup has its interval in brackets. The modes take turns, in batches, until the
interval of every speedup of the workload is within ±3% (*converged*) or 45 s have passed
(*time cap*; 30 s natively); *repeats* counts the runs of each mode. On threads, † marks a
speedup whose interval crosses the ${TARGET}× target of a compute-bound kernel on two cores and
✗ one that lies below it (\`sum\` is bound by memory bandwidth and has no target).

${markdownTable(table)}

*processes* is the same job on isolated workers (each its own instance of the build without
shared memory, as many as threads), split into parts the workers take as they come free;
*copied MiB* is what structured clone copied to them. Workloads that do not split (sort,
nbody, wordcount) run whole on one worker there.

## What limits each speedup

${limitsSection(dirname(out))}

## Threads share, processes copy: the pickling lesson

${pickling.length ? `The \`sum\` of an app's Int32Array of ${pickling[0].n.toLocaleString("en")} integers
(${(pickling[0].bytes / 1048576).toFixed(0)} MiB), timed from the call to the result in hand. Threads copy
the array once into the memory they share; isolated workers each get a slice, cut out of the
array on the page and copied again into the worker's own memory (what Python's processes pay
to pickle their arguments).

${markdownTable(picklingTable)}` : "(not measured in this run)"}

## The processes backend on a page without COOP/COEP

The page most sites are: no threads, so \`init({ backend: "auto" })\` picks isolated workers.
Sequential is the job whole on one worker (a fixed number of repeats here, with intervals).

${markdownTable(openTable)}

## Threads without COOP/COEP: the frame backend

A page served without COOP/COEP whose \`webpar-frame.html\` carries
\`Document-Isolation-Policy: isolate-and-credentialless\` (the dev server's \`--no-isolation\`):
\`init()\` runs the threads in that frame, and every job crosses one \`MessageChannel\` to it.
The same comparisons as above on that page: sequential and threads in the frame, and isolated
workers of the same page; the last columns are the isolated page's. ${frameHopLine()}

${frameTable.length > 1 ? markdownTable(frameTable) : "(not measured in this run)"}

## Node.js

The same comparisons in Node.js ${node.node ?? "(not measured in this run)"}, through the package's Node.js entry (what an
app importing "webpar" gets there): the pool's threads and the isolated workers are
worker_threads, with no header to set. *Node/Chromium* is the sequential time in Node.js over
the same in Chromium's isolated page.

${nodeTable.length > 1 ? markdownTable(nodeTable) : "(not measured in this run)"}

## Overheads

${overheadLines.map((line) => `- ${line}`).join("\n")}

## Timelines

What \`{ timeline: true }\` costs: every workload's defaults on the pool's threads with the
timeline and without, taking turns, until the interval of the ratio of their medians is within
±1% or 20 s. Recording reads the clock twice a chunk (\`performance.now()\` in the worker);
off, the chunk driver tests one field per pass.

${timelineTable.length > 1 ? markdownTable(timelineTable) : "(not measured in this run)"}

## Predictions

\`runner.advise\` on a page that never ran the job (it probes it with one sequential run), then
\`compare\` with ${"5"} repeats a mode: the speedup predicted before any parallel run against the one
measured, for every workload at its defaults and with its first parameter a quarter of its
default, on threads (isolated page) and on isolated workers (page without COOP/COEP).
${predictionLine}

${predictionTable.length > 1 ? markdownTable(predictionTable) : ""}

## Package size

${sizeLines.map((line) => `- ${line}`).join("\n")}

## I/O jobs

${ioLines.map((line) => `- ${line}`).join("\n")}

## Soak

A long life in one page each, measured against the page before it (the JS heap after a full
garbage collection; workers open beyond the backend's own; timers pending). Flat means growth
of at most 16 MiB and nothing left open. Five crashes within 10 s break a process pool on
purpose, so its workers are replaced mostly after a timeout (terminated mid-job), and after a
crash every 250th time.

${soakRows.map((line) => `- ${line}`).join("\n")}

## Start-up under load

A start must never stall: every start has a deadline and the page's thread never waits on a
lock a worker may hold (a stall has a page error \`Atomics.wait cannot be called in this
context\`, or no answer at all; a failure is a typed error).

${startup.map((line) => `- ${line}`).join("\n")}
`);
console.log(`\nrows written to ${out}, docs/benchmarks.md and docs/benchmarks.json`);
if (differ) {
  console.error("checksums differ between runs of the same workload");
  process.exit(1);
}

// The demo page. It uses only webpar's public JS API: webpar's own package (./pkg/webpar.js),
// or with ?package=NAME the package of a crate that adds its own workloads to webpar, served
// at ./examples/NAME/ (./build.sh build makes examples/levenshtein's): the same API, with the
// crate's workloads in the catalogue, and so in the form below.
import { drawComparison, drawSweep } from "./charts.js";
import { recordRun, setUpHistory } from "./history.js";
import { describePeers, loadPeers } from "./peers.js";
import { setUpIo } from "./io.js";
import { setUpData } from "./data.js";
import { setUpLab } from "./lab.js";
import { announce, numberField, tableRow } from "./dom.js";
import { chunkSlowdown, drawTimelines, readTimeline } from "./timeline.js";
import { setUpTabs } from "./tabs.js";

const $ = (selector) => document.querySelector(selector);
/** A crate's package: its directory name under ./examples/, or null for webpar's own. */
const chosenPackage = new URLSearchParams(location.search).get("package");
const status = $("#status");
let runner;
/** The package's "webpar/bench" entry: compare and sweep. */
let measure;
/** The AbortController of the job in progress, if any. */
let running = null;
/**
 * Test and demo hook: `?load=N` keeps N other workers spinning during each comparison (a busy
 * machine on demand); `?load=cores` one per core.
 */
const loadParam = new URLSearchParams(location.search).get("load");
const extraLoad = Math.min(64, Math.max(0, loadParam === "cores" ? navigator.hardwareConcurrency : Number(loadParam) || 0));
/** The first run's job: short, and one whose chunks show on the timeline. */
const FIRST_RUN = { workload: "primes", params: { below: 2_000_000 }, repeats: 3 };

main().catch((err) => {
  status.textContent = `Could not start: ${err.name}: ${err.message}`;
  status.classList.add("bad");
});

/** The package the page runs on: its entry points "webpar", "webpar/bench" and "webpar/lab". */
async function loadPackage() {
  const [webpar, bench, lab] = await loadEntries();
  return { ...webpar, bench, lab };
}

async function loadEntries() {
  const entries = (dir) => Promise.all(["webpar.js", "bench.js", "lab.js"].map((file) => import(`${dir}${file}`)));
  if (chosenPackage === null) return entries("./pkg/");
  // Only a directory name: the page never loads a script from elsewhere.
  if (!/^[a-z0-9_-]{1,64}$/.test(chosenPackage)) {
    throw new Error(`?package=${chosenPackage}: give the name of a directory of ./examples/, e.g. levenshtein`);
  }
  try {
    return await entries(`./examples/${chosenPackage}/`);
  } catch (err) {
    throw new Error(`no package at ./examples/${chosenPackage}/ (${err.message}); ./build.sh build makes ` +
      "examples/levenshtein's, or open the page without ?package");
  }
}

async function main() {
  const { default: init, Runner, bench, lab } = await loadPackage();
  measure = bench;
  const cores = navigator.hardwareConcurrency;
  const asked = Number(new URLSearchParams(location.search).get("threads")) || cores;
  // Threads where the page is cross-origin isolated, else isolated workers ("processes").
  const started = await init({ backend: "auto", threads: asked });
  runner = new Runner();
  const { backend } = started;
  const size = started.threads ?? started.processes ?? 1;
  const more = size > cores ? ` (more than the ${cores} cores this device reports)` : "";
  if (backend === "threads") {
    status.textContent = `Cross-origin isolated ✓ · thread pool ready: ${size} threads${more}`;
  } else if (backend === "frame") {
    // The page has no COOP/COEP, but webpar's frame document is isolated by its own header.
    status.textContent = `Not cross-origin isolated, but the threads frame is ✓ (Document-Isolation-Policy) · ` +
      `thread pool ready in it: ${size} threads${more}`;
  } else {
    // Without isolation there are no threads: say so, say what runs instead, and how to get them.
    status.textContent = `Not cross-origin isolated: no threads on this page · running on ${backend === "processes"
      ? `${size} isolated workers (processes)${more}` : "the page itself (sequential)"}`;
    status.classList.add("warn");
    $("#isolation-help").hidden = false;
  }
  status.dataset.backend = backend;
  status.dataset.threads = String(size);
  document.body.dataset.backend = backend;
  const onThreads = backend === "threads" || backend === "frame";
  const unit = onThreads ? "threads" : "processes";
  $("#sweep-max").textContent = `${size} ${unit}`;
  $("#run").textContent = `Run: sequential vs ${onThreads ? "parallel" : "processes"}`;
  // On threads, isolated workers can run beside them: the lesson of threads against processes.
  $("#with-processes-box").hidden = !onThreads;
  setUpPoolSize(size, cores, unit);
  setUpHistory();
  showPackage(runner.workloads());
  const peers = await loadPeers();
  buildForm(runner.workloads(), peers);
  setUpIo(runner, bench, { recordRun, showError: showIoError });
  setUpData(runner);
  setUpLab(runner, lab, { recordRun });
  setUpTabs();
  $("#app").hidden = false;
  // Started: the backend is up (the start-up bench waits for this); ready: the first run is shown too.
  document.body.dataset.started = "true";
  // A result on the first screen: a short comparison runs at once (not in the history), from
  // the form, which then shows what ran.
  const first = runner.workloads().find((w) => w.name === FIRST_RUN.workload);
  if (first) {
    $("#workload").value = first.name;
    $("#workload").dispatchEvent(new Event("change"));
    for (const [name, value] of Object.entries(FIRST_RUN.params)) document.getElementById(`param-${name}`).value = String(value);
    $("#repeats").value = String(FIRST_RUN.repeats);
    await start(first, "compare", peers, { first: true });
  }
  document.body.dataset.ready = "true";
}

/** Says which package the form's workloads come from, with the way to the other one. */
function showPackage(workloads) {
  const note = $("#package");
  if (chosenPackage === null) {
    const link = Object.assign(document.createElement("a"), { href: "?package=levenshtein", textContent: "examples/levenshtein" });
    note.replaceChildren("Workloads of webpar's package. A crate can add its own in one file: open the page on ",
      link, "'s package to see its workload in this form.");
    return;
  }
  const added = workloads.filter((w) => w.registered).map((w) => w.name);
  const back = Object.assign(document.createElement("a"), { href: location.pathname, textContent: "webpar's own package" });
  note.replaceChildren(`Workloads of examples/${chosenPackage}'s package: webpar's, and ${added.join(", ") || "none"} ` +
    "that the crate added. Back to ", back, ".");
  note.dataset.package = chosenPackage;
}

function setUpPoolSize(threads, cores, unit) {
  const select = $("#pool-size");
  const sizes = new Set([1, 2, 4, 8, cores, 2 * cores, threads]);
  for (const size of [...sizes].filter((n) => n >= 1 && n <= 64).sort((a, b) => a - b)) {
    select.add(new Option(`${size} ${size > 1 ? unit : unit.replace(/e?s$/, "")}${size > cores ? " (oversubscribed)" : ""}`, String(size)));
  }
  select.value = String(threads);
  // Choosing a size changes nothing yet: the button that reloads the page says so.
  const apply = $("#pool-size-apply");
  select.addEventListener("change", () => {
    apply.disabled = select.value === String(threads);
  });
  apply.addEventListener("click", () => {
    const url = new URL(location.href);
    url.searchParams.set("threads", select.value);
    location.assign(url);
  });
}

function buildForm(workloads, peers) {
  const select = $("#workload");
  for (const workload of workloads) select.add(new Option(workload.name, workload.name));
  const byName = new Map(workloads.map((w) => [w.name, w]));
  const current = () => byName.get(select.value);
  select.addEventListener("change", () => {
    const workload = current();
    $("#description").textContent = workload.description;
    $("#params").replaceChildren(...workload.params.map(paramField));
  });
  select.dispatchEvent(new Event("change"));
  $("#job").addEventListener("submit", (event) => {
    event.preventDefault();
    start(current(), "compare", peers);
  });
  $("#sweep").addEventListener("click", () => start(current(), "sweep", peers));
  $("#cancel").addEventListener("click", () => running?.abort());
  $("#run-again").addEventListener("click", () => {
    if (lastStart) start(lastStart.workload, lastStart.kind, lastStart.peers, { again: lastStart.again });
  });
}

function paramField(param) {
  const box = numberField(param, "param");
  box.querySelector(".field-error").dataset.errorFor = param.name;
  return box;
}

/** Reads the form; an empty field becomes NaN, which validation reports like any bad value. */
function readForm(workload) {
  const number = (input) => (input.value === "" ? NaN : Number(input.value));
  const params = {};
  for (const param of workload.params) params[param.name] = number(document.getElementById(`param-${param.name}`));
  return { params, repeats: number($("#repeats")) };
}

function clearErrors() {
  $("#error").textContent = "";
  for (const el of document.querySelectorAll(".field-error")) el.textContent = "";
  for (const el of document.querySelectorAll("input")) el.removeAttribute("aria-invalid");
}

function showError(err) {
  const field = err.param && document.querySelector(`[data-error-for="${CSS.escape(err.param)}"]`);
  if (field) {
    field.textContent = err.message;
    const input = document.getElementsByName(err.param)[0];
    input?.setAttribute("aria-invalid", "true");
    input?.focus();
  } else {
    $("#error").textContent = `${err.name}: ${err.message}`;
  }
}

function showIoError(err) {
  const field = err.param && document.querySelector(`#io-form [data-error-for="${CSS.escape(err.param)}"]`);
  if (field) field.textContent = err.message;
  else $("#io-error").textContent = `${err.name}: ${err.message}`;
}

/**
 * Runs a comparison or a sweep of `workload` with the form's values (`first`: the run the page
 * starts on its own when it opens, kept out of the history), or with `again`'s (Run it again).
 */
async function start(workload, kind, peers, { first = false, again } = {}) {
  if (running) return;
  clearErrors();
  const { params, repeats } = again ?? readForm(workload);
  lastStart = { workload, kind, peers, again: { params, repeats } };
  try {
    // Validation runs nothing; its errors name the field they are about.
    runner.validate(workload.name, params);
  } catch (err) {
    showError(err);
    return;
  }
  running = new AbortController();
  setBusy(true);
  const busy = startBusy(`${kind === "sweep" ? "sweeping" : "running"} ${workload.name}`);
  const options = { repeats: kind === "sweep" ? Math.min(repeats, 3) : repeats, signal: running.signal, onProgress };
  let load = { stop() {} };
  try {
    if (kind === "sweep") {
      load = startLoad(extraLoad);
      const sweep = await measure.sweep(runner, workload.name, params, options);
      drawSweep(sweep);
      announce(`Scaling sweep done: ${sweep.rows.length} thread counts, best ${Math.max(...sweep.rows.map((r) => r.speedup)).toFixed(2)} times as fast.`);
      recordRun("sweep", sweep);
    } else {
      const modes = $("#with-processes").checked && ["threads", "frame"].includes(runner.backend)
        ? ["sequential", "parallel", "processes"] : undefined;
      // The prediction first (a job not seen yet is measured by one sequential run), shown
      // beside the Run button while the comparison runs.
      $("#prediction").textContent = "Predicting…";
      const advice = await runner.advise(workload.name, params, { signal: running.signal, onProgress });
      $("#prediction").textContent = `Predicted: ${advice.speedup.toFixed(2)}× ` +
        `(${advice.interval[0].toFixed(2)}–${advice.interval[1].toFixed(2)}) on ${advice.threads} ${advice.backend === "processes" ? "workers" : "threads"}`;
      $("#prediction").title = advice.reasons.join(" ");
      // The hook's load starts after the advice's probe: the probe is this job's speed on a quiet machine.
      load = startLoad(extraLoad);
      const comparison = await measure.compare(runner, workload.name, params, { ...options, modes, timeline: true });
      comparison.advice = advice;
      showComparison(comparison, peers);
      $("#first-run").hidden = !first;
      if (first) {
        $("#first-run").textContent = "A short comparison ran when the page opened. Pick a workload below and run your own; " +
          "the other tabs hold your data, the lab, I/O and this session's history.";
      } else {
        recordRun("compare", comparison);
      }
    }
  } catch (err) {
    if ($("#prediction").textContent === "Predicting…") $("#prediction").textContent = "";
    showError(err);
  } finally {
    load.stop();
    busy.stop();
    running = null;
    setBusy(false);
  }
}

/** What the last start ran, for "Run it again". */
let lastStart = null;

/** `count` workers that spin until stopped: a busy machine on demand (`?load=N`). */
function startLoad(count) {
  const source = URL.createObjectURL(new Blob(["for (;;) {}"], { type: "text/javascript" }));
  const workers = Array.from({ length: count }, () => new Worker(source));
  URL.revokeObjectURL(source);
  return { stop: () => workers.forEach((worker) => worker.terminate()) };
}

function setBusy(busy) {
  $("#run").disabled = busy;
  $("#sweep").disabled = busy;
  $("#cancel").disabled = !busy;
  $("#progress-box").hidden = !busy;
  if (busy) onProgress(0);
}

/** When the progress bar was last painted. */
let progressPaintedAt = 0;

/**
 * Shows the finished fraction, at most once a second (and at the start and the end): each
 * paint takes CPU time from the threads being measured, and ten a second made the page's
 * speedups read ~4% lower than the same comparison through the API.
 */
function onProgress(fraction) {
  const now = performance.now();
  if (fraction > 0 && fraction < 1 && now - progressPaintedAt < 1000) return;
  progressPaintedAt = now;
  $("#progress").value = fraction;
  $("#progress-text").textContent = `${Math.floor(fraction * 100)}%`;
}

/**
 * The busy indicator while a job runs: still, so that the page takes no CPU time from the
 * threads it measures (a frame loop, and even a compositor animation without a GPU, made the
 * page's speedups read up to 8% lower than the bench's; the progress bar moves 10 times a
 * second). Responsiveness is measured without a loop: a PerformanceObserver reports each task
 * that held the main thread for 50 ms or more (`longtask`); the longest is shown.
 */
function startBusy(text) {
  const box = $("#busy");
  $("#busy-text").textContent = text;
  box.hidden = false;
  let longest = 0;
  const note = (entries) => { for (const entry of entries) longest = Math.max(longest, entry.duration); };
  const observer = PerformanceObserver.supportedEntryTypes?.includes("longtask")
    ? new PerformanceObserver((list) => note(list.getEntries()))
    : null;
  observer?.observe({ type: "longtask" });
  return {
    stop() {
      if (observer) {
        note(observer.takeRecords());
        observer.disconnect();
      }
      box.hidden = true;
      document.body.dataset.longestTaskMs = longest.toFixed(1);
      $("#responsiveness").textContent = !observer ? ""
        : longest === 0
          ? "The page stayed responsive: no task held its main thread for 50 ms or more during the run."
          : `The page stayed responsive: the longest task on its main thread during the run took ${longest.toFixed(0)} ms.`;
    },
  };
}

/**
 * Python's lesson beside the measurement: countdown is the GIL example. CPython's numbers are
 * reference data (2 cores, CPython 3.12), not measured here.
 */
function lesson(comparison) {
  if (comparison.workload !== "countdown" || comparison.runs.length < 2) return "";
  const measured = comparison.runs.slice(1).map((run, i) =>
    `${run.mode} ${(comparison.speedups?.[run.mode] ?? comparison.speedup).toFixed(2)}×`).join(", ");
  return `In wasm there is no GIL: ${measured} here. CPython on 2 cores runs the same countdown ` +
    "at 0.92× on threads (the GIL lets one run at a time) and 1.76× on processes.";
}

const bytes = (n) => (n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} B`);
const fmt = (ms) => ms.toLocaleString(undefined, { maximumFractionDigits: ms < 10 ? 2 : 1 });

function showComparison(comparison, peers) {
  const params = Object.entries(comparison.params).map(([k, v]) => `${k}=${v.toLocaleString()}`);
  $("#results-title").textContent =
    `${comparison.workload} (${params.join(", ")}), ${comparison.repeats} repeats per mode`;
  const names = ["mode", "threads", "median", "range", "checksum", "match", "speedup", "efficiency", "moved"];
  const rows = comparison.runs.map((run, index) => {
    const speedup = index === 0 ? 1 : comparison.speedups?.[run.mode] ?? comparison.speedup;
    // What crossed to isolated workers; threads share the memory and move nothing.
    const moved = run.messages === undefined ? "shared memory"
      : `${run.messages} messages, ${bytes(run.bytesCopied + run.bytesTransferred)}`;
    const tr = tableRow([
      run.mode, run.threads, fmt(run.medianMs), `${fmt(run.minMs)}–${fmt(run.maxMs)}`, run.checksum,
      comparison.checksumsMatch ? "✓" : "✗",
      `${speedup.toFixed(2)}×`, `${((speedup / Math.max(1, run.threads)) * 100).toFixed(0)}%`, moved,
    ], names);
    tr.dataset.mode = run.mode;
    tr.querySelector('[data-col="match"]').className = comparison.checksumsMatch ? "ok" : "mismatch";
    return tr;
  });
  $("#results-table tbody").replaceChildren(...rows);
  const busy = machineBusy(comparison);
  $("#busy-note").hidden = busy.length === 0;
  $("#busy-why").textContent = busy.length === 0 ? "" : `The machine was busy during this run, so its speedup says little ` +
    `about the job: ${busy.join("; ")}. Close other work (tabs, builds) and run it again.`;
  document.body.dataset.busy = String(busy.length > 0);
  $("#verdict").textContent = busy.length > 0 ? "" : verdict(comparison);
  $("#peers").textContent = busy.length > 0 ? describePeers(peers, comparison)
    : [describePeers(peers, comparison), lesson(comparison)].filter(Boolean).join(" ");
  $("#results").hidden = false;
  drawComparison(comparison);
  if (drawTimelines($("#timeline"), comparison)) $("#timeline-summary").textContent = timelineSummary(comparison);
  announce(`${$("#results-title").textContent}: ` + comparison.runs.map((run, index) =>
    `${run.mode} ${fmt(run.medianMs)} ms${index > 0 ? `, ${(comparison.speedups?.[run.mode] ?? comparison.speedup).toFixed(2)} times as fast` : ""}`).join("; ") +
    (comparison.checksumsMatch ? "; checksums match." : "; checksums differ."));
}

/**
 * Why the machine looks busy during `comparison`, one reason each (none: it looked quiet):
 * repeats of one mode that spread far apart, a sequential run much slower than the same job
 * measured just before it (the advice's probe), or threads that each ran a chunk much slower
 * than one thread alone ran the same chunk.
 */
export function machineBusy(comparison) {
  const reasons = [];
  for (const run of comparison.runs) {
    if (run.timesMs.length >= 3 && run.maxMs > 1.5 * run.minMs) {
      reasons.push(`the ${run.mode} repeats took from ${fmt(run.minMs)} to ${fmt(run.maxMs)} ms`);
    }
  }
  const [sequential, ...others] = comparison.runs;
  // The same job, measured just before (the advice's probe): much slower now means the machine
  // got busy meanwhile.
  const before = comparison.advice?.sequentialMs;
  if (before > 0 && sequential.medianMs > 1.3 * before) {
    reasons.push(`the sequential runs took ${(sequential.medianMs / before).toFixed(1)}× as long as the same job measured just before (${fmt(before)} ms)`);
  }
  for (const run of others) {
    if (!sequential.timeline || !run.timeline || run.threads < 2) continue;
    const slowdown = chunkSlowdown(sequential.timeline, run.timeline);
    if (slowdown !== undefined && slowdown > 1.3) {
      reasons.push(`on the ${run.mode} run each chunk took ${slowdown.toFixed(2)}× as long as alone (median over the chunks)`);
    }
  }
  return reasons;
}

/** One sentence on why the parallel run scaled as it did, from its timeline. */
function verdict(comparison) {
  const run = comparison.runs.at(-1);
  if (!run.timeline || run.threads < 2) return "";
  const read = readTimeline(run.timeline);
  const speedup = comparison.speedups?.[run.mode] ?? comparison.speedup;
  const advice = comparison.advice;
  // The advice predicts the backend's own parallel mode: threads, or isolated workers on the processes backend.
  const predictedHere = advice !== undefined && (run.mode !== "processes" || advice.backend === "processes");
  const predicted = predictedHere
    ? ` (predicted ${advice.speedup.toFixed(2)}×, ${advice.interval[0].toFixed(2)}–${advice.interval[1].toFixed(2)})` : "";
  const parts = [`${run.mode} ran ${speedup.toFixed(2)}× as fast on ${run.threads} ${run.mode === "processes" ? "workers" : "threads"}${predicted}`];
  parts.push(`they were busy ${(read.utilization * 100).toFixed(0)}% of its ${fmt(read.spanMs)} ms`);
  if (read.aloneMs > 0.1 * read.spanMs) parts.push(`the last chunks ran alone for ${fmt(read.aloneMs)} ms at the end`);
  if (read.sendMs + read.answerMs > 0.1 * read.spanMs) {
    parts.push(`copying to and from the workers took ${fmt(read.sendMs + read.answerMs)} ms in all`);
  }
  return `${parts.join("; ")}.`;
}

/** The figure's numbers in words, per run. */
function timelineSummary(comparison) {
  return comparison.runs.filter((run) => run.timeline).map((run) => {
    const read = readTimeline(run.timeline);
    return `${run.mode}: ${read.chunks} chunks, busy ${(read.utilization * 100).toFixed(0)}% of ${fmt(read.spanMs)} ms` +
      (read.aloneMs > 0 ? `, ${fmt(read.aloneMs)} ms with one lane left` : "");
  }).join("; ") + ".";
}

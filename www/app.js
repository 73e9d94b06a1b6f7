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

const $ = (selector) => document.querySelector(selector);
/** A crate's package: its directory name under ./examples/, or null for webpar's own. */
const chosenPackage = new URLSearchParams(location.search).get("package");
const status = $("#status");
let runner;
/** The package's "webpar/bench" entry: compare and sweep. */
let measure;
/** The AbortController of the job in progress, if any. */
let running = null;

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
  buildForm(runner.workloads(), await loadPeers());
  setUpIo(runner, bench, { recordRun, showError: showIoError });
  setUpData(runner);
  setUpLab(runner, lab, { recordRun });
  $("#app").hidden = false;
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

/** Runs a comparison or a sweep of `workload` with the form's values. */
async function start(workload, kind, peers) {
  if (running) return;
  clearErrors();
  const { params, repeats } = readForm(workload);
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
  try {
    if (kind === "sweep") {
      const sweep = await measure.sweep(runner, workload.name, params, options);
      drawSweep(sweep);
      announce(`Scaling sweep done: ${sweep.rows.length} thread counts, best ${Math.max(...sweep.rows.map((r) => r.speedup)).toFixed(2)} times as fast.`);
      recordRun("sweep", sweep);
    } else {
      const modes = $("#with-processes").checked && ["threads", "frame"].includes(runner.backend)
        ? ["sequential", "parallel", "processes"] : undefined;
      const comparison = await measure.compare(runner, workload.name, params, { ...options, modes });
      showComparison(comparison, peers);
      recordRun("compare", comparison);
    }
  } catch (err) {
    showError(err);
  } finally {
    busy.stop();
    running = null;
    setBusy(false);
  }
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
  $("#peers").textContent = [describePeers(peers, comparison), lesson(comparison)].filter(Boolean).join(" ");
  $("#results").hidden = false;
  drawComparison(comparison);
  announce(`${$("#results-title").textContent}: ` + comparison.runs.map((run, index) =>
    `${run.mode} ${fmt(run.medianMs)} ms${index > 0 ? `, ${(comparison.speedups?.[run.mode] ?? comparison.speedup).toFixed(2)} times as fast` : ""}`).join("; ") +
    (comparison.checksumsMatch ? "; checksums match." : "; checksums differ."));
}

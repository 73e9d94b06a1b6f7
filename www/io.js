// The I/O panel: sequential (C = 1) against concurrent calls, live progress, the ideal, and
// the fetch-then-compute pipeline.
import { Chart } from "chart.js";
import { announce, tableRow } from "./dom.js";

const $ = (selector) => document.querySelector(selector);
/** Calls of the sequential baseline: enough to time one call, few enough to wait for. */
const SEQUENTIAL_SAMPLE = 20;
/** Chromium's connections per host over HTTP/1.1. */
const BROWSER_CONNECTIONS = 6;
let chart;

export function setUpIo(runner, bench, { recordRun, showError }) {
  let running = null;
  const setBusy = (busy) => {
    $("#io-run").disabled = busy;
    $("#io-pipeline").disabled = busy;
    $("#io-cancel").disabled = !busy;
    $("#io-progress-box").hidden = !busy;
  };
  const clear = () => {
    $("#io-error").textContent = "";
    for (const el of document.querySelectorAll("#io-form .field-error")) el.textContent = "";
  };
  const guarded = (work) => async () => {
    if (running) return;
    clear();
    running = new AbortController();
    setBusy(true);
    try {
      await work(running.signal);
    } catch (err) {
      showError(err);
    } finally {
      running = null;
      setBusy(false);
    }
  };
  $("#io-form").addEventListener("submit", (event) => {
    event.preventDefault();
    guarded((signal) => compareRuns(runner, readSpec(), signal, recordRun))();
  });
  $("#io-pipeline").addEventListener("click", guarded((signal) => pipeline(runner, bench, signal, recordRun)));
  $("#io-cancel").addEventListener("click", () => running?.abort());
  $("#io-source").addEventListener("change", () => {
    // Same-origin fetches share the browser's 6 connections: a concurrency that shows it.
    if ($("#io-source").value === "fetch") {
      $("#io-calls").value = "300";
      $("#io-latency").value = "50";
      $("#io-concurrency").value = "50";
    }
  });
}

/** Documents held between the fetches and the pool in the streamed run. */
const STREAM_HELD = 12;

/**
 * The pipeline streamed: the app's own fetches through mapAsync (6 in flight, retried) feed
 * runner.map on the pool, which counts each document's words while the next ones download;
 * memory holds at most STREAM_HELD documents, whatever the number of documents.
 */
async function streamed(runner, signal, onProgress) {
  const { docs, bytes, latencyMs, concurrency } = PIPELINE;
  const urls = Array.from({ length: docs }, (_, i) => `/api/doc?i=${i}&bytes=${bytes}&ms=${latencyMs}`);
  const started = performance.now();
  const bodies = runner.mapAsync(urls, async (url, { signal: callSignal }) => {
    const response = await fetch(url, { signal: callSignal });
    if (!response.ok) throw new Error(`HTTP ${response.status} for ${url}`);
    return new Uint8Array(await response.arrayBuffer());
  }, { concurrency, retries: 2, buffer: STREAM_HELD / 2, signal });
  const inputs = (async function* () {
    for await (const body of bodies) yield { input: body };
  })();
  let words = 0;
  let done = 0;
  for await (const counts of runner.map("wordcount", inputs, { concurrency: 4, buffer: STREAM_HELD / 2, signal })) {
    words += counts.total;
    onProgress(++done / docs);
  }
  return { ms: performance.now() - started, words };
}

function readSpec() {
  const number = (id) => ($(id).value === "" ? undefined : Number($(id).value));
  const source = $("#io-source").value;
  const spec = {
    source,
    calls: number("#io-calls") ?? NaN,
    latencyMs: number("#io-latency"),
    concurrency: number("#io-concurrency") ?? NaN,
    batchSize: number("#io-batch"),
  };
  const rate = number("#io-rate");
  if (rate !== undefined) spec.ratePerSec = rate;
  if (source === "fetch") spec.url = `/api/delay?ms=${spec.latencyMs ?? 0}&bytes=1024&i={i}`;
  return spec;
}

/** Runs a sample sequentially, then everything concurrently; shows both against the ideal. */
async function compareRuns(runner, spec, signal, recordRun) {
  const sequentialCalls = Math.min(spec.calls, SEQUENTIAL_SAMPLE);
  const series = [];
  const track = (label) => {
    const points = { label, completed: [], inFlight: [] };
    series.push(points);
    const start = performance.now();
    return (fraction, calls) => {
      $("#io-progress").value = fraction;
      if (!calls) return;
      const t = (performance.now() - start) / 1000;
      points.completed.push({ x: t, y: calls.completed });
      points.inFlight.push({ x: t, y: calls.inFlight });
      $("#io-live").textContent = `${label}: ${calls.completed.toLocaleString()} completed, ${calls.inFlight} in flight`;
    };
  };
  const sequential = await runner.io({ ...spec, calls: sequentialCalls, concurrency: 1 }, { signal, onProgress: track("sequential") });
  let delivered = 0;
  const concurrent = await runner.io(spec, { signal, onProgress: track("concurrent"), onBatch: (batch) => { delivered += batch.length; } });
  showIo(sequential, concurrent, delivered, spec);
  drawTimeline(series);
  recordRun("io", { workload: `io ${spec.source}`, params: { calls: spec.calls, latencyMs: spec.latencyMs, concurrency: spec.concurrency }, sequential, concurrent });
}

const ms = (v) => (v === null || v === undefined ? "–" : v.toLocaleString(undefined, { maximumFractionDigits: 1 }));

function showIo(sequential, concurrent, delivered, spec) {
  const names = ["run", "calls", "concurrency", "makespan", "ideal", "ratio", "throughput", "inflight", "latency", "failed"];
  const row = (label, r) => tableRow([label, r.calls.toLocaleString(), r.concurrency, ms(r.makespanMs), ms(r.idealMs),
    r.ratioToIdeal ? `${r.ratioToIdeal.toFixed(3)}×` : "–", Math.round(r.throughputPerSec).toLocaleString(), r.maxInFlight,
    `${ms(r.latencyP50Ms)} / ${ms(r.latencyP95Ms)} / ${ms(r.latencyP99Ms)}`, r.failed], names);
  $("#io-table tbody").replaceChildren(row("sequential", sequential), row("concurrent", concurrent));
  const perCall = sequential.makespanMs / sequential.calls;
  const projected = perCall * concurrent.calls;
  $("#io-summary").textContent =
    `One at a time, a call took ${ms(perCall)} ms, so ${concurrent.calls.toLocaleString()} calls would take about ` +
    `${ms(projected / 1000)} s (projected from ${sequential.calls} calls); at concurrency ${concurrent.concurrency} they took ` +
    `${ms(concurrent.makespanMs / 1000)} s: ${(projected / concurrent.makespanMs).toFixed(1)}× faster. ` +
    `${delivered.toLocaleString()} results were delivered in ${concurrent.batches} batch${concurrent.batches === 1 ? "" : "es"}; wasm memory grew by ` +
    `${(concurrent.memoryGrowthBytes / 1048576).toFixed(1)} MiB.`;
  const note = $("#io-note");
  const capped = spec.source === "fetch" && concurrent.concurrency > BROWSER_CONNECTIONS &&
    concurrent.effectiveConcurrency !== null && concurrent.effectiveConcurrency < 0.8 * concurrent.concurrency;
  note.hidden = !capped;
  note.textContent = capped
    ? `The browser's own limit binds: Chromium opens at most ${BROWSER_CONNECTIONS} connections per host over HTTP/1.1, ` +
      `so of ${concurrent.concurrency} fetches in flight only about ${concurrent.effectiveConcurrency.toFixed(1)} were served at once ` +
      `(throughput × latency, measured); the rest waited in the browser's queue. Use HTTP/2 or several hosts to go further.`
    : "";
  $("#io-results").hidden = false;
  announce(`I/O run done. ${$("#io-summary").textContent}`);
}

function drawTimeline(series) {
  chart?.destroy();
  const colors = { sequential: "#8a99bd", concurrent: "#2456c7" };
  chart = new Chart($("#io-chart"), {
    type: "line",
    data: {
      datasets: series.flatMap((s) => [
        { label: `${s.label}: completed`, data: s.completed, borderColor: colors[s.label], pointRadius: 0, yAxisID: "y" },
        { label: `${s.label}: in flight`, data: s.inFlight, borderColor: colors[s.label], borderDash: [4, 4], pointRadius: 0, yAxisID: "y1" },
      ]),
    },
    options: {
      maintainAspectRatio: false,
      animation: false,
      scales: {
        x: { type: "linear", title: { display: true, text: "seconds" } },
        y: { title: { display: true, text: "completed" }, min: 0 },
        y1: { position: "right", title: { display: true, text: "in flight" }, min: 0, grid: { drawOnChartArea: false } },
      },
      plugins: { title: { display: true, text: "calls completed and in flight over time" } },
    },
  });
}

/** The pipeline's documents: 100 of 256 KiB, 20 ms each from the dev server, 6 fetches in flight. */
const PIPELINE = { docs: 100, bytes: 256 * 1024, latencyMs: 20, concurrency: 6 };

async function pipeline(runner, bench, signal, recordRun) {
  const progress = (from, span) => (f) => { $("#io-progress").value = from + f * span; };
  const report = await bench.pipeline(runner, PIPELINE, { signal, onProgress: progress(0, 0.8) });
  const streamedRun = await streamed(runner, signal, progress(0.8, 0.2));
  const row = (label, p) => tableRow([label, p.concurrency, p.threads, ms(p.ioMs), ms(p.cpuMs), ms(p.totalMs), p.checksum]);
  $("#pipeline-table tbody").replaceChildren(
    row("sequential", report.sequential),
    row("concurrent + parallel", report.concurrent),
    tableRow(["streamed: mapAsync → map", PIPELINE.concurrency, runner.threads ?? 1, "overlapped", "overlapped",
      ms(streamedRun.ms), `${streamedRun.words.toLocaleString()} words`]),
  );
  $("#pipeline-summary").textContent =
    `${report.docs} documents of ${(report.bytes / 1024).toFixed(0)} KiB (${report.words.toLocaleString()} words): ` +
    `I/O ${report.ioSpeedup.toFixed(1)}× faster with concurrent fetches, CPU ${report.cpuSpeedup.toFixed(1)}× faster on the pool, ` +
    `${report.speedup.toFixed(1)}× in all. Checksums match ${report.checksumsMatch ? "✓" : "✗ (they DIFFER)"}. ` +
    `Streamed (each document counted on the pool as soon as it arrives, at most ${STREAM_HELD} held ` +
    `where the phased run holds all ${report.docs}): ${(report.concurrent.totalMs / streamedRun.ms).toFixed(2)}× the ` +
    `phased run's speed (the 6 connections bound both), words ${streamedRun.words === report.words ? "match ✓" : "✗ DIFFER"}.`;
  $("#pipeline-results").hidden = false;
  recordRun("pipeline", { workload: "pipeline", params: { docs: report.docs, bytes: report.bytes }, ...report });
}

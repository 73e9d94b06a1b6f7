// The session's runs: a table, and exports as JSON and CSV.
import { tableRow } from "./dom.js";

const history = [];

export function setUpHistory() {
  document.getElementById("export-json").addEventListener("click", () =>
    download("webpar-runs.json", "application/json", JSON.stringify(history, null, 2)));
  document.getElementById("export-csv").addEventListener("click", () =>
    download("webpar-runs.csv", "text/csv", toCsv(history)));
}

/** Adds a comparison or a sweep to the history. */
export function recordRun(kind, result) {
  const entry = { index: history.length + 1, at: new Date().toISOString(), kind, ...result };
  history.push(entry);
  const cells = [entry.index, kind, result.workload, formatParams(result.params), summary(kind, result)];
  document.querySelector("#history-table tbody").append(tableRow(cells));
  document.getElementById("history").hidden = false;
  document.getElementById("history-empty").hidden = true;
}

const formatParams = (params) => Object.entries(params).map(([k, v]) => `${k}=${v}`).join(" ");

function summary(kind, result) {
  if (kind === "lab") return `${result.report.rows.length} rows: ${result.report.columns.join(", ")}`;
  if (kind === "io") {
    return `${result.concurrent.calls} calls at concurrency ${result.concurrent.concurrency}: ` +
      `${result.concurrent.makespanMs.toFixed(0)} ms, ${result.concurrent.ratioToIdeal?.toFixed(3) ?? "–"}× the ideal`;
  }
  if (kind === "pipeline") {
    return `${result.sequential.totalMs.toFixed(0)} ms → ${result.concurrent.totalMs.toFixed(0)} ms, ${result.speedup.toFixed(2)}×`;
  }
  if (kind === "sweep") {
    const best = result.rows.at(-1);
    return `${best.speedup.toFixed(2)}× on ${best.threads} threads, serial fraction ` +
      (result.serialFraction === null ? "n/a" : `${(result.serialFraction * 100).toFixed(1)}%`);
  }
  const [sequential, parallel] = result.runs;
  return `${sequential.medianMs.toFixed(1)} ms → ${parallel.medianMs.toFixed(1)} ms, ${result.speedup.toFixed(2)}×`;
}

/**
 * One CSV row per mode of a comparison, per thread count of a sweep, and per run of an I/O
 * job or pipeline. `time_ms` is the median for CPU runs, the makespan of an I/O run and the
 * total of a pipeline run; cells that do not apply are empty.
 */
export function toCsv(entries) {
  const header = ["index", "at", "kind", "workload", "params", "run", "threads", "concurrency", "time_ms", "min_ms", "max_ms", "speedup", "checksum"];
  const rows = [];
  for (const entry of entries) {
    const base = [entry.index, entry.at, entry.kind, entry.workload, formatParams(entry.params)];
    if (entry.kind === "lab") {
      for (const row of entry.report.rows) {
        const label = row[entry.report.chart.x];
        rows.push([...base, String(label), row.threads ?? row.workers ?? "", "", row.ms ?? "", "", "", row.speedup ?? "", ""]);
      }
    } else if (entry.kind === "io") {
      for (const run of ["sequential", "concurrent"]) {
        const r = entry[run];
        rows.push([...base, run, "", r.concurrency, r.makespanMs, "", "", "", ""]);
      }
    } else if (entry.kind === "pipeline") {
      for (const run of ["sequential", "concurrent"]) {
        const r = entry[run];
        rows.push([...base, run, r.threads, r.concurrency, r.totalMs, "", "", run === "concurrent" ? entry.speedup : 1, r.checksum]);
      }
    } else if (entry.kind === "sweep") {
      for (const row of entry.rows) rows.push([...base, "threads", row.threads, "", row.medianMs, row.minMs, row.maxMs, row.speedup, row.checksum]);
    } else {
      for (const run of entry.runs) {
        const speedup = run.mode === "parallel" ? entry.speedup : 1;
        rows.push([...base, run.mode, run.threads, "", run.medianMs, run.minMs, run.maxMs, speedup, run.checksum]);
      }
    }
  }
  const quote = (value) => (/[",\n]/.test(String(value)) ? `"${String(value).replaceAll('"', '""')}"` : String(value));
  return [header, ...rows].map((row) => row.map(quote).join(",")).join("\n") + "\n";
}

function download(name, type, text) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = Object.assign(document.createElement("a"), { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

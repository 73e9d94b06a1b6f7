// The page's charts (chart.js, loaded as ES modules through the import map).
import { Chart, registerables } from "chart.js";
import { tableRow } from "./dom.js";

Chart.register(...registerables);
// For inspection from the console and the end-to-end tests (Chart.getChart(canvasId)).
window.Chart = Chart;

const charts = new Map();

function draw(canvasId, config) {
  charts.get(canvasId)?.destroy();
  charts.set(canvasId, new Chart(document.getElementById(canvasId), config));
}

/** A bar chart of the median time per mode. */
export function drawComparison(comparison) {
  draw("chart", {
    type: "bar",
    data: {
      labels: comparison.runs.map((run) => `${run.mode} (${run.threads} thread${run.threads > 1 ? "s" : ""})`),
      datasets: [{ label: "median ms", data: comparison.runs.map((run) => run.medianMs), backgroundColor: ["#8a99bd", "#2456c7", "#b8661a"] }],
    },
    options: {
      maintainAspectRatio: false,
      animation: false,
      indexAxis: "y",
      plugins: { legend: { display: false }, title: { display: true, text: "median time per mode (ms, lower is faster)" } },
    },
  });
}

/**
 * A lab report's chart: column `chart.y` of every row, labelled by column `chart.x`. The
 * canvas is an image whose text alternative is the table beside it.
 */
export function drawLab(report) {
  const { x, y } = report.chart;
  const canvas = document.getElementById("lab-chart");
  canvas.setAttribute("aria-label", `${y} by ${x}; the same numbers are in the table above`);
  draw("lab-chart", {
    type: "bar",
    data: {
      labels: report.rows.map((row) => String(row[x])),
      datasets: [{ label: y, data: report.rows.map((row) => Number(row[y]) || 0), backgroundColor: "#2456c7" }],
    },
    options: {
      maintainAspectRatio: false,
      animation: false,
      indexAxis: "y",
      plugins: { legend: { display: false }, title: { display: true, text: `${y} by ${x}` } },
    },
  });
}

/** Fills the sweep table and draws speedup against threads: measured, ideal and Amdahl's fit. */
export function drawSweep(sweep) {
  const params = Object.entries(sweep.params).map(([k, v]) => `${k}=${v.toLocaleString()}`);
  document.getElementById("sweep-title").textContent =
    `Scaling of ${sweep.workload} (${params.join(", ")}), ${sweep.repeats} repeats per thread count`;
  const names = ["threads", "used", "median", "speedup", "efficiency", "amdahl", "checksum"];
  const rows = sweep.rows.map((row) => tableRow([
    row.threads + (row.oversubscribed ? " ⚠" : ""), row.threadsUsed, row.medianMs.toFixed(1),
    `${row.speedup.toFixed(2)}×`, `${(row.efficiency * 100).toFixed(0)}%`,
    `${row.amdahlSpeedup.toFixed(2)}×`, row.checksum,
  ], names));
  document.querySelector("#sweep-table tbody").replaceChildren(...rows);
  const serial = sweep.serialFraction;
  document.getElementById("sweep-summary").textContent =
    (sweep.checksumsMatch ? "Checksums match on every thread count ✓. " : "Checksums DIFFER between thread counts ✗. ") +
    (serial === null ? "Amdahl's law needs two thread counts or more." :
      `Amdahl fit: serial fraction ${(serial * 100).toFixed(1)}%, so at most ${serial > 0 ? (1 / serial).toFixed(1) + "×" : "unbounded"} on any number of threads.`);
  const note = document.getElementById("sweep-note");
  note.hidden = !sweep.note;
  note.textContent = sweep.note ?? "";
  document.getElementById("sweep-results").hidden = false;
  const threads = sweep.rows.map((row) => row.threads);
  const maxThreads = Math.max(...threads);
  const fit = serial ?? 0;
  const amdahl = [];
  for (let k = 1; k <= maxThreads; k += Math.max(1, maxThreads / 40)) amdahl.push({ x: k, y: 1 / (fit + (1 - fit) / k) });
  draw("sweep-chart", {
    type: "line",
    data: {
      datasets: [
        { label: "measured", data: sweep.rows.map((row) => ({ x: row.threads, y: row.speedup })), borderColor: "#2456c7", backgroundColor: "#2456c7", pointRadius: 5 },
        { label: "ideal (speedup = threads)", data: [{ x: 1, y: 1 }, { x: maxThreads, y: maxThreads }], borderColor: "#8a99bd", borderDash: [6, 4], pointRadius: 0 },
        { label: `Amdahl fit (serial ${(fit * 100).toFixed(1)}%)`, data: amdahl, borderColor: "#e08a00", pointRadius: 0 },
      ],
    },
    options: {
      maintainAspectRatio: false,
      animation: false,
      scales: {
        x: { type: "linear", min: 1, max: maxThreads, title: { display: true, text: "threads" }, ticks: { stepSize: 1 } },
        y: { min: 0, title: { display: true, text: "speedup over 1 thread" } },
      },
      plugins: { title: { display: true, text: "speedup against threads" } },
    },
  });
}

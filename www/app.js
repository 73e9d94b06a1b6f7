// The demo page. It uses only webpar's public JS API (./pkg/webpar.js).
import init, { initThreadPool, Runner } from "./pkg/webpar.js";
import { Chart, registerables } from "chart.js";

Chart.register(...registerables);

const $ = (selector) => document.querySelector(selector);
const status = $("#status");
let runner;
let chart;

main().catch((err) => {
  status.textContent = `Could not start: ${err.name}: ${err.message}`;
  status.classList.add("bad");
});

async function main() {
  if (!window.crossOriginIsolated) {
    // Without isolation there is no SharedArrayBuffer: explain instead of waiting forever.
    status.textContent = "Not cross-origin isolated: threads are unavailable on this page.";
    status.classList.add("bad");
    $("#isolation-help").hidden = false;
    return;
  }
  await init();
  const threads = await initThreadPool(navigator.hardwareConcurrency);
  runner = new Runner();
  status.textContent = `Cross-origin isolated ✓ · thread pool ready: ${threads} threads`;
  status.dataset.threads = String(threads);
  buildForm(runner.workloads());
  $("#app").hidden = false;
  document.body.dataset.ready = "true";
}

function buildForm(workloads) {
  const select = $("#workload");
  for (const workload of workloads) {
    select.add(new Option(workload.name, workload.name));
  }
  const byName = new Map(workloads.map((w) => [w.name, w]));
  const showParams = () => {
    const workload = byName.get(select.value);
    $("#description").textContent = workload.description;
    const container = $("#params");
    container.replaceChildren(...workload.params.map(paramField));
  };
  select.addEventListener("change", showParams);
  showParams();
  $("#job").addEventListener("submit", (event) => {
    event.preventDefault();
    submit(byName.get(select.value));
  });
}

function paramField(param) {
  const label = document.createElement("label");
  label.innerHTML = `<span></span>
    <input type="number" step="1" required>
    <span class="param-help"></span>
    <span class="field-error"></span>`;
  label.querySelector("span").textContent = param.name;
  const input = label.querySelector("input");
  Object.assign(input, { name: param.name, id: `param-${param.name}`, value: param.default });
  input.min = String(param.min);
  input.max = String(param.max);
  label.querySelector(".param-help").textContent =
    `${param.description}; ${param.min.toLocaleString()} to ${param.max.toLocaleString()}`;
  label.querySelector(".field-error").dataset.errorFor = param.name;
  return label;
}

/// Reads the form; an empty field becomes NaN, which validation reports like any bad value.
function readForm(workload) {
  const params = {};
  for (const param of workload.params) {
    const input = document.getElementById(`param-${param.name}`);
    params[param.name] = input.value === "" ? NaN : Number(input.value);
  }
  const repeats = $("#repeats").value === "" ? NaN : Number($("#repeats").value);
  return { params, repeats };
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

async function submit(workload) {
  clearErrors();
  const { params, repeats } = readForm(workload);
  try {
    // Validation runs nothing; its errors name the field they are about.
    runner.validate(workload.name, params);
  } catch (err) {
    showError(err);
    return;
  }
  const button = $("#run");
  button.disabled = true;
  const busy = startBusy(`running ${workload.name}: sequential and parallel`);
  try {
    const comparison = await runner.compare(workload.name, params, { repeats });
    showResults(comparison);
  } catch (err) {
    showError(err);
  } finally {
    busy.stop();
    button.disabled = false;
  }
}

/// A dot moved by requestAnimationFrame: it moves only while the main thread is free. Also
/// records the longest gap between frames, shown when the run ends.
function startBusy(text) {
  const box = $("#busy");
  const dot = box.querySelector(".dot");
  $("#busy-text").textContent = text;
  box.hidden = false;
  let last = performance.now();
  let longestGap = 0;
  let lastMove = 0;
  let frame = requestAnimationFrame(function tick(now) {
    longestGap = Math.max(longestGap, now - last);
    last = now;
    // About 10 moves a second: each move repaints, and on a 2-core machine without a GPU
    // painting at 60 fps takes CPU time from the threads being measured.
    if (now - lastMove >= 100) {
      lastMove = now;
      dot.style.transform = `translateX(${(2.6 + 2.6 * Math.sin(now / 300)).toFixed(2)}rem)`;
    }
    frame = requestAnimationFrame(tick);
  });
  return {
    stop() {
      cancelAnimationFrame(frame);
      box.hidden = true;
      document.body.dataset.longestFrameGapMs = longestGap.toFixed(1);
      $("#responsiveness").textContent =
        `The page stayed responsive: the longest gap between two frames during the run was ${longestGap.toFixed(0)} ms.`;
    },
  };
}

const fmt = (ms) => ms.toLocaleString(undefined, { maximumFractionDigits: ms < 10 ? 2 : 1 });

function showResults(comparison) {
  const params = Object.entries(comparison.params).map(([k, v]) => `${k}=${v.toLocaleString()}`);
  $("#results-title").textContent =
    `${comparison.workload} (${params.join(", ")}), ${comparison.repeats} repeats per mode`;
  const rows = comparison.runs.map((run) => {
    const tr = document.createElement("tr");
    tr.dataset.mode = run.mode;
    const isParallel = run.mode === "parallel";
    const cells = [
      run.mode,
      run.threads,
      fmt(run.medianMs),
      `${fmt(run.minMs)}–${fmt(run.maxMs)}`,
      run.checksum,
      comparison.checksumsMatch ? "✓" : "✗",
      isParallel ? `${comparison.speedup.toFixed(2)}×` : "1.00×",
      isParallel ? `${(comparison.efficiency * 100).toFixed(0)}%` : "100%",
    ];
    const names = ["mode", "threads", "median", "range", "checksum", "match", "speedup", "efficiency"];
    cells.forEach((value, i) => {
      const td = document.createElement("td");
      td.textContent = String(value);
      td.dataset.col = names[i];
      if (names[i] === "match") td.className = comparison.checksumsMatch ? "ok" : "mismatch";
      tr.append(td);
    });
    return tr;
  });
  $("#results-table tbody").replaceChildren(...rows);
  $("#results").hidden = false;
  drawChart(comparison);
}

function drawChart(comparison) {
  const labels = comparison.runs.map((run) => `${run.mode} (${run.threads} thread${run.threads > 1 ? "s" : ""})`);
  const data = comparison.runs.map((run) => run.medianMs);
  if (chart) chart.destroy();
  chart = new Chart($("#chart"), {
    type: "bar",
    data: { labels, datasets: [{ label: "median ms", data, backgroundColor: ["#8a99bd", "#2456c7"] }] },
    options: {
      maintainAspectRatio: false,
      animation: false,
      indexAxis: "y",
      plugins: { legend: { display: false }, title: { display: true, text: "median time per mode (ms, lower is faster)" } },
    },
  });
}

// The Lab: the experiments of Python's concurrency tutorials (labs(runner) of "webpar/lab"),
// each run with lab(runner, name, params), shown as a table and a chart with what it shows, and recorded in
// the session's history.
import { drawLab } from "./charts.js";
import { announce, numberField, tableRow } from "./dom.js";

const $ = (selector) => document.querySelector(selector);

/**
 * Wires the Lab section to `runner` and the package's "webpar/lab" entry (`lab`);
 * `recordRun(kind, result)` adds a run to the history.
 */
export function setUpLab(runner, lab, { recordRun }) {
  const experiments = lab.labs(runner);
  const byName = new Map(experiments.map((e) => [e.name, e]));
  const select = $("#lab-experiment");
  for (const experiment of experiments) {
    const needsThreads = experiment.runs === "threads" && !["threads", "frame"].includes(runner.backend);
    select.add(new Option(`${experiment.title}${needsThreads ? " (needs threads: an isolated page)" : ""}`, experiment.name));
  }
  const current = () => byName.get(select.value);
  // Changing the experiment only changes the form: nothing runs, nothing reloads.
  select.addEventListener("change", () => {
    const experiment = current();
    $("#lab-explanation").textContent = experiment.explanation;
    $("#lab-params").replaceChildren(...experiment.params.map((param) => numberField(param, "lab-param")));
    $("#lab-error").textContent = "";
  });
  select.dispatchEvent(new Event("change"));

  let running = null;
  $("#lab-cancel").addEventListener("click", () => running?.abort());
  $("#lab-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    if (running) return;
    const experiment = current();
    const params = readParams(experiment);
    if (params === null) return;
    running = new AbortController();
    setBusy(true, `Running “${experiment.title}”…`);
    try {
      const report = await lab.lab(runner, experiment.name, params, { signal: running.signal });
      show(experiment, report);
      recordRun("lab", { workload: experiment.name, params: report.params, report });
      $("#lab-status").textContent = `“${experiment.title}” finished: ${report.rows.length} rows below.`;
      announce(`${experiment.title}: ${report.rows.length} rows of results.`);
    } catch (err) {
      $("#lab-error").textContent = `${err.name}: ${err.message}`;
      $("#lab-status").textContent = `“${experiment.title}” stopped: ${err.name}.`;
    } finally {
      running = null;
      setBusy(false);
    }
  });
}

function setBusy(busy, message) {
  $("#lab-run").disabled = busy;
  $("#lab-cancel").disabled = !busy;
  $("#lab-experiment").disabled = busy;
  $("#lab-progress").hidden = !busy;
  if (busy) {
    $("#lab-error").textContent = "";
    $("#lab-status").textContent = message;
  }
}

/** The form's params, or null (with the field's error shown) if one is out of range. */
function readParams(experiment) {
  const params = {};
  let ok = true;
  for (const param of experiment.params) {
    const input = document.getElementById(`lab-param-${param.name}`);
    const error = document.getElementById(`lab-param-${param.name}-error`);
    const value = input.value === "" ? NaN : Number(input.value);
    if (!Number.isInteger(value) || value < param.min || value > param.max) {
      error.textContent = `a whole number from ${param.min.toLocaleString("en")} to ${param.max.toLocaleString("en")}`;
      input.setAttribute("aria-invalid", "true");
      ok = false;
    } else {
      error.textContent = "";
      input.removeAttribute("aria-invalid");
      params[param.name] = value;
    }
  }
  return ok ? params : null;
}

const format = (value) => typeof value === "number"
  ? (Number.isInteger(value) ? value.toLocaleString("en") : value.toPrecision(4))
  : typeof value === "boolean" ? (value ? "✓ yes" : "✗ no") : String(value);

function show(experiment, report) {
  $("#lab-title").textContent = `${experiment.title} (${Object.entries(report.params).map(([k, v]) => `${k}=${v.toLocaleString("en")}`).join(", ")})`;
  const head = document.createElement("tr");
  for (const column of report.columns) {
    const th = document.createElement("th");
    th.scope = "col";
    th.textContent = column;
    head.append(th);
  }
  $("#lab-table thead").replaceChildren(head);
  $("#lab-table tbody").replaceChildren(...report.rows.map((row) =>
    tableRow(report.columns.map((column) => format(row[column])), report.columns)));
  $("#lab-summary").textContent = experiment.explanation;
  $("#lab-results").hidden = false;
  $("#lab-results").dataset.experiment = experiment.name;
  drawLab(report);
}

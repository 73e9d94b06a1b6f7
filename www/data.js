// "Your data" panel of the demo page: the input form of the workloads, with real outputs.
// Files the user picks or drops are hashed (SHA-256, one task per file, on the pool); the
// Mandelbrot set is drawn from the pixels the pool computed (click to zoom in); a million
// random numbers are sorted and the first ones shown; an array of integers is summed in every
// mode, to show what processes pay to copy data that threads share.
import { tableRow } from "./dom.js";

const $ = (selector) => document.querySelector(selector);

/** Wires the panel to `runner`. */
export function setUpData(runner) {
  const fail = (err) => { $("#data-error").textContent = `${err.name}: ${err.message}`; };
  const clear = () => { $("#data-error").textContent = ""; };

  const hashFiles = async (files) => {
    clear();
    if (files.length === 0) return;
    const started = performance.now();
    try {
      const report = await runner.run("sha256", { input: [...files] });
      const ms = performance.now() - started;
      const bytes = files.reduce((sum, file) => sum + file.size, 0);
      $("#hash-table tbody").replaceChildren(...files.map((file, i) =>
        tableRow([file.name, file.size.toLocaleString("en"), report.output[i].hex], ["file", "size", "sha256"])));
      $("#hash-summary").textContent = `${files.length} file${files.length > 1 ? "s" : ""}, ` +
        `${(bytes / 1048576).toFixed(1)} MiB hashed in ${ms.toFixed(0)} ms ` +
        `(${(bytes / 1048576 / (ms / 1000)).toFixed(0)} MiB/s, reading the files included)`;
      $("#hash-results").hidden = false;
    } catch (err) {
      fail(err);
    }
  };
  $("#files").addEventListener("change", (event) => hashFiles([...event.target.files]));
  const drop = $("#drop");
  drop.addEventListener("dragover", (event) => { event.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (event) => {
    event.preventDefault();
    drop.classList.remove("over");
    hashFiles([...event.dataTransfer.files]);
  });

  // The Mandelbrot set: the canvas shows exactly the pixels the pool computed.
  const canvas = $("#mandelbrot");
  let view = { center: [-0.6, 0], scale: 3.2 / canvas.width };
  const draw = async () => {
    clear();
    try {
      const report = await runner.run("mandelbrot", {
        input: { ...view, width: canvas.width, height: canvas.height, maxIter: 1000 },
      });
      const { pixels, width, height } = report.output;
      canvas.getContext("2d").putImageData(new ImageData(pixels, width, height), 0, 0);
      // Shown once drawn: no blank box waits for the button.
      canvas.hidden = false;
      $("#mandelbrot-info").textContent = `${width} x ${height} pixels in ${report.medianMs.toFixed(1)} ms on ` +
        `${report.threads} threads, centered at ${view.center.map((v) => v.toPrecision(6)).join(", ")}; click to zoom in`;
      canvas.dataset.checksum = report.checksum;
    } catch (err) {
      fail(err);
    }
  };
  canvas.addEventListener("click", (event) => {
    const box = canvas.getBoundingClientRect();
    const x = ((event.clientX - box.left) / box.width) * canvas.width;
    const y = ((event.clientY - box.top) / box.height) * canvas.height;
    view = {
      center: [view.center[0] + (x - canvas.width / 2) * view.scale, view.center[1] - (y - canvas.height / 2) * view.scale],
      scale: view.scale / 3,
    };
    draw();
  });
  $("#draw").addEventListener("click", () => {
    view = { center: [-0.6, 0], scale: 3.2 / canvas.width };
    draw();
  });

  $("#sum-array").addEventListener("click", () => sumInEveryMode(runner).catch(fail));
  $("#sort-random").addEventListener("click", async () => {
    clear();
    const numbers = Float64Array.from({ length: 1_000_000 }, () => Math.random() * 2 - 1);
    try {
      const report = await runner.run("sort", { input: numbers });
      const first = [...report.output.subarray(0, 4)].map((v) => v.toFixed(6)).join(", ");
      const { copy } = report;
      $("#sort-info").textContent = `1,000,000 numbers sorted in ${report.medianMs.toFixed(1)} ms on ${report.threads} threads; ` +
        `first: ${first}, …; copying in ${copy.inMs.toFixed(1)} ms, out ${copy.outMs.toFixed(1)} ms`;
    } catch (err) {
      fail(err);
    }
  });
}

/**
 * The pickling lesson: one Int32Array summed sequentially, on threads (where the page has
 * them) and on isolated workers, each timed from the call to the result in hand (median of
 * three), with what was copied and how many messages crossed.
 */
async function sumInEveryMode(runner) {
  $("#data-error").textContent = "";
  const field = $("#sum-n");
  const n = Number(field.value);
  if (!Number.isInteger(n) || n < 1000 || n > 100_000_000) {
    field.setAttribute("aria-invalid", "true");
    throw Object.assign(new Error("the number of integers must be a whole number from 1,000 to 100,000,000"), { name: "InvalidParamsError" });
  }
  field.removeAttribute("aria-invalid");
  const button = $("#sum-array");
  button.disabled = true;
  try {
    const values = new Int32Array(n);
    for (let i = 0; i < n; i++) values[i] = (i % 2001) - 1000;
    const modes = ["threads", "frame"].includes(runner.backend) ? ["sequential", "parallel", "processes"] : ["sequential", "processes"];
    const rows = [];
    for (const mode of modes) {
      const times = [];
      let report;
      for (let repeat = 0; repeat < 3; repeat++) {
        const started = performance.now();
        report = await runner.run("sum", { input: values }, { mode });
        times.push(performance.now() - started);
      }
      times.sort((a, b) => a - b);
      const onWorkers = report.backend === "processes";
      rows.push({
        mode: mode === "sequential" ? (onWorkers ? "sequential (one worker)" : "sequential")
          : onWorkers ? `processes (${report.parts} slices)` : `threads (${report.threads})`,
        ms: times[1],
        copyMs: report.copy?.inMs ?? 0,
        // On workers: the slices cut out of the array, and each worker's copy into its memory.
        copied: (onWorkers ? report.bytesCopied : 0) + (report.copy?.inBytes ?? 0),
        messages: onWorkers ? report.messages : 0,
        sum: report.output.sum,
      });
    }
    const [sequential] = rows;
    $("#pickling-table tbody").replaceChildren(...rows.map((row) => tableRow([
      row.mode, row.ms.toFixed(1), row.copyMs.toFixed(1), row.copied.toLocaleString("en"),
      row.messages, row.sum.toString(), `${(sequential.ms / row.ms).toFixed(2)}×`,
    ], ["mode", "ms", "copy", "copied", "messages", "sum", "speedup"])));
    $("#pickling-table-box").hidden = false;
    const same = rows.every((row) => row.sum === sequential.sum);
    $("#pickling-info").textContent = `${n.toLocaleString("en")} integers (${(4 * n / 1048576).toFixed(1)} MiB); ` +
      `${same ? "every mode computed the same sum" : "the sums differ (a bug: please report it)"}. ` +
      "Adding up is cheap next to moving the bytes. Threads copy the array once, into the one " +
      "memory they all read; isolated workers pay twice, for the slices cut out of it and for " +
      "each slice's copy into its worker's own memory, plus the messages.";
    $("#pickling").dataset.done = String(same);
  } finally {
    button.disabled = false;
  }
}

// The demo page end to end: isolation, a comparison of every workload's defaults, inline
// validation errors, and no console or page errors.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { BASE_URL, OPEN_URL, compareInForm, launch, open, readyPage as openReady, tableCells } from "./browser.mjs";

const readyPage = () => openReady(context);

let context;
before(async () => { context = await launch(); });
after(async () => { await context?.close(); });


test("the page is cross-origin isolated and starts the pool", async () => {
  const { page, problems } = await readyPage();
  assert.equal(await page.evaluate(() => crossOriginIsolated), true);
  assert.match(await page.textContent("#status"), /Cross-origin isolated ✓ · thread pool ready: \d+ threads/);
  assert.ok(Number(await page.getAttribute("#status", "data-threads")) >= 2);
  assert.deepEqual(problems, []);
  await page.close();
});

test("running each workload's defaults fills both modes with equal checksums and a speedup", async () => {
  const { page, problems } = await readyPage();
  const names = await page.$$eval("#workload option", (options) => options.map((o) => o.value));
  const catalogue = await page.evaluate(() =>
    import("/pkg/webpar.js").then(({ Runner }) => new Runner().workloads().map((w) => w.name)));
  assert.ok(catalogue.length >= 10 && catalogue.includes("empty"), catalogue.join());
  assert.deepEqual(names, catalogue, "the form lists the whole catalogue");
  // Every workload but `empty`, whose time is the round trip itself (no work to divide).
  for (const name of names.filter((n) => n !== "empty")) {
    const { error, rows } = await compareInForm(page, name, {}, 3);
    assert.equal(error, "", `${name}: no error`);
    assert.equal(rows.length, 2, name);
    const [sequential, parallel] = rows;
    assert.equal(sequential.mode, "sequential");
    assert.equal(parallel.mode, "parallel");
    assert.equal(sequential.threads, "1");
    assert.ok(Number(parallel.threads) >= 2, `${name}: parallel threads`);
    assert.equal(sequential.checksum, parallel.checksum, `${name}: checksums`);
    assert.equal(parallel.match, "✓");
    const speedup = Number(parallel.speedup.replace("×", ""));
    // Shown, not judged: how fast is the benchmark's question (a busy machine may say < 1).
    assert.ok(Number.isFinite(speedup) && speedup > 0, `${name}: speedup shown as ${parallel.speedup}`);
    assert.match(await page.textContent("#results-title"), new RegExp(`^${name} \\(`));
    assert.equal(await page.locator("#chart").isVisible(), true);
  }
  assert.deepEqual(problems, []);
  await page.close();
});

test("an out-of-range param shows an inline error and nothing runs", async () => {
  const { page, problems } = await readyPage();
  // The page's first run is on screen; nothing replaces it.
  const shown = await page.textContent("#results-title");
  await page.selectOption("#workload", "primes");
  await page.fill("#param-below", "-5");
  await page.click("#run");
  const fieldError = page.locator('[data-error-for="below"]');
  await fieldError.waitFor();
  assert.match(await fieldError.textContent(), /below.*out of range.*0\.\.=1000000000/);
  assert.equal(await page.getAttribute("#param-below", "aria-invalid"), "true");
  assert.equal(await page.textContent("#results-title"), shown, "no new result");
  assert.equal(await page.locator("#busy").isHidden(), true, "nothing started");
  assert.equal(await page.isEnabled("#run"), true);
  // A fractional value and an empty field are refused the same way.
  await page.fill("#param-below", "2.5");
  await page.click("#run");
  assert.match(await fieldError.textContent(), /whole number/);
  await page.fill("#param-below", "");
  await page.click("#run");
  assert.match(await fieldError.textContent(), /finite/);
  await page.fill("#repeats", "0");
  await page.fill("#param-below", "1000");
  await page.click("#run");
  assert.match(await page.locator('[data-error-for="repeats"]').textContent(), /repeats.*1\.\.=100/);
  assert.equal(await page.textContent("#results-title"), shown, "still no new result");
  assert.deepEqual(problems, []);
  await page.close();
});

test("a scaling sweep fills the table and chart, and the history exports as JSON and CSV", async () => {
  const { page, problems } = await readyPage();
  const threads = Number(await page.getAttribute("#status", "data-threads"));
  await page.selectOption("#workload", "primes");
  await page.fill("#param-below", "2000000");
  await page.fill("#repeats", "2");
  await page.click("#sweep");
  await page.waitForSelector("#sweep:not([disabled])", { timeout: 120_000 });
  assert.equal(await page.textContent("#error"), "");
  const rows = await tableCells(page, "#sweep-table");
  assert.equal(rows.length, threads, "one row per thread count, 1 to the pool size");
  assert.deepEqual(rows.map((r) => parseInt(r.threads, 10)), Array.from({ length: threads }, (_, i) => i + 1));
  assert.ok(rows.every((r) => r.checksum === "148933"), "every thread count computes the same");
  assert.equal(rows[0].speedup, "1.00×");
  assert.match(await page.textContent("#sweep-summary"), /Checksums match on every thread count ✓\. Amdahl fit: serial fraction/);
  assert.equal(await page.locator("#sweep-chart").isVisible(), true);
  const legend = await page.evaluate(() => Chart.getChart("sweep-chart").data.datasets.map((d) => d.label));
  assert.deepEqual(legend.map((l) => l.split(" ")[0]), ["measured", "ideal", "Amdahl"]);

  // The history holds the sweep (not the page's own first run); both exports download it.
  await page.click("#tab-history");
  assert.equal(await page.locator("#history-table tbody tr").count(), 1);
  const [jsonDownload] = await Promise.all([page.waitForEvent("download"), page.click("#export-json")]);
  const exported = JSON.parse(await streamText(await jsonDownload.createReadStream()));
  assert.equal(exported.length, 1);
  assert.equal(exported[0].kind, "sweep");
  assert.equal(exported[0].rows.length, threads);
  const [csvDownload] = await Promise.all([page.waitForEvent("download"), page.click("#export-csv")]);
  const csv = (await streamText(await csvDownload.createReadStream())).trim().split("\n");
  assert.equal(csv[0], "index,at,kind,workload,params,run,threads,concurrency,time_ms,min_ms,max_ms,speedup,checksum");
  assert.equal(csv.length, 1 + threads);
  assert.deepEqual(problems, []);
  await page.close();
});

test("Cancel stops a long run at once, shows AbortError, and the next run works", async () => {
  const { page, problems } = await readyPage();
  await page.selectOption("#workload", "primes");
  await page.fill("#param-below", "1000000000");
  await page.fill("#repeats", "1");
  await page.click("#run");
  await page.waitForFunction(() => Number(document.querySelector("#progress").value) > 0, null, { timeout: 30_000 });
  assert.equal(await page.isEnabled("#cancel"), true);
  assert.equal(await page.isDisabled("#run"), true);
  await page.click("#cancel");
  await page.waitForSelector("#run:not([disabled])", { timeout: 10_000 });
  assert.match(await page.textContent("#error"), /^AbortError: /);
  assert.equal(await page.isDisabled("#cancel"), true);
  assert.equal(await page.locator("#progress-box").isHidden(), true);
  await page.fill("#param-below", "100000");
  await page.click("#run");
  await page.waitForSelector("#run:not([disabled])", { timeout: 60_000 });
  assert.equal(await page.textContent("#error"), "");
  assert.equal(await page.textContent('#results-table tr[data-mode="parallel"] td[data-col="checksum"]'), "9592");
  assert.deepEqual(problems, []);
  await page.close();
});

async function streamText(stream) {
  const chunks = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks).toString("utf8");
}

test("your data: files picked are hashed, the Mandelbrot set is drawn from the pool's pixels, numbers come back sorted", async () => {
  const { createHash } = await import("node:crypto");
  const { page, problems } = await readyPage();
  const files = [
    { name: "hello.txt", mimeType: "text/plain", buffer: Buffer.from("hello, webpar\n") },
    { name: "zeros.bin", mimeType: "application/octet-stream", buffer: Buffer.alloc(3 * 1024 * 1024) },
  ];
  await page.click("#tab-data");
  await page.setInputFiles("#files", files);
  await page.waitForSelector("#hash-results:not([hidden])", { timeout: 30_000 });
  const rows = await tableCells(page, "#hash-table");
  assert.deepEqual(rows.map((r) => [r.file, r.sha256]),
    files.map((f) => [f.name, createHash("sha256").update(f.buffer).digest("hex")]));
  assert.match(await page.textContent("#hash-summary"), /^2 files, 3\.0 MiB hashed in \d+ ms/);

  await page.click("#draw");
  await page.waitForSelector("#mandelbrot[data-checksum]", { timeout: 30_000 });
  const colors = await page.evaluate(() => {
    const canvas = document.querySelector("#mandelbrot");
    const { data } = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height);
    const seen = new Set();
    for (let i = 0; i < data.length; i += 4 * 97) seen.add(`${data[i]},${data[i + 1]},${data[i + 2]}`);
    // The set's inside (black) and many escape colors.
    return { black: seen.has("0,0,0"), distinct: seen.size };
  });
  assert.ok(colors.black && colors.distinct > 20, JSON.stringify(colors));
  const before = await page.getAttribute("#mandelbrot", "data-checksum");
  await page.click("#mandelbrot", { position: { x: 200, y: 150 } });
  await page.waitForFunction((old) => document.querySelector("#mandelbrot").dataset.checksum !== old, before, { timeout: 30_000 });
  assert.match(await page.textContent("#mandelbrot-info"), /^640 x 400 pixels in [\d.]+ ms on \d+ threads/);

  await page.click("#sort-random");
  await page.waitForFunction(() => document.querySelector("#sort-info").textContent !== "", null, { timeout: 30_000 });
  const info = await page.textContent("#sort-info");
  const first = info.match(/first: (.*), …/)[1].split(", ").map(Number);
  assert.ok(first.every((v, i) => i === 0 || first[i - 1] <= v) && first[0] < -0.99, info);
  assert.equal(await page.textContent("#data-error"), "");
  assert.deepEqual(problems, []);
  await page.close();
});

test("on threads, a comparison can add isolated workers: three modes, equal checksums, what crossed", async () => {
  const { page, problems } = await readyPage();
  assert.equal(await page.getAttribute("#status", "data-backend"), "threads");
  await page.selectOption("#workload", "countdown");
  await page.fill("#param-n", "50000000");
  await page.fill("#repeats", "2");
  await page.check("#with-processes");
  await page.click("#run");
  await page.waitForSelector("#run:not([disabled])", { timeout: 120_000 });
  assert.equal(await page.textContent("#error"), "");
  const rows = await tableCells(page, "#results-table");
  assert.deepEqual(rows.map((r) => r.mode), ["sequential", "parallel", "processes"]);
  assert.equal(new Set(rows.map((r) => r.checksum)).size, 1);
  assert.equal(rows[1].moved, "shared memory");
  assert.match(rows[2].moved, /^\d+ messages/);
  assert.match(await page.textContent("#peers"), /In wasm there is no GIL: parallel [\d.]+×, processes [\d.]+× here/);
  assert.deepEqual(problems, []);
  await page.close();
});

test("the pickling lesson sums one array in every mode, isolated and not: same sum, what each mode copied", async () => {
  const n = 300_000;
  let expected = 0n;
  for (let i = 0; i < n; i++) expected += BigInt((i % 2001) - 1000);
  for (const base of [BASE_URL, OPEN_URL]) {
    const { page, problems } = await open(context, "/", base);
    await page.waitForSelector("body[data-ready=true]", { timeout: 60_000 });
    const isolated = await page.evaluate(() => crossOriginIsolated);
    await page.click("#tab-data");
    await page.fill("#sum-n", "12");
    await page.click("#sum-array");
    assert.match(await page.textContent("#data-error"), /^InvalidParamsError: the number of integers must be/);
    assert.equal(await page.getAttribute("#sum-n", "aria-invalid"), "true");
    await page.fill("#sum-n", String(n));
    await page.click("#sum-array");
    await page.waitForSelector("#pickling[data-done]", { timeout: 120_000 });
    assert.equal(await page.getAttribute("#pickling", "data-done"), "true");
    assert.equal(await page.textContent("#data-error"), "");
    const rows = await tableCells(page, "#pickling-table");
    assert.deepEqual(rows.map((r) => r.mode.replace(/\d+/g, "k")), isolated
      ? ["sequential", "threads (k)", "processes (k slices)"]
      : ["sequential (one worker)", "processes (k slices)"], base);
    for (const row of rows) assert.equal(row.sum, expected.toString(), `${base} ${row.mode}`);
    const bytes = (row) => Number(row.copied.replaceAll(",", ""));
    const processes = rows[rows.length - 1];
    // Slices cut out of the array, then each copied into its worker's memory: twice the array.
    assert.equal(bytes(processes), 2 * 4 * n);
    assert.ok(Number(processes.messages) >= 4);
    if (isolated) {
      // Threads copy it once, into the memory they share, and send no messages.
      assert.equal(bytes(rows[1]), 4 * n);
      assert.equal(rows[1].messages, "0");
    }
    assert.match(await page.textContent("#pickling-info"), /every mode computed the same sum/);
    assert.deepEqual(problems, []);
    await page.close();
  }
});

test("on a crate's own package (?package=levenshtein) the form has the crate's workload, and runs it", async () => {
  const { page, problems } = await open(context, "/?package=levenshtein");
  await page.waitForSelector("body[data-ready=true]", { timeout: 60_000 });
  const names = await page.$$eval("#workload option", (options) => options.map((o) => o.value));
  assert.ok(names.includes("levenshtein") && names.includes("primes"), names.join());
  assert.match(await page.textContent("#package"), /examples\/levenshtein's package: webpar's, and levenshtein that the crate added/);
  await page.selectOption("#workload", "levenshtein");
  assert.deepEqual(await page.$$eval("#params input", (inputs) => inputs.map((i) => i.id)), ["param-words", "param-length"]);
  const { error, rows: [sequential, parallel] } = await compareInForm(page, "levenshtein", { words: 20_000 }, 2);
  assert.equal(error, "");
  assert.equal(sequential.checksum, parallel.checksum);
  assert.match(await page.textContent("#results-title"), /^levenshtein \(/);
  assert.deepEqual(problems, []);
  await page.close();
  // webpar's own page links to it; a name that is not a directory of ./examples/ is refused.
  const home = await readyPage();
  assert.equal(await home.page.getAttribute("#package a", "href"), "?package=levenshtein");
  await home.page.close();
  const bad = await open(context, "/?package=../pkg");
  await bad.page.waitForFunction(() => document.querySelector("#status").textContent.startsWith("Could not start"));
  assert.match(await bad.page.textContent("#status"), /give the name of a directory of \.\/examples\//);
  await bad.page.close();
});

test("a first visit shows a result with its timeline and the prediction beside Run, on a wide screen and on a phone", async () => {
  for (const viewport of [{ width: 1280, height: 800 }, { width: 390, height: 844 }]) {
    const page = await context.newPage();
    const problems = [];
    page.on("console", (msg) => { if (msg.type() === "error") problems.push(msg.text()); });
    page.on("pageerror", (err) => problems.push(err.message));
    await page.setViewportSize(viewport);
    await page.goto(BASE_URL + "/");
    await page.waitForSelector("body[data-ready=true]", { timeout: 90_000 });
    const threads = Number(await page.getAttribute("#status", "data-threads"));
    assert.match(await page.textContent("#results-title"), /^primes \(below=2,000,000\)/);
    assert.equal(await page.locator("#first-run").isVisible(), true);
    // Seen without scrolling: the result's table and the timeline's first lanes.
    const table = await page.locator("#results-table").boundingBox();
    assert.ok(table.y + table.height <= viewport.height, `${viewport.width}: the table ends at ${table.y + table.height}`);
    assert.ok((await page.locator("#timeline svg").boundingBox()).y < viewport.height, "the timeline starts on the first screen");
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), viewport.width, "nothing wider than the screen");
    // The timeline: one lane for the sequential run, one per thread for the parallel one; every
    // chunk drawn with a title naming it.
    const drawn = await page.evaluate(() => ({
      lanes: document.querySelectorAll("#timeline rect.lane").length,
      modes: [...document.querySelectorAll("#timeline g[data-mode]")].map((g) => g.dataset.mode),
      chunks: [...document.querySelectorAll("#timeline rect.chunk")].map((rect) => rect.querySelector("title").textContent),
    }));
    assert.equal(drawn.lanes, 1 + threads);
    assert.deepEqual(drawn.modes, ["sequential", "parallel"]);
    const [sequentialChunks, parallelChunks] = ["sequential", "parallel"].map((mode) => drawn.chunks.filter((t) => t.startsWith(mode)));
    assert.ok(sequentialChunks.length > 10 && sequentialChunks.length === parallelChunks.length, `${sequentialChunks.length} / ${parallelChunks.length}`);
    assert.match(parallelChunks[0], /^parallel thread \d+: pass 0, chunk \d+ of \d+, [\d.]+ ms \(at [\d.]+ ms\)$/);
    assert.match(await page.textContent("#timeline-summary"), /^sequential: \d+ chunks, busy \d+% of [\d.,]+ ms; parallel: /);
    // The prediction beside Run, and beside the measured speedup.
    assert.match(await page.textContent("#prediction"), /^Predicted: [\d.]+× \([\d.]+–[\d.]+\) on \d+ threads$/);
    const prediction = await page.locator("#prediction").boundingBox();
    const run = await page.locator("#run").boundingBox();
    assert.ok(Math.abs(prediction.y - run.y) < 60 || viewport.width < 600, "the prediction sits by the Run button");
    if (await page.getAttribute("body", "data-busy") === "false") {
      assert.match(await page.textContent("#verdict"), /^parallel ran [\d.]+× as fast on \d+ threads \(predicted [\d.]+×, [\d.]+–[\d.]+\); they were busy \d+% of its/);
    }
    assert.deepEqual(problems, []);
    await page.close();
  }
});

test("the sections are tabs, by mouse and by keyboard, and the address names the open one", async () => {
  const { page, problems } = await readyPage();
  const shown = () => page.evaluate(() => [...document.querySelectorAll('[role="tabpanel"]')].filter((p) => !p.hidden).map((p) => p.id));
  assert.deepEqual(await shown(), ["panel-compare"]);
  await page.click("#tab-lab");
  assert.deepEqual(await shown(), ["panel-lab"]);
  assert.equal(await page.getAttribute("#tab-lab", "aria-selected"), "true");
  assert.match(page.url(), /#lab$/);
  await page.keyboard.press("ArrowRight");
  assert.deepEqual(await shown(), ["panel-io"]);
  assert.equal(await page.evaluate(() => document.activeElement.id), "tab-io");
  await page.keyboard.press("End");
  assert.deepEqual(await shown(), ["panel-history"]);
  // Nothing blank waits for a click: the history says what will be there.
  assert.match(await page.textContent("#history-empty"), /Runs you start on this page/);
  await page.keyboard.press("Home");
  assert.deepEqual(await shown(), ["panel-compare"]);
  assert.equal(await page.evaluate(() => [...document.querySelectorAll('[role="tab"]')].filter((t) => t.tabIndex === 0).map((t) => t.id).join()), "tab-compare");
  await page.click("#tab-data");
  assert.equal(await page.locator("#mandelbrot").isVisible(), false, "no blank canvas before it is drawn");
  // Opened at #io, the page shows that tab.
  await page.goto(`${BASE_URL}/#io`);
  await page.waitForSelector("body[data-ready=true]", { timeout: 90_000 });
  assert.deepEqual(await shown(), ["panel-io"]);
  assert.deepEqual(problems, []);
  await page.close();
});

test("a busy machine: the result says so instead of a speedup sentence, and offers to run again", async () => {
  // ?load=16: 16 spinning workers while the comparison runs (the advice's probe runs before
  // them, on the quiet machine): on up to 8 cores, a thread gets half a core or less.
  const { page, problems } = await open(context, "/?load=16");
  await page.waitForSelector("body[data-ready=true]", { timeout: 120_000 });
  assert.equal(await page.getAttribute("body", "data-busy"), "true");
  assert.equal(await page.locator("#busy-note").isVisible(), true);
  assert.match(await page.textContent("#busy-why"), /^The machine was busy during this run, so its speedup says little about the job: .+\. Close other work/);
  assert.equal(await page.textContent("#verdict"), "");
  assert.doesNotMatch(await page.textContent("#peers"), /no GIL/);
  await page.click("#run-again");
  await page.waitForSelector("#run:not([disabled])", { timeout: 120_000 });
  assert.match(await page.textContent("#results-title"), /^primes \(below=2,000,000\)/);
  assert.deepEqual(problems, []);
  await page.close();
});

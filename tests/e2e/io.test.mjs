// The I/O panel end to end: sequential vs concurrent timer calls against the ideal, the
// browser's connection limit made visible with fetch, cancelling, and the pipeline.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { inPage, launch, readyPage as openReady, tableCells } from "./browser.mjs";

/** The page, its I/O tab open. */
const readyPage = async () => {
  const opened = await openReady(context);
  await opened.page.click("#tab-io");
  return opened;
};

let context;
before(async () => { context = await launch(); });
after(async () => { await context?.close(); });



test("timer calls: concurrent near the ideal, sequential projected, timeline drawn", async () => {
  const { page, problems } = await readyPage();
  await page.fill("#io-calls", "1000");
  await page.fill("#io-latency", "50");
  await page.fill("#io-concurrency", "100");
  await page.click("#io-run");
  await page.waitForSelector("#io-results:not([hidden])", { timeout: 60_000 });
  assert.equal(await page.textContent("#io-error"), "");
  const [sequential, concurrent] = await tableCells(page, "#io-table");
  assert.equal(sequential.concurrency, "1");
  assert.equal(concurrent.concurrency, "100");
  assert.equal(concurrent.calls, "1,000");
  assert.equal(concurrent.ideal, "500", "ceil(1000 / 100) x 50 ms");
  assert.equal(concurrent.inflight, "100");
  assert.equal(concurrent.failed, "0");
  const ratio = Number(concurrent.ratio.replace("×", ""));
  assert.ok(ratio >= 1 && ratio < 3, `ratio to ideal ${ratio}`);
  assert.match(await page.textContent("#io-summary"), /1,000 results were delivered in 1 batch;/);
  assert.equal(await page.locator("#io-note").isHidden(), true, "timers have no connection limit");
  const datasets = await page.evaluate(() => Chart.getChart("io-chart").data.datasets.map((d) => [d.label, d.data.length]));
  assert.ok(datasets.some(([label, n]) => label === "concurrent: in flight" && n > 0), JSON.stringify(datasets));
  assert.deepEqual(problems, []);
  await page.close();
});

test("same-origin fetches above 6 in flight show the browser's connection limit", async () => {
  const { page, problems } = await readyPage();
  await page.selectOption("#io-source", "fetch");
  await page.fill("#io-calls", "120");
  await page.click("#io-run");
  await page.waitForSelector("#io-results:not([hidden])", { timeout: 60_000 });
  assert.equal(await page.textContent("#io-error"), "");
  const [, concurrent] = await tableCells(page, "#io-table");
  assert.equal(concurrent.concurrency, "50");
  assert.equal(concurrent.failed, "0");
  const note = page.locator("#io-note");
  assert.equal(await note.isVisible(), true);
  assert.match(await note.textContent(), /at most 6 connections per host over HTTP\/1\.1, so of 50 fetches in flight only about [\d.]+ were served at once/);
  assert.deepEqual(problems, []);
  await page.close();
});

test("Cancel stops an I/O run, and the pipeline reports both phases", async () => {
  const { page, problems } = await readyPage();
  await page.fill("#io-calls", "100000");
  await page.fill("#io-latency", "100");
  await page.fill("#io-concurrency", "10");
  await page.click("#io-run");
  await page.waitForFunction(() => !document.querySelector("#io-cancel").disabled);
  await page.waitForTimeout(300);
  await page.click("#io-cancel");
  await page.waitForSelector("#io-run:not([disabled])", { timeout: 10_000 });
  assert.match(await page.textContent("#io-error"), /^AbortError: /);

  await page.click("#io-pipeline");
  await page.waitForSelector("#pipeline-results:not([hidden])", { timeout: 120_000 });
  assert.equal(await page.textContent("#io-error"), "");
  const [sequential, concurrent, streamedRow] = await tableCells(page, "#pipeline-table");
  assert.equal(sequential[1], "1");
  assert.equal(sequential[2], "1");
  assert.equal(concurrent[1], "6");
  assert.equal(sequential[6], concurrent[6], "same checksum");
  assert.equal(streamedRow[0], "streamed: mapAsync → map");
  assert.match(streamedRow[6], /^[\d,]+ words$/);
  assert.match(await page.textContent("#pipeline-summary"), /100 documents of 256 KiB .* I\/O [\d.]+× faster with concurrent fetches, CPU [\d.]+× faster on the pool, [\d.]+× in all\. Checksums match ✓\. Streamed \(.*at most 12 held where the phased run holds all 100\): [\d.]+× the phased run's speed .*words match ✓\./);
  assert.deepEqual(problems, []);
  await page.close();
});

test("the page's event loop runs between any two onBatch calls", async () => {
  const seen = await inPage(async ({ default: init, Runner }) => {
    await init();
    const runner = new Runner();
    const events = [];
    // The page's own work: a macrotask loop that notes each turn it gets.
    const channel = new MessageChannel();
    let running = true;
    channel.port1.onmessage = () => {
      events.push("page");
      if (running) channel.port2.postMessage(null);
    };
    channel.port2.postMessage(null);
    await runner.io({ calls: 100, latencyMs: 0, batchSize: 10 }, {
      onBatch: () => {
        events.push("batch");
        const until = performance.now() + 20;
        while (performance.now() < until) { /* an onBatch that works for a while */ }
      },
    });
    running = false;
    const batches = events.flatMap((event, i) => (event === "batch" ? [i] : []));
    const backToBack = batches.slice(1).filter((at, k) => !events.slice(batches[k], at).includes("page")).length;
    return { batches: batches.length, backToBack };
  });
  assert.deepEqual(seen, { batches: 10, backToBack: 0 });
});

// The Lab on the demo page, end to end: every experiment runs once from the page with small
// parameters (isolated: all seven; without isolation the threads ones say what they need),
// a run can be cancelled, runs join the history export, and the page passes an automated
// accessibility check (axe-core) with no serious or critical violation.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { BASE_URL, OPEN_URL, launch, open, tableCells } from "./browser.mjs";

const SMALL = {
  gil: { n: 20_000_000 }, race: { increments: 1_000_000 }, locks: { rounds: 300 }, queue: { items: 10_000 },
  pickling: { n: 100_000, tasks: 2_000 }, asyncio: { calls: 6, latency: 20, limit: 2, ticks: 3 }, exceptions: { timeoutMs: 10 },
};
const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

let context;
before(async () => { context = await launch(); });
after(async () => { await context?.close(); });

async function ready(base) {
  const opened = await open(context, "/", base);
  await opened.page.waitForSelector("body[data-ready=true]", { timeout: 60_000 });
  return opened;
}

async function runFromPage(page, name) {
  await page.click("#tab-lab");
  await page.selectOption("#lab-experiment", name);
  for (const [key, value] of Object.entries(SMALL[name])) await page.fill(`#lab-param-${key}`, String(value));
  await page.click("#lab-run");
  await page.waitForSelector("#lab-run:not([disabled])", { timeout: 120_000 });
  return {
    error: await page.textContent("#lab-error"),
    status: await page.textContent("#lab-status"),
    rows: await tableCells(page, "#lab-table"),
    shown: await page.getAttribute("#lab-results", "data-experiment"),
    chartLabel: await page.getAttribute("#lab-chart", "aria-label"),
  };
}

test("every lab experiment runs from the page, shows its table and chart, and joins the history", async () => {
  const { page, problems } = await ready(BASE_URL);
  const names = await page.$$eval("#lab-experiment option", (options) => options.map((o) => o.value));
  assert.deepEqual(names, ["gil", "race", "locks", "queue", "pickling", "asyncio", "exceptions"]);
  for (const name of names) {
    const seen = await runFromPage(page, name);
    assert.equal(seen.error, "", `${name}: ${seen.error}`);
    assert.equal(seen.shown, name);
    assert.ok(seen.rows.length >= 4, `${name}: ${seen.rows.length} rows`);
    assert.match(seen.status, /finished: \d+ rows below\.$/);
    assert.match(seen.chartLabel, / by .*the same numbers are in the table above$/);
  }
  // The race's unsynchronized row lost updates or not; the synchronized ones never do.
  await runFromPage(page, "race");
  const race = await tableCells(page, "#lab-table");
  assert.deepEqual(race.slice(1).map((row) => row.lostUpdates), ["0", "0", "0"]);
  // Every run is in the history and its CSV export.
  const history = await page.$$eval("#history-table tbody tr", (rows) => rows.map((r) => r.children[1].textContent));
  assert.equal(history.filter((kind) => kind === "lab").length, names.length + 1);
  await page.click("#tab-history");
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#export-csv")]);
  const text = readFileSync(await download.path(), "utf8");
  assert.match(text, /,lab,race,/);
  assert.deepEqual(problems, []);
  await page.close();
});

test("a lab run can be cancelled, and the next one runs", async () => {
  const { page, problems } = await ready(BASE_URL);
  await page.click("#tab-lab");
  await page.selectOption("#lab-experiment", "asyncio");
  await page.fill("#lab-param-calls", "1000");
  await page.fill("#lab-param-latency", "1000");
  await page.click("#lab-run");
  await page.waitForSelector("#lab-cancel:not([disabled])");
  await page.click("#lab-cancel");
  await page.waitForSelector("#lab-run:not([disabled])", { timeout: 10_000 });
  assert.match(await page.textContent("#lab-error"), /^AbortError/);
  assert.match(await page.textContent("#lab-status"), /stopped: AbortError\.$/);
  const next = await runFromPage(page, "locks");
  assert.equal(next.error, "");
  // An out-of-range param is shown at its field; nothing runs.
  await page.fill("#lab-param-rounds", "0");
  await page.click("#lab-run");
  assert.match(await page.textContent("#lab-param-rounds-error"), /a whole number from 1 to/);
  assert.equal(await page.getAttribute("#lab-param-rounds", "aria-invalid"), "true");
  assert.deepEqual(problems, []);
  await page.close();
});

test("without isolation the page's lab runs the JS experiments and explains the threads ones", async () => {
  const { page, problems } = await ready(OPEN_URL);
  await page.click("#tab-lab");
  const labels = await page.$$eval("#lab-experiment option", (options) => options.map((o) => o.textContent));
  assert.equal(labels.filter((label) => label.endsWith("(needs threads: an isolated page)")).length, 3);
  for (const name of ["gil", "pickling", "asyncio", "exceptions"]) {
    const seen = await runFromPage(page, name);
    assert.equal(seen.error, "", `${name}: ${seen.error}`);
  }
  const race = await runFromPage(page, "race");
  assert.match(race.error, /^PoolNotReadyError: the lab's "race" needs threads sharing memory/);
  assert.deepEqual(problems, []);
  await page.close();
});

test("the page has no serious or critical accessibility violation (axe-core), isolated or not", async () => {
  for (const base of [BASE_URL, OPEN_URL]) {
    const { page } = await ready(base);
    // With results, errors and charts on screen too.
    await runFromPage(page, "gil");
    await page.click("#tab-compare");
    await page.click("#run");
    await page.waitForSelector("#run:not([disabled])", { timeout: 120_000 });
    // The comparison's result was announced in the live region.
    assert.match(await page.textContent("#announce"), /ms.*checksums match\.$/);
    // Inputs are named by their labels alone; range and error are tied with aria-describedby.
    const described = await page.$eval("#param-n, #param-below, #param-width", (input) =>
      input.getAttribute("aria-describedby").split(" ").map((id) => document.getElementById(id)?.className));
    assert.deepEqual(described, ["param-help", "field-error"]);
    assert.equal(await page.getAttribute("#progress", "aria-label"), "progress of the run");
    assert.equal(await page.getAttribute("#chart", "role"), "img");
    // Choosing another pool size does not reload the page; its button does, and says so.
    const url = page.url();
    const other = await page.$$eval("#pool-size option", (options) =>
      options.map((o) => o.value).find((v) => v !== document.getElementById("pool-size").value));
    await page.selectOption("#pool-size", other);
    assert.equal(page.url(), url);
    assert.equal(await page.isEnabled("#pool-size-apply"), true);
    await page.evaluate(AXE);
    // Every tab, each with its panel shown (axe skips what is hidden), and on a phone's screen.
    for (const viewport of [null, { width: 390, height: 844 }]) {
      if (viewport) await page.setViewportSize(viewport);
      for (const tab of ["compare", "data", "lab", "io", "history"]) {
        await page.click(`#tab-${tab}`);
        const { violations, passes } = await page.evaluate(async () => {
          const result = await window.axe.run(document);
          return {
            passes: result.passes.length,
            violations: result.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(" ")).slice(0, 5) })),
          };
        });
        // The check ran: axe passed dozens of its rules here.
        assert.ok(passes >= 20, `axe passed only ${passes} rules`);
        const serious = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
        assert.deepEqual(serious, [], `${base}, tab ${tab}${viewport ? ", 390x844" : ""}: ${JSON.stringify(serious, null, 1)}`);
      }
    }
    await page.close();
  }
});

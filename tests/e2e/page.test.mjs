// The demo page end to end: isolation, a comparison of every workload's defaults, inline
// validation errors, and no console or page errors.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, open } from "./browser.mjs";

let context;
before(async () => { context = await launch(); });
after(async () => { await context?.close(); });

async function readyPage() {
  const opened = await open(context);
  await opened.page.waitForSelector("body[data-ready=true]", { timeout: 60_000 });
  return opened;
}

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
  assert.deepEqual(names, ["countdown", "sum", "primes", "mandelbrot", "montecarlo_pi", "nbody", "equations", "sha256", "sort", "matmul"]);
  for (const name of names) {
    await page.selectOption("#workload", name);
    await page.fill("#repeats", "3");
    await page.click("#run");
    await page.waitForSelector("#run:not([disabled])", { timeout: 120_000 });
    assert.equal(await page.textContent("#error"), "", `${name}: no error`);
    const rows = await page.$$eval("#results-table tbody tr", (trs) =>
      trs.map((tr) => Object.fromEntries([...tr.cells].map((td) => [td.dataset.col, td.textContent]))));
    assert.equal(rows.length, 2, name);
    const [sequential, parallel] = rows;
    assert.equal(sequential.mode, "sequential");
    assert.equal(parallel.mode, "parallel");
    assert.equal(sequential.threads, "1");
    assert.ok(Number(parallel.threads) >= 2, `${name}: parallel threads`);
    assert.equal(sequential.checksum, parallel.checksum, `${name}: checksums`);
    assert.equal(parallel.match, "✓");
    const speedup = Number(parallel.speedup.replace("×", ""));
    assert.ok(speedup > 1, `${name}: speedup ${speedup} should be > 1`);
    assert.match(await page.textContent("#results-title"), new RegExp(`^${name} \\(`));
    assert.equal(await page.locator("#chart").isVisible(), true);
  }
  assert.deepEqual(problems, []);
  await page.close();
});

test("an out-of-range param shows an inline error and nothing runs", async () => {
  const { page, problems } = await readyPage();
  await page.selectOption("#workload", "primes");
  await page.fill("#param-below", "-5");
  await page.click("#run");
  const fieldError = page.locator('[data-error-for="below"]');
  await fieldError.waitFor();
  assert.match(await fieldError.textContent(), /below.*out of range.*0\.\.=1000000000/);
  assert.equal(await page.getAttribute("#param-below", "aria-invalid"), "true");
  assert.equal(await page.locator("#results").isHidden(), true, "no results");
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
  assert.equal(await page.locator("#results").isHidden(), true, "still no results");
  assert.deepEqual(problems, []);
  await page.close();
});

// Shared set-up of the end-to-end tests: Debian's Chromium, headless, driven by
// playwright-core, against the dev server that build.sh started (BASE_URL).
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import assert from "node:assert/strict";
import { chromium } from "playwright-core";

export const BASE_URL = process.env.BASE_URL ?? "http://127.0.0.1:8080";
/** The same dev server's files without COOP/COEP, nor the threads frame's header (`webpar-serve --no-isolation --no-frame-header`). */
export const OPEN_URL = process.env.OPEN_URL ?? "http://127.0.0.1:8081";
/** The same without COOP/COEP, with the threads frame's header (`--no-isolation` alone). */
export const FRAME_URL = process.env.FRAME_URL ?? "http://127.0.0.1:8082";

// Root needs --no-sandbox; the rest stop Chromium from calling home on a closed network,
// where it would stall.
export const CHROMIUM_ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
  "--disable-dev-shm-usage",
];

/** Launches Chromium with a fresh profile. */
export async function launch() {
  const userDataDir = mkdtempSync(join(tmpdir(), "webpar-chromium-"));
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: CHROMIUM_ARGS,
    headless: true,
  });
}

/** Opens `path` and records every console error and page error in `problems`. */
export async function open(context, path = "/", base = BASE_URL) {
  const page = await context.newPage();
  const problems = [];
  page.on("console", (msg) => { if (msg.type() === "error") problems.push(`console: ${msg.text()}`); });
  page.on("pageerror", (err) => problems.push(`page error: ${err.message}`));
  await page.goto(new URL(path, base).href);
  return { page, problems };
}

/** Opens the demo page and waits until its pool is ready. */
export async function readyPage(context) {
  const opened = await open(context);
  await opened.page.waitForSelector("body[data-ready=true]", { timeout: 60_000 });
  return opened;
}

/**
 * Runs a comparison from the demo page's form: picks `workload`, fills its `params` and the
 * repeats, clicks Run and waits for it to end. Returns the error shown (empty when none) and
 * the rows of the results table.
 */
export async function compareInForm(page, workload, params, repeats) {
  await page.selectOption("#workload", workload);
  for (const [name, value] of Object.entries(params)) await page.fill(`#param-${name}`, String(value));
  await page.fill("#repeats", String(repeats));
  await page.click("#run");
  await page.waitForSelector("#run:not([disabled])", { timeout: 120_000 });
  return { error: await page.textContent("#error"), rows: await tableCells(page, "#results-table") };
}

/** The rows of a table's body: one object per row, keyed by each cell's data-col (or index). */
export function tableCells(page, selector) {
  return page.$$eval(`${selector} tbody tr`, (trs) =>
    trs.map((tr) => Object.fromEntries([...tr.cells].map((td, i) => [td.dataset.col ?? i, td.textContent]))));
}

/**
 * Runs `fn(webpar)` in the demo page (its own script stubbed out) with the package imported,
 * and returns its result. A Promise of webpar that never settles fails the test after
 * `limitMs` instead of hanging it; so does any console error or page error. `isolated:
 * false` opens the page served without COOP/COEP, `base` another server's; `arg` (JSON) is passed to `fn`.
 */
export async function inPage(fn, { limitMs = 60_000, isolated = true, base, arg } = {}) {
  const context = await launch();
  try {
    await context.route("**/app.js", (route) => route.fulfill({ body: "", contentType: "text/javascript" }));
    const { page, problems } = await open(context, "/", base ?? (isolated ? BASE_URL : OPEN_URL));
    let timer;
    const hung = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(
        `the page's Promise never settled; the page said: ${problems.join(" | ") || "nothing"}`)), limitMs);
    });
    const evaluated = page.evaluate(`import("/pkg/webpar.js").then((webpar) => (${fn})(webpar, ${JSON.stringify(arg)}))`);
    const result = await Promise.race([evaluated, hung]).finally(() => clearTimeout(timer));
    assert.deepEqual(problems, []);
    return result;
  } finally {
    await context.close();
  }
}

// The start-up soak: the demo page loaded many times in a row, and `init()` then one job in a
// bare page as many times, each in a fresh browser context, while every core is kept busy by
// processes that spin (a busy machine is when a start used to stall: the page's thread met a
// lock a worker held, and `Atomics.wait` trapped there). Counts the loads that failed (an
// error on the page) and those that stalled (neither ready nor failed within the limit).
//
// Usage: node bench/startup.mjs OUT.json [LOADS] (BASE_URL: the dev server, isolated; CHROMIUM).
// The end-to-end suite runs a short one (tests/e2e/startup.test.mjs); `./build.sh bench` 200.
import { spawn } from "node:child_process";
import { availableParallelism } from "node:os";
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { CHROMIUM_ARGS } from "../tests/e2e/browser.mjs";

/** A start that is neither ready nor failed after this long has stalled. */
const STALL_MS = 45_000;

/** Keeps every core busy until the returned function is called. */
export function busyMachine(processes = availableParallelism()) {
  const spinners = Array.from({ length: processes }, () =>
    spawn(process.execPath, ["-e", "for (;;) {}"], { stdio: "ignore" }));
  return () => { for (const spinner of spinners) spinner.kill("SIGKILL"); };
}

/**
 * Loads the demo page `loads` times and makes a bare page `init()` and run one job as many
 * times, each in a fresh context of one browser. Resolves with, for each kind, the count of
 * ready, failed and stalled starts, the slowest start, and what the failures said.
 */
export async function startupSoak({ loads, base = process.env.BASE_URL ?? "http://127.0.0.1:8080", log = () => {} }) {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: CHROMIUM_ARGS,
    headless: true,
  });
  const kinds = {
    page: { ready: 0, failed: 0, stalled: 0, slowestMs: 0, problems: [] },
    init: { ready: 0, failed: 0, stalled: 0, slowestMs: 0, problems: [] },
  };
  try {
    for (let i = 0; i < loads; i++) {
      for (const kind of ["page", "init"]) {
        const context = await browser.newContext();
        try {
          const outcome = await startOnce(context, kind, base);
          const tally = kinds[kind];
          tally[outcome.result] += 1;
          tally.slowestMs = Math.max(tally.slowestMs, outcome.ms);
          if (outcome.result !== "ready") {
            tally.problems.push(`${kind} #${i}: ${outcome.result}: ${outcome.detail}`);
            log(`startup ${kind} #${i}: ${outcome.result}: ${outcome.detail}`);
          }
        } finally {
          await context.close();
        }
      }
      if ((i + 1) % 50 === 0) log(`startup soak: ${i + 1} of ${loads} of each`);
    }
  } finally {
    await browser.close();
  }
  return kinds;
}

/** One start in `context`: the demo page ("page"), or init() and one job in a bare page ("init"). */
async function startOnce(context, kind, base) {
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (err) => errors.push(err.message));
  const started = Date.now();
  if (kind === "init") {
    // The demo page without its own script: init() here is the page's first start.
    await page.route("**/app.js", (route) => route.fulfill({ body: "", contentType: "text/javascript" }));
  }
  await page.goto(new URL("/", base).href);
  let result;
  let detail = "";
  try {
    if (kind === "page") {
      // The backend up and the form usable (the page's first comparison runs after that).
      await page.waitForSelector("body[data-started=true]", { timeout: STALL_MS });
      result = errors.length ? "failed" : "ready";
    } else {
      const outcome = await page.evaluate(async (limitMs) => {
        const settled = (async () => {
          const { default: init, Runner } = await import("/pkg/webpar.js");
          const { backend } = await init();
          const report = await new Runner().run("primes", { below: 10_000 });
          return `${backend} ${report.checksum}`;
        })().then((value) => ({ ok: true, value }), (err) => ({ ok: false, value: `${err?.name}: ${err?.message}` }));
        const stalled = new Promise((resolve) => setTimeout(() => resolve({ stalled: true }), limitMs));
        return Promise.race([settled, stalled]);
      }, STALL_MS);
      if (outcome.stalled) throw new Error("init() and one job did not settle");
      result = outcome.ok && outcome.value === "threads 1229" && !errors.length ? "ready" : "failed";
      detail = outcome.value;
    }
  } catch (err) {
    // Neither ready nor failed in time: what the page shows, and its page errors.
    result = "stalled";
    detail = `${err.message.split("\n")[0]}; status: ${await page.textContent("#status").catch(() => "?")}`;
  }
  if (errors.length) detail += `; page errors: ${errors.join(" | ")}`;
  return { result, ms: Date.now() - started, detail };
}

// As a script: the bench's stage.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [out, loadsArg] = process.argv.slice(2);
  const loads = Number(loadsArg ?? 200);
  const idle = busyMachine();
  let kinds;
  try {
    kinds = await startupSoak({ loads, log: console.log });
  } finally {
    idle();
  }
  const rows = Object.entries(kinds).map(([kind, tally]) => ({
    kind: "startup", case: kind, loads, busy_processes: availableParallelism(), ready: tally.ready,
    failed: tally.failed, stalled: tally.stalled, slowest_ms: tally.slowestMs, problems: tally.problems.slice(0, 10),
  }));
  for (const row of rows) {
    console.log(`startup soak, ${row.case === "page" ? "demo page loads" : "bare init() + one job"}: ${row.ready} ready, ` +
      `${row.failed} failed, ${row.stalled} stalled of ${loads} (slowest ${row.slowest_ms} ms) with every core busy`);
  }
  writeFileSync(out, JSON.stringify({ rows }, null, 2));
}

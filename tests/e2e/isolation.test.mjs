// Without the COOP/COEP headers there are no threads: the page says so, explains the headers,
// and runs every workload on isolated workers instead (the processes backend);
// capabilities() names the reason threads cannot run.
import { test } from "node:test";
import assert from "node:assert/strict";
import { OPEN_URL, compareInForm, launch, open } from "./browser.mjs";

test("without cross-origin isolation the page runs on isolated workers and explains the headers", async () => {
  const context = await launch();
  try {
    const { page, problems } = await open(context, "/", OPEN_URL);
    await page.waitForSelector("body[data-ready=true]", { timeout: 60_000 });
    assert.equal(await page.evaluate(() => crossOriginIsolated), false);
    assert.match(await page.textContent("#status"),
      /^Not cross-origin isolated: no threads on this page · running on \d+ isolated workers \(processes\)/);
    assert.equal(await page.getAttribute("#status", "data-backend"), "processes");
    const help = await page.textContent("#isolation-help");
    assert.match(help, /Cross-Origin-Opener-Policy: same-origin/);
    assert.match(help, /Cross-Origin-Embedder-Policy: require-corp/);
    assert.equal(await page.locator("#app").isVisible(), true);
    assert.equal(await page.locator("#with-processes-box").isHidden(), true);
    assert.match(await page.textContent("#run"), /sequential vs processes/);

    // A comparison runs on the process pool: same checksums, what crossed is shown.
    const { error, rows: [sequential, processes] } = await compareInForm(page, "countdown", { n: 50_000_000 }, 2);
    assert.equal(error, "");
    assert.equal(sequential.mode, "sequential");
    assert.equal(processes.mode, "processes");
    assert.equal(sequential.checksum, processes.checksum);
    assert.match(processes.moved, /^\d+ messages, [\d.]+ (B|KiB|MiB)$/);
    assert.match(await page.textContent("#peers"), /CPython on 2 cores runs the same countdown at 0\.92× on threads/);

    // The API itself says why threads cannot run here, and which headers would fix it.
    const why = await page.evaluate(async () => {
      const { capabilities } = await import("/pkg/webpar.js");
      const { threads } = capabilities();
      return `${threads.ok}: ${threads.why.join("; ")}`;
    });
    assert.match(why, /^false: .*cross-origin isolated.*Cross-Origin-Embedder-Policy/);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

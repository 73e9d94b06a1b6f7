// Without the COOP/COEP headers the page cannot have threads: it must explain the headers
// instead of waiting forever, and initThreadPool must reject with PoolNotReadyError.
import { test } from "node:test";
import assert from "node:assert/strict";
import { launch, open } from "./browser.mjs";

test("without cross-origin isolation the page explains the headers instead of hanging", async () => {
  const context = await launch();
  try {
    // Serve every response without the isolation headers, as a misconfigured server would.
    await context.route("**/*", async (route) => {
      const response = await route.fetch();
      const headers = { ...response.headers() };
      delete headers["cross-origin-opener-policy"];
      delete headers["cross-origin-embedder-policy"];
      await route.fulfill({ response, headers });
    });
    const { page, problems } = await open(context);
    await page.locator("#isolation-help").waitFor({ timeout: 30_000 });
    assert.equal(await page.evaluate(() => crossOriginIsolated), false);
    assert.match(await page.textContent("#status"), /Not cross-origin isolated/);
    const help = await page.textContent("#isolation-help");
    assert.match(help, /Cross-Origin-Opener-Policy: same-origin/);
    assert.match(help, /Cross-Origin-Embedder-Policy: require-corp/);
    assert.equal(await page.locator("#app").isHidden(), true);

    // The API itself says the same, as a typed error.
    const rejection = await page.evaluate(async () => {
      const { default: init, initThreadPool } = await import("/pkg/webpar.js");
      try {
        await init();
        await initThreadPool(2);
        return "resolved";
      } catch (err) {
        return `${err.name}: ${err.message}`;
      }
    });
    assert.match(rejection, /^PoolNotReadyError: .*cross-origin isolated.*Cross-Origin-Embedder-Policy/);

    // I/O jobs need no pool: they work on this page all the same.
    const io = await page.evaluate(async () => {
      const { Runner } = await import("/pkg/webpar.js");
      const report = await new Runner().io({ calls: 200, latencyMs: 5, concurrency: 50 });
      return [report.succeeded, report.maxInFlight];
    });
    assert.deepEqual(io, [200, 50]);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

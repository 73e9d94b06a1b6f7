// The README's JS example, run as it is on a page served by the dev server.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { launch, open } from "./browser.mjs";

const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
const example = readme.match(/## JS API[\s\S]*?```js\n([\s\S]*?)```/)?.[1];

test("the README's JS example runs and prints what it promises", async () => {
  assert.ok(example, "README has a js block under ## JS API");
  const context = await launch();
  try {
    // The demo page without its own script, so that the example's init() and
    // initThreadPool() are the first calls.
    await context.route("**/app.js", (route) =>
      route.fulfill({ body: "", contentType: "text/javascript" }));
    const { page, problems } = await open(context, "/");
    const logs = [];
    page.on("console", (msg) => { if (msg.type() === "log") logs.push(msg.text()); });
    const done = page.waitForEvent("console", {
      predicate: (msg) => msg.text().startsWith("InvalidParamsError"),
      timeout: 120_000,
    });
    await page.addScriptTag({ type: "module", content: example });
    await done;
    assert.equal(logs[0], "countdown, sum, primes, mandelbrot, montecarlo_pi, nbody, equations, sha256, sort, matmul, empty");
    assert.match(logs[1], /^78498 primes below 1,000,000 in [\d.]+ ms on \d+ threads$/);
    assert.match(logs[2], /^mandelbrot: [\d.]+x on \d+ threads, checksums match: true$/);
    assert.match(logs[3], /^1 threads: 1\.00x, 2 threads: [\d.]+x/);
    assert.match(logs[4], /^AbortError after [1-9]\d* progress reports$/);
    assert.match(logs[5], /^InvalidParamsError about below: primes: param "below" is out of range/);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

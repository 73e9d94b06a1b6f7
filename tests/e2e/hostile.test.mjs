// Hostile input never corrupts the engine: thousands of calls whose arguments throw while
// webpar reads them, callbacks that throw, freed runners and URLs that leave the origin, then
// 100 normal runs that must all succeed, with the heap back where it was.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { launch, open } from "./browser.mjs";

const corpus = readFileSync(new URL("./hostile-corpus.js", import.meta.url), "utf8");

test("thousands of hostile calls all reject with typed errors, and the engine stays sound", { timeout: 300_000 }, async () => {
  const context = await launch();
  try {
    // The demo page without its own script; the corpus is served as a module beside it.
    await context.route("**/app.js", (route) => route.fulfill({ body: "", contentType: "text/javascript" }));
    await context.route("**/hostile-corpus.js", (route) =>
      route.fulfill({ body: corpus, contentType: "text/javascript" }));
    const { page, problems } = await open(context, "/");
    const result = await page.evaluate(() => import("/hostile-corpus.js").then((m) => m.run()));
    const { seen, validateTyped, callbacks, freed, urls, normal, heapBefore, heapAfter } = result;

    assert.equal(seen.calls, 12_000);
    assert.equal(seen.pending, 0, "no Promise stays pending");
    assert.equal(seen.sync, 0, "no Promise-returning method throws synchronously");
    assert.deepEqual(seen.resolved, [], "hostile calls never resolve; well-formed ones give the right answer");
    assert.deepEqual(Object.keys(seen.names), ["InvalidParamsError"], JSON.stringify(seen.names));
    assert.equal(seen.names.InvalidParamsError, 12_000);
    assert.ok(seen.causeExpected > 5_000, `${seen.causeExpected} calls with a cause to keep`);
    assert.equal(seen.causeKept, seen.causeExpected, "err.cause is exactly what the caller's code threw");
    assert.equal(validateTyped, 1000);

    assert.deepEqual(callbacks, { progress: 10, finalProgress: 10, batch: 10, results: 10 });

    assert.equal(freed.secondFree, "no throw");
    const freedNames = freed.names.reduce((n, name) => ({ ...n, [name]: (n[name] ?? 0) + 1 }), {});
    assert.deepEqual(freedNames, { RunnerFreedError: 601, TypeError: 400 });

    assert.deepEqual(urls, {
      "//example.com/x?i={i}": "InvalidParamsError url",
      "/\\example.com/x": "InvalidParamsError url",
      "/\\/example.com/{i}": "InvalidParamsError url",
      "///example.com/": "InvalidParamsError url",
      "http://127.0.0.{i}:1/x": "InvalidParamsError url",
      "javascript:alert(1)": "InvalidParamsError url",
      "/api/delay?ms=1&i={i}": "ok 3",
      [`${new URL(page.url()).origin}/api/delay?ms=1&i={i}`]: "ok 3",
    });

    assert.equal(normal, 100, "100 normal runs after the hostile ones, all right");
    // Nothing leaked: no exception unwound through Rust frames (it would skip destructors).
    assert.ok(heapAfter - heapBefore < 256 * 1024, `heap grew by ${heapAfter - heapBefore} bytes`);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test("a params object with 100,000 keys is refused before any of its getters runs, in run, submit, validate and map", { timeout: 120_000 }, async () => {
  const { inPage } = await import("./browser.mjs");
  const seen = await inPage(async ({ default: init, Runner }) => {
    await init({ threads: 2 });
    const runner = new Runner();
    let getterRuns = 0;
    const huge = () => {
      const params = { below: 1000 };
      for (let i = 0; i < 100_000; i++) {
        Object.defineProperty(params, `k${i}`, { enumerable: true, get() { getterRuns += 1; return 1; } });
      }
      return params;
    };
    const failure = (err) => `${err?.name}: ${err?.message}`;
    const out = {};
    out.run = await runner.run("primes", huge()).catch(failure);
    out.submit = await runner.submit("primes", huge()).catch(failure);
    try { runner.validate("primes", huge()); out.validate = "accepted"; } catch (err) { out.validate = failure(err); }
    out.map = await (async () => {
      try { for await (const _ of runner.map("primes", [{ below: 10 }, huge()])) { /* next */ } return "accepted"; } catch (err) { return failure(err); }
    })();
    out.getterRuns = getterRuns;
    // Still sound.
    out.after = (await runner.run("primes", { below: 1000 })).checksum;
    return out;
  });
  for (const method of ["run", "submit", "validate", "map"]) {
    assert.match(seen[method], /^InvalidParamsError: .*100001 keys, more than the 256 read/, `${method}: ${seen[method]}`);
  }
  assert.equal(seen.getterRuns, 0);
  assert.equal(seen.after, "168");
});

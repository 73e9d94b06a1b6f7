// runner.io for real calls: the method, headers and body of every request (from a template
// or a function of the index), and the response bodies handed to onBatch as JSON, text or
// bytes, held only until their batch is delivered.
import { test } from "node:test";
import assert from "node:assert/strict";
import { inPage } from "./browser.mjs";

test("io: requests with method, headers and body; responses as json, text and bytes", { timeout: 120_000 }, async () => {
  const seen = await inPage(async ({ default: init, memoryUsage, Runner }) => {
    await init();
    const runner = new Runner();
    const out = {};
    const echoed = [];
    const report = await runner.io({
      source: "fetch", url: "/api/echo?i={i}", calls: 40, concurrency: 8, batchSize: 7,
      as: "json", method: "POST",
      headers: (i) => ({ "x-index": String(i), "x-fixed": "yes" }),
      body: (i) => `payload ${i}`,
    }, { onBatch: (batch) => echoed.push(...batch) });
    out.json = {
      succeeded: report.succeeded,
      all: echoed.length,
      right: echoed.every((r) => r.body.method === "POST" && r.body.query === `i=${r.index}` &&
        r.body.headers["x-index"] === String(r.index) && r.body.headers["x-fixed"] === "yes" &&
        r.body.body === `payload ${r.index}`),
    };
    const texts = [];
    await runner.io({ source: "fetch", url: "/api/doc?i={i}&bytes=100", calls: 3, as: "text" },
      { onBatch: (batch) => texts.push(...batch.map((r) => [r.index, typeof r.body, r.body.length])) });
    out.text = texts.sort((a, b) => a[0] - b[0]);
    const bytes = [];
    await runner.io({ source: "fetch", url: "/api/delay?bytes=300&i={i}", calls: 2, as: "bytes", headers: { "x-any": "1" } },
      { onBatch: (batch) => bytes.push(...batch.map((r) => `${r.body.constructor.name} ${r.body.length} ${r.body[0]}`)) });
    out.bytes = bytes;
    // A body that is not JSON fails its call (not retried); others go on.
    const notJson = await runner.io({ source: "fetch", url: "/api/doc?i={i}&bytes=20", calls: 2, as: "json", retries: 2 });
    out.notJson = [notJson.failed, notJson.retries, notJson.firstErrors[0]?.startsWith("the body is not JSON")];
    // Without onBatch the bodies are dropped as their batch completes: memory stays flat.
    const before = memoryUsage().heapBytes;
    await runner.io({ source: "fetch", url: "/api/delay?bytes=10000&i={i}", calls: 300, concurrency: 50, as: "bytes" });
    out.heapGrowth = memoryUsage().heapBytes - before;
    // Bad options and throwing functions.
    const name = (p) => p.then(() => "resolved", (e) => `${e.name} ${e.param ?? ""}`.trim());
    const broken = new Error("no headers for you");
    out.bad = {
      as: await name(runner.io({ source: "fetch", url: "/api/echo", calls: 1, as: "xml" })),
      method: await name(runner.io({ source: "fetch", url: "/api/echo", calls: 1, method: "GET /x" })),
      timer: await name(runner.io({ calls: 1, as: "text" })),
      headers: await name(runner.io({ source: "fetch", url: "/api/echo", calls: 1, headers: [] })),
      throws: await runner.io({ source: "fetch", url: "/api/echo?i={i}", calls: 50, concurrency: 5,
        headers: (i) => { if (i === 7) throw broken; return {}; } }).then(() => "resolved",
        (e) => `${e.name} ${e.cause === broken} ${e.report.succeeded < 50}`),
    };
    return out;
  });
  assert.deepEqual(seen.json, { succeeded: 40, all: 40, right: true });
  assert.deepEqual(seen.text, [[0, "string", 100], [1, "string", 100], [2, "string", 100]]);
  assert.deepEqual(seen.bytes, ["Uint8Array 300 120", "Uint8Array 300 120"]);
  assert.deepEqual(seen.notJson, [2, 0, true]);
  assert.ok(seen.heapGrowth < 1 << 20, `wasm heap grew ${seen.heapGrowth} bytes`);
  assert.deepEqual(seen.bad, {
    as: "InvalidParamsError as",
    method: "InvalidParamsError method",
    timer: "InvalidParamsError as",
    headers: "InvalidParamsError headers",
    throws: "CallbackError true true",
  });
});

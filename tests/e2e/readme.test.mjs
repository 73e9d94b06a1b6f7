// The README's first example and the JS API guide's examples (docs/guide/api.md), run as they
// are on pages served by the dev server.
import { test } from "node:test";
import assert from "node:assert/strict";
import { BASE_URL, FRAME_URL, OPEN_URL, launch, open } from "./browser.mjs";
import { apiExample as example, apiSection as section, checkApiLogs, firstExample as first, firstExampleLogs } from "./api-examples.mjs";

/** The pages the examples run on: isolated (threads), not (isolated workers), and not but with the threads frame's header. */
const PAGES = [
  { page: "isolated", base: BASE_URL, backend: "threads" },
  { page: "not isolated", base: OPEN_URL, backend: "processes" },
  { page: "not isolated, the frame isolated", base: FRAME_URL, backend: "frame" },
];

for (const { page: kind, base, backend } of PAGES) {
test(`the API guide's JS examples run and print what they promise (${kind}: ${backend})`, async () => {
  assert.ok(section.includes("```js"), "docs/guide/api.md has js blocks under ## JS API");
  const context = await launch();
  try {
    // The demo page without its own script, so that the example's init() and
    // initThreadPool() are the first calls.
    await context.route("**/app.js", (route) =>
      route.fulfill({ body: "", contentType: "text/javascript" }));
    const { page, problems } = await open(context, "/", base);
    const logs = [];
    page.on("console", (msg) => { if (msg.type() === "log") logs.push(msg.text()); });
    const done = page.waitForEvent("console", {
      predicate: (msg) => msg.text() === "README examples done",
      timeout: 180_000,
    });
    await page.addScriptTag({ type: "module", content: example });
    await done.catch((err) => {
      throw new Error(`${err.message}; the page logged: ${logs.join(" | ")}; problems: ${problems.join(" | ")}`);
    });
    checkApiLogs(logs, {
      backendLine: backend === "threads" ? "backend: threads" : `backend: ${backend} (threads: the page is not cross-origin isolated)`,
      shared: backend === "threads",
    });
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});
}

for (const { page: kind, base, backend } of PAGES) {
  test(`the README's first example runs and prints what it promises (${kind}: ${backend})`, async () => {
    assert.match(first, /from "webpar"/);
    const context = await launch();
    try {
      await context.route("**/app.js", (route) => route.fulfill({ body: "", contentType: "text/javascript" }));
      const { page, problems } = await open(context, "/", base);
      const logs = [];
      page.on("console", (msg) => { if (msg.type() === "log") logs.push(msg.text()); });
      const done = page.waitForEvent("console", { predicate: (msg) => msg.text() === "first example done", timeout: 60_000 });
      // The page resolves "webpar" as an app's bundler would: to the package.
      const code = first.replace('from "webpar"', 'from "/pkg/webpar.js"') + '\nconsole.log("first example done");\n';
      await page.addScriptTag({ type: "module", content: code });
      await done.catch((err) => { throw new Error(`${err.message}; the page logged: ${logs.join(" | ")}; problems: ${problems.join(" | ")}`); });
      assert.deepEqual(logs, firstExampleLogs(backend));
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
}

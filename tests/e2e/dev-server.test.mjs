// The dev server (webpar-serve): every response carries its headers, hyper's own answers
// included; a simulated call's status is a final one; TypeScript declarations are text.
import { test } from "node:test";
import assert from "node:assert/strict";
import { BASE_URL, FRAME_URL, OPEN_URL } from "./browser.mjs";

const isolation = (response) => [
  response.headers.get("cross-origin-opener-policy"), response.headers.get("cross-origin-embedder-policy"),
];

test("a 100 KB URL gets a 414 with the isolation headers, as every other response", async () => {
  const response = await fetch(`${BASE_URL}/api/delay?x=${"a".repeat(100_000)}`);
  assert.equal(response.status, 414);
  assert.deepEqual(isolation(response), ["same-origin", "require-corp"]);
  assert.equal(response.headers.get("access-control-allow-origin"), "*");
  assert.equal(response.headers.get("cache-control"), "no-cache");
  // Without isolation: no COOP/COEP there, the rest the same.
  const open = await fetch(`${OPEN_URL}/api/delay?x=${"a".repeat(100_000)}`);
  assert.equal(open.status, 414);
  assert.deepEqual(isolation(open), [null, null]);
  assert.equal(open.headers.get("cache-control"), "no-cache");
});

test("/api/delay refuses a status outside 200..=599 with 400, and answers the others", async () => {
  for (const status of [100, 101, 199, 600, 999, 1000]) {
    const response = await fetch(`${BASE_URL}/api/delay?status=${status}`);
    assert.equal(response.status, 400, `status=${status}`);
    assert.match(await response.text(), /^status must be in 200\.\.=599, got \d+$/);
    assert.deepEqual(isolation(response), ["same-origin", "require-corp"], `status=${status}`);
  }
  for (const status of [200, 204, 404, 503, 599]) {
    const response = await fetch(`${BASE_URL}/api/delay?status=${status}`);
    assert.equal(response.status, status);
    assert.deepEqual(isolation(response), ["same-origin", "require-corp"], `status=${status}`);
  }
});

test("TypeScript declarations are served as text, JavaScript and wasm with their types", async () => {
  const type = async (path) => (await fetch(`${BASE_URL}${path}`)).headers.get("content-type");
  assert.equal(await type("/pkg/webpar.d.ts"), "text/plain; charset=utf-8");
  assert.match(await type("/pkg/webpar.js"), /^text\/javascript/);
  assert.equal(await type("/pkg/webpar_core_bg.wasm"), "application/wasm");
});

test("without isolation, the threads frame's document alone carries Document-Isolation-Policy; --no-frame-header leaves it off", async () => {
  const policy = async (base, path) => (await fetch(`${base}${path}`)).headers.get("document-isolation-policy");
  assert.equal(await policy(FRAME_URL, "/pkg/webpar-frame.html"), "isolate-and-credentialless");
  assert.equal(await policy(FRAME_URL, "/examples/levenshtein/webpar-frame.html"), "isolate-and-credentialless");
  assert.equal(await policy(FRAME_URL, "/"), null);
  assert.equal(await policy(FRAME_URL, "/pkg/webpar.js"), null);
  assert.equal(await policy(OPEN_URL, "/pkg/webpar-frame.html"), null);
  // An isolated page needs no frame: no such header there.
  assert.equal(await policy(BASE_URL, "/pkg/webpar-frame.html"), null);
});

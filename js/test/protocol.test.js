// The worker protocol is declared once: every message type is prefixed, none repeats, and the
// Rust snippet that starts the pool's threads uses exactly protocol.js's pool-thread types.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { MESSAGE } from "../src/protocol.js";

const src = new URL("../src/", import.meta.url);

test("every message type is prefixed and distinct", () => {
  const types = Object.values(MESSAGE);
  assert.ok(types.length >= 13);
  for (const type of types) assert.match(type, /^webpar:[a-z-]+$/);
  assert.equal(new Set(types).size, types.length);
});

test("no module of the package spells a message type out", () => {
  const modules = readdirSync(src, { recursive: true }).filter((f) => f.endsWith(".js") && f !== "protocol.js");
  assert.ok(modules.length > 15, modules.join(", "));
  for (const file of modules) {
    const text = readFileSync(new URL(file, src), "utf8");
    assert.doesNotMatch(text, /"webpar:[a-z-]+"/, file);
  }
});

test("the pool-thread snippet of the Rust side uses protocol.js's types", () => {
  const snippet = readFileSync(new URL("../../src/web/snippets/workers.js", import.meta.url), "utf8");
  const used = [...snippet.matchAll(/"(webpar:[a-z-]+)"/g)].map((m) => m[1]);
  assert.ok(used.length >= 5);
  for (const type of used) assert.ok(Object.values(MESSAGE).includes(type), type);
});

test("the threads frame's document uses protocol.js's types", () => {
  const html = readFileSync(new URL("webpar-frame.html", src), "utf8");
  const used = [...html.matchAll(/"(webpar:[a-z-]+)"/g)].map((m) => m[1]);
  assert.ok(used.length >= 1);
  for (const type of used) assert.ok(Object.values(MESSAGE).includes(type), type);
});

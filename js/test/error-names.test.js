// Every error name the Rust side gives a JS Error (`ErrorKind::js_name` in src/error.rs) is one
// of the package's error classes, so `instanceof` works for every error the engine makes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { ERROR_NAMES } from "../src/errors.js";

test("the engine's error names are all classes of errors.js", () => {
  const rust = readFileSync(new URL("../../src/error.rs", import.meta.url), "utf8");
  const names = [...rust.matchAll(/ErrorKind::\w+ => "(\w+)"/g)].map((m) => m[1]);
  assert.ok(names.length >= 9, names.join(", "));
  for (const name of names) assert.ok(ERROR_NAMES.includes(name), `${name} has no class in js/src/errors.js`);
});

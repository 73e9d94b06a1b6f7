// The error classes: one per stable name, instanceof through adopt, nothing of the app's changed.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  AbortError, ERROR_NAMES, InvalidParamsError, TimeoutError, WebparError, adopt, describeThrown,
  invalid, typedError,
} from "../src/errors.js";
import * as errors from "../src/errors.js";
import { readFileSync } from "node:fs";

test("every stable name has an exported class of that name, a WebparError and an Error", () => {
  assert.equal(ERROR_NAMES.length, 18);
  for (const name of ERROR_NAMES) {
    const type = errors[name];
    assert.equal(typeof type, "function", name);
    const error = new type("m");
    assert.equal(error.name, name);
    assert.ok(error instanceof WebparError && error instanceof Error, name);
    assert.equal(String(error), `${name}: m`);
  }
});

test("the names survive a minifier: they are strings, not the classes' own names", () => {
  const source = readFileSync(new URL("../src/errors.js", import.meta.url), "utf8");
  for (const name of ERROR_NAMES) assert.ok(source.includes(`["${name}", ${name}]`), name);
});

test("typedError makes the class of its name and keeps the cause", () => {
  const cause = new RangeError("inner");
  const error = typedError("TimeoutError", "too slow", cause);
  assert.ok(error instanceof TimeoutError);
  assert.equal(error.message, "too slow");
  assert.equal(error.cause, cause);
  const other = typedError("TypeError", "an app's name");
  assert.equal(other.name, "TypeError");
  assert.ok(!(other instanceof WebparError));
});

test("invalid names the parameter", () => {
  const error = invalid("bad", "threads");
  assert.ok(error instanceof InvalidParamsError);
  assert.equal(error.param, "threads");
});

test("adopt gives a plain Error with a webpar name its class and keeps what it carries", () => {
  const plain = new Error("from the wasm module", { cause: 42 });
  plain.name = "AbortError";
  plain.param = "signal";
  const stack = plain.stack;
  assert.equal(adopt(plain), plain);
  assert.ok(plain instanceof AbortError);
  assert.equal(plain.name, "AbortError");
  assert.equal(plain.cause, 42);
  assert.equal(plain.param, "signal");
  assert.equal(plain.stack, stack);
});

test("adopt leaves the app's errors and other values alone", () => {
  const dom = new DOMException("stopped", "AbortError");
  adopt(dom);
  assert.ok(dom instanceof DOMException && !(dom instanceof AbortError));
  const typeError = new TypeError("x");
  adopt(typeError);
  assert.equal(Object.getPrototypeOf(typeError), TypeError.prototype);
  const unnamed = new Error("x");
  adopt(unnamed);
  assert.equal(Object.getPrototypeOf(unnamed), Error.prototype);
  for (const value of [null, undefined, 1, "AbortError", { name: "AbortError" }]) assert.equal(adopt(value), value);
});

test("describeThrown says something for anything thrown", () => {
  assert.equal(describeThrown(new Error("m")), "m");
  assert.equal(describeThrown({ a: 1 }), '{"a":1}');
  assert.equal(describeThrown(Symbol("s")), "Symbol(s)");
  const hostile = new Proxy({}, { get() { throw new Error("no"); }, ownKeys() { throw new Error("no"); } });
  assert.equal(typeof describeThrown(hostile), "string");
});

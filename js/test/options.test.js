// The option readers (options.js): one rule per kind of option, the same for every method.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readOptions, signalOption, submitOptions, timeOption, wholeOption } from "../src/options.js";
import { InvalidParamsError } from "../src/errors.js";

const refused = (param) => (error) => error instanceof InvalidParamsError && error.param === param;

test("a time limit is a whole number of milliseconds in 1..=2147483647, or no limit", () => {
  for (const ok of [1, 50, 2_147_483_647]) assert.equal(timeOption(ok, "timeoutMs"), ok);
  assert.equal(timeOption(undefined, "timeoutMs"), undefined);
  for (const bad of [0, -1, 1.5, Number.NaN, Infinity, 2_147_483_648, "50", null]) {
    assert.throws(() => timeOption(bad, "deadlineMs"), refused("deadlineMs"), String(bad));
  }
});

test("submit's options read timeoutMs and deadlineMs by the same rule, and name the method", () => {
  assert.throws(() => submitOptions({ timeoutMs: 0 }), refused("timeoutMs"));
  assert.throws(() => submitOptions({ deadlineMs: 2.5 }), refused("deadlineMs"));
  assert.throws(() => submitOptions({ nope: 1 }, ["mode"], "run's options"), (error) =>
    refused("nope")(error) && /of run's options/.test(error.message));
  const read = submitOptions({ timeoutMs: 10, priority: 2, mode: "sequential" });
  assert.deepEqual({ ...read, signal: undefined }, {
    signal: undefined, timeoutMs: 10, deadlineMs: undefined, priority: 2, onProgress: undefined, mode: "sequential",
  });
});

test("a signal is an AbortSignal; anything else is refused without being called", () => {
  const signal = new AbortController().signal;
  assert.equal(signalOption(signal), signal);
  let called = false;
  const fake = { get aborted() { called = true; return false; }, addEventListener() { called = true; } };
  assert.throws(() => signalOption(fake), refused("signal"));
  assert.equal(called, false);
  // (A Proxy of a signal, which browsers cannot read, is refused there: tests/e2e/hostile.)
});

test("an options object is read once: unknown keys are named, getters run once", () => {
  let reads = 0;
  const read = readOptions({ get a() { reads += 1; return 1; } }, ["a"], "the options");
  assert.deepEqual([read.a, reads], [1, 1]);
  assert.throws(() => readOptions({ b: 1 }, ["a"], "the options"), refused("b"));
  assert.throws(() => readOptions(5, ["a"], "the options"), refused("options"));
  assert.equal(wholeOption(undefined, "n", 1, 3, 2), 2);
  assert.throws(() => wholeOption(4, "n", 1, 3, 2), refused("n"));
});

// The demo's task module for createWorkerPool: plain exported functions, run on isolated
// workers (`createWorkerPool(new URL("./tasks.js", import.meta.url))`). The end-to-end tests
// use it too. An app writes its own, importing progress and transfer from "webpar/task".
import { progress, transfer } from "./pkg/task.js";

/** Its argument: a task of no work, whose time is the pool's round trip (the benchmark's). */
export function identity(value) {
  return value;
}

/** The n-th Fibonacci number, the slow way: pure CPU. */
export function fib(n) {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

/** Adds up the bytes of a buffer (moved here with `transfer`), with their count. */
export function sumBytes(buffer) {
  const bytes = new Uint8Array(buffer);
  let sum = 0;
  for (const byte of bytes) sum += byte;
  return { sum, length: bytes.length };
}

/** Writes 1 into the first 32-bit word of a buffer and returns its size: what crossing to a
 * task costs, and whether the page sees the write (a SharedArrayBuffer is shared, an
 * ArrayBuffer copied). */
export function mark(buffer) {
  new Int32Array(buffer)[0] = 1;
  return buffer.byteLength;
}

/** Adds `value` to every counter of a SharedArrayBuffer the page shares with this task: shared,
 * not copied, so the page sees the sums. */
export function addShared(buffer, value) {
  const counters = new Int32Array(buffer);
  for (let i = 0; i < counters.length; i++) Atomics.add(counters, i, value);
  return counters.length;
}

/** `length` bytes counting up from 0, moved back to the page rather than copied. */
export function countingBytes(length) {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = i & 255;
  return transfer(bytes, [bytes.buffer]);
}

/** Busy for `ms` milliseconds, reporting progress ten times; returns the steps it reported. */
export function busy(ms) {
  const start = performance.now();
  let reported = 0;
  for (let elapsed = 0; elapsed < ms; elapsed = performance.now() - start) {
    const step = Math.floor((elapsed / ms) * 10);
    if (step > reported) {
      reported = step;
      progress(step / 10);
    }
  }
  progress(1);
  return reported + 1;
}

/** Never returns: only terminating its worker stops it. */
export function forever() {
  for (;;) {
    // Spin.
  }
}

/** An error of the app's own, with a name of its own. */
class ValidationError extends Error {
  constructor(message) {
    super(message);
    this.name = "ValidationError";
    this.field = "email";
  }
}

/** Rejects with ValidationError: its name, message, stack and fields come back to the page. */
export async function validate(value) {
  await null;
  throw new ValidationError(`not an email address: ${value}`);
}

/** Crashes its worker: an error thrown outside the task, from a timer. */
export function crash() {
  setTimeout(() => {
    throw new Error("an uncaught error in a timer");
  }, 0);
  return new Promise(() => {});
}

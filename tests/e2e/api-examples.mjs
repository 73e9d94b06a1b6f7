// The README's first example and the JS API guide's examples (docs/guide/api.md), read once
// for every place that runs them as they are written: pages served by the dev server
// (readme.test.mjs) and Node.js and Deno (tests/runtimes/).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

const guide = readFileSync(new URL("../../docs/guide/api.md", import.meta.url), "utf8");
/** The guide's "JS API" section. */
export const apiSection = guide.split("\n## JS API\n")[1]?.split("\n## ")[0] ?? "";
/** Every js block of the "JS API" section, in order, as one module that says when it is done. */
export const apiExample = [...apiSection.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]).join("\n") +
  '\nconsole.log("README examples done");\n';
/** The README's "First example", which imports the package by its name as an app does. */
export const firstExample = readFileSync(new URL("../../README.md", import.meta.url), "utf8")
  .split("\n## First example\n")[1]?.match(/```js\n([\s\S]*?)```/)?.[1] ?? "";
/** What the first example prints on `backend`, with the end marker the runners add. */
export function firstExampleLogs(backend) {
  return [`sorted on ${backend}: -1 2 3`, "primes: 168", "primes: 1229", "TimeoutError: true", "first example done"];
}

/**
 * Checks what the API guide's examples printed, in order: `backendLine` is what the
 * backend's example line says, `shared` whether a SharedArrayBuffer could be shared with a
 * task (cross-origin isolated pages, Node.js, Deno).
 */
export function checkApiLogs(logs, { backendLine, shared }) {
  assert.match(logs[0], /^countdown, sum, primes(, \w+)+$/);
  assert.ok(logs[0].split(", ").includes("empty"), logs[0]);
  assert.match(logs[1], /^78498 primes below 1,000,000 in [\d.]+ ms on \d+ threads$/);
  assert.match(logs[2], /^mandelbrot: [\d.]+x on \d+ threads, checksums match: true$/);
  assert.match(logs[3], /^1 threads: 1\.00x, 2 threads: [\d.]+x/);
  assert.match(logs[4], /^AbortError after [1-9]\d* progress reports$/);
  assert.match(logs[5], /^InvalidParamsError about below: primes: param "below" is out of range/);
  assert.match(logs[6], /^10000 results in 10 batches, 1\.[01]\dx the ideal 5000 ms$/);
  assert.equal(logs[7], "60 of 60 fetched, at most 6 in flight");
  assert.equal(logs[8], "CallbackError: cause kept true, result kept 168");
  assert.equal(logs[9], "InvalidParamsError: no keys for you; heap in use true");
  assert.equal(logs[10], "at most 2 at once; squares 1 4 9 16 25");
  assert.equal(logs[11], "sorted: -1 -0 0 2 3 NaN");
  assert.equal(logs[12], "sum: 3999999995");
  assert.equal(logs[13], "sha256: ba7816bf8f01, ba7816bf8f01");
  assert.equal(logs[14], "drew 320 x 240 pixels");
  assert.equal(logs[15], "x = 1.000, 3.000; singular: 1");
  assert.equal(logs[16], "in place: true, 0.25 0.5 0.75 1");
  assert.match(logs[17], /^OverBudgetError: sort on this input needs \d+ MiB of memory/);
  assert.equal(logs[18], "as completed: the big one last true, 1857859 primes");
  assert.equal(logs[19], "cancelled: AbortError, status cancelled");
  assert.equal(logs[20], "first completed: 4");
  assert.equal(logs[21], "map: 91705");
  assert.equal(logs[22], "AggregateError of InvalidParamsError; tasks cancelled,rejected");
  assert.equal(logs[23], "QueueFullError; room again after the first finished: 148933 primes");
  assert.equal(logs[24], "closed: PoolClosedError; 2 completed, 1 failed, queue wait p50 true");
  assert.equal(logs[25], "20 replies, items 0..19, method POST");
  assert.equal(logs[26], "mapAsync: page=1 page=2 page=3 page=4 page=5 page=6");
  assert.match(logs[27], /^pipeline: [1-9]\d* words in 8 documents$/);
  assert.equal(logs[28], backendLine);
  assert.match(logs[29], /^processes: 78498 primes in \d+ parts, \d+ messages$/);
  assert.equal(logs[30], "fib(25) = 75025; map: 55 6765 832040; ValidationError on email; EngineCrashedError, then 55");
  assert.equal(logs[31], "moved in: 1048576 (0 bytes left here); moved back: 1024 bytes; " +
    (shared ? "shared: 6 6 6 6" : "no SharedArrayBuffer here"));
  assert.match(logs[32], /^timeline: \d+ lanes, every chunk once: true$/);
  assert.match(logs[33], /^advice: (parallel|sequential), true; an empty job runs sequential$/);
  assert.equal(logs[34], "lab: gil, race, locks, queue, pickling, asyncio, exceptions");
  assert.equal(logs[35], "completion order 3,2,1,0: the reverse of submission");
}

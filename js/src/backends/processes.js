// The processes backend: the catalogue's workloads on isolated workers, each running its own
// instance of the build without shared memory (webpar_single.js). It works on any page. A job
// whose workload `splits` is cut into parts (4 per worker), handed out one at a time to
// whichever worker is free, and the parts' checksums are added up here; any other job runs
// whole on one worker. What crosses between the page and the workers is counted: messages,
// bytes copied, bytes transferred.
import { IsolatedWorkers } from "../workers/isolated.js";
import { describeThrown, typedError } from "../errors.js";
import { MESSAGE } from "../protocol.js";
import { host } from "../runtimes/host.js";
import { taskPhases } from "../timeline/timeline.js";

const MASK = (1n << 64n) - 1n;
/** Parts per worker: enough for a worker that finishes early to take another. */
const PARTS_PER_WORKER = 4;
const MAX_PARTS = 4096;

/**
 * The output written into the app's `into`, which the worker checked and wrote a copy of
 * (a message cannot carry the app's own array there and back): the result then holds the
 * app's array, as on threads. If the array was detached or resized meanwhile, the output
 * stays a new array: nothing computed is lost.
 */
export function intoTarget(params, output) {
  try {
    const into = params.into;
    if (!ArrayBuffer.isView(into)) return output;
    if (ArrayBuffer.isView(output)) {
      if (into.length !== output.length) return output;
      into.set(output);
      return into;
    }
    for (const key of ["pixels", "data"]) {
      if (ArrayBuffer.isView(output?.[key]) && into.length === output[key].length) {
        into.set(output[key]);
        return { ...output, [key]: into };
      }
    }
  } catch {
    // Detached, resized or hostile: the new array stays.
  }
  return output;
}

/**
 * Workloads whose `input` is one typed array that parts can take slices of, with how the
 * parts' outputs make the whole one. The page cuts the array into one slice per worker
 * (a copy each: a view would post its whole buffer) and moves each slice to its worker:
 * what the processes backend pays for not sharing memory, as `bytesCopied`.
 */
const SLICED_INPUTS = {
  sum: (outputs) => ({ sum: BigInt.asIntN(64, outputs.reduce((total, o) => total + o.sum, 0n)) }),
};

/** The non-shared build, compiled once on the page and sent to every worker. */
let compiled = null;
export function compileSingleBuild() {
  compiled ??= (async () => {
    if (host.readFile !== null) return WebAssembly.compile(await host.readFile("webpar_single_bg.wasm"));
    const url = new URL("../webpar_single_bg.wasm", import.meta.url);
    try {
      return await WebAssembly.compileStreaming(fetch(url));
    } catch {
      // A server that sends another Content-Type than application/wasm.
      const response = await fetch(url);
      if (!response.ok) throw new Error(`${url} answered HTTP ${response.status}`);
      return WebAssembly.compile(await response.arrayBuffer());
    }
  })();
  compiled.catch(() => { compiled = null; });
  return compiled;
}

/**
 * One worker of the processes backend. Written literally as `new Worker(new URL(...), ...)`
 * so that bundlers emit the worker script and the bindings it imports as a chunk of its own.
 */
function createProcessWorker() {
  if (host.createWorker !== null) return host.createWorker("webpar-process.js", { name: "webpar-process" });
  return new Worker(new URL("../webpar-process.js", import.meta.url), {
    type: "module",
    name: "webpar-process",
  });
}

/** Bytes that structured clone copies for `value` (typed arrays, buffers, strings; Blobs are shared, not copied). */
export function copiedBytes(value, depth = 0) {
  if (value === null || value === undefined || depth > 4) return 0;
  if (typeof value === "string") return value.length * 2;
  if (typeof value !== "object") return 8;
  if (ArrayBuffer.isView(value)) return value.byteLength;
  if (value instanceof ArrayBuffer) return value.byteLength;
  if (typeof Blob !== "undefined" && value instanceof Blob) return 0;
  let total = 0;
  for (const item of Array.isArray(value) ? value : Object.values(value)) total += copiedBytes(item, depth + 1);
  return total;
}

/** The buffers a list of transferables gives up. */
function transferredBytes(transfer) {
  return transfer.reduce((sum, t) => sum + (t instanceof ArrayBuffer ? t.byteLength : 0), 0);
}

function callbackError(thrown) {
  return typedError("CallbackError",
    `onProgress threw (${describeThrown(thrown)}); the job was stopped; err.cause is what it threw`, thrown);
}

/** The timing fields of a RunReport from its repeats' milliseconds. */
export function timings(times) {
  const sorted = [...times].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return {
    timesMs: times,
    medianMs: sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2,
    minMs: sorted[0],
    maxMs: sorted[sorted.length - 1],
    meanMs: times.reduce((a, b) => a + b, 0) / times.length,
  };
}

/**
 * The timeline of one run on isolated workers: one lane per worker of the pool, holding the
 * chunks of the parts it ran and, per part, its "send" (the page posted it: the copy of its
 * input and the message, until the worker took it) and its "answer" (the result's copy and
 * message back), all on the page's clock. The workers recorded in milliseconds since the epoch.
 */
function partsTimeline(results, { started, ended, times, size }) {
  const toPage = (epoch) => epoch - performance.timeOrigin;
  const ids = [...new Set(times.filter(Boolean).map((t) => t.worker))].sort((a, b) => a - b);
  const lanes = Array.from({ length: Math.max(size, ids.length) }, (_, thread) => ({ thread, busyMs: 0, chunks: [], phases: [] }));
  let passes = [];
  results.forEach((result, part) => {
    const recorded = result.timeline;
    const at = times[part];
    if (!recorded || !at) return;
    if (recorded.passes.length > passes.length) passes = recorded.passes;
    const lane = lanes[Math.max(0, ids.indexOf(at.worker))];
    for (const chunk of recorded.lanes.flatMap((l) => l.chunks)) {
      lane.chunks.push({ ...chunk, start: toPage(chunk.start), end: toPage(chunk.end) });
      lane.busyMs += chunk.end - chunk.start;
    }
    lane.phases.push(...taskPhases(at, part));
  });
  for (const lane of lanes) lane.chunks.sort((a, b) => a.start - b.start);
  return { start: started, end: ended, passes, lanes };
}

export class ProcessPool {
  #workers;
  #splits;

  /**
   * `size` workers at most; `splits(name)` tells whether a workload splits into parts;
   * `module` is the compiled non-shared build.
   */
  /** Parts per worker of a splitting job. */
  #partsPerWorker;
  /** What a split run reports as its mode. */
  #splitMode;

  /**
   * `partsPerWorker` (default 4) cuts a splitting job finer: the sequential backend's one
   * in-page "worker" runs many small parts, yielding to the page's event loop between them.
   */
  constructor({
    size, minSize = 0, idleTimeoutMs = 30_000, module, splits, createWorker = createProcessWorker,
    partsPerWorker = PARTS_PER_WORKER, splitMode = "processes",
  }) {
    this.#splits = splits;
    this.#partsPerWorker = partsPerWorker;
    this.#splitMode = splitMode;
    this.#workers = new IsolatedWorkers({
      size, minSize, idleTimeoutMs, what: "process pool",
      spawn: createWorker,
      startMessage: () => ({ message: { type: MESSAGE.start, module } }),
    });
  }

  get size() {
    return this.#workers.size;
  }

  /** Starts every worker now; resolves with the milliseconds it took. */
  async warm() {
    const started = performance.now();
    await this.#workers.warm();
    return performance.now() - started;
  }

  stats() {
    return this.#workers.stats();
  }

  close() {
    this.#workers.close();
  }

  /**
   * Runs a job: `mode` "processes" (split into parts when the workload splits) or
   * "sequential" (whole, on one worker), `repeats` times. Resolves with a RunReport that
   * also says what crossed: `messages`, `bytesCopied`, `bytesTransferred`, `parts`.
   */
  async run(name, params, {
    mode = "processes", repeats = 1, signal, timeoutMs, onProgress, transfer = [], crashForTests, lanes, timeline,
  } = {}) {
    let hasInput;
    let sentBytes;
    try {
      hasInput = params !== null && typeof params === "object" && "input" in params;
      sentBytes = copiedBytes(params);
    } catch (thrown) {
      throw typedError("InvalidParamsError",
        `params threw while they were read (${describeThrown(thrown)}); err.cause is what it threw`, thrown);
    }
    const split = mode === "processes" && !hasInput && this.#splits(name);
    const sliced = mode === "processes" && hasInput && Object.hasOwn(SLICED_INPUTS, name) &&
      ArrayBuffer.isView(params.input) && !(params.input instanceof DataView) && params.input.length > 1;
    const of = split ? Math.min(MAX_PARTS, this.size * this.#partsPerWorker)
      : sliced ? Math.min(this.size, params.input.length) : 1;
    if (transfer.length > 0 && (repeats > 1 || of > 1)) {
      throw typedError("InvalidParamsError", "transfer gives the buffers to one worker: use it with repeats: 1 on a whole job");
    }
    const controller = new AbortController();
    const stop = signal ? AbortSignal.any([signal, controller.signal]) : controller.signal;
    let timer;
    if (timeoutMs !== undefined) {
      timer = setTimeout(() => controller.abort(typedError("TimeoutError",
        `${name} took longer than ${timeoutMs} ms; its workers were stopped and replaced`)), timeoutMs);
    }
    // Measured now: once posted, the given buffers are detached here.
    const givenBytes = transferredBytes(transfer);
    const times = [];
    const checksums = new Set();
    const used = new Set();
    let last;
    let messages = 0;
    let bytesCopied = 0;
    let bytesTransferred = 0;
    let callbackThrew;
    let slicedBytes = 0;
    try {
      for (let repeat = 0; repeat < repeats; repeat++) {
        const started = performance.now();
        // Each part reports its fraction of the whole job (parts share the job's total), so
        // the job's progress is their sum.
        const fractions = new Float64Array(of);
        let shown = 0;
        const show = (ended = false) => {
          // 1 means the job has ended: only the last part's result says so.
          const fraction = ended ? 1 : Math.min(0.999, fractions.reduce((a, b) => a + b, 0));
          if (fraction <= shown) return;
          shown = fraction;
          if (callbackThrew !== undefined) return;
          try {
            onProgress?.((repeat + fraction) / repeats);
          } catch (thrown) {
            // As on threads: the job stops, and rejects with CallbackError.
            callbackThrew = { thrown };
            controller.abort(callbackError(thrown));
          }
        };
        let results;
        // On a timeline: when each part was posted, taken, answered, and on which worker.
        const partTimes = new Array(of);
        try {
          results = await this.#parts(of, lanes ?? of, (index) => {
            let job = { name, params, part: split ? [index, of] : undefined, crash: crashForTests };
            if (timeline) job.timeline = true;
            let moved = transfer;
            if (sliced) {
              const { input } = params;
              const slice = input.slice(Math.floor(index * input.length / of), Math.floor((index + 1) * input.length / of));
              job = { ...job, params: { input: slice } };
              moved = [slice.buffer];
              slicedBytes += slice.byteLength;
            }
            return this.#workers.run(job, {
              signal: stop, transfer: moved, onWorker: (id) => used.add(id),
              onTimes: (at) => { partTimes[index] = at; },
              onEvent: (fraction) => {
                fractions[index] = Math.max(fractions[index], Number(fraction) || 0);
                show();
              },
            });
          }, (done) => show(done === of));
        } catch (error) {
          // One part failed: the others of this job stop too.
          controller.abort(error);
          if (callbackThrew !== undefined) throw callbackError(callbackThrew.thrown);
          throw stop.aborted && stop.reason?.name === "TimeoutError" ? stop.reason : error;
        }
        times.push(performance.now() - started);
        let sum = 0n;
        for (const result of results) sum = (sum + BigInt(result.checksum)) & MASK;
        checksums.add(sum.toString());
        last = { results, sum };
        if (timeline) {
          last.timeline = partsTimeline(results, {
            started, ended: started + times.at(-1), times: partTimes, size: split ? this.size : sliced ? of : 1,
          });
        }
        messages += 2 * of;
        if (sliced) {
          // Each slice was copied out of the app's array, then moved to its worker.
          bytesCopied += slicedBytes;
          bytesTransferred += slicedBytes;
          slicedBytes = 0;
        } else {
          bytesCopied += of * sentBytes - givenBytes;
          bytesTransferred += givenBytes;
        }
        for (const result of results) bytesTransferred += result.output ? copiedBytes(result.output) : 0;
      }
    } finally {
      clearTimeout(timer);
    }
    const first = last.results[0];
    const report = {
      workload: name,
      params: first.params,
      mode: mode === "processes" ? this.#splitMode : mode,
      threads: split ? this.size : sliced ? of : 1,
      threadsUsed: Math.max(1, used.size),
      checksum: last.sum.toString(),
      deterministic: checksums.size === 1,
      ...timings(times),
      backend: "processes",
      parts: of,
      messages,
      bytesCopied: Math.max(0, bytesCopied),
      bytesTransferred,
    };
    if (last.timeline) report.timeline = last.timeline;
    if (sliced) {
      report.params = { n: params.input.length };
      report.output = SLICED_INPUTS[name](last.results.map((result) => result.output));
      // The workers copied their slices into their memories side by side.
      const copies = last.results.map((result) => result.copy);
      report.copy = {
        inMs: Math.max(...copies.map((c) => c.inMs)), inBytes: copies.reduce((t, c) => t + c.inBytes, 0),
        outMs: Math.max(...copies.map((c) => c.outMs)), outBytes: copies.reduce((t, c) => t + c.outBytes, 0),
      };
    } else if (first.output !== undefined) {
      report.output = intoTarget(params, first.output);
      report.copy = first.copy;
    }
    if (callbackThrew !== undefined) {
      // onProgress threw at the very end: the result is kept on the error.
      const error = callbackError(callbackThrew.thrown);
      error.result = report;
      throw error;
    }
    return report;
  }

  /**
   * Runs `part(index)` for every index of `0..of`, at most `lanes` at once (a sweep's k
   * workers); resolves with the results in index order, rejects with the first failure.
   */
  #parts(of, lanes, part, onDone) {
    const results = new Array(of);
    let next = 0;
    let active = 0;
    let done = 0;
    return new Promise((resolve, reject) => {
      const launch = () => {
        while (active < lanes && next < of) {
          // Last part first: where the work per chunk grows with its index (primes' trial
          // divisions), the biggest parts start first and the small ones fill in at the end
          // (longest first); with even work the order does not matter.
          const index = of - 1 - next++;
          active += 1;
          part(index).then((result) => {
            results[index] = result;
            active -= 1;
            done += 1;
            onDone(done);
            if (done === of) resolve(results);
            else launch();
          }, reject);
        }
      };
      launch();
    });
  }

  /**
   * Runs each item whole on a worker, spread over the pool, for runner.map: one result per
   * item (the output, or the checksum of generated params) or the item's own Error.
   */
  async runBatch(name, items, { signal, onTimes } = {}) {
    return Promise.all(items.map((params) => this.#workers.run(onTimes ? { name, params, timeline: true } : { name, params }, { signal, onTimes }).then(
      (result) => (result.output === undefined ? result.checksum : intoTarget(params, result.output)),
      (error) => {
        if (error?.name === "AbortError" || error?.name === "PoolBrokenError" || error?.name === "PoolClosedError") throw error;
        return error;
      },
    )));
  }
}

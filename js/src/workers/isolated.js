// A set of isolated workers (the browser's processes): each has its own memory and talks by
// messages, so they run on any page, cross-origin isolated or not, and a worker that crashes
// takes only its own task down. Both the wasm processes backend (processes.js) and the app's
// own JS worker pool (worker-pool.js) run on it.
//
// Every Promise made here settles: on a result, an error, cancel, timeout, a crash, a failed
// start, close, or a broken pool.
import { describeThrown, typedError } from "../errors.js";
import { MESSAGE } from "../protocol.js";
import { host } from "../runtimes/host.js";

/** Crashes within CRASH_WINDOW_MS that break a pool. */
const CRASH_LIMIT = 5;
const CRASH_WINDOW_MS = 10_000;
/** How long a worker may take to load and start before its start fails. */
const START_TIMEOUT_MS = 30_000;

/** An Error made from what a worker sent (`{ name, message, stack, ... }`). */
export function revive(sent, fallbackName = "Error") {
  const error = typedError(String(sent?.name ?? fallbackName), String(sent?.message ?? sent));
  if (sent && typeof sent === "object") {
    for (const [key, value] of Object.entries(sent)) {
      if (key === "name" || key === "message") continue;
      if (key === "stack") {
        // The worker's own stack, where the error was thrown.
        Object.defineProperty(error, "stack", { value, writable: true, configurable: true });
      } else error[key] = value;
    }
  }
  return error;
}

/** What a worker posts for an error: every own field that structured clone keeps. */
export function flatten(error) {
  if (!(error instanceof Error)) return { name: "Error", message: describeThrown(error) };
  try {
    const out = { name: String(error.name), message: String(error.message), stack: String(error.stack) };
    for (const key of Object.keys(error)) {
      const value = error[key];
      if (value === null || ["string", "number", "boolean"].includes(typeof value)) out[key] = value;
    }
    if (error.cause !== undefined) out.cause = describeThrown(error.cause);
    return out;
  } catch {
    // An error whose fields throw while they are read.
    return { name: "Error", message: describeThrown(error) };
  }
}

/**
 * The worker's side of the protocol, for every kind of isolated worker: `start(message)` runs
 * once MESSAGE.start arrives (answered MESSAGE.ready or MESSAGE.startFailed), then
 * `run(message)` for each MESSAGE.run, one at a time, giving `{ result, transfer }` (or a
 * Promise of it) (MESSAGE.done) or throwing the task's error (MESSAGE.failed). A trap
 * (WebAssembly.RuntimeError), an error outside any task or an unhandled rejection is the
 * worker's crash (MESSAGE.crashed, once; the page replaces the worker), described by
 * `crashMessage(error)` when it knows better.
 */
export function speak({ start, run, crashMessage = () => undefined }) {
  let crashed = false;
  const crash = (error, fallback) => {
    if (crashed) return;
    crashed = true;
    let message;
    try {
      message = crashMessage(error);
    } catch {
      // The instance is past reading.
    }
    postMessage({
      type: MESSAGE.crashed,
      message: message ?? fallback ?? `${error instanceof Error ? error.name : "Error"}: ${describeThrown(error)}`,
      stack: error instanceof Error ? error.stack : undefined,
    });
  };
  self.addEventListener("error", (event) => {
    event.preventDefault();
    crash(event.error, event.message);
  });
  self.addEventListener("unhandledrejection", (event) => {
    event.preventDefault();
    crash(event.reason, `unhandled rejection: ${describeThrown(event.reason)}`);
  });
  self.addEventListener("message", async ({ data }) => {
    if (data?.type === MESSAGE.start) {
      try {
        await start(data);
      } catch (error) {
        postMessage({ type: MESSAGE.startFailed, message: `${error?.name}: ${describeThrown(error)}` });
        return;
      }
      postMessage({ type: MESSAGE.ready });
      return;
    }
    if (data?.type !== MESSAGE.run) return;
    const { id } = data;
    // On a timeline: when the run arrived and when its answer left, ms since the epoch (the
    // page moves them to its own clock).
    const received = data.timeline ? performance.timeOrigin + performance.now() : undefined;
    const fail = (error) => {
      if (error instanceof WebAssembly.RuntimeError) crash(error);
      else postMessage({ type: MESSAGE.failed, id, error: flatten(error) });
    };
    const done = ({ result, transfer = [] }) => {
      try {
        const times = received === undefined ? undefined : [received, performance.timeOrigin + performance.now()];
        postMessage({ type: MESSAGE.done, id, result, times }, transfer);
      } catch (error) {
        const failed = new Error(`the task's value cannot be sent back to the page (${describeThrown(error)}); return plain data, typed arrays or buffers`);
        failed.name = "DataCloneError";
        fail(failed);
      }
    };
    // A run that answers at once (a task function that returns a value, not a Promise) is
    // posted back in this turn, with no Promise in between.
    let answer;
    try {
      answer = run(data);
    } catch (error) {
      fail(error);
      return;
    }
    if (typeof answer?.then === "function") answer.then(done, fail);
    else done(answer);
  });
}

/**
 * The workers of one pool. `spawn()` makes a Worker; `startMessage()` is what it is sent
 * first (it answers MESSAGE.ready or MESSAGE.startFailed). Work goes to the first idle
 * worker, in the order it was asked for; workers start on demand up to `size`, and an idle
 * one is let go after `idleTimeoutMs` while more than `minSize` remain.
 */
export class IsolatedWorkers {
  #spawn;
  #startMessage;
  #what;
  #workers = new Set();
  #queue = [];
  #nextId = 1;
  #crashes = [];
  #broken = null;
  #closed = false;
  #idleTimer = undefined;
  #counts = { messages: 0, crashes: 0, replaced: 0, started: 0 };

  constructor({ size, minSize = 0, idleTimeoutMs = 30_000, spawn, startMessage, what }) {
    this.size = size;
    this.minSize = Math.min(minSize, size);
    this.idleTimeoutMs = idleTimeoutMs;
    this.#spawn = spawn;
    this.#startMessage = startMessage;
    this.#what = what;
  }

  /** The pool's error once it broke (a crash loop), else null. */
  get broken() {
    return this.#broken;
  }

  /**
   * Starts `count` workers now (default: all) and resolves once they are ready; rejects with
   * the first one's PoolNotReadyError if a worker failed to start (its script did not load,
   * its start threw, or it was not ready within START_TIMEOUT_MS).
   */
  async warm(count = this.size) {
    const starting = [];
    while (this.#workers.size < Math.min(count, this.size)) starting.push(this.#startWorker().ready);
    for (const worker of this.#workers) if (worker.state === "starting") starting.push(worker.ready);
    const failure = (await Promise.all(starting)).find((outcome) => outcome !== undefined);
    if (failure !== undefined) throw failure;
  }

  /**
   * Runs one message on one worker. `payload` goes in the run message, `transfer` is its
   * transfer list; `onEvent(value)` gets the worker's progress events, `onWorker(id)` the id
   * of the worker it starts on; with `payload.timeline`, `onTimes({ worker, posted, received,
   * replied, answered })` gets when it was posted, taken by the worker, answered there and
   * answered here, on the page's clock. Rejects with the
   * worker's error, AbortError/TimeoutError (the worker is terminated and replaced when it
   * was running the piece), EngineCrashedError, PoolNotReadyError, PoolBrokenError or
   * PoolClosedError.
   */
  run(payload, { transfer = [], signal, control, timeoutMs, onEvent, onWorker, onTimes } = {}) {
    if (this.#broken) return Promise.reject(this.#broken);
    if (this.#closed) {
      return Promise.reject(typedError("PoolClosedError", `the ${this.#what} is closed; make a new one for more work`));
    }
    return new Promise((resolve, reject) => {
      // Node.js: a worker's answer does not keep the script running by itself (host.js).
      const piece = {
        id: this.#nextId++, payload, transfer, resolve, reject, onEvent, onWorker, onTimes, worker: null, done: false,
        release: host.hold(),
      };
      // A timeout, or a callback of the caller's that threw, is its own reason.
      const stop = (reason) => this.#cancel(piece, ["TimeoutError", "CallbackError"].includes(reason?.name) ? reason
        : typedError("AbortError", `the ${this.#what}'s task was aborted`, reason));
      // Instead of a signal, an object whose `abort(reason)` is set here (the executor's).
      if (control) control.abort = stop;
      if (signal) {
        if (signal.aborted) {
          piece.done = true;
          piece.release();
          reject(signal.reason instanceof Error && signal.reason.name === "AbortError"
            ? signal.reason : typedError("AbortError", `the ${this.#what}'s task was aborted before it started`, signal.reason));
          return;
        }
        const onAbort = () => stop(signal.reason);
        signal.addEventListener("abort", onAbort, { once: true });
        piece.unlisten = () => signal.removeEventListener("abort", onAbort);
      }
      if (timeoutMs !== undefined) {
        piece.timer = setTimeout(() => stop(typedError("TimeoutError",
          `the ${this.#what}'s task took longer than ${timeoutMs} ms; its worker was stopped`)), timeoutMs);
      }
      this.#queue.push(piece);
      this.#dispatch();
    });
  }

  /** Per-worker state and the pool's counts. */
  stats() {
    const now = performance.now();
    return {
      size: this.size,
      minSize: this.minSize,
      idleTimeoutMs: this.idleTimeoutMs,
      queued: this.#queue.length,
      broken: this.#broken !== null,
      ...this.#counts,
      workers: [...this.#workers].map((w) => ({
        id: w.id, state: w.state, tasks: w.tasks, aliveMs: now - w.since,
      })),
    };
  }

  /** Terminates every worker; what is queued or running rejects with PoolClosedError. */
  close() {
    this.#closed = true;
    clearTimeout(this.#idleTimer);
    this.#idleTimer = undefined;
    const error = typedError("PoolClosedError", `the ${this.#what} was closed before this task finished`);
    this.#failAll(error);
  }

  #failAll(error) {
    for (const piece of this.#queue.splice(0)) this.#settle(piece, error);
    for (const worker of [...this.#workers]) {
      if (worker.piece) this.#settle(worker.piece, error);
      this.#remove(worker);
    }
  }

  #startWorker() {
    const worker = {
      id: ++this.#counts.started, state: "starting", piece: null, tasks: 0, since: performance.now(),
      idleSince: 0,
    };
    // Resolves with undefined once the worker is ready, or with why it failed to start.
    let ready;
    worker.ready = new Promise((resolve) => { ready = resolve; });
    const failed = (message) => {
      const error = typedError("PoolNotReadyError", `a worker of the ${this.#what} failed to start: ${message}`);
      ready(error);
      this.#startFailed(worker, error);
    };
    try {
      worker.handle = this.#spawn();
    } catch (error) {
      // Counted as a crash: a pool whose workers never start breaks, and says why.
      this.#workers.add(worker);
      queueMicrotask(() => failed(`${error?.name}: ${error?.message}`));
      return worker;
    }
    this.#workers.add(worker);
    const startTimer = setTimeout(() => failed(`not ready within ${START_TIMEOUT_MS / 1000} s`), START_TIMEOUT_MS);
    worker.handle.addEventListener("message", ({ data }) => {
      switch (data?.type) {
        case MESSAGE.ready:
          clearTimeout(startTimer);
          ready();
          if (worker.state === "starting") {
            worker.state = "idle";
            worker.idleSince = performance.now();
            this.#dispatch();
          }
          break;
        case MESSAGE.startFailed:
          clearTimeout(startTimer);
          failed(data.message);
          break;
        case MESSAGE.done:
        case MESSAGE.failed:
          this.#counts.messages += 1;
          this.#finished(worker, data);
          break;
        case MESSAGE.progress:
          this.#counts.messages += 1;
          try {
            worker.piece?.onEvent?.(data.value);
          } catch {
            // A throwing progress callback does not stop the task.
          }
          break;
        case MESSAGE.crashed: {
          clearTimeout(startTimer);
          const error = crashError(data.message, data.stack);
          ready(worker.state === "starting" ? error : undefined);
          this.#crashed(worker, error);
          break;
        }
        default:
      }
    });
    worker.handle.addEventListener("error", (event) => {
      event.preventDefault?.();
      clearTimeout(startTimer);
      const where = event.filename ? ` (${event.filename}:${event.lineno})` : "";
      const message = event.message || "the worker's script could not be loaded or threw at top level";
      if (worker.state === "starting") {
        failed(`${message}${where}`);
      } else {
        ready();
        this.#crashed(worker, crashError(`${message}${where}`));
      }
    });
    worker.handle.addEventListener("messageerror", () => {
      if (worker.piece) this.#settle(worker.piece, typedError("DataCloneError", "the worker's answer could not be read (structured clone failed)"));
      worker.piece = null;
      worker.state = "idle";
      worker.idleSince = performance.now();
      this.#dispatch();
    });
    try {
      const { message, transfer } = this.#startMessage();
      worker.handle.postMessage(message, transfer ?? []);
    } catch (error) {
      failed(`${error?.name}: ${error?.message}`);
    }
    return worker;
  }

  #dispatch() {
    while (this.#queue.length > 0) {
      let idle = null;
      for (const worker of this.#workers) {
        if (worker.state === "idle") {
          idle = worker;
          break;
        }
      }
      if (idle === null) {
        const starting = [...this.#workers].filter((w) => w.state === "starting").length;
        if (this.#workers.size < this.size && starting < this.#queue.length) {
          this.#startWorker();
          continue;
        }
        return;
      }
      const piece = this.#queue.shift();
      idle.state = "busy";
      idle.piece = piece;
      piece.worker = idle;
      piece.onWorker?.(idle.id);
      try {
        piece.posted = performance.now();
        idle.handle.postMessage({ type: MESSAGE.run, id: piece.id, ...piece.payload }, piece.transfer);
        this.#counts.messages += 1;
      } catch (error) {
        // The payload could not be cloned: this piece fails, the worker is fine.
        idle.piece = null;
        idle.state = "idle";
        idle.idleSince = performance.now();
        this.#settle(piece, typedError("DataCloneError", `the task's arguments cannot be sent to an isolated ` +
          `worker (${describeThrown(error)}): pass plain data (objects, arrays, typed arrays, strings, numbers), ` +
          "not a Proxy, a function or an object with methods; err.cause is the browser's error", error));
      }
    }
    this.#releaseIdle();
  }

  #finished(worker, data) {
    const piece = worker.piece;
    if (!piece || piece.id !== data.id) return;
    worker.piece = null;
    worker.tasks += 1;
    worker.state = "idle";
    worker.idleSince = performance.now();
    if (data.type === MESSAGE.done && Array.isArray(data.times) && piece.onTimes) {
      const [received, replied] = data.times.map((epoch) => epoch - performance.timeOrigin);
      try {
        piece.onTimes({ worker: worker.id, posted: piece.posted, received, replied, answered: performance.now() });
      } catch {
        // Bookkeeping of the caller's: never the task's outcome.
      }
    }
    if (data.type === MESSAGE.done) this.#settle(piece, null, data.result);
    else this.#settle(piece, revive(data.error));
    this.#dispatch();
  }

  #settle(piece, error, value) {
    if (piece.done) return;
    piece.done = true;
    clearTimeout(piece.timer);
    piece.unlisten?.();
    piece.release();
    if (error) piece.reject(error);
    else piece.resolve(value);
  }

  #cancel(piece, error) {
    if (piece.done) return;
    const queued = this.#queue.indexOf(piece);
    if (queued >= 0) this.#queue.splice(queued, 1);
    else if (piece.worker && piece.worker.piece === piece) {
      // No shared flag reaches a running worker: it is stopped, and a fresh one takes its place.
      this.#remove(piece.worker);
      this.#counts.replaced += 1;
      this.#replace();
    }
    this.#settle(piece, error);
  }

  /**
   * A worker that could not start: with no other worker up, what waits fails now with the
   * reason (a wrong URL does not fix itself); the next task tries again.
   */
  #startFailed(worker, error) {
    if (!this.#workers.has(worker)) return;
    this.#remove(worker);
    if (this.#countCrash(error)) return;
    if ([...this.#workers].every((w) => w.state === "starting")) {
      for (const piece of this.#queue.splice(0)) this.#settle(piece, error);
    }
  }

  /** Counts a crash; true when it broke the pool (a crash loop). */
  #countCrash(error) {
    this.#counts.crashes += 1;
    const now = performance.now();
    this.#crashes = this.#crashes.filter((t) => now - t < CRASH_WINDOW_MS);
    this.#crashes.push(now);
    if (this.#crashes.length < CRASH_LIMIT) return false;
    this.#broken = typedError("PoolBrokenError",
      `the ${this.#what} is broken: ${this.#crashes.length} workers crashed or failed to start within ` +
      `${CRASH_WINDOW_MS / 1000} s; the last: ${error.crash ?? error.message}. Fix the cause, then make a new pool`);
    this.#broken.cause = error;
    this.#failAll(this.#broken);
    return true;
  }

  #crashed(worker, error) {
    if (!this.#workers.has(worker)) return;
    const piece = worker.piece;
    this.#remove(worker);
    if (piece) this.#settle(piece, error);
    if (this.#countCrash(error)) return;
    this.#counts.replaced += 1;
    this.#replace();
  }

  /** A fresh worker in place of one that was stopped: the pool keeps its size. */
  #replace() {
    if (this.#closed || this.#broken) return;
    if (this.#workers.size < this.size) this.#startWorker();
    this.#dispatch();
  }

  #remove(worker) {
    worker.state = "gone";
    worker.piece = null;
    this.#workers.delete(worker);
    try {
      worker.handle?.terminate();
    } catch {
      // Already gone.
    }
  }

  /**
   * Lets idle workers go after `idleTimeoutMs`, down to `minSize`: one timer for the pool, set
   * for the first worker due (not a timer per task: a busy pool sets none).
   */
  #releaseIdle() {
    if (this.#idleTimer !== undefined || this.#closed) return;
    let due = Infinity;
    for (const worker of this.#workers) {
      if (worker.state === "idle") due = Math.min(due, worker.idleSince + this.idleTimeoutMs);
    }
    if (due === Infinity) return;
    this.#idleTimer = setTimeout(() => {
      this.#idleTimer = undefined;
      const now = performance.now();
      for (const worker of [...this.#workers]) {
        if (this.#workers.size <= this.minSize) break;
        // A timer may fire a little early: a worker not yet due waits for the next one.
        if (worker.state === "idle" && now - worker.idleSince >= this.idleTimeoutMs) this.#remove(worker);
      }
      this.#releaseIdle();
    }, Math.max(0, due - performance.now()));
    // Node.js: letting idle workers go is no reason to keep a finished script running.
    this.#idleTimer.unref?.();
  }
}

function crashError(message, stack) {
  const crash = String(message).replace(/\s*\n\s*/g, " ");
  const error = typedError("EngineCrashedError",
    `a worker crashed and was replaced (${crash}); only its task failed, the pool goes on`);
  error.crash = crash;
  if (stack) error.workerStack = stack;
  return error;
}

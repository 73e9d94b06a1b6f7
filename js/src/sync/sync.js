// Async coordination on the caller's event loop, in Python's asyncio vocabulary: Semaphore,
// Mutex (asyncio.Lock), Flag (asyncio.Event), Barrier, Queue (with taskDone/join) and every()
// for periodic tasks. The two are not called Lock and Event: those are the web platform's
// (Web Locks' Lock, the DOM's Event), and an app that imports ours would shadow them.
//
// Every wait takes `{ signal }`: aborting it rejects the wait with AbortError and removes the
// waiter, so nothing is left queued and no permit, item or slot is lost. Waiters are served
// first come, first served (FIFO). Errors carry a stable `name`, like every webpar error.
import { typedError } from "../errors.js";

function abortError(what, signal) {
  return typedError("AbortError", `${what} was aborted before it was served`, signal?.reason);
}

/** Checks a `{ signal }` option; returns the signal or undefined. */
function signalOf(options, what) {
  const signal = options?.signal;
  if (signal === undefined) return undefined;
  if (!(signal instanceof AbortSignal)) {
    throw typedError("InvalidParamsError", `${what}: option "signal" must be an AbortSignal`);
  }
  return signal;
}

function wholeNumber(value, name, min, max) {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw typedError("InvalidParamsError", `${name} must be a whole number in ${min}..=${max}, got ${String(value)}`);
  }
  return value;
}

/**
 * A first-come, first-served line of waiters. A waiter that aborts leaves the line at once.
 */
class WaitLine {
  #waiters = new Set();

  get length() { return this.#waiters.size; }

  /**
   * Waits in line until served; `what` names the wait in errors, `payload` travels with the
   * waiter (a putter's item).
   */
  wait(what, options, payload) {
    let signal;
    try {
      signal = signalOf(options, what);
    } catch (error) {
      return Promise.reject(error);
    }
    if (signal?.aborted) return Promise.reject(abortError(what, signal));
    return new Promise((resolve, reject) => {
      const waiter = { resolve, reject, payload, leave: () => {} };
      if (signal) {
        const onAbort = () => {
          this.#waiters.delete(waiter);
          reject(abortError(what, signal));
        };
        signal.addEventListener("abort", onAbort, { once: true });
        waiter.leave = () => signal.removeEventListener("abort", onAbort);
      }
      this.#waiters.add(waiter);
    });
  }

  /** Takes the first waiter out of line (to resolve it), or undefined if nobody waits. */
  takeFirst() {
    for (const waiter of this.#waiters) {
      this.#waiters.delete(waiter);
      waiter.leave();
      return waiter;
    }
    return undefined;
  }

  /** Serves the first waiter with `value`; false if nobody waits. */
  serveOne(value) {
    const waiter = this.takeFirst();
    waiter?.resolve(value);
    return waiter !== undefined;
  }

  /** Rejects every waiter with `error()`. */
  failAll(error) {
    for (const waiter of this.#waiters) {
      waiter.leave();
      waiter.reject(error());
    }
    this.#waiters.clear();
  }

  /** Serves every waiter with `value(i)`. */
  serveAll(value) {
    let i = 0;
    for (const waiter of this.#waiters) {
      waiter.leave();
      waiter.resolve(value(i++));
    }
    this.#waiters.clear();
  }
}

/** A held permit of a Semaphore or Mutex: release it once (or with `using`). */
class Permit {
  #release;
  constructor(release) { this.#release = release; }
  /** Gives the permit back; a second call does nothing. */
  release() {
    const release = this.#release;
    this.#release = undefined;
    release?.();
  }
  [Symbol.dispose ?? Symbol.for("Symbol.dispose")]() { this.release(); }
}

/** At most `permits` holders at once (asyncio.Semaphore); waiters are served in order. */
export class Semaphore {
  #available;
  #line = new WaitLine();

  constructor(permits = 1) {
    this.#available = wholeNumber(permits, "Semaphore permits", 0, 2 ** 31);
  }

  /** Permits free now. */
  get available() { return this.#available; }
  /** Acquirers waiting in line. */
  get waiting() { return this.#line.length; }

  /** Resolves with a Permit once one is free (first come, first served). */
  async acquire(options) {
    if (this.#available > 0 && this.#line.length === 0) {
      this.#available -= 1;
    } else {
      await this.#line.wait("Semaphore.acquire()", options);
    }
    return new Permit(() => this.release());
  }

  /** A permit if one is free now, else null. Never jumps the line. */
  tryAcquire() {
    if (this.#available === 0 || this.#line.length > 0) return null;
    this.#available -= 1;
    return new Permit(() => this.release());
  }

  /** Gives a permit back: to the first waiter, or to the pool of free permits. */
  release() {
    if (!this.#line.serveOne()) this.#available += 1;
  }

  /** Runs `fn()` holding a permit, and releases it however `fn` ends. */
  async run(fn, options) {
    const permit = await this.acquire(options);
    try {
      return await fn();
    } finally {
      permit.release();
    }
  }
}

/** One holder at a time (asyncio.Lock). */
export class Mutex extends Semaphore {
  constructor() { super(1); }
  /** Whether someone holds it. */
  get locked() { return this.available === 0; }
}

/** A flag that waiters wait for (asyncio.Event). */
export class Flag {
  #set = false;
  #line = new WaitLine();

  /** Whether it is set. */
  get isSet() { return this.#set; }
  /** Sets it and wakes every waiter. */
  set() {
    this.#set = true;
    this.#line.serveAll(() => true);
  }
  /** Unsets it. */
  clear() { this.#set = false; }
  /** Resolves (with true) once it is set. */
  wait(options) {
    return this.#set ? Promise.resolve(true) : this.#line.wait("Flag.wait()", options);
  }
}

/**
 * `parties` waiters meet before any goes on (threading.Barrier, for async tasks). `wait()`
 * resolves with the arrival index (0..parties-1) of the phase. If a waiter aborts, the barrier
 * breaks: every waiter rejects with BrokenBarrierError until `reset()`.
 */
export class Barrier {
  #parties;
  #line = new WaitLine();
  #broken = false;

  constructor(parties) {
    this.#parties = wholeNumber(parties, "Barrier parties", 1, 2 ** 31);
  }

  get parties() { return this.#parties; }
  /** Waiters of the current phase. */
  get waiting() { return this.#line.length; }
  get broken() { return this.#broken; }

  async wait(options) {
    if (this.#broken) throw this.#brokenError();
    const index = this.#line.length;
    if (index + 1 === this.#parties) {
      this.#line.serveAll((i) => i);
      return index;
    }
    try {
      return await this.#line.wait("Barrier.wait()", options);
    } catch (error) {
      if (error.name === "AbortError" && !this.#broken) {
        this.#broken = true;
        this.#line.failAll(() => this.#brokenError());
      }
      throw error;
    }
  }

  /** Mends a broken barrier; its waiters (if any) reject with BrokenBarrierError. */
  reset() {
    this.#line.failAll(() => this.#brokenError());
    this.#broken = false;
  }

  #brokenError() {
    return typedError("BrokenBarrierError", "the barrier is broken (a waiter aborted); reset() it to use it again");
  }
}

/**
 * A first-in, first-out queue between producers and consumers (asyncio.Queue). With `maxSize`,
 * `put` waits while it is full (backpressure). `taskDone()` after each item got and handled;
 * `join()` resolves once every item put has been marked done. `close()` refuses new puts;
 * getters waiting on an empty closed queue reject with QueueClosedError, and async iteration
 * (`for await (const item of queue)`) ends.
 */
export class Queue {
  #items = [];
  #maxSize;
  #getters = new WaitLine();
  #putters = new WaitLine();
  #joiners = new WaitLine();
  #unfinished = 0;
  #closed = false;

  constructor({ maxSize = Infinity } = {}) {
    this.#maxSize = maxSize === Infinity ? Infinity : wholeNumber(maxSize, "Queue maxSize", 1, 2 ** 31);
  }

  get size() { return this.#items.length; }
  get maxSize() { return this.#maxSize; }
  get closed() { return this.#closed; }
  /** Items put and not yet marked done with taskDone(). */
  get unfinished() { return this.#unfinished; }

  /** Puts `item`, waiting (in line) while the queue is full. */
  async put(item, options) {
    if (this.#closed) throw this.#closedError("put");
    if (this.#hasRoom()) {
      this.#accept(item);
      return;
    }
    // A getter that frees a slot moves this item in and resolves the wait (see #shift).
    await this.#putters.wait("Queue.put()", options, item);
  }

  /** Puts `item` now; throws QueueFullError if full, QueueClosedError if closed. */
  tryPut(item) {
    if (this.#closed) throw this.#closedError("put");
    if (!this.#hasRoom()) {
      throw typedError("QueueFullError", `the queue is full (maxSize ${this.#maxSize})`);
    }
    this.#accept(item);
  }

  /** Takes the first item, waiting (in line) while the queue is empty. */
  async get(options) {
    if (this.#items.length > 0) return this.#shift();
    if (this.#closed) throw this.#closedError("get");
    // A putter hands its item straight to the first waiting getter (see #accept).
    return this.#getters.wait("Queue.get()", options);
  }

  /** Takes the first item now; throws QueueEmptyError if there is none. */
  tryGet() {
    if (this.#items.length > 0) return this.#shift();
    throw this.#closed ? this.#closedError("get") : typedError("QueueEmptyError", "the queue is empty");
  }

  /** Marks one item got earlier as handled. */
  taskDone() {
    if (this.#unfinished === 0) {
      throw typedError("InvalidParamsError", "taskDone() was called more times than items were put");
    }
    this.#unfinished -= 1;
    if (this.#unfinished === 0) this.#joiners.serveAll(() => undefined);
  }

  /** Resolves once every item put so far has been marked done. */
  join(options) {
    return this.#unfinished === 0 ? Promise.resolve() : this.#joiners.wait("Queue.join()", options);
  }

  /** Refuses new puts; waiting putters and, once it is empty, getters reject. */
  close() {
    this.#closed = true;
    this.#putters.failAll(() => this.#closedError("put"));
    if (this.#items.length === 0) this.#getters.failAll(() => this.#closedError("get"));
  }

  /** Yields items until the queue is closed and empty. Marks nothing done. */
  async *[Symbol.asyncIterator]() {
    for (;;) {
      try {
        yield await this.get();
      } catch (error) {
        if (error.name === "QueueClosedError") return;
        throw error;
      }
    }
  }

  /** Room for one more item now, without jumping the line of waiting putters. */
  #hasRoom() {
    return this.#items.length < this.#maxSize && this.#putters.length === 0;
  }

  /** Takes `item` in: to the first waiting getter, or to the end of the queue. */
  #accept(item) {
    this.#unfinished += 1;
    if (!this.#getters.serveOne(item)) this.#items.push(item);
  }

  #shift() {
    const item = this.#items.shift();
    // The freed slot goes to the first waiting putter: its item moves in now.
    const putter = this.#putters.takeFirst();
    if (putter) {
      this.#unfinished += 1;
      this.#items.push(putter.payload);
      putter.resolve();
    }
    return item;
  }

  #closedError(what) {
    return typedError("QueueClosedError", `the queue is closed: ${what === "put" ? "nothing more can be put" : "and empty"}`);
  }
}

/**
 * Calls `fn(tick)` every `ms` milliseconds (tick = 0, 1, 2...), on a schedule kept against
 * the start so that slow ticks do not add up (drift), and never two at once (a tick that runs
 * long delays the next). Resolves with `{ ticks, maxLateMs }` when `signal` aborts; rejects
 * with CallbackError (cause: what it threw) if `fn` throws or rejects.
 */
export function every(ms, fn, options) {
  return new Promise((resolve, reject) => {
    wholeNumber(ms, "every() interval ms", 1, 2 ** 31 - 1);
    if (typeof fn !== "function") throw typedError("InvalidParamsError", "every() needs a function to call");
    const signal = signalOf(options, "every()");
    const start = performance.now();
    let ticks = 0;
    let maxLateMs = 0;
    let timer;
    const stop = () => {
      clearTimeout(timer);
      resolve({ ticks, maxLateMs });
    };
    if (signal?.aborted) return stop();
    signal?.addEventListener("abort", stop, { once: true });
    const schedule = () => {
      const due = start + (ticks + 1) * ms;
      timer = setTimeout(async () => {
        if (signal?.aborted) return;
        maxLateMs = Math.max(maxLateMs, performance.now() - due);
        try {
          await fn(ticks);
        } catch (error) {
          signal?.removeEventListener("abort", stop);
          reject(typedError("CallbackError", `every(): the function threw at tick ${ticks}`, error));
          return;
        }
        ticks += 1;
        if (!signal?.aborted) schedule();
      }, Math.max(0, due - performance.now()));
    };
    schedule();
  });
}

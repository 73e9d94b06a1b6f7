// Queue (asyncio.Queue): producers and consumers, with backpressure, taskDone/join and close.
import { typedError } from "../errors.js";
import { WaitLine, signalOf, wholeNumber } from "./wait-line.js";
import { readOptions } from "../options.js";

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

  constructor(options) {
    const { maxSize = Infinity } = readOptions(options, ["maxSize"], "Queue's options");
    this.#maxSize = maxSize === Infinity ? Infinity : wholeNumber(maxSize, "maxSize", 1, 2 ** 31);
  }

  get size() { return this.#items.length; }
  get maxSize() { return this.#maxSize; }
  get closed() { return this.#closed; }
  /** Items put and not yet marked done with taskDone(). */
  get unfinished() { return this.#unfinished; }

  /** Puts `item`, waiting (in line) while the queue is full. */
  async put(item, options) {
    signalOf(options, "Queue.put()");
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
    signalOf(options, "Queue.get()");
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
    try {
      signalOf(options, "Queue.join()");
    } catch (error) {
      return Promise.reject(error);
    }
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

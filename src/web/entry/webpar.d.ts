export * from "./webpar_core.js";
export { default } from "./webpar_core.js";
/**
 * Starts the pool of Web Worker threads that parallel jobs run on, and resolves with its size
 * (default `navigator.hardwareConcurrency`). It starts once per page: a later call with the
 * same size (or none) shares the first start. Rejects with InvalidParamsError for a size
 * outside 1..=256 or different from the running pool's, and with PoolNotReadyError when the
 * page is not cross-origin isolated or the workers fail to start (within 30 s).
 */
export function initThreadPool(threads?: number): Promise<number>;

/** Options of every wait of the async primitives. */
export interface WaitOptions {
  /** Aborting it rejects the wait with AbortError and takes the waiter out of line. */
  signal?: AbortSignal;
}
/** A held permit: release it once, or let `using` release it. */
export interface Permit extends Disposable {
  /** Gives the permit back; a second call does nothing. */
  release(): void;
}
/** At most `permits` holders at once (asyncio.Semaphore); waiters are served in order. */
export class Semaphore {
  constructor(permits?: number);
  /** Permits free now. */
  readonly available: number;
  /** Acquirers waiting in line. */
  readonly waiting: number;
  /** Resolves with a Permit once one is free (first come, first served). */
  acquire(options?: WaitOptions): Promise<Permit>;
  /** A permit if one is free now without jumping the line, else null. */
  tryAcquire(): Permit | null;
  /** Gives a permit back: to the first waiter, or to the free permits. */
  release(): void;
  /** Runs `fn()` holding a permit, and releases it however `fn` ends. */
  run<T>(fn: () => T | PromiseLike<T>, options?: WaitOptions): Promise<T>;
}
/** One holder at a time (asyncio.Lock). */
export class Lock extends Semaphore {
  constructor();
  /** Whether someone holds it. */
  readonly locked: boolean;
}
/** A flag that waiters wait for (asyncio.Event). */
export class Event {
  readonly isSet: boolean;
  /** Sets it and wakes every waiter. */
  set(): void;
  /** Unsets it. */
  clear(): void;
  /** Resolves with true once it is set. */
  wait(options?: WaitOptions): Promise<true>;
}
/** `parties` waiters meet before any goes on; a waiter that aborts breaks it. */
export class Barrier {
  constructor(parties: number);
  readonly parties: number;
  /** Waiters of the current phase. */
  readonly waiting: number;
  readonly broken: boolean;
  /** Resolves with this waiter's arrival index in its phase (0..parties-1). */
  wait(options?: WaitOptions): Promise<number>;
  /** Mends a broken barrier; waiters left reject with BrokenBarrierError. */
  reset(): void;
}
/** A FIFO queue between producers and consumers (asyncio.Queue), with taskDone/join/close. */
export class Queue<T = unknown> implements AsyncIterable<T> {
  constructor(options?: { maxSize?: number });
  readonly size: number;
  readonly maxSize: number;
  readonly closed: boolean;
  /** Items put and not yet marked done. */
  readonly unfinished: number;
  /** Puts `item`, waiting in line while the queue is full. */
  put(item: T, options?: WaitOptions): Promise<void>;
  /** Puts `item` now; throws QueueFullError or QueueClosedError. */
  tryPut(item: T): void;
  /** Takes the first item, waiting while the queue is empty; QueueClosedError once closed and empty. */
  get(options?: WaitOptions): Promise<T>;
  /** Takes the first item now; throws QueueEmptyError or QueueClosedError. */
  tryGet(): T;
  /** Marks one item got earlier as handled. */
  taskDone(): void;
  /** Resolves once every item put so far is marked done. */
  join(options?: WaitOptions): Promise<void>;
  /** Refuses new puts; waiting putters reject, and getters once it is empty. */
  close(): void;
  [Symbol.asyncIterator](): AsyncIterator<T>;
}
/** Calls `fn(tick)` every `ms` ms on a drift-free schedule until `signal` aborts. */
export function every(
  ms: number,
  fn: (tick: number) => unknown,
  options?: WaitOptions,
): Promise<{ ticks: number; maxLateMs: number }>;

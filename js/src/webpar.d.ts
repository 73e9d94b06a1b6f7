/**
 * `import init, { Runner } from "webpar"`: start webpar (`init`), run CPU jobs and I/O jobs
 * (`Runner`), run your own JS functions on isolated workers (`createWorkerPool`), coordinate
 * your own tasks (`Semaphore`, `Mutex`, `Flag`, `Barrier`, `Queue`, `every`, `asCompleted`,
 * `wait`), and catch typed errors (`WebparError` and its classes).
 *
 * @packageDocumentation
 */
// The types of the values the bindings declare (reports, specs, the catalogue), by name: the
// bindings' own functions and their wasm internals are not part of the package's API.
export type {
  BodiesState, BuiltinWorkload, BytesInput, CallResult, Cell, CompareOptions, Comparison,
  CopyCost, Digest, FetchIoSpec, FunctionIoSpec, Image, InitInput, InputOf, InputParams,
  IoOptions, IoReport, IoSpec, IoSpecCommon, JobControls, LabExperiment, LabReport, Lane,
  MandelbrotInput, MatmulInput, MatrixData, MemoryUsage, Mode, NbodyInput, NotBuiltin,
  OutputOf, OutputReport, OutputTarget, ParamSpec, Params, PipelinePhases, PipelineReport,
  PipelineSpec, PrimeList, PrimesInput, RunOptions, RunReport, RunTimeline, Scheduling, Solutions,
  SortInput, SortOutput, Span, SumInput, SumOutput, Summary, Sweep, SweepOptions, SweepRow,
  SystemInput, Timeline, TimelinePhase, TimerIoSpec, WordCounts, Workload, WorkloadInput, WorkloadInputs,
  WorkloadOutput, WorkloadOutputs, WorkloadParams, WorkloadSpec,
} from "./webpar_core.js";
import type { InitInput } from "./webpar_core.js";
import type {
  CompareOptions, Comparison, IoOptions, IoReport, IoSpec, JobControls, LabExperiment, LabReport, MemoryUsage, Mode,
  Params, PipelineReport, PipelineSpec, RunOptions, RunReport, Sweep, SweepOptions, Workload,
  WorkloadOutput, InputParams, OutputOf, OutputReport, WorkloadParams, BuiltinWorkload, NotBuiltin, Span, TimelinePhase,
  Timeline, Lane,
} from "./webpar_core.js";
export {
  WebparError, InvalidParamsError, UnknownWorkloadError, UnknownTaskError, OverBudgetError, AbortError, TimeoutError, PoolNotReadyError, PoolClosedError, PoolBrokenError, EngineCrashedError, CallbackError, CallFailedError, DataCloneError, RunnerFreedError, QueueFullError, QueueEmptyError, QueueClosedError, BrokenBarrierError,
} from "./errors.js";
export type { AnyWebparError, WebparErrorName } from "./errors.js";
/**
 * Where CPU jobs run: threads (shared memory), frame (threads in webpar's cross-origin
 * isolated frame, for a page that is not), processes (isolated workers), or the page.
 */
export type Backend = "threads" | "frame" | "processes" | "sequential";
/** One backend's check: whether it can run here, and if not, every reason. */
export interface BackendCheck {
  ok: boolean;
  why: string[];
}
/** What this page can run (capabilities()). */
export interface Capabilities {
  /**
   * The JS runtime: "browser" (pages and their workers), "node" (Node.js 20 or newer: workers
   * on worker_threads), "deno" (Deno 2: the same), or "bun" (refused: see the README).
   */
  runtime: "browser" | "node" | "deno" | "bun";
  /** The page is cross-origin isolated (browsers only: Node.js and Deno need no isolation). */
  crossOriginIsolated: boolean;
  /** A shared WebAssembly.Memory can be made. */
  sharedMemory: boolean;
  /** Workers of `{ type: "module" }` can be made. */
  moduleWorkers: boolean;
  threads: BackendCheck;
  /**
   * Threads in webpar's frame (webpar-frame.html served with Document-Isolation-Policy), for a
   * page that is not cross-origin isolated: known once init() has tried it (Chromium 137 and
   * newer support the header); until then `why` says what it needs.
   */
  frame: BackendCheck;
  processes: BackendCheck;
  sequential: BackendCheck;
}
/** What this page can run, and for every check that failed, why. */
export function capabilities(): Capabilities;
/** Options of `init` that start a backend. */
export interface InitOptions {
  /**
   * Default "auto": threads where they can run, else threads in the frame (a page that is
   * not cross-origin isolated, its frame document served with the header), else processes,
   * else sequential.
   */
  backend?: "auto" | Backend;
  /** Threads of the thread pool (default navigator.hardwareConcurrency; on Node.js, os.availableParallelism()). */
  threads?: number;
  /** Workers of the process pool (default `threads`, else navigator.hardwareConcurrency). */
  processes?: number;
  /** An idle process worker is let go after this (default 30000); the next job starts it again. */
  idleTimeoutMs?: number;
  /** Where the threaded module is, as the bindings' own init takes it. */
  module_or_path?: InitInput | Promise<InitInput>;
  /**
   * Where webpar-frame.html is served (same origin), for the frame backend: by default beside
   * the package's webpar.js; an app whose bundler moved webpar serves the package's files and
   * says where. `false`: never try the frame.
   */
  frame?: string | URL | false;
  /**
   * `true`: where the frame document is served without Document-Isolation-Policy (a static
   * host whose headers the app cannot set), register webpar's service worker (webpar-sw.js,
   * beside it) to add the header. Its scope is the package's folder: it controls no page.
   */
  serviceWorker?: boolean;
}
/** What init({ backend }) started. */
export interface Started {
  backend: Backend;
  /** The thread pool's size, on threads and in the frame. */
  threads?: number;
  /** The process pool's size, on processes. */
  processes?: number;
  /** Milliseconds from the check to a ready backend. */
  startupMs: number;
  capabilities: Capabilities;
  /** Why better backends were not picked ("threads: ..."). */
  fellBack: string[];
}
/**
 * Starts webpar: instantiates the module and starts the backend CPU jobs run on ("auto" when
 * no options are given: threads where the page is cross-origin isolated, else isolated
 * workers, else the page itself), and resolves with what it started. A second call resolves
 * with the first one's result; one asking for another backend or pool size rejects with
 * InvalidParamsError. Forcing "threads" where it cannot run rejects with PoolNotReadyError
 * naming the check that failed. Anything else than an options object is where the module is
 * (`module_or_path`).
 */
declare function init(options?: InitOptions | InitInput | Promise<InitInput>): Promise<Started>;
export default init;

/**
 * The wasm heap's use (live, peak and limit bytes). Throws PoolNotReadyError before `init`.
 */
export function memoryUsage(): MemoryUsage;

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
/** One holder at a time (asyncio.Lock); not `Lock`, which is Web Locks'. */
export class Mutex extends Semaphore {
  constructor();
  /** Whether someone holds it. */
  readonly locked: boolean;
}
/** A flag that waiters wait for (asyncio.Event); not `Event`, which is the DOM's. */
export class Flag {
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

/** Where a task is. */
export type TaskStatus = "queued" | "running" | "fulfilled" | "rejected" | "cancelled";
/** Options of `Runner.submit` and `TaskGroup.submit`. */
export interface SubmitOptions {
  /** Aborting it cancels the task: removed if queued, stopped within a chunk if running. */
  signal?: AbortSignal;
  /** Run time from the task's start; then it rejects with TimeoutError. */
  timeoutMs?: number;
  /** Time from submit, queueing included; then it rejects with TimeoutError. */
  deadlineMs?: number;
  /**
   * Higher runs first; first come, first served within a priority. Default 0. No priority
   * starves: a task that has waited while 1,000 others started goes before every task
   * queued after it.
   */
  priority?: number;
  /** Called with the finished fraction while the task runs. */
  onProgress?: (fraction: number) => void;
  /** Default "parallel". */
  mode?: Mode;
  /** The report's `timeline`: what each thread did and when (see RunOptions.timeline). */
  timeline?: boolean;
}
/** A run's report; with mode "auto", the advice it followed. */
export type Advised<T> = T & { advice?: Advice };
/** What runner.advise predicts of a job. */
export interface Advice {
  workload: string;
  /** The backend it would run on. */
  backend: Backend;
  /** "parallel" when the predicted speedup is at least 1.1, else "sequential". */
  mode: "parallel" | "sequential";
  /** Threads (or isolated workers) of a parallel run. */
  threads: number;
  /** Predicted sequential time over parallel time. */
  speedup: number;
  /** Where the speedup should fall: [low, high] (narrower once a parallel run of the job was seen). */
  interval: [number, number];
  /** Predicted milliseconds of a parallel run. */
  predictedMs: number;
  /** The sequential run's milliseconds the prediction starts from. */
  sequentialMs: number;
  /** For map: inputs per hop so that the hop to the pool is under a tenth of the work. */
  chunkSize: number;
  /** Whether advise ran the job sequentially just now to measure it. */
  probed: boolean;
  /** Why, one sentence each, the prediction last. */
  reasons: string[];
}
/** A job handed to the runner (a future): await it, or use its methods. */
declare class Task<T = RunReport> implements PromiseLike<T> {
  /** Unique id, in submit order. */
  readonly id: number;
  readonly status: TaskStatus;
  /** Settled: fulfilled, rejected or cancelled. */
  readonly done: boolean;
  /** The finished fraction reported so far. */
  readonly fraction: number;
  /** The value once fulfilled. */
  readonly value: T | undefined;
  /** The error once rejected or cancelled. */
  readonly error: unknown;
  /** The progress fractions as they come, ending when the task settles. */
  readonly progress: AsyncIterable<number>;
  // `then` and `catch` take what a Promise's do (a rejection reason is `any` there), so that
  // a Task stands wherever a Promise does.
  then<A = T, B = never>(
    onFulfilled?: ((value: T) => A | PromiseLike<A>) | null,
    onRejected?: ((reason: any) => B | PromiseLike<B>) | null,
  ): Promise<A | B>;
  catch<B = never>(onRejected?: ((reason: any) => B | PromiseLike<B>) | null): Promise<T | B>;
  finally(onFinally?: (() => void) | null): Promise<T>;
  /** True if it was still queued (it never runs); a running task is asked to stop (false). */
  cancel(): boolean;
  /** The value, waiting at most `timeoutMs` (TimeoutError; the task goes on). */
  result(options?: { timeoutMs?: number }): Promise<T>;
}
/** Tasks that stand or fall together (asyncio.TaskGroup). */
declare class TaskGroup implements AsyncDisposable {
  /** Aborted when the group gives up. */
  readonly signal: AbortSignal;
  readonly tasks: Task[];
  submit(name: string, params: Params, options?: SubmitOptions): Task;
  /** Cancels every task of the group. */
  abort(reason?: unknown): void;
  /** The values of every task; rejects with an AggregateError of the failures. */
  join(): Promise<RunReport[]>;
  /** Every task's outcome, Promise.allSettled-style; never rejects. */
  settled(): Promise<PromiseSettledResult<RunReport>[]>;
  [Symbol.asyncDispose](): Promise<void>;
}
/** Options of `Runner.map`. */
export interface MapOptions {
  /** Yield in input order (default) or in completion order (false). */
  ordered?: boolean;
  /** Inputs per hop to the pool, 1..=1048576; default 1. */
  chunkSize?: number;
  /** Chunks in flight; default the runner's maxRunning. */
  concurrency?: number;
  /** Most inputs and results held at once; default 2 x concurrency x chunkSize. */
  buffer?: number;
  /** Aborting it stops the map (the loop throws AbortError). */
  signal?: AbortSignal;
  mode?: Mode;
  /**
   * Gives the iterable a `timeline()`: what ran so far, one lane per thread (each chunk of
   * inputs a pass, its runs of items the chunks) or per isolated worker (each input a chunk).
   */
  timeline?: boolean;
}
/** What `runner.map` returns: the results, lazily; with `timeline: true`, its `timeline()`. */
export type Mapped<T> = AsyncIterable<T> & { timeline?: () => Timeline & { lanes: (Lane & { phases?: TimelinePhase[] })[] } };
/** Options of `Runner.mapAsync`. */
export interface MapAsyncOptions {
  /** Calls in flight, 1..=100000; default 100. */
  concurrency?: number;
  /** Most calls started in any one-second window. */
  ratePerSec?: number;
  /** Extra attempts of a failed call (an AbortError is not retried), 0..=20; default 0. */
  retries?: number;
  /** Backoff before the first retry, doubling after; default 100. */
  retryBaseMs?: number;
  /** Time limit of one attempt; its signal aborts, and it fails with TimeoutError. */
  attemptTimeoutMs?: number;
  /** Time limit of the whole call: the calls stop and the loop throws TimeoutError. */
  timeoutMs?: number;
  /** Items admitted to the scheduler at a time (see IoSpec's `admitChunk`); default 10000. */
  admitChunk?: number;
  /** Yield in input order (default) or as values come (false). */
  ordered?: boolean;
  /** Most values held for the loop; calls wait while it is full. Default 1000. */
  buffer?: number;
  /** Aborting it stops the calls; the loop throws AbortError. */
  signal?: AbortSignal;
}
/** Percentiles of a duration, in milliseconds (null before any sample). */
export interface Percentiles {
  p50: number | null;
  p95: number | null;
  p99: number | null;
}
/** Options of `runner.lab`. */
export interface LabOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}
/** A lab report, with the columns its chart plots (labels from `x`, values from `y`). */
export interface LabResult extends LabReport {
  chart: { x: string; y: string };
}
/** What a runner has done (`runner.stats()`). */
export interface RunnerStats {
  queued: number;
  running: number;
  completed: number;
  failed: number;
  cancelled: number;
  /** Run time of the last 4096 tasks. */
  runMs: Percentiles;
  /** Time in the queue of the last 4096 tasks. */
  waitMs: Percentiles;
  maxQueue: number;
  maxRunning: number;
  closed: boolean;
  memory: MemoryUsage;
  /** The process pool, on the processes and sequential backends. */
  processes?: IsolatedPoolStats;
  /** The threads engine's restarts after crashes. */
  engine: EngineStats;
}
/**
 * The threads engine's restarts: after a panic or trap on a pool thread, webpar makes a new
 * instance of the module and a new pool of the same size, without a page reload.
 */
export interface EngineStats {
  /** Restarts so far. */
  restarts: number;
  /** How long the last restart took (new instance and pool ready), ms. */
  lastRestartMs?: number;
  /** What the last crash said (the panic's message and location, or the trap). */
  lastCrash?: string;
  /** Whether a restart is under way (jobs wait for it). */
  restarting: boolean;
  /** Why a restart failed (every job then rejects with EngineCrashedError), or null. */
  broken: string | null;
}
/** A pool of isolated workers: its settings, counts and each worker. */
export interface IsolatedPoolStats {
  size: number;
  minSize: number;
  idleTimeoutMs: number;
  /** Pieces of work waiting for a worker. */
  queued: number;
  /** After a crash loop: every task rejects with PoolBrokenError. */
  broken: boolean;
  messages: number;
  crashes: number;
  /** Workers terminated (cancel, timeout, crash) and replaced. */
  replaced: number;
  /** Workers started since the pool was made. */
  started: number;
  workers: { id: number; state: "starting" | "idle" | "busy"; tasks: number; aliveMs: number }[];
}
/** Options of `new Runner()`. */
export interface RunnerOptions {
  /** Tasks waiting before submit rejects with QueueFullError; default 10000. */
  maxQueue?: number;
  /** Tasks handed to the pool at once; default 4 per core (at least 4). */
  maxRunning?: number;
}
/**
 * Runs workloads on the pool. Every method that does work returns a Promise (or a Task, or an
 * async iterable); after `close()` new work rejects with PoolClosedError, after `free()` with
 * RunnerFreedError.
 */
export class Runner implements Disposable, AsyncDisposable {
  constructor(options?: RunnerOptions);
  readonly threads: number | undefined;
  /** The backend jobs run on; undefined before init. */
  readonly backend: Backend | undefined;
  /** What this page can run (as init saw it). */
  readonly capabilities: Capabilities;
  workloads(): Workload[];
  validate(name: string, params: Params): void;
  /** On an app's data (`{ input }`): the report holds the workload's real output. */
  run<N extends string>(name: N, params: InputParams<N>, options?: RunOptions): Promise<Advised<OutputReport<N>>>;
  /** A built-in workload on data it makes from its parameters (each one checked by name). */
  run<N extends BuiltinWorkload>(name: N, params: WorkloadParams[N], options?: RunOptions): Promise<Advised<RunReport>>;
  /** A workload another crate registered: its params are checked when it runs. */
  run<N extends string>(name: NotBuiltin<N>, params: Params, options?: RunOptions): Promise<Advised<RunReport>>;
  /**
   * Predicts, before it runs, what running workload `name` with `params` in parallel gives
   * here: the speedup with an interval, the mode it would pick and why. A job never seen here
   * is first run once sequentially with its timeline (`probed: true`); the prediction replays
   * its chunks on the pool's threads (or isolated workers), with this page's measured hop to
   * the pool and cost of copies (`signal`, `timeoutMs` and `onProgress` control that first
   * run). `run(name, params, { mode: "auto" })` follows it.
   */
  advise(name: string, params: Params, options?: JobControls): Promise<Advice>;
  io(spec: IoSpec, options?: IoOptions): Promise<IoReport>;
  /** Queues a job; the Task settles with its RunReport. Never throws. */
  submit<N extends string>(name: N, params: InputParams<N>, options?: SubmitOptions): Task<OutputReport<N>>;
  submit<N extends BuiltinWorkload>(name: N, params: WorkloadParams[N], options?: SubmitOptions): Task;
  submit<N extends string>(name: NotBuiltin<N>, params: Params, options?: SubmitOptions): Task;
  /** Runs `name` on every input lazily: the output of each input... */
  map<N extends string>(
    name: N,
    inputs: Iterable<InputParams<N>> | AsyncIterable<InputParams<N>>,
    options?: MapOptions,
  ): Mapped<OutputOf<N>>;
  /** ...or the checksum (a decimal string) of each params object. */
  map<N extends BuiltinWorkload>(
    name: N,
    inputs: Iterable<WorkloadParams[N]> | AsyncIterable<WorkloadParams[N]>,
    options?: MapOptions,
  ): Mapped<string>;
  map<N extends string>(
    name: NotBuiltin<N>,
    inputs: Iterable<Record<string, number>> | AsyncIterable<Record<string, number>>,
    options?: MapOptions,
  ): Mapped<string>;
  map<N extends string>(
    name: NotBuiltin<N>,
    inputs: Iterable<Params> | AsyncIterable<Params>,
    options?: MapOptions,
  ): Mapped<WorkloadOutput | string>;
  /** `cancelOnFailure` (default true): false lets every task finish (gather's way). */
  group(options?: { cancelOnFailure?: boolean }): TaskGroup;
  /**
   * Calls `fn` for every item under the I/O scheduler's limits and yields the values lazily:
   * in input order, or as they come with `ordered: false`. A call that fails for good
   * throws CallFailedError (cause: what fn threw) and stops the rest.
   */
  mapAsync<T, R>(
    items: Iterable<T> | AsyncIterable<T>,
    fn: (item: T, context: { signal: AbortSignal; attempt: number; index: number }) => R | PromiseLike<R>,
    options?: MapAsyncOptions,
  ): AsyncIterable<Awaited<R>>;
  /**
   * Resolves once a submit would be queued rather than refused: first come, first served,
   * the place kept for a woken caller until it submits in the same turn.
   */
  capacity(options?: WaitOptions): Promise<void>;
  /** Refuses new work; resolves once every task has settled. */
  close(options?: { cancelPending?: boolean }): Promise<void>;
  stats(): RunnerStats;
  free(): void;
  [Symbol.dispose](): void;
  [Symbol.asyncDispose](): Promise<void>;
}
/**
 * A task `asCompleted` yields: settled already, so its `value`, `error` and `status` are
 * final (`await task.result()` gives the value or throws). Typed without `then`, since
 * TypeScript's `for await` would otherwise take each yielded task for its value.
 */
export type SettledTask<T> = Omit<T, "then" | "catch" | "finally">;
/** Yields the tasks as they settle, first settled first (as_completed). */
export function asCompleted<T extends PromiseLike<unknown>>(
  tasks: Iterable<T>,
  options?: { timeoutMs?: number },
): AsyncIterableIterator<SettledTask<T>>;
/** Waits for tasks until `returnWhen` or `timeoutMs`; never rejects for their failures. */
export function wait<T extends PromiseLike<unknown>>(
  tasks: Iterable<T>,
  options?: {
    returnWhen?: "all-completed" | "first-completed" | "first-exception";
    timeoutMs?: number;
    signal?: AbortSignal;
  },
): Promise<{ done: Set<T>; notDone: Set<T> }>;

/** Options of `createWorkerPool`. */
export interface WorkerPoolOptions {
  /** Workers at most, 1..=256; default navigator.hardwareConcurrency. */
  size?: number;
  /** Tasks waiting before submit rejects with QueueFullError; default 10000. */
  maxQueue?: number;
  /** An idle worker is let go after this; default 30000. */
  idleTimeoutMs?: number;
  /** Workers kept however idle; default 0. */
  minSize?: number;
}
/** Options of `WorkerPool.submit`. */
export interface WorkerSubmitOptions extends Omit<SubmitOptions, "mode" | "onProgress"> {
  /** Buffers of the arguments the caller gives up: moved to the worker, not copied. */
  transfer?: Transferable[];
  /**
   * What the task sends with progress(value) from "webpar/task". If it throws, the task is
   * stopped (its worker replaced) and rejects with CallbackError, err.cause what it threw.
   */
  onProgress?: (value: unknown) => void;
  /** Records the task on the pool's `timeline()`. */
  timeline?: boolean;
}
/** What pool.advise predicts of many tasks of one function. */
export interface PoolAdvice {
  task: string;
  backend: "pool";
  /** "pool" when the predicted speedup is at least 1.1; "page": the copies cost more than the pool gives. */
  mode: "pool" | "page";
  /** Workers the tasks would run on. */
  threads: number;
  speedup: number;
  interval: [number, number];
  predictedMs: number;
  /** The tasks' work one after another, without copies. */
  sequentialMs: number;
  /** Bytes of arguments a task copies to its worker. */
  bytes: number;
  probed: boolean;
  /** Why, one sentence each, the prediction last. */
  reasons: string[];
}
/** A worker pool's timeline: a run's shape, each task a chunk of the one pass. */
export interface WorkerPoolTimeline {
  start: number;
  end: number;
  /** The tasks recorded. */
  passes: [number];
  lanes: { thread: number; busyMs: number; chunks: (Span & { task: string })[]; phases: TimelinePhase[] }[];
}
/** A task module's exports: its functions, by name (what `typeof import("./tasks.js")` gives). */
export type TaskModule = { [name: string]: unknown };
/** The names of a task module's exports that are functions. */
export type TaskName<M> = { [K in keyof M]: M[K] extends (...args: never[]) => unknown ? K : never }[keyof M] & string;
/** The arguments of task `K` of module `M`. */
export type TaskArgs<M, K extends keyof M> = M[K] extends (...args: infer A) => unknown ? A : never;
/** What task `K` of module `M` resolves with. */
export type TaskResult<M, K extends keyof M> = M[K] extends (...args: never[]) => infer R ? Awaited<R> : never;
/** A task's `args` and options: the arguments may be left out where the task takes none. */
export type SubmitRest<A extends unknown[]> = [] extends A
  ? [args?: A, options?: WorkerSubmitOptions]
  : [args: A, options?: WorkerSubmitOptions];
/**
 * A module of unknown tasks (no type argument given to createWorkerPool): any name, any
 * arguments, an `unknown` result to narrow where it is used.
 */
export interface UntypedTasks {
  [name: string]: (...args: unknown[]) => unknown;
}
/**
 * The app's own functions on isolated workers (ProcessPoolExecutor for JS): submit → Task,
 * map, group, close. A task past its time, or cancelled while it runs, has its worker
 * terminated and replaced; a crashing worker fails only its own task (EngineCrashedError).
 * `M` is the task module's type (`typeof import("./tasks.js")`): task names, arguments and
 * results are then checked.
 */
declare class WorkerPool<M = UntypedTasks> implements AsyncDisposable {
  readonly size: number;
  /** Calls the task module's function `fn` with `args` on a worker. Never throws. */
  submit<K extends TaskName<M>>(fn: K, ...rest: SubmitRest<TaskArgs<M, K>>): Task<TaskResult<M, K>>;
  /** Calls `fn(item)` for every item, lazily, on the workers. */
  map<K extends TaskName<M>>(
    fn: K,
    items: Iterable<TaskArgs<M, K>[0]> | AsyncIterable<TaskArgs<M, K>[0]>,
    options?: { ordered?: boolean; concurrency?: number; buffer?: number; signal?: AbortSignal; timeline?: boolean },
  ): AsyncIterable<TaskResult<M, K>>;
  group(options?: { cancelOnFailure?: boolean }): WorkerTaskGroup<M>;
  /**
   * The timeline of the tasks submitted (or mapped) with `timeline: true`, the latest 10,000:
   * one lane per worker that ran one, each task a chunk from when its worker took it to when
   * it answered (`task`: its function's name), with its "send" and "answer" phases (the copies
   * and messages), on the page's clock. `clear: true` forgets them afterwards.
   */
  timeline(options?: { clear?: boolean }): WorkerPoolTimeline;
  /**
   * Predicts what running `tasks` (default: the pool's size) calls of `fn` with arguments like
   * `args` on the pool gives, against running them one after another without copies. A task
   * of `fn` with arguments of this size never seen is run once with `args` to measure it
   * (its work, its copies and messages each way); `signal` and `timeoutMs` control that run.
   */
  advise<K extends TaskName<M>>(fn: K, args?: TaskArgs<M, K>, options?: { tasks?: number; signal?: AbortSignal; timeoutMs?: number }): Promise<PoolAdvice>;
  capacity(options?: WaitOptions): Promise<void>;
  /**
   * Starts every worker now (otherwise they start on demand) and resolves once they are
   * ready; rejects with PoolNotReadyError, saying why, if one fails to start (its script does
   * not load, its module throws, or it is not ready within 30 s).
   */
  warm(): Promise<void>;
  /** Refuses new tasks; resolves once every task has settled, then ends the workers. */
  close(options?: { cancelPending?: boolean }): Promise<void>;
  stats(): Omit<RunnerStats, "memory" | "processes" | "engine"> & { pool: IsolatedPoolStats };
  [Symbol.asyncDispose](): Promise<void>;
}
/** A TaskGroup of a WorkerPool. */
export interface WorkerTaskGroup<M = UntypedTasks> extends AsyncDisposable {
  readonly signal: AbortSignal;
  submit<K extends TaskName<M>>(fn: K, ...rest: SubmitRest<TaskArgs<M, K>>): Task<TaskResult<M, K>>;
  abort(reason?: unknown): void;
  join(): Promise<unknown[]>;
  settled(): Promise<PromiseSettledResult<unknown>[]>;
}
/**
 * A pool of isolated workers running the app's task functions: `source` is the URL of an ES
 * module whose exports are the tasks, or a function returning a new module Worker whose
 * script calls serve({ ... }) from "webpar/task" (the form bundlers follow). Give the module's
 * type to have task names, arguments and results checked:
 * `createWorkerPool<typeof import("./tasks.js")>(new URL("./tasks.js", import.meta.url))`.
 */
export function createWorkerPool<M = UntypedTasks>(source: URL | string | (() => Worker), options?: WorkerPoolOptions): WorkerPool<M>;

// Made by Runner and createWorkerPool, not by the app: their types are exported, not the classes.
export type { Task, TaskGroup, WorkerPool };

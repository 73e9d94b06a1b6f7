// The TypeScript declarations of the values that cross the boundary and have no Rust type
// that serde describes: the inputs and outputs of the workloads' input forms (read and
// written by hand, field by field), the options objects, and the JS-side additions to
// reports. They are part of webpar_core.d.ts (src/web/runner.rs includes this file); the
// reports, the catalogue and the lab's and memory's values are declared there from their
// Rust types (the `tsify` derives), and interfaces declared in both places merge. The
// catalogue's workloads (`WorkloadParams`, `WorkloadInputs`, `WorkloadOutputs`) are generated
// from it when the package is built (scripts/workload-types.mjs) and appended after these.
/** The typed arrays `sort` takes (and gives back, sorted). */
export type SortInput =
  | Float64Array | Float32Array | Int32Array | Uint32Array | BigInt64Array | BigUint64Array;
/** The integers `sum` adds up (exactly, wrapping at 2^64 like Rust's `wrapping_add`). */
export type SumInput = Int32Array | Uint32Array | BigInt64Array | BigUint64Array;
/** What `sum` gives back. */
export interface SumOutput {
  sum: bigint;
}
/** Bytes `sha256` and `wordcount` take: strings are read as UTF-8. */
export type BytesInput = ArrayBuffer | SharedArrayBuffer | ArrayBufferView | Blob | string;
/** A viewport of `mandelbrot`; `scale` is complex units per pixel. */
export interface MandelbrotInput {
  width: number;
  height: number;
  center?: [number, number];
  scale?: number;
  maxIter?: number;
}
/** A row-major matrix. */
export interface MatrixData {
  data: Float64Array;
  rows: number;
  cols: number;
}
/** The two factors of `matmul` (`a.cols == b.rows`). */
export interface MatmulInput {
  a: MatrixData;
  b: MatrixData;
}
/** One linear system of `equations`: `n x n` row-major coefficients and `n` right-hand sides. */
export interface SystemInput {
  matrix: Float64Array;
  rhs: Float64Array;
}
/** The bound of `primes`' list. */
export interface PrimesInput {
  below: number;
}
/** The initial state of `nbody`: x, y, z per body; G = 1. */
export interface NbodyInput {
  positions: Float64Array;
  velocities?: Float64Array;
  masses: Float64Array;
  steps: number;
  dt?: number;
}
/** An app's data for a workload's `input` form. */
export type WorkloadInput = WorkloadInputs[keyof WorkloadInputs];
/**
 * Where `sort`, `mandelbrot` and `matmul` write their output instead of a new array: a typed
 * array of the output's type and length (for sort, the input itself sorts it in place; for
 * mandelbrot, an `ImageData`'s `data`). The result then holds this very array.
 */
export type OutputTarget = SortInput | Uint8ClampedArray;
/**
 * The name of a workload in the package's catalogue: webpar's own, and those of the crate the
 * package was built from. `WorkloadParams`, `WorkloadInputs` and `WorkloadOutputs` are
 * generated from the catalogue when the package is built (appended below).
 */
export type BuiltinWorkload = keyof WorkloadParams;
/**
 * `N` where it is not a built-in workload's name, else `never`: the signatures for workloads
 * other crates register take any params only for names that are not built in, so a
 * misspelt parameter of a built-in workload does not compile.
 */
export type NotBuiltin<N extends string> = N extends BuiltinWorkload ? never : N;
/** The params of a job: every parameter as a whole number, or the app's data as `input`. */
export type Params =
  | Record<string, number>
  | { input: WorkloadInput; top?: number; into?: OutputTarget };
/** A SHA-256 digest. */
export interface Digest {
  hex: string;
  bytes: Uint8Array<ArrayBuffer>;
}
/** RGBA pixels for `new ImageData(pixels, width, height)`. */
export interface Image {
  width: number;
  height: number;
  pixels: Uint8ClampedArray<ArrayBuffer>;
}
/** The solutions of `equations`: null (and its index in `singular`) for a singular system. */
export interface Solutions {
  solutions: (Float64Array<ArrayBuffer> | null)[];
  singular: number[];
}
/** The primes below the bound. */
export interface PrimeList {
  count: number;
  primes: Uint32Array<ArrayBuffer>;
}
/** The bodies after the steps. */
export interface BodiesState {
  positions: Float64Array<ArrayBuffer>;
  velocities: Float64Array<ArrayBuffer>;
}
/** Word counts: words are runs of letters and digits, compared in lower case. */
export interface WordCounts {
  perInput: number[];
  total: number;
  distinct: number;
  top: { word: string; count: number }[];
}
/** What `sort` gives back: a fresh array of the input's type. */
export type SortOutput =
  | Float64Array<ArrayBuffer>
  | Float32Array<ArrayBuffer>
  | Int32Array<ArrayBuffer>
  | Uint32Array<ArrayBuffer>
  | BigInt64Array<ArrayBuffer>
  | BigUint64Array<ArrayBuffer>;
/**
 * The input of workload `N`: for a workload another crate registered, whatever its Rust
 * `InputKernel::Input` reads (`unknown` here; check the workload's `input` entry).
 */
export type InputOf<N extends string> = N extends keyof WorkloadInputs ? WorkloadInputs[N] : unknown;
/**
 * The output of workload `N`'s input form: for a registered workload, what its Rust
 * `InputKernel::Output` writes (`unknown` here: narrow it where you use it).
 */
export type OutputOf<N extends string> = N extends keyof WorkloadOutputs ? WorkloadOutputs[N] : unknown;
/** The params of workload `N`'s input form: its `input`, and `top`/`into` where they apply. */
export interface InputParams<N extends string> {
  input: InputOf<N>;
  top?: number;
  into?: OutputTarget;
}
/** A report of a job on an app's data: its output is there. */
export type OutputReport<N extends string> = Omit<RunReport, "output"> & { output: OutputOf<N> };
/** The real output of a job on an app's data. */
export type WorkloadOutput = WorkloadOutputs[keyof WorkloadOutputs];
/**
 * How a job runs: on one thread, across the backend's workers ("parallel": threads, or
 * processes on the processes backend), or on isolated workers ("processes", any backend).
 */
export type Mode = "sequential" | "parallel" | "processes";
/** Controls every job takes. */
export interface JobControls {
  /** Aborting it stops the job within a chunk (milliseconds): the Promise rejects with AbortError. */
  signal?: AbortSignal;
  /** Stops the job after this many milliseconds: the Promise rejects with TimeoutError. */
  timeoutMs?: number;
  /**
   * Called 10 times a second with the finished fraction of the job (monotone, in [0, 1]), and
   * with 1 at the end (I/O jobs also pass the calls completed and in flight). If it throws,
   * the job stops and rejects with CallbackError (err.cause: what it threw).
   */
  onProgress?: (fraction: number) => void;
}
/** How the runner's executor schedules a job (run, submit and io go through it). */
export interface Scheduling {
  /** Time from the call, queueing included; then it rejects with TimeoutError. */
  deadlineMs?: number;
  /** Higher runs first; first come, first served within a priority. Default 0. */
  priority?: number;
}
/**
 * What each thread or isolated worker did and when, on the page's `performance.now()` clock
 * (a RunReport's `timeline`, asked for with `{ timeline: true }`). Beside the lanes' chunks:
 * on threads, `phases` "start" (from the call until the run began on its thread) and
 * "answer" (from its end until the report was back); on isolated workers, each lane's
 * `phases` "send" (a part's input copied and posted, until its worker took it) and "answer"
 * (its result copied and posted back), with `part` naming the part.
 */
export interface RunTimeline extends Timeline {
  phases?: TimelinePhase[];
  lanes: (Lane & { phases?: TimelinePhase[] })[];
}
/** A phase of a run outside its chunks, on the page's clock. */
export interface TimelinePhase {
  name: "start" | "answer" | "send";
  start: number;
  end: number;
  /** On isolated workers: the part it belongs to. */
  part?: number;
}
/** Options of `Runner.run`. */
export interface RunOptions extends JobControls, Scheduling {
  /**
   * Default "parallel". "auto" follows `runner.advise` (a job not seen before is first run
   * sequentially to measure it); the report then carries the `advice`, and its `timeline`,
   * which the next advice for the job learns from.
   */
  mode?: Mode | "auto";
  /**
   * Record what each thread (or isolated worker) did and when: the report's `timeline`.
   * Costs a clock read per chunk (under 2% of a run; `./build.sh bench` measures it); off by
   * default, and then it costs nothing.
   */
  timeline?: boolean;
  /** Timed repeats, 1..=100; default 1. */
  repeats?: number;
  /** On processes: buffers of the input the caller gives up (moved, not copied; repeats 1). */
  transfer?: ArrayBuffer[];
}
/** Options of `Runner.compare`. */
export interface CompareOptions extends JobControls {
  /** Timed repeats per mode, 1..=100; default 5. */
  repeats?: number;
  /** Each mode's run carries the timeline of its last repeat (see RunOptions.timeline). */
  timeline?: boolean;
  /** "sequential" first, then "parallel" and/or "processes"; default the backend's pair. */
  modes?: Mode[];
}
/** Options of `Runner.sweep`. */
export interface SweepOptions extends JobControls {
  /** Thread counts, each in 1..=pool size; 1 is always added. Default: 1 to the pool size. */
  threads?: number[];
  /** Timed repeats per thread count, 1..=100; default 3. */
  repeats?: number;
}
/** What every I/O job takes: `calls` calls under a concurrency limit and optional rate limit. */
export interface IoSpecCommon {
  /** Number of calls, 1..=1e9. */
  calls: number;
  /** Most calls in flight, 1..=100000 (fetch: 1..=256); default 100. */
  concurrency?: number;
  /** Most starts in any one-second window. */
  ratePerSec?: number;
  /**
   * Calls admitted to the scheduler at a time, the next lot only while fewer than this are
   * unfinished (backpressure: at most two lots pending); default 10000. Not `chunkSize`,
   * which is map's inputs per hop to the pool.
   */
  admitChunk?: number;
  /** Results per onBatch call, 1..=10000; default 1000. */
  batchSize?: number;
  /** Time limit of one attempt. */
  timeoutMs?: number;
  /**
   * Extra attempts for a failed call (network error, timeout, HTTP 5xx or 429), 0..=20;
   * default 0. The total backoff retryBaseMs * (2^retries - 1) may not exceed 300000 ms.
   */
  retries?: number;
  /** Backoff before the first retry, doubling after; default 100. */
  retryBaseMs?: number;
}
/** Simulated calls of a given latency (the default source). */
export interface TimerIoSpec extends IoSpecCommon {
  source?: "timer";
  /** Latency of a call; default 100. */
  latencyMs?: number;
  /** Extra latency, uniform in [0, jitterMs]. */
  jitterMs?: number;
  /** Chance an attempt fails, [0, 1]. */
  failureRate?: number;
  /** Seed of jitter and failures. */
  seed?: number;
}
/** HTTP requests of `url`. */
export interface FetchIoSpec extends IoSpecCommon {
  source: "fetch";
  /** URL template, "{i}" becomes the index, e.g. "/api/delay?ms=100&i={i}". */
  url: string;
  /** The expected latency, for the ideal. */
  latencyMs?: number;
  /**
   * Hand each successful call's body to onBatch as `result.body`: "text" (a string), "json"
   * (parsed; a body that is not JSON fails the call) or "bytes" (a Uint8Array). Bodies are
   * held only until their batch is delivered.
   */
  as?: "text" | "json" | "bytes";
  /** The HTTP method; default "GET". */
  method?: string;
  /** Request headers, or a function of the call's index that returns them. */
  headers?: Record<string, string> | ((index: number) => Record<string, string>);
  /** The request body, or a function of the call's index that returns it. */
  body?: BodyInit | ((index: number) => BodyInit);
}
/** Your own async `call` (runner.mapAsync builds on it). */
export interface FunctionIoSpec extends IoSpecCommon {
  source: "function";
  /** Called as call(index, { signal, attempt, index }); its value or rejection is the call's outcome. */
  call: (index: number, context: { signal: AbortSignal; attempt: number; index: number }) => unknown;
}
/** An I/O job, by its `source`: simulated timers (default), fetches, or your own function. */
export type IoSpec = TimerIoSpec | FetchIoSpec | FunctionIoSpec;
/** What a call's result adds to the Rust type's fields: bodies and values. */
export interface CallResult {
  /** The response body, with the spec's `as` (successful fetch calls only). */
  body?: unknown;
  /** Function source: what `call` resolved with (successful calls). */
  value?: unknown;
  /** Function source: what the last failed attempt threw (failed calls). */
  cause?: unknown;
}
/** Options of `Runner.io`. */
export interface IoOptions extends Omit<JobControls, "onProgress">, Scheduling {
  /**
   * Receives the results in batches, in completion order. If it throws, the job stops and
   * rejects with CallbackError (err.cause: what it threw; err.report: the counts so far).
   */
  onBatch?: (results: CallResult[]) => void;
  /** As for every job, with the calls completed and in flight beside the fraction. */
  onProgress?: (fraction: number, calls: { completed: number; inFlight: number }) => void;
}
/** The fetch-then-compute pipeline. */
export interface PipelineSpec {
  /** Documents, 1..=100000; default 100. */
  docs?: number;
  /** Bytes per document, 1..=1048576; default 262144. */
  bytes?: number;
  /** The server's latency per document; default 20. */
  latencyMs?: number;
  /** Fetches in flight in the concurrent run; default 6 (the browser's limit per host). */
  concurrency?: number;
}
/**
 * What a run adds to its timings (`RunReport`'s other fields come from the Rust type): the
 * output of a job on an app's data, and on isolated workers what crossed to them.
 */
export interface RunReport {
  /** The real output of the last repeat, for a job on an app's data. */
  output?: WorkloadOutput;
  /** What moving an app's data cost: the copy in (Blobs read included) and out. */
  copy?: CopyCost;
  /** "processes" for a run on isolated workers, which also report what crossed to them: */
  backend?: "processes";
  /** Parts the job was split into (1: it ran whole on one worker). */
  parts?: number;
  /** Messages between the page and the workers. */
  messages?: number;
  /** Bytes structured clone copied to the workers. */
  bytesCopied?: number;
  /** Bytes moved (transferred) instead: given buffers, and outputs back. */
  bytesTransferred?: number;
}
/** Milliseconds and bytes of the copy into wasm memory and of the output out of it. */
export interface CopyCost {
  inMs: number;
  inBytes: number;
  outMs: number;
  outBytes: number;
}
/** What a comparison adds to the Rust type's fields: more modes, and an app's data. */
export interface Comparison {
  /** With `modes`: sequential median / each mode's median. */
  speedups?: Partial<Record<Mode, number>>;
  /** The real output (of the parallel run), for a job on an app's data. */
  output?: WorkloadOutput;
  copy?: CopyCost;
}

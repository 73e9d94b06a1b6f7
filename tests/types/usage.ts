// Compiled (not run) by `./build.sh test` with `tsc --noEmit --strict`: the package's
// TypeScript types describe the API as the README uses it. A type error fails the build.
import init, {
  asCompleted,
  wait,
  Barrier,
  Flag,
  InvalidParamsError,
  WebparError,
  type AnyWebparError,
  type WebparErrorName,
  every,
  Mutex,
  memoryUsage,
  Queue,
  Runner,
  Semaphore,
  capabilities,
  createWorkerPool,
  type Capabilities,
  type Started,
  type MemoryUsage,
  type Comparison,
  type IoReport,
  type PipelineReport,
  type RunReport,
  type Sweep,
  type Workload,
  type WorkloadOutput,
  type Image,
} from "../../www/pkg/webpar.js";
import { progress, serve, transfer } from "../../www/pkg/task.js";
import { compare, pipeline, sweep } from "../../www/pkg/bench.js";
import { lab, labs } from "../../www/pkg/lab.js";

export async function usage(): Promise<void> {
  const begun: Started = await init();
  const threads: number | undefined = begun.threads;
  const runner = new Runner();
  const workloads: Workload[] = runner.workloads();
  const names: string[] = workloads.map((w) => w.name);
  const size: number | undefined = runner.threads;

  const controller = new AbortController();
  const run: RunReport = await runner.run("primes", { below: 1_000_000 }, {
    mode: "parallel",
    repeats: 2,
    signal: controller.signal,
    timeoutMs: 10_000,
    onProgress: (fraction: number) => void fraction,
  });
  const checksum: string = run.checksum;
  const traced = await runner.run("primes", { below: 1_000_000 }, { timeline: true });
  const lanes: number = traced.timeline?.lanes.length ?? 0;
  const firstChunk: number | undefined = traced.timeline?.lanes[0]?.chunks[0]?.start;
  const phase: string | undefined = traced.timeline?.phases?.[0]?.name;
  void [lanes, firstChunk, phase];
  await runner.submit("primes", { below: 100 }, { timeline: true });
  const mapped = runner.map("primes", [{ below: 10 }, { below: 20 }], { chunkSize: 2, timeline: true });
  for await (const count of mapped) void count;
  const mapLanes: number | undefined = mapped.timeline?.().lanes.length;
  void mapLanes;
  const sorted = await runner.run("sort", { input: new Float64Array([2, 1]) });
  const scores = new Float64Array([2, 1]);
  await runner.run("sort", { input: scores, into: scores });
  const canvasData = new ImageData(4, 4);
  await runner.run("mandelbrot", { input: { width: 4, height: 4 }, into: canvasData.data });
  const output: WorkloadOutput | undefined = sorted.output;
  if (output instanceof Float64Array) void output[0];
  const drawn = await runner.run("mandelbrot", { input: { width: 8, height: 8, center: [-0.5, 0] } });
  const image = drawn.output as Image;
  void new ImageData(image.pixels, image.width, image.height);
  await runner.run("sha256", { input: ["abc", new Blob(["x"]), new Uint8Array(3)] });
  await runner.run("wordcount", { input: "a b", top: 3 });
  await compare(runner, "equations", { input: [{ matrix: new Float64Array(1), rhs: new Float64Array(1) }] });
  const task = runner.submit("primes", { below: 100 }, { priority: 1, deadlineMs: 1000 });
  const state: string = task.status;
  const report: RunReport = await task;
  void [state, report.checksum, task.cancel()];
  for await (const out of runner.map("primes", [{ below: 10 }], { chunkSize: 2, ordered: false })) void out;
  // TypeScript types a for-await value as awaited (a Task would read as its RunReport), so
  // typed code reads the iterator by hand; at run time the loop yields the tasks themselves.
  const first = await asCompleted([task]).next();
  if (!first.done) void first.value.id;
  const { notDone } = await wait([task], { returnWhen: "first-completed" });
  void notDone.size;
  await using group = runner.group({ cancelOnFailure: false });
  group.submit("primes", { below: 10 });
  for await (const length of runner.mapAsync(["a", "bb"], async (s, { signal }) => (signal.aborted ? 0 : s.length), { concurrency: 2, retries: 1 })) {
    const n: number = length;
    void n;
  }
  const stats = runner.stats();
  void [stats.completed, stats.waitMs.p50, await runner.capacity()];
  await runner.close({ cancelPending: true });
  const cmp: Comparison = await compare(runner, "mandelbrot", { width: 700, height: 700, max_iter: 1000 }, { repeats: 3 });
  const speedup: number = cmp.speedup;
  const scaling: Sweep = await sweep(runner, "primes", { below: 2_000_000 }, { threads: [1, 2], repeats: 2 });
  const serial: number | null = scaling.serialFraction;
  runner.validate("primes", { below: 10 });

  const io: IoReport = await runner.io(
    { calls: 10_000, latencyMs: 100, concurrency: 200, batchSize: 1000, retries: 2 },
    { onBatch: (results) => results.forEach((r) => void r.index), onProgress: (f, calls) => void calls?.inFlight },
  );
  const ratio: number | null = io.ratioToIdeal;
  const piped: PipelineReport = await pipeline(runner, { docs: 10 }, {});
  // Options are optional, as in the README.
  const plain: RunReport = await runner.run("primes", { below: 1_000 });
  const quick: IoReport = await runner.io({ calls: 10 });
  const defaults: PipelineReport = await pipeline(runner);
  console.log(plain.checksum, quick.succeeded, defaults.docs);
  const memory: MemoryUsage = memoryUsage();
  const heap: number = memory.heapBytes + memory.memoryBytes + memory.maxMemoryBytes;
  // The async primitives.
  const semaphore = new Semaphore(2);
  const doubled: number = await semaphore.run(async () => 21 * 2);
  {
    using permit = await new Mutex().acquire({ signal: controller.signal });
    void permit;
  }
  const event = new Flag();
  event.set();
  const set: true = await event.wait();
  const arrival: number = await new Barrier(1).wait();
  const queue = new Queue<string>({ maxSize: 10 });
  await queue.put("item");
  const item: string = await queue.get();
  queue.taskDone();
  await queue.join();
  queue.close();
  for await (const left of queue) void left.length;
  const periodic = await every(100, (tick: number) => void tick, { signal: AbortSignal.timeout(250) });
  console.log(doubled, set, arrival, item, periodic.ticks);
  runner.free();
  console.log(threads, names, size, checksum, speedup, serial, ratio, piped.speedup, heap);
}

/** The processes backend and the app's own functions on isolated workers. */
export async function anyPage(): Promise<void> {
  const caps: Capabilities = capabilities();
  const started: Started = await init({ backend: "auto", threads: 4 });
  const why: string[] = [...started.fellBack, ...caps.threads.why, ...caps.frame.why];
  const runtime: "browser" | "node" | "deno" | "bun" = caps.runtime;
  // The threads frame: where the app serves webpar's files, and the service worker's header.
  await init({ frame: new URL("/webpar/webpar-frame.html", location.href), serviceWorker: true });
  await init({ frame: false });
  const runner = new Runner();
  const backend: "threads" | "frame" | "processes" | "sequential" | undefined = runner.backend;
  const onProcesses: RunReport = await runner.run("primes", { below: 1_000_000 }, { mode: "processes" });
  const copied: number | undefined = onProcesses.bytesCopied;
  const three = await compare(runner, "countdown", { n: 1e8 }, { modes: ["sequential", "parallel", "processes"] });
  const ratio: number | undefined = three.speedups?.processes;
  type Tasks = { fib(n: number): number; sumBytes(buffer: ArrayBuffer): number };
  await using pool = createWorkerPool<Tasks>(new URL("./tasks.js", import.meta.url), { size: 2, idleTimeoutMs: 5_000 });
  const fib: number = await pool.submit("fib", [30], { timeoutMs: 5_000, onProgress: (value) => void value });
  const bytes = new Uint8Array(1024);
  await pool.submit("sumBytes", [bytes.buffer], { transfer: [bytes.buffer] });
  for await (const value of pool.map("fib", [10, 20], { timeline: true })) { const n: number = value; void n; }
  await pool.submit("fib", [5], { timeline: true });
  const taskNames: string[] = pool.timeline({ clear: true }).lanes.flatMap((lane) => lane.chunks.map((chunk) => chunk.task));
  void taskNames;
  const poolAdvice = await pool.advise("sumBytes", [new ArrayBuffer(1024)], { tasks: 8 });
  const offload: "pool" | "page" = poolAdvice.mode;
  void offload;
  const bundled = createWorkerPool(() => new Worker(new URL("./tasks.js", import.meta.url), { type: "module" }));
  await bundled.close();
  console.log(why, runtime, backend, copied, ratio, fib, pool.stats().pool.workers.length);
}

/** A task module's side. */
export function taskModule(): void {
  serve({
    double: (n: number) => {
      progress(0.5);
      return 2 * n;
    },
    bytes: () => {
      const out = new Uint8Array(8);
      return transfer(out, [out.buffer]);
    },
  });
}

// The lab (webpar/lab): its experiments, and one run's report with the columns its chart plots.
async function theLab(runner: Runner) {
  const names: string[] = labs(runner).map((experiment) => experiment.name);
  const report = await lab(runner, "asyncio", { calls: 4 }, { timeoutMs: 10_000 });
  const plotted: string = report.chart.x;
  // @ts-expect-error: the lab takes the Runner first
  await lab("asyncio");
  void names; void plotted;
}
void theLab;

// Errors are classes: instanceof narrows, and the union's names are the stable ones.
async function errors(runner: Runner) {
  try {
    await runner.run("primes", { below: 10 });
  } catch (error) {
    if (error instanceof InvalidParamsError) {
      const param: string | undefined = error.param;
      const name: "InvalidParamsError" = error.name;
      void param; void name;
    }
    if (error instanceof WebparError) {
      const known: WebparErrorName | string = error.name;
      void known;
    }
  }
  const handled = (error: AnyWebparError): string => error.name === "CallFailedError" ? `item ${error.index}` : error.name;
  void handled;
}
void errors;

// What `tsc --strict` accepts and refuses of the public declarations: every
// `@ts-expect-error` line must be an error (tsc fails on one that is not), every other line
// must compile. Compiled, not run, by `./build.sh test`.
import init, { Runner, createWorkerPool, type IoSpec, type RunReport } from "../../www/pkg/webpar.js";

/** The task module of a worker pool, as `typeof import("./tasks.js")` gives it. */
interface Tasks {
  fib(n: number): number;
  hash(bytes: Uint8Array, rounds: number): Promise<string>;
  version: string;
}

export async function strict(): Promise<void> {
  await init();
  const runner = new Runner();

  // Workload names and their params.
  const primes: RunReport = await runner.run("primes", { below: 1_000 });
  // @ts-expect-error: a misspelt parameter of a built-in workload
  await runner.run("primes", { bellow: 1_000 });
  // @ts-expect-error: a missing parameter
  await runner.run("mandelbrot", { width: 10, height: 10 });
  // @ts-expect-error: a parameter is a whole number, not a string
  await runner.run("primes", { below: "1000" });
  // A workload another crate registered: any name that is not built in, its params checked at run time.
  await runner.run("levenshtein", { words: 10, length: 5 });
  runner.submit("nbody", { bodies: 10, steps: 2 });
  // @ts-expect-error: submit checks the params the same way
  runner.submit("nbody", { bodies: 10 });
  for await (const count of runner.map("primes", [{ below: 10 }, { below: 20 }])) {
    const decimal: string = count;
    void decimal;
  }
  // @ts-expect-error: map's inputs are the workload's params
  runner.map("primes", [{ upto: 10 }]);

  // Outputs of the input forms are typed per workload.
  const sorted = await runner.run("sort", { input: new Float64Array([3, 1, 2]) });
  const values: Float64Array | Float32Array | Int32Array | Uint32Array | BigInt64Array | BigUint64Array = sorted.output;
  const digests = await runner.run("sha256", { input: [new Uint8Array(4)] });
  const hex: string = digests.output[0].hex;
  // @ts-expect-error: sort's output is an array, not word counts
  void sorted.output.total;

  // Worker-pool tasks: names, arguments and results checked against the module's type.
  const pool = createWorkerPool<Tasks>(new URL("./tasks.js", import.meta.url));
  const fib: number = await pool.submit("fib", [25]);
  const digest: string = await pool.submit("hash", [new Uint8Array(1), 3]);
  // @ts-expect-error: no such task
  pool.submit("fibonacci", [25]);
  // @ts-expect-error: `version` is not a function
  pool.submit("version", []);
  // @ts-expect-error: wrong arguments
  pool.submit("fib", ["25"]);
  // @ts-expect-error: the result is a number
  const wrong: string = await pool.submit("fib", [25]);
  // Without the module's type: any name and arguments, an unknown result to narrow.
  const untyped = createWorkerPool(new URL("./tasks.js", import.meta.url));
  const something: unknown = await untyped.submit("anything", [1, "two"]);

  // I/O specs are a union by `source`.
  const timers: IoSpec = { calls: 10, latencyMs: 5 };
  const fetches: IoSpec = { source: "fetch", url: "/api/delay?i={i}", calls: 10, as: "json" };
  const calls: IoSpec = { source: "function", calls: 3, call: async (index) => index };
  // @ts-expect-error: a fetch needs its url
  const noUrl: IoSpec = { source: "fetch", calls: 10 };
  // @ts-expect-error: a function source needs its call
  const noCall: IoSpec = { source: "function", calls: 10 };
  // @ts-expect-error: timers have no url
  const timerUrl: IoSpec = { source: "timer", calls: 10, url: "/x" };
  await runner.io(fetches);

  void [primes, values, hex, fib, digest, wrong, something, timers, calls, noUrl, noCall, timerUrl];
}

// How close runner.advise comes: for every workload at two sizes (its defaults, and its first
// parameter a quarter of its default), the speedup predicted before any parallel run of the job
// against the one compare then measures (sequential and parallel taking turns).

/** Repeats of each mode in the measuring compare. */
const REPEATS = 5;

/**
 * One row per workload and size: `predicted` with its interval, `measured`, `error`
 * (predicted / measured - 1) and whether the measured speedup fell within the interval.
 * `evaluate(fn, arg)` runs `fn(arg)` in the page; `where` names the backend's rows.
 */
export async function predictionAccuracy(evaluate, { where }) {
  const jobs = await evaluate(async () => {
    const { Runner } = await import("/pkg/webpar.js");
    globalThis.adviseRunner = new Runner();
    globalThis.adviseCompare = (await import("/pkg/bench.js")).compare;
    return globalThis.adviseRunner.workloads().filter((w) => w.name !== "empty" && !w.registered).flatMap((w) => {
      const defaults = Object.fromEntries(w.params.map((p) => [p.name, p.default]));
      const [first] = w.params;
      const quarter = { ...defaults, [first.name]: Math.max(first.min, Math.round(first.default / 4)) };
      return [{ name: w.name, size: "default", params: defaults }, { name: w.name, size: "quarter", params: quarter }];
    });
  });
  const rows = [];
  for (const { name, size, params } of jobs) {
    const seen = await evaluate(async ([n, p, repeats]) => {
      const advice = await globalThis.adviseRunner.advise(n, p);
      const compared = await globalThis.adviseCompare(globalThis.adviseRunner, n, p, { repeats });
      return { advice, measured: compared.speedup, backend: advice.backend };
    }, [name, params, REPEATS]);
    const { advice, measured } = seen;
    const error = advice.speedup / measured - 1;
    const within = advice.interval[0] <= measured && measured <= advice.interval[1];
    console.log(`${where} prediction ${name} (${size}): predicted ${advice.speedup.toFixed(2)}x ` +
      `[${advice.interval[0].toFixed(2)}, ${advice.interval[1].toFixed(2)}], measured ${measured.toFixed(2)}x, ` +
      `error ${(error * 100).toFixed(1)}%${within ? ", within its interval" : ""}`);
    rows.push({
      kind: "prediction", workload: name, size, where, backend: seen.backend, params,
      predicted: advice.speedup, low: advice.interval[0], high: advice.interval[1], measured, error, within,
      mode: advice.mode, sequential_ms: advice.sequentialMs,
    });
  }
  return rows;
}

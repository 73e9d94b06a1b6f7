// What an app does with webpar: start a backend (threads where the page is cross-origin
// isolated, else isolated workers), run a workload on generated data and on the app's own
// data, map over many inputs, make I/O calls, and run its own function on a worker pool. The
// same entry of every app under tests/consumers/: the test copies it in as the app's main.js,
// with tasks.js beside it.
import init, { createWorkerPool, InvalidParamsError, Runner, WebparError } from "webpar";

const out = document.getElementById("out");
try {
  const started = await init({ backend: "auto", threads: 2, processes: 2 });
  const runner = new Runner();
  const primes = await runner.run("primes", { below: 1_000_000 });
  const sorted = await runner.run("sort", { input: new Float64Array([3, 1, 2]) });
  let mapped = 0;
  for await (const count of runner.map("primes", [{ below: 10 }, { below: 100 }], { chunkSize: 2 })) {
    mapped += Number(count);
  }
  const io = await runner.io({ calls: 200, latencyMs: 5, concurrency: 50 });
  // The app's own function on isolated workers, its worker script bundled like any other.
  const pool = createWorkerPool(() => new Worker(new URL("./tasks.js", import.meta.url), { type: "module" }), { size: 2 });
  const doubled = await pool.submit("double", [21]);
  await pool.close();
  // Errors are the package's classes, in a bundled app too.
  const bad = await runner.run("primes", { below: -1 }).catch((error) => error);
  const result = {
    backend: started.backend, threads: started.threads ?? started.processes, checksum: primes.checksum,
    threadsUsed: primes.threadsUsed, sorted: [...sorted.output], mapped, ioSucceeded: io.succeeded, doubled,
    badInput: `${bad instanceof InvalidParamsError && bad instanceof WebparError} ${bad.name} ${bad.param}`,
  };
  out.textContent = JSON.stringify(result);
  document.body.dataset.result = JSON.stringify(result);
} catch (error) {
  out.textContent = `${error.name}: ${error.message}`;
  document.body.dataset.error = `${error.name}: ${error.message}`;
}

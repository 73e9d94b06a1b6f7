// What an app does with webpar: start the pool, run a workload on generated data and on the
// app's own data, map over many inputs, make I/O calls. The same entry of every app under
// tests/consumers/: the test copies it in as the app's main.js.
import init, { initThreadPool, Runner } from "webpar";

const out = document.getElementById("out");
try {
  await init();
  const threads = await initThreadPool(2);
  const runner = new Runner();
  const primes = await runner.run("primes", { below: 1_000_000 });
  const sorted = await runner.run("sort", { input: new Float64Array([3, 1, 2]) });
  let mapped = 0;
  for await (const count of runner.map("primes", [{ below: 10 }, { below: 100 }], { chunkSize: 2 })) {
    mapped += Number(count);
  }
  const io = await runner.io({ calls: 200, latencyMs: 5, concurrency: 50 });
  const result = {
    threads, checksum: primes.checksum, threadsUsed: primes.threadsUsed,
    sorted: [...sorted.output], mapped, ioSucceeded: io.succeeded,
  };
  out.textContent = JSON.stringify(result);
  document.body.dataset.result = JSON.stringify(result);
} catch (error) {
  out.textContent = `${error.name}: ${error.message}`;
  document.body.dataset.error = `${error.name}: ${error.message}`;
}

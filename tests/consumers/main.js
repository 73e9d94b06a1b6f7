// What an app does with webpar: start the pool, run a workload, make I/O calls. The same
// entry of every app under tests/consumers/: the test copies it in as the app's main.js.
import init, { initThreadPool, Runner } from "webpar";

const out = document.getElementById("out");
try {
  await init();
  const threads = await initThreadPool(2);
  const runner = new Runner();
  const primes = await runner.run("primes", { below: 1_000_000 });
  const io = await runner.io({ calls: 200, latencyMs: 5, concurrency: 50 });
  const result = { threads, checksum: primes.checksum, threadsUsed: primes.threadsUsed, ioSucceeded: io.succeeded };
  out.textContent = JSON.stringify(result);
  document.body.dataset.result = JSON.stringify(result);
} catch (error) {
  out.textContent = `${error.name}: ${error.message}`;
  document.body.dataset.error = `${error.name}: ${error.message}`;
}

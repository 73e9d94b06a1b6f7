// The longest time the page's main thread is held while the largest allowed I/O jobs run:
// no allowed configuration may freeze the page for more than 50 ms. Runs in the page.
// A MessageChannel ping-pong measures every gap between two turns of the event loop.

/** In the page: for each configuration, the longest main-thread gap during the job. */
export async function ioStalls() {
  const { Runner } = await import("/pkg/webpar.js");
  const runner = new Runner();
  const cases = [
    ["onBatch of 10,000 results (largest batch)", { calls: 200_000, latencyMs: 0, concurrency: 100_000, batchSize: 10_000 }, true],
    ["100,000 timers started at once (largest concurrency)", { calls: 200_000, latencyMs: 50, concurrency: 100_000, batchSize: 10_000 }, true],
    ["1,000,000 zero-latency calls, largest chunks", { calls: 1_000_000, latencyMs: 0, concurrency: 100_000, admitChunk: 10_000_000, batchSize: 10_000 }, false],
    ["3,000 fetches at concurrency 256 (largest for fetch)", { source: "fetch", url: "/api/delay?ms=1&i={i}", calls: 3_000, concurrency: 256, batchSize: 10_000 }, true],
  ];
  /** Runs `job` while a MessageChannel ping-pong records the longest gap between turns. */
  const probed = async (job) => {
    let longest = 0;
    let last = performance.now();
    let running = true;
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      const now = performance.now();
      longest = Math.max(longest, now - last);
      last = now;
      if (running) channel.port2.postMessage(null);
    };
    channel.port2.postMessage(null);
    try {
      return { result: await job(), longest };
    } finally {
      running = false;
    }
  };
  const rows = [];
  for (const [name, spec, withBatches] of cases) {
    let delivered = 0;
    const options = withBatches ? { onBatch: (batch) => { delivered += batch.length; } } : {};
    const { result: report, longest } = await probed(() => runner.io(spec, options));
    rows.push({ kind: "io_stall", case: name, longest_gap_ms: longest, calls: report.calls, succeeded: report.succeeded, delivered, makespan_ms: report.makespanMs });
    console.log(`io stall: ${name}: longest main-thread gap ${longest.toFixed(1)} ms over ${(report.makespanMs / 1000).toFixed(1)} s`);
  }
  // The browser's own share: the same fetches from plain JS, 256 workers pulling indices
  // (the p-limit pattern), no webpar involved.
  const calls = 3_000;
  const started = performance.now();
  const { longest } = await probed(async () => {
    let next = 0;
    const worker = async () => {
      while (next < calls) {
        const response = await fetch(`/api/delay?ms=1&i=${next++}`);
        await response.arrayBuffer();
      }
    };
    await Promise.all(Array.from({ length: 256 }, worker));
  });
  const makespan = performance.now() - started;
  const name = "3,000 fetches at concurrency 256 from plain JS (the browser's share)";
  rows.push({ kind: "io_stall", case: name, longest_gap_ms: longest, calls, succeeded: calls, delivered: calls, makespan_ms: makespan });
  console.log(`io stall: ${name}: longest main-thread gap ${longest.toFixed(1)} ms over ${(makespan / 1000).toFixed(1)} s`);
  return rows;
}

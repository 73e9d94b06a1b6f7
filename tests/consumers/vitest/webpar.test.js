// An app's own tests of its use of webpar, run by vitest on Node.js: "webpar" resolves to the
// package's Node.js entry (its "node" export condition), and jobs run on worker threads.
import { afterAll, describe, expect, test } from "vitest";
import init, { capabilities, createWorkerPool, InvalidParamsError, Runner } from "webpar";

describe("webpar under vitest", () => {
  const runner = new Runner();
  afterAll(() => runner.close());

  test("starts threads without any header", async () => {
    const started = await init({ backend: "auto", threads: 2 });
    expect(capabilities().runtime).toBe("node");
    expect(started.backend).toBe("threads");
    expect(started.threads).toBe(2);
  });

  test("runs a workload in parallel, with the same count as sequentially", async () => {
    const parallel = await runner.run("primes", { below: 1_000_000 });
    const sequential = await runner.run("primes", { below: 1_000_000 }, { mode: "sequential" });
    expect(parallel.checksum).toBe("78498");
    expect(sequential.checksum).toBe(parallel.checksum);
    expect(parallel.threadsUsed).toBe(2);
  });

  test("sorts the app's own data, and refuses bad input with a typed error", async () => {
    const sorted = await runner.run("sort", { input: new Float64Array([3, 1, 2]) });
    expect([...sorted.output]).toEqual([1, 2, 3]);
    await expect(runner.run("primes", { below: -1 })).rejects.toBeInstanceOf(InvalidParamsError);
  });

  test("runs the app's own functions on a worker pool", async () => {
    const pool = createWorkerPool(new URL("./own-tasks.js", import.meta.url), { size: 2 });
    try {
      expect(await pool.submit("double", [21])).toBe(42);
    } finally {
      await pool.close();
    }
  });
});

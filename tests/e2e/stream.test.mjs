// sha256 of Blobs larger than a few slices: read slice by slice as they are hashed, so wasm
// memory holds a few slices, never the Blob; the digests equal crypto.subtle's; a cancel
// mid-Blob settles at once and leaves nothing behind. On threads and on isolated workers.
import { test } from "node:test";
import assert from "node:assert/strict";
import { inPage } from "./browser.mjs";

for (const isolated of [true, false]) {
  const backend = isolated ? "threads" : "processes";
  test(`sha256 hashes big Blobs slice by slice with bounded memory (${backend})`, { timeout: 180_000 }, async () => {
    const seen = await inPage(async ({ default: init, memoryUsage, Runner }, { isolated }) => {
      await init({ threads: 2, processes: 2 });
      const runner = new Runner();
      // A Blob of `parts` parts of 8 MiB (each part different) and `tail` bytes more.
      const blob = (parts, tail) => {
        const part = new Uint8Array(8 << 20);
        for (let i = 0; i < part.length; i++) part[i] = (i * 2654435761) >>> 24;
        const pieces = [];
        for (let p = 0; p < parts; p++) {
          const copy = part.slice();
          copy[0] = p;
          copy[copy.length - 1] = p * 3;
          pieces.push(copy);
        }
        pieces.push(new Uint8Array(tail).fill(7));
        return new Blob(pieces);
      };
      const big = blob(isolated ? 12 : 3, 1234); // 96 MiB on threads, 24 MiB on workers
      const other = blob(5, 99);
      const hex = (buffer) => [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, "0")).join("");
      const expected = [];
      for (const item of [big, other]) expected.push(hex(await crypto.subtle.digest("SHA-256", await item.arrayBuffer())));
      expected.push(hex(await crypto.subtle.digest("SHA-256", new TextEncoder().encode("abc"))));

      // The heap's live bytes, sampled while the job runs (the page's thread stays free).
      const before = memoryUsage().heapBytes;
      let peak = before;
      const sampler = setInterval(() => { peak = Math.max(peak, memoryUsage().heapBytes); }, 1);
      const report = await runner.run("sha256", { input: [big, other, "abc"] });
      clearInterval(sampler);
      const out = {
        hex: report.output.map((d) => d.hex),
        expected,
        grewMiB: (peak - before) / 2 ** 20,
        bigMiB: big.size / 2 ** 20,
        bytes: report.params.bytes,
      };

      // Both modes agree, with the Blobs read again for each run.
      const compared = await (await import("/pkg/bench.js")).compare(runner, "sha256", { input: [other, big] }, { repeats: 1 });
      out.compared = compared.runs.map((run) => run.checksum);

      // Cancelled while a Blob is read: AbortError at once, and the heap back where it was.
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 30);
      const started = performance.now();
      const aborted = await runner.run("sha256", { input: [big] }, { signal: controller.signal }).catch((err) => err);
      out.aborted = { name: aborted.name, ms: performance.now() - started };
      await new Promise((resolve) => setTimeout(resolve, 200));
      out.leftMiB = (memoryUsage().heapBytes - before) / 2 ** 20;
      out.after = (await runner.run("sha256", { input: [other] })).output[0].hex;
      return out;
    }, { isolated, arg: { isolated }, limitMs: 150_000 });

    assert.deepEqual(seen.hex, seen.expected);
    assert.equal(seen.after, seen.expected[1]);
    assert.equal(seen.compared.length, 2);
    assert.equal(seen.compared[0], seen.compared[1], "sequential and parallel agree");
    assert.equal(seen.aborted.name, "AbortError");
    assert.ok(seen.leftMiB < 1, `the heap kept ${seen.leftMiB} MiB after the cancelled job`);
    if (isolated) {
      // Two threads each hold the slice they hash and the next one: 32 MiB, never the 96 MiB
      // Blob (the page's heap is the workers' heap here).
      assert.ok(seen.grewMiB < 40, `the heap grew by ${seen.grewMiB} MiB hashing a ${seen.bigMiB} MiB Blob`);
    }
  });
}

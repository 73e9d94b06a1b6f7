// A crate that depends on webpar adds its own workload (examples/levenshtein): built to its
// own wasm package by ./build.sh test, its workload is in the catalogue and runs like a
// built-in one, with the answer a plain-JS reference computes here.
import { test } from "node:test";
import assert from "node:assert/strict";
import { inPage } from "./browser.mjs";

test("a downstream crate's workload is in the catalogue and runs in every mode", { timeout: 120_000 }, async () => {
  const seen = await inPage(async () => {
    const { default: init, initThreadPool, Runner } = await import("/examples/levenshtein/webpar.js");
    await init();
    await initThreadPool(2);
    const runner = new Runner();
    const entry = runner.workloads().find((w) => w.name === "levenshtein");
    // The same words in JS (mix is webpar's splitmix64 finalizer).
    const M = (1n << 64n) - 1n;
    const mix = (x) => {
      x &= M;
      x = ((x ^ (x >> 30n)) * 0xbf58476d1ce4e5b9n) & M;
      x = ((x ^ (x >> 27n)) * 0x94d049bb133111ebn) & M;
      return x ^ (x >> 31n);
    };
    const word = (index, length) => {
      const letters = [];
      let bits = mix(index);
      for (let i = 0; i < length; i++) {
        if (i % 32 === 0) bits = mix(index ^ (BigInt(i) << 40n));
        letters.push(Number(bits & 3n));
        bits >>= 2n;
      }
      return letters;
    };
    const distance = (a, b) => {
      let row = Array.from({ length: b.length + 1 }, (_, j) => j);
      for (let i = 0; i < a.length; i++) {
        const next = [i + 1];
        for (let j = 0; j < b.length; j++) next.push(Math.min(row[j + 1] + 1, next[j] + 1, row[j] + (a[i] !== b[j] ? 1 : 0)));
        row = next;
      }
      return row[b.length];
    };
    const [words, length] = [3000, 11];
    const query = word(M, length);
    let expected = 0;
    for (let i = 0; i < words; i++) expected += distance(query, word(BigInt(i), length));
    const cmp = await runner.compare("levenshtein", { words, length }, { repeats: 1 });
    const mapped = [];
    for await (const checksum of runner.map("levenshtein", [{ words: 10, length: 3 }, { words, length }], { chunkSize: 2 })) mapped.push(checksum);
    const bad = await runner.run("levenshtein", { words: 10, length: 65 }).catch((err) => `${err.name} ${err.param}`);
    return {
      entry: entry && { params: entry.params.map((p) => p.name), input: entry.input },
      expected: String(expected), checksums: cmp.runs.map((r) => r.checksum), match: cmp.checksumsMatch,
      mapped: mapped[1], builtIn: runner.workloads().some((w) => w.name === "primes"), bad,
    };
  });
  assert.deepEqual(seen.entry, { params: ["words", "length"], input: null });
  assert.equal(seen.match, true);
  assert.deepEqual(seen.checksums, [seen.expected, seen.expected]);
  assert.equal(seen.mapped, seen.expected);
  assert.equal(seen.builtIn, true);
  assert.equal(seen.bad, "InvalidParamsError length");
});

test("a downstream crate's workload splits across isolated workers on a page without isolation", { timeout: 120_000 }, async () => {
  const seen = await inPage(async () => {
    const { default: init, Runner } = await import("/examples/levenshtein/webpar.js");
    const started = await init({ backend: "auto", processes: 2 });
    const runner = new Runner();
    const split = await runner.run("levenshtein", { words: 3000, length: 11 });
    const whole = await runner.run("levenshtein", { words: 3000, length: 11 }, { mode: "sequential" });
    return { backend: started.backend, split: [split.mode, split.parts, split.checksum], whole: whole.checksum };
  }, { isolated: false });
  assert.equal(seen.backend, "processes");
  assert.deepEqual(seen.split.slice(0, 2), ["processes", 8]);
  assert.equal(seen.split[2], seen.whole);
});

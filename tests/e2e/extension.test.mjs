// A crate that depends on webpar adds its own workload (examples/levenshtein): built to its
// own wasm package by ./build.sh test, its workload is in the catalogue and runs like a
// built-in one, with the answer a plain-JS reference computes here.
import { test } from "node:test";
import assert from "node:assert/strict";
import { inPage } from "./browser.mjs";

/**
 * The edit distance of two strings (by character) or arrays, the textbook way: the reference
 * both pages check the crate's results against (its source is handed to them).
 */
function distance(a, b) {
  [a, b] = [[...a], [...b]];
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 0; i < a.length; i++) {
    const next = [i + 1];
    for (let j = 0; j < b.length; j++) next.push(Math.min(row[j + 1] + 1, next[j] + 1, row[j] + (a[i] !== b[j] ? 1 : 0)));
    row = next;
  }
  return row[b.length];
}

test("a downstream crate's workload is in the catalogue and runs in every mode", { timeout: 120_000 }, async () => {
  const seen = await inPage(async (_webpar, distanceSource) => {
    const { default: init, Runner } = await import("/examples/levenshtein/webpar.js");
    await init({ threads: 2 });
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
    const distance = new Function(`return ${distanceSource}`)();
    const [words, length] = [3000, 11];
    const query = word(M, length);
    let expected = 0;
    for (let i = 0; i < words; i++) expected += distance(query, word(BigInt(i), length));
    const cmp = await (await import("/examples/levenshtein/bench.js")).compare(runner, "levenshtein", { words, length }, { repeats: 1 });
    const mapped = [];
    for await (const checksum of runner.map("levenshtein", [{ words: 10, length: 3 }, { words, length }], { chunkSize: 2 })) mapped.push(checksum);
    const bad = await runner.run("levenshtein", { words: 10, length: 65 }).catch((err) => `${err.name} ${err.param}`);
    return {
      entry: entry && { params: entry.params.map((p) => p.name), input: entry.input },
      expected: String(expected), checksums: cmp.runs.map((r) => r.checksum), match: cmp.checksumsMatch,
      mapped: mapped[1], builtIn: runner.workloads().some((w) => w.name === "primes"), bad,
    };
  }, { arg: String(distance) });
  assert.deepEqual(seen.entry.params, ["words", "length"]);
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

test("a downstream crate's input form takes the app's data and gives the real output back", { timeout: 120_000 }, async () => {
  const seen = await inPage(async (_webpar, distanceSource) => {
    const { default: init, Runner } = await import("/examples/levenshtein/webpar.js");
    await init({ threads: 2 });
    const runner = new Runner();
    const distance = new Function(`return ${distanceSource}`)();
    // 20,000 words of 1 to 12 letters from "abcé" (é is one character, two UTF-8 bytes).
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const words = Array.from({ length: 20_000 }, () =>
      Array.from({ length: 1 + Math.floor(random() * 12) }, () => "abcé"[Math.floor(random() * 4)]).join(""));
    const query = "abécabé";
    const expected = words.map((w) => distance(query, w));
    const nearest = expected.map((d, index) => ({ d, index })).sort((x, y) => x.d - y.d || x.index - y.index).slice(0, 5)
      .map(({ d, index }) => ({ word: words[index], index, distance: d }));
    const report = await runner.run("levenshtein", { input: { query, words, top: 5 } });
    const cmp = await (await import("/examples/levenshtein/bench.js")).compare(runner, "levenshtein", { input: { query, words } }, { repeats: 1 });
    const mapped = [];
    for await (const found of runner.map("levenshtein", [{ input: { query: "b", words: ["a", "b", "bb"] } }, { input: { query, words: words.slice(0, 3) } }])) {
      mapped.push(found.distances);
    }
    const entry = runner.workloads().find((w) => w.name === "levenshtein");

    // Bad inputs: typed errors naming the field, the app's own throw as `cause`.
    const boom = new Error("boom");
    const getter = { query: "a", get words() { throw boom; } };
    const proxy = new Proxy({}, { ownKeys() { throw boom; } });
    const element = ["a"];
    Object.defineProperty(element, 1, { get() { throw boom; }, enumerable: true });
    const cycle = { query: "a", words: [] };
    cycle.words.push(cycle);
    const failure = (params) => runner.run("levenshtein", params).then(
      () => "resolved", (err) => ({ name: err.name, param: err.param, message: err.message, cause: err.cause === boom }));
    const bad = {
      type: await failure({ input: { query: "a", words: ["b", 7] } }),
      missing: await failure({ input: { words: [] } }),
      top: await failure({ input: { query: "a", words: [], top: 20_000 } }),
      getter: await failure({ input: getter }),
      element: await failure({ input: { query: "a", words: element } }),
      elementProxy: await failure({ input: { query: "a", words: new Proxy(["a", "b"], { get(t, k) { if (k === "1") throw boom; return Reflect.get(t, k); } }) } }),
      proxy: await failure({ input: proxy }),
      cycle: await failure({ input: cycle }),
      blob: await failure({ input: { query: "a", words: new Blob(["a"]) } }),
      fn: await failure({ input: { query: "a", words: [() => 1] } }),
      over: await failure({ input: { query: "a", words: new ArrayBuffer(3 * 2 ** 29) } }),
      extra: await failure({ input: { query: "a", words: [] }, top: 3 }),
    };
    return {
      distances: JSON.stringify(report.output.distances) === JSON.stringify(expected),
      nearest: report.output.nearest, expectedNearest: nearest,
      copy: report.copy.inBytes > 0,
      modes: [cmp.checksumsMatch, cmp.runs.length],
      mapped, entry: entry.input, bad,
    };
  }, { arg: String(distance) });
  assert.equal(seen.distances, true);
  assert.deepEqual(seen.nearest, seen.expectedNearest);
  assert.equal(seen.copy, true);
  assert.deepEqual(seen.modes, [true, 2]);
  assert.deepEqual(seen.mapped, [[1, 0, 1], seen.mapped[1]]);
  assert.match(seen.entry, /query: string, words: string\[\]/);
  const invalid = (param) => ({ name: "InvalidParamsError", param });
  for (const [key, param] of Object.entries({ type: "input.words[1]", missing: "input", top: "input.top", getter: "input.words", element: "input.words[1]", elementProxy: "input.words[1]", proxy: "input", cycle: "input.words[0]", blob: "input.words", fn: "input.words[0]" })) {
    assert.deepEqual({ name: seen.bad[key].name, param: seen.bad[key].param }, invalid(param), key);
  }
  assert.match(seen.bad.type.message, /^levenshtein: input\.words\[1\]: invalid type: floating point `7(\.0)?`, expected a string; it takes \{ query/);
  assert.match(seen.bad.missing.message, /missing field `query`/);
  assert.equal(seen.bad.getter.cause, true);
  assert.equal(seen.bad.element.cause, true);
  assert.equal(seen.bad.elementProxy.cause, true);
  assert.equal(seen.bad.proxy.cause, true);
  assert.match(seen.bad.cycle.message, /cycle/);
  assert.equal(seen.bad.over.name, "OverBudgetError");
  assert.equal(seen.bad.extra.name, "InvalidParamsError");
});

test("a downstream crate's input form runs on isolated workers too", { timeout: 120_000 }, async () => {
  const seen = await inPage(async () => {
    const { default: init, Runner } = await import("/examples/levenshtein/webpar.js");
    const started = await init({ backend: "auto", processes: 2 });
    const runner = new Runner();
    const report = await runner.run("levenshtein", { input: { query: "kitten", words: ["sitting", "mitten", "kitten"], top: 1 } });
    const bad = await runner.run("levenshtein", { input: { query: "a", words: [1] } }).catch((err) => `${err.name} ${err.param}`);
    // A Proxy of plain data is read on the page, but structured clone cannot send it.
    const proxy = await runner.run("levenshtein", { input: new Proxy({ query: "a", words: ["b"] }, {}) })
      .catch((err) => ({ name: err.name, message: err.message, cause: err.cause?.name }));
    return { backend: started.backend, output: report.output, bad, proxy };
  }, { isolated: false });
  assert.equal(seen.proxy.name, "DataCloneError");
  assert.match(seen.proxy.message, /cannot be sent to an isolated worker .*pass plain data/);
  assert.equal(seen.proxy.cause, "DataCloneError");
  assert.equal(seen.backend, "processes");
  assert.deepEqual(seen.output, { distances: [3, 1, 0], nearest: [{ word: "kitten", index: 2, distance: 0 }] });
  assert.equal(seen.bad, "InvalidParamsError input.words[0]");
});

// The input form of every workload, through the package in the page: an app's own data in,
// the real output back, checked against a reference computed here in plain JS; bad inputs
// rejected with typed errors that name the field, and nothing copied when over budget.
import { test } from "node:test";
import assert from "node:assert/strict";
import { inPage } from "./browser.mjs";

test("each workload's input form returns the real output, equal to a plain-JS reference", { timeout: 180_000 }, async () => {
  const seen = await inPage(async ({ default: init, Runner }) => {
    await init({ threads: 2 });
    const runner = new Runner();
    const out = {};
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;

    // sort: every type, compared with TypedArray.prototype.sort (NaN last, -0 before +0).
    out.sort = {};
    const makers = {
      Float64Array: (n) => Float64Array.from({ length: n }, random),
      Float32Array: (n) => Float32Array.from({ length: n }, random),
      Int32Array: (n) => Int32Array.from({ length: n }, () => Math.floor(random() * 2 ** 31)),
      Uint32Array: (n) => Uint32Array.from({ length: n }, () => Math.floor((random() + 1) * 2 ** 31)),
      BigInt64Array: (n) => BigInt64Array.from({ length: n }, () => BigInt(Math.floor(random() * 2 ** 52))),
      BigUint64Array: (n) => BigUint64Array.from({ length: n }, () => BigInt(Math.floor((random() + 1) * 2 ** 52)) * 1000n),
    };
    for (const [type, make] of Object.entries(makers)) {
      const data = make(200_000);
      if (type.startsWith("Float")) { data[5] = NaN; data[6] = -0; data[7] = 0; data[8] = -Infinity; }
      const before = data.slice();
      const report = await runner.run("sort", { input: data });
      const expected = data.slice().sort();
      out.sort[type] = {
        type: report.output.constructor.name,
        equal: report.output.length === expected.length &&
          report.output.every((v, i) => Object.is(v, expected[i])),
        untouched: data.every((v, i) => Object.is(v, before[i])),
        n: report.params.n,
      };
    }

    // sha256: known vectors, every kind of bytes, a Blob and a File, against crypto.subtle.
    const hex = (buffer) => [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, "0")).join("");
    const abc = new TextEncoder().encode("abc");
    const million = new Uint8Array(1_000_000).fill(97);
    const bigBlob = new Blob([million, million, million, new Uint8Array(123)]); // several slices
    const file = new File(["hello, file"], "hello.txt");
    const inputs = [abc, abc.buffer, new DataView(abc.buffer), "abc", new Uint8Array(0), million, bigBlob, file];
    const digests = (await runner.run("sha256", { input: inputs })).output;
    const expected = [];
    for (const item of [abc, abc, abc, abc, new Uint8Array(0), million,
      new Uint8Array(await bigBlob.arrayBuffer()), new Uint8Array(await file.arrayBuffer())]) {
      expected.push(hex(await crypto.subtle.digest("SHA-256", item)));
    }
    out.sha256 = {
      hex: digests.map((d) => d.hex),
      expected,
      bytesMatch: digests.every((d) => hex(d.bytes) === d.hex && d.bytes instanceof Uint8Array),
      single: (await runner.run("sha256", { input: abc })).output[0].hex,
    };

    // mandelbrot: an image ImageData takes; the center of the main cardioid is black.
    const view = { center: [-0.5, 0], scale: 0.01, width: 64, height: 48, maxIter: 500 };
    const image = (await runner.run("mandelbrot", { input: view })).output;
    const imageData = new ImageData(image.pixels, image.width, image.height);
    const at = (x, y) => [...image.pixels.subarray((y * 64 + x) * 4, (y * 64 + x) * 4 + 4)];
    out.mandelbrot = { width: imageData.width, height: imageData.height, center: at(32, 24), corner: at(0, 0) };

    // matmul: against the textbook triple loop.
    const [m, k, n] = [37, 70, 29];
    const a = { data: Float64Array.from({ length: m * k }, random), rows: m, cols: k };
    const b = { data: Float64Array.from({ length: k * n }, random), rows: k, cols: n };
    const product = (await runner.run("matmul", { input: { a, b } })).output;
    let worst = 0;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let sum = 0;
        for (let t = 0; t < k; t++) sum += a.data[i * k + t] * b.data[t * n + j];
        worst = Math.max(worst, Math.abs(sum - product.data[i * n + j]));
      }
    }
    out.matmul = { rows: product.rows, cols: product.cols, worst, type: product.data.constructor.name };

    // equations: solutions with a tiny residual; a singular system reported in its place.
    const size = 30;
    const matrix = Float64Array.from({ length: size * size }, random);
    const x = Float64Array.from({ length: size }, (_, i) => i - 4);
    const rhs = Float64Array.from({ length: size }, (_, r) => x.reduce((s, xc, c) => s + matrix[r * size + c] * xc, 0));
    const singular = new Float64Array([1, 2, 2, 4]);
    const solved = (await runner.run("equations", {
      input: [{ matrix, rhs }, { matrix: singular, rhs: new Float64Array([1, 2]) }],
    })).output;
    out.equations = {
      error: Math.max(...solved.solutions[0].map((v, i) => Math.abs(v - x[i]))),
      second: solved.solutions[1],
      singular: solved.singular,
    };

    // primes: against a sieve.
    const below = 100_000;
    const composite = new Uint8Array(below);
    const sieve = [];
    for (let i = 2; i < below; i++) {
      if (!composite[i]) { sieve.push(i); for (let j = i * i; j < below; j += i) composite[j] = 1; }
    }
    const primes = (await runner.run("primes", { input: { below } })).output;
    out.primes = { count: primes.count, equal: primes.primes.join() === sieve.join(), type: primes.primes.constructor.name };

    // nbody: momentum is conserved; sequential and parallel agree bit for bit.
    const bodies = 64;
    const body = {
      positions: Float64Array.from({ length: 3 * bodies }, random),
      velocities: Float64Array.from({ length: 3 * bodies }, () => random() * 0.1),
      masses: Float64Array.from({ length: bodies }, (_, i) => 1 + (i % 3)),
      steps: 10,
    };
    const momentum = (v) => [0, 1, 2].map((axis) => body.masses.reduce((s, mass, i) => s + mass * v[3 * i + axis], 0));
    const seq = await runner.run("nbody", { input: body }, { mode: "sequential" });
    const par = await runner.run("nbody", { input: body });
    const [p0, p1] = [momentum(body.velocities), momentum(par.output.velocities)];
    out.nbody = {
      drift: Math.max(...p0.map((p, i) => Math.abs(p - p1[i]))),
      moved: par.output.positions.some((p, i) => p !== body.positions[i]),
      same: seq.checksum === par.checksum && seq.output.positions.every((p, i) => Object.is(p, par.output.positions[i])),
    };

    // wordcount: strings and a Blob.
    const words = (await runner.run("wordcount", {
      input: ["The pool, the POOL!", new Blob(["pool party"]), "Noël"], top: 2,
    })).output;
    out.wordcount = words;

    // compare on an app's data: both modes computed the same; the output comes with it.
    const cmp = await (await import("/pkg/bench.js")).compare(runner, "sort", { input: makers.Float64Array(100_000) }, { repeats: 1 });
    out.compare = { match: cmp.checksumsMatch, sorted: cmp.output.every((v, i, s) => i === 0 || s[i - 1] <= v) };
    return out;
  }, { limitMs: 150_000 });

  for (const [type, result] of Object.entries(seen.sort)) {
    assert.deepEqual(result, { type, equal: true, untouched: true, n: 200_000 }, type);
  }
  assert.deepEqual(seen.sha256.hex, seen.sha256.expected);
  assert.equal(seen.sha256.hex[0], "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  assert.equal(seen.sha256.hex[5], "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  assert.equal(seen.sha256.single, seen.sha256.hex[0]);
  assert.ok(seen.sha256.bytesMatch);
  assert.deepEqual(seen.mandelbrot.center, [0, 0, 0, 255]);
  assert.notDeepEqual(seen.mandelbrot.corner, [0, 0, 0, 255]);
  assert.deepEqual([seen.mandelbrot.width, seen.mandelbrot.height], [64, 48]);
  assert.deepEqual([seen.matmul.rows, seen.matmul.cols, seen.matmul.type], [37, 29, "Float64Array"]);
  assert.ok(seen.matmul.worst < 1e-12, `matmul is off by ${seen.matmul.worst}`);
  assert.ok(seen.equations.error < 1e-8, `solution off by ${seen.equations.error}`);
  assert.deepEqual([seen.equations.second, seen.equations.singular], [null, [1]]);
  assert.deepEqual(seen.primes, { count: 9592, equal: true, type: "Uint32Array" });
  assert.ok(seen.nbody.drift < 1e-9 && seen.nbody.moved && seen.nbody.same, JSON.stringify(seen.nbody));
  assert.deepEqual(seen.wordcount, {
    perInput: [4, 2, 1], total: 7, distinct: 4,
    top: [{ word: "pool", count: 3 }, { word: "the", count: 2 }],
  });
  assert.deepEqual(seen.compare, { match: true, sorted: true });
});

test("bad inputs reject with InvalidParamsError naming the field; too much data is refused before a copy", { timeout: 120_000 }, async () => {
  const seen = await inPage(async ({ default: init, memoryUsage, Runner }) => {
    await init({ threads: 2 });
    const runner = new Runner();
    const outcome = (promise) => promise.then(
      () => "resolved",
      (err) => `${err.name} ${err.param ?? "-"} ${err instanceof Error}`);
    const detached = new Float64Array(8);
    structuredClone(detached.buffer, { transfer: [detached.buffer] });
    const hostile = new Proxy(new Float64Array(4), { get() { throw new Error("trap"); } });
    const cases = {
      wrongType: runner.run("sort", { input: new Int8Array(4) }),
      plainArray: runner.run("sort", { input: [3, 1, 2] }),
      empty: runner.run("sort", { input: new Float64Array(0) }),
      detached: runner.run("sort", { input: detached }),
      proxy: runner.run("sort", { input: hostile }),
      noInputForm: runner.run("countdown", { input: new Float64Array(4) }),
      extraParam: runner.run("sort", { input: new Float64Array(4), n: 4 }),
      shapes: runner.run("matmul", { input: {
        a: { data: new Float64Array(6), rows: 2, cols: 3 }, b: { data: new Float64Array(6), rows: 2, cols: 3 } } }),
      dataLength: runner.run("matmul", { input: {
        a: { data: new Float64Array(5), rows: 2, cols: 3 }, b: { data: new Float64Array(3), rows: 3, cols: 1 } } }),
      rhs: runner.run("equations", { input: [{ matrix: new Float64Array(4), rhs: new Float64Array(3) }] }),
      systemsNotArray: runner.run("equations", { input: { matrix: new Float64Array(1), rhs: new Float64Array(1) } }),
      viewport: runner.run("mandelbrot", { input: { width: 0, height: 10 } }),
      center: runner.run("mandelbrot", { input: { width: 10, height: 10, center: [0] } }),
      bodies: runner.run("nbody", { input: { positions: new Float64Array(5), masses: new Float64Array(2), steps: 1 } }),
      below: runner.run("primes", { input: { below: -1 } }),
      sha: runner.run("sha256", { input: [new Uint8Array(1), 42] }),
      words: runner.run("wordcount", { input: new Uint8Array(3), top: -1 }),
      validate: Promise.resolve().then(() => runner.validate("sort", { input: new Int8Array(1) })),
    };
    const results = {};
    for (const [name, promise] of Object.entries(cases)) results[name] = await outcome(promise);
    const messages = {
      detached: await cases.detached.catch((err) => err.message),
      shapes: await cases.shapes.catch((err) => err.message),
    };

    // Over budget: refused before anything is copied into wasm memory.
    const before = memoryUsage().heapBytes;
    const huge = new Float64Array(40_000_000); // 320 MB, plus 960 MB to sort it
    const over = await runner.run("sort", { input: huge }).catch((err) => err);
    const after = memoryUsage().heapBytes;
    return { results, messages, over: { name: over.name, message: over.message }, grew: after - before };
  }, { limitMs: 100_000 });

  const invalid = (param) => `InvalidParamsError ${param} true`;
  assert.deepEqual(seen.results, {
    wrongType: invalid("input"),
    plainArray: invalid("input"),
    empty: invalid("input"),
    detached: invalid("input"),
    proxy: invalid("input"),
    noInputForm: invalid("input"),
    extraParam: invalid("n"),
    shapes: invalid("input.b"),
    dataLength: invalid("input.a.data"),
    rhs: invalid("input[0].matrix"),
    systemsNotArray: invalid("input"),
    viewport: invalid("input.width"),
    center: invalid("input.center"),
    bodies: invalid("input.positions"),
    below: invalid("input.below"),
    sha: invalid("input[1]"),
    words: invalid("top"),
    validate: invalid("input"),
  });
  assert.match(seen.messages.detached, /detached/);
  assert.match(seen.messages.shapes, /a's columns must equal b's rows/);
  assert.equal(seen.over.name, "OverBudgetError");
  assert.match(seen.over.message, /MiB/);
  assert.ok(seen.grew < 1 << 20, `the heap grew by ${seen.grew} bytes on a refused input`);
});

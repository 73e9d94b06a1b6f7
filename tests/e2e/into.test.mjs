// `into`: sort, mandelbrot and matmul write their output into the app's own typed array (no
// new buffer), on threads and on isolated workers alike; a wrong target is refused before
// anything runs, naming `into`.
import { test } from "node:test";
import assert from "node:assert/strict";
import { inPage } from "./browser.mjs";

for (const isolated of [true, false]) {
  test(`into writes the output into the app's array (${isolated ? "threads" : "processes"})`, { timeout: 120_000 }, async () => {
    const seen = await inPage(async ({ default: init, Runner }) => {
      await init({ threads: 2, processes: 2 });
      const runner = new Runner();
      const out = {};
      const data = Float64Array.from({ length: 100_000 }, (_, i) => Math.sin(i) * 1000);
      const expected = data.slice().sort();
      const same = (a, b) => a.length === b.length && a.every((x, i) => Object.is(x, b[i]));

      // Sort into a separate array; the input is untouched.
      const target = new Float64Array(data.length);
      const before = data.slice();
      const sorted = await runner.run("sort", { input: data, into: target });
      out.sortInto = [sorted.output === target, same(target, expected), same(data, before)];

      // Sort in place: into is the input.
      const inPlace = data.slice();
      const again = await runner.run("sort", { input: inPlace, into: inPlace });
      out.inPlace = [again.output === inPlace, same(inPlace, expected)];

      // Mandelbrot into an ImageData's pixels: the same pixels as a new array.
      const view = { width: 64, height: 48, maxIter: 200 };
      const image = new ImageData(64, 48);
      const drawn = await runner.run("mandelbrot", { input: view, into: image.data });
      const fresh = await runner.run("mandelbrot", { input: view });
      out.mandelbrot = [drawn.output.pixels === image.data, drawn.output.width, drawn.output.height,
        same(image.data, fresh.output.pixels), drawn.checksum === fresh.checksum];

      // Matmul into a Float64Array of rows x cols.
      const a = { data: Float64Array.from({ length: 6 }, (_, i) => i + 1), rows: 2, cols: 3 };
      const b = { data: Float64Array.from({ length: 6 }, (_, i) => 6 - i), rows: 3, cols: 2 };
      const product = new Float64Array(4);
      const multiplied = await runner.run("matmul", { input: { a, b }, into: product });
      out.matmul = [multiplied.output.data === product, [...product], multiplied.output.rows, multiplied.output.cols];

      // Through map: each item's own target.
      const targets = [new Int32Array(3), new Int32Array(2)];
      const mapped = [];
      for await (const output of runner.map("sort", [
        { input: Int32Array.of(3, 1, 2), into: targets[0] },
        { input: Int32Array.of(9, -9), into: targets[1] },
      ])) mapped.push(output === targets[mapped.length]);
      out.map = [mapped, [...targets[0]], [...targets[1]]];

      // Wrong targets: refused before anything runs, naming into.
      const refused = async (name, params) => {
        try {
          await runner.run(name, params);
          return "ran";
        } catch (err) {
          return `${err.name} ${err.param}: ${err.message}`;
        }
      };
      out.refused = [
        await refused("sort", { input: data, into: new Float32Array(data.length) }),
        await refused("sort", { input: data, into: new Float64Array(3) }),
        await refused("sort", { input: data, into: [1, 2, 3] }),
        await refused("primes", { input: { below: 100 }, into: new Uint32Array(25) }),
        await refused("mandelbrot", { input: view, into: new Uint8Array(64 * 48 * 4) }),
      ];
      return out;
    }, { isolated, limitMs: 110_000 });
    assert.deepEqual(seen.sortInto, [true, true, true]);
    assert.deepEqual(seen.inPlace, [true, true]);
    assert.deepEqual(seen.mandelbrot, [true, 64, 48, true, true]);
    assert.deepEqual(seen.matmul, [true, [20, 14, 56, 41], 2, 2]);
    assert.deepEqual(seen.map, [[true, true], [1, 2, 3], [-9, 9]]);
    assert.match(seen.refused[0], /^InvalidParamsError into: sort: into must be a Float64Array of 100000 elements .*got a Float32Array/);
    assert.match(seen.refused[1], /^InvalidParamsError into: sort: into has 3 elements; the output has 100000/);
    assert.match(seen.refused[2], /^InvalidParamsError into: sort: into must be a Float64Array/);
    assert.match(seen.refused[3], /^InvalidParamsError into: primes: "into" is for sort, mandelbrot and matmul/);
    assert.match(seen.refused[4], /^InvalidParamsError into: mandelbrot: into must be a Uint8ClampedArray of 12288 elements/);
  });
}

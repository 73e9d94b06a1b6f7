// Plain-JS versions of four webpar kernels, and of sorting and hashing an app's data, run by
// the benchmark on a workerpool pool of the same size as webpar's. Each computes exactly what its Rust twin does (same inputs, same
// floating-point operations, same checksum), so the timings compare like with like.
// A classic worker script: workerpool's browser build defines `self.workerpool`.
importScripts("../vendor/workerpool.js");

/** Primes in [start, end) by trial division (as src/kernels/primes.rs). */
function primes(start, end) {
  let count = 0;
  for (let k = start; k < end; k++) {
    if (k < 4) { if (k >= 2) count++; continue; }
    if (k % 2 === 0) continue;
    let prime = true;
    for (let d = 3; d * d <= k; d += 2) {
      if (k % d === 0) { prime = false; break; }
    }
    if (prime) count++;
  }
  return count;
}

/** Builds an array of `length` ones and adds it up (as src/kernels/sum.rs). */
function sum(length) {
  const values = new Float64Array(length).fill(1);
  let total = 0;
  for (let i = 0; i < values.length; i++) total += values[i];
  return total;
}

function mix32(h) {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Points inside the quarter circle in chunks [first, last) (as src/kernels/montecarlo_pi.rs). */
function montecarlo(first, last, samplesPerChunk, samples) {
  const GOLDEN = 0x9e3779b9;
  const SCALE = 1 / 4294967296;
  let inside = 0;
  for (let chunk = first; chunk < last; chunk++) {
    const seed = mix32((chunk ^ 0x5bd1e995) >>> 0);
    const count = Math.min(samplesPerChunk, samples - chunk * samplesPerChunk);
    for (let j = 0; j < count; j++) {
      const x = mix32((seed + Math.imul(2 * j, GOLDEN)) >>> 0) * SCALE;
      const y = mix32((seed + Math.imul(2 * j + 1, GOLDEN)) >>> 0) * SCALE;
      if (x * x + y * y < 1) inside++;
    }
  }
  return inside;
}

// 64-bit arithmetic on [hi, lo] pairs of u32, for the splitmix64 digest of mandelbrot.
function mul64(hi, lo, ch, cl) {
  const a0 = lo & 0xffff, a1 = lo >>> 16, b0 = cl & 0xffff, b1 = cl >>> 16;
  const p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  const rlo = (((mid & 0xffff) << 16) | (p00 & 0xffff)) >>> 0;
  const rhi = (p11 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16) + Math.imul(hi, cl) + Math.imul(lo, ch)) >>> 0;
  return [rhi, rlo];
}

/** x ^ (x >> s) for 0 < s < 32. */
function xorShift(hi, lo, s) {
  const shiftedLo = ((lo >>> s) | (hi << (32 - s))) >>> 0;
  return [(hi ^ (hi >>> s)) >>> 0, (lo ^ shiftedLo) >>> 0];
}

/** splitmix64's finalizer on [hi, lo] (as `mix` in src/kernels/mod.rs). */
function mix64(hi, lo) {
  [hi, lo] = xorShift(hi, lo, 30);
  [hi, lo] = mul64(hi, lo, 0xbf58476d, 0x1ce4e5b9);
  [hi, lo] = xorShift(hi, lo, 27);
  [hi, lo] = mul64(hi, lo, 0x94d049bb, 0x133111eb);
  return xorShift(hi, lo, 31);
}

/**
 * Escape-time counts of pixels [first, last) (as src/kernels/mandelbrot.rs); returns the
 * digest as separate sums of the high and low halves, combined exactly by the caller.
 */
function mandelbrot(width, height, maxIter, first, last) {
  let sumHi = 0, sumLo = 0;
  for (let pixel = first; pixel < last; pixel++) {
    const row = Math.floor(pixel / width), col = pixel % width;
    const re = -2.2 + 3.2 * col / width;
    const im = -1.2 + 2.4 * row / height;
    let x = 0, y = 0, count = 0;
    while (count < maxIter) {
      const x2 = x * x, y2 = y * y;
      if (x2 + y2 > 4) break;
      y = 2 * x * y + im;
      x = x2 - y2 + re;
      count++;
    }
    // pixel * 0x1_0000_0001 ^ count, for pixels below 2^32
    const [hi, lo] = mix64(pixel >>> 0, ((pixel >>> 0) ^ count) >>> 0);
    sumHi += hi;
    sumLo += lo;
  }
  return [sumHi, sumLo];
}

/** Sorts a slice of numbers (TypedArray.prototype.sort) and hands it back without a copy. */
function sortSlice(values) {
  values.sort();
  return new workerpool.Transfer(values, [values.buffer]);
}

/** SHA-256 of each message with the browser's own implementation (crypto.subtle). */
async function digests(messages) {
  const out = [];
  for (const message of messages) out.push(new Uint8Array(await crypto.subtle.digest("SHA-256", message)));
  return out;
}

/** Its argument: no work, for the round trip of a task (compared with createWorkerPool's). */
function identity(value) {
  return value;
}

workerpool.worker({ primes, sum, montecarlo, mandelbrot, sortSlice, digests, identity });

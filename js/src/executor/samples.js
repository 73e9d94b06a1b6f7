// The run and queue-wait times of the last tasks, for the percentiles of `stats()`.

/** Run and wait times kept for the percentiles of `stats()`. */
export const SAMPLES = 4096;
/** Keeps the last SAMPLES values and answers percentiles. */
export class Samples {
  #values = [];
  #next = 0;

  add(value) {
    if (this.#values.length < SAMPLES) this.#values.push(value);
    else this.#values[this.#next] = value;
    this.#next = (this.#next + 1) % SAMPLES;
  }

  percentiles() {
    if (this.#values.length === 0) return { p50: null, p95: null, p99: null };
    const sorted = [...this.#values].sort((a, b) => a - b);
    const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
    return { p50: at(0.5), p95: at(0.95), p99: at(0.99) };
  }
}

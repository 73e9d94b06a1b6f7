// 95% confidence intervals by the percentile bootstrap: of a median of timings, and of a
// speedup (the ratio of two medians, each side resampled on its own). Seeded, so a report
// made twice from the same timings says the same.

/** The median of `values` (not modified). */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** A small seeded generator (mulberry32): uniform in [0, 1). */
function generator(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const RESAMPLES = 2000;

function resampledMedian(values, random) {
  const sample = Array.from({ length: values.length }, () => values[Math.floor(random() * values.length)]);
  return median(sample);
}

function percentiles(estimates) {
  estimates.sort((a, b) => a - b);
  return [estimates[Math.floor(0.025 * estimates.length)], estimates[Math.ceil(0.975 * estimates.length) - 1]];
}

/** The 95% interval of the median of `times`: [low, high]. */
export function medianInterval(times, seed = 1) {
  if (times.length < 2) return [times[0], times[0]];
  const random = generator(seed);
  return percentiles(Array.from({ length: RESAMPLES }, () => resampledMedian(times, random)));
}

/**
 * The 95% interval of `median(base) / median(other)` (a speedup when `base` are the
 * sequential times): [low, high].
 */
export function ratioInterval(base, other, seed = 2) {
  if (base.length < 2 || other.length < 2) {
    const ratio = median(base) / median(other);
    return [ratio, ratio];
  }
  const random = generator(seed);
  return percentiles(Array.from({ length: RESAMPLES },
    () => resampledMedian(base, random) / resampledMedian(other, random)));
}

/** Half the interval's width relative to `value`: 0.03 is ±3%. */
export function relativeHalfWidth([low, high], value) {
  return (high - low) / 2 / value;
}

//! Latency percentiles in constant memory, for any number of calls.

/// Buckets grow by 2% each, so a percentile is within 2% of the true value.
const GROWTH: f64 = 1.02;
/// Buckets cover 1 µs to beyond a day.
const BUCKETS: usize = 1_800;

/// A log-bucketed histogram of durations in milliseconds.
///
/// ```
/// use webpar::io::Histogram;
/// let mut h = Histogram::new();
/// for ms in 1..=100 {
///     h.record(ms as f64);
/// }
/// let p50 = h.quantile(0.5).unwrap();
/// assert!((p50 - 50.0).abs() / 50.0 < 0.03, "{p50}");
/// assert_eq!(h.count(), 100);
/// ```
#[derive(Debug, Clone)]
pub struct Histogram {
    counts: Vec<u64>,
    count: u64,
    max: f64,
}

impl Default for Histogram {
    fn default() -> Self {
        Histogram::new()
    }
}

impl Histogram {
    /// An empty histogram.
    pub fn new() -> Self {
        Histogram {
            counts: vec![0; BUCKETS],
            count: 0,
            max: 0.0,
        }
    }

    /// Records one duration (negative and NaN count as 0).
    pub fn record(&mut self, ms: f64) {
        let micros = if ms.is_finite() && ms > 0.0 {
            ms * 1e3
        } else {
            0.0
        };
        let bucket = if micros < 1.0 {
            0
        } else {
            ((micros.ln() / GROWTH.ln()) as usize + 1).min(BUCKETS - 1)
        };
        self.counts[bucket] += 1;
        self.count += 1;
        self.max = self.max.max(ms.max(0.0));
    }

    /// Durations recorded.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// The duration below which a fraction `q` of the recorded ones fall (the bucket's
    /// midpoint); `None` when empty.
    pub fn quantile(&self, q: f64) -> Option<f64> {
        if self.count == 0 {
            return None;
        }
        let rank = ((q.clamp(0.0, 1.0) * self.count as f64).ceil() as u64).max(1);
        let mut seen = 0;
        for (bucket, &n) in self.counts.iter().enumerate() {
            seen += n;
            if seen >= rank {
                if bucket == 0 {
                    return Some(0.0);
                }
                let low = GROWTH.powi(bucket as i32 - 1);
                let micros = low * (1.0 + GROWTH) / 2.0;
                return Some((micros / 1e3).min(self.max));
            }
        }
        Some(self.max)
    }
}

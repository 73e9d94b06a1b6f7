//! Summary statistics of repeated timings.

use serde::Serialize;

/// Median, minimum, maximum and mean of a set of timings, in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(
    target_arch = "wasm32",
    derive(tsify::Tsify),
    tsify(hashmap_as_object, missing_as_null)
)]
pub struct Summary {
    /// The middle timing (mean of the two middle ones for an even count).
    pub median_ms: f64,
    /// The fastest timing.
    pub min_ms: f64,
    /// The slowest timing.
    pub max_ms: f64,
    /// The arithmetic mean.
    pub mean_ms: f64,
}

impl Summary {
    /// Summarizes `times_ms`; `None` when it is empty or holds a NaN.
    ///
    /// ```
    /// use webpar::engine::Summary;
    /// let s = Summary::of(&[4.0, 1.0, 3.0, 2.0]).unwrap();
    /// assert_eq!((s.median_ms, s.min_ms, s.max_ms, s.mean_ms), (2.5, 1.0, 4.0, 2.5));
    /// ```
    pub fn of(times_ms: &[f64]) -> Option<Summary> {
        if times_ms.is_empty() || times_ms.iter().any(|t| t.is_nan()) {
            return None;
        }
        let mut sorted = times_ms.to_vec();
        sorted.sort_by(f64::total_cmp);
        let mid = sorted.len() / 2;
        let median_ms = if sorted.len() % 2 == 1 {
            sorted[mid]
        } else {
            (sorted[mid - 1] + sorted[mid]) / 2.0
        };
        Some(Summary {
            median_ms,
            min_ms: sorted[0],
            max_ms: sorted[sorted.len() - 1],
            mean_ms: sorted.iter().sum::<f64>() / sorted.len() as f64,
        })
    }
}

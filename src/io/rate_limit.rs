//! Rate limit: never more than R call starts in any one-second window.

use std::collections::VecDeque;

/// A sliding-window log of the last R starts: a start at `t` is allowed when fewer than R
/// starts fall in `(t - 1000 ms, t]`. Exact (no burst beyond R in any window, unlike a token
/// bucket whose full bucket plus refill allows up to 2R), at the cost of R timestamps.
///
/// ```
/// use webpar::io::RateLimit;
/// let mut limit = RateLimit::new(2);
/// assert_eq!(limit.next_allowed(0.0), 0.0);
/// limit.record(0.0);
/// limit.record(10.0);
/// assert_eq!(limit.next_allowed(20.0), 1000.0); // the start at 0 leaves the window at 1000
/// ```
#[derive(Debug, Clone)]
pub struct RateLimit {
    per_second: usize,
    starts: VecDeque<f64>,
}

/// Length of the window, in milliseconds.
const WINDOW_MS: f64 = 1000.0;

impl RateLimit {
    /// A limit of `per_second` starts in any one-second window (at least 1).
    pub fn new(per_second: u32) -> Self {
        RateLimit {
            per_second: per_second.max(1) as usize,
            starts: VecDeque::new(),
        }
    }

    /// The earliest time at or after `now` when a start is allowed.
    pub fn next_allowed(&mut self, now: f64) -> f64 {
        while self.starts.front().is_some_and(|&t| t <= now - WINDOW_MS) {
            self.starts.pop_front();
        }
        if self.starts.len() < self.per_second {
            now
        } else {
            self.starts[self.starts.len() - self.per_second] + WINDOW_MS
        }
    }

    /// Records a start at `now` (which [`RateLimit::next_allowed`] allowed).
    pub fn record(&mut self, now: f64) {
        self.starts.push_back(now);
        if self.starts.len() > self.per_second {
            self.starts.pop_front();
        }
    }
}

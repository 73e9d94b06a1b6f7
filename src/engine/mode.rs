//! How a job runs: on one thread or across the pool.

use serde::{Serialize, Serializer};

use crate::Error;

/// How a job runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mode {
    /// On a single pool thread, chunk after chunk.
    Sequential,
    /// Chunks spread over every thread of the pool (rayon work stealing).
    Parallel,
    /// Exactly this many lanes (at least 1) take chunks from one shared counter, each lane a
    /// rayon task: with `k` no larger than the pool, `k` workers are busy and the others idle.
    /// Scaling sweeps use it.
    Threads(usize),
}

impl Mode {
    /// Every mode, in the order comparisons run them.
    pub const ALL: [Mode; 2] = [Mode::Sequential, Mode::Parallel];

    /// The name users write: `"sequential"` or `"parallel"`.
    pub fn name(self) -> &'static str {
        match self {
            Mode::Sequential => "sequential",
            Mode::Parallel => "parallel",
            Mode::Threads(_) => "threads",
        }
    }

    /// Threads this mode asks for, given the pool's size.
    pub fn threads(self, pool_threads: usize) -> usize {
        match self {
            Mode::Sequential => 1,
            Mode::Parallel => pool_threads,
            Mode::Threads(k) => k,
        }
    }

    /// Parses a mode name.
    ///
    /// ```
    /// use webpar::engine::Mode;
    /// assert_eq!(Mode::parse("parallel").unwrap(), Mode::Parallel);
    /// assert!(Mode::parse("fast").is_err());
    /// ```
    ///
    /// # Errors
    /// [`crate::ErrorKind::InvalidParams`] for any other name.
    pub fn parse(name: &str) -> Result<Mode, Error> {
        Mode::ALL
            .into_iter()
            .find(|mode| mode.name() == name)
            .ok_or_else(|| {
                Error::invalid(format!(
                    "unknown mode {name:?}: use \"sequential\" or \"parallel\""
                ))
                .with_param("mode")
            })
    }
}

impl Serialize for Mode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

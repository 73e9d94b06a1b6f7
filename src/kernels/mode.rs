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
    /// Part `index` of `of` of a job split across isolated workers (the processes backend):
    /// the calling thread runs only its share of the chunks of the kernel's one chunked pass,
    /// `chunks * index / of .. chunks * (index + 1) / of`. The wrapping sum of every part's
    /// checksum is the whole job's checksum, for workloads whose [`Workload::splits`] is true.
    ///
    /// [`Workload::splits`]: crate::engine::Workload::splits
    Part {
        /// Which part, in `0..of`.
        index: u32,
        /// How many parts the job is split into (at least 1).
        of: u32,
    },
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
            Mode::Part { .. } => "part",
        }
    }

    /// The mode of a kernel's passes that every part needs whole (making its operands, say):
    /// sequential for a part, the mode itself otherwise.
    pub fn whole(self) -> Mode {
        match self {
            Mode::Part { .. } => Mode::Sequential,
            mode => mode,
        }
    }

    /// The chunk indices this mode runs of `chunks`: all of them, or a part's share.
    ///
    /// ```
    /// use webpar::engine::Mode;
    /// assert_eq!(Mode::Parallel.share(10), 0..10);
    /// assert_eq!(Mode::Part { index: 1, of: 3 }.share(10), 3..6);
    /// assert_eq!(Mode::Part { index: 2, of: 3 }.share(10), 6..10);
    /// assert_eq!(Mode::Part { index: 0, of: 4 }.share(2), 0..0);
    /// ```
    pub fn share(self, chunks: u64) -> std::ops::Range<u64> {
        match self {
            Mode::Part { index, of } => {
                let of = u128::from(of.max(1));
                let at = |i: u32| (u128::from(chunks) * u128::from(i.min(of as u32)) / of) as u64;
                at(index)..at(index.saturating_add(1))
            }
            _ => 0..chunks,
        }
    }

    /// Threads this mode asks for, given the pool's size.
    pub fn threads(self, pool_threads: usize) -> usize {
        match self {
            Mode::Sequential => 1,
            Mode::Parallel => pool_threads,
            Mode::Threads(k) => k,
            Mode::Part { .. } => 1,
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

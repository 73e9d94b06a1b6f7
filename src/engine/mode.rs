//! How a job runs: on one thread or across the pool.

use serde::Serialize;

use crate::Error;

/// How a job runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// On a single pool thread, chunk after chunk.
    Sequential,
    /// Chunks spread over every thread of the pool (rayon work stealing).
    Parallel,
}

impl Mode {
    /// Every mode, in the order comparisons run them.
    pub const ALL: [Mode; 2] = [Mode::Sequential, Mode::Parallel];

    /// The name users write: `"sequential"` or `"parallel"`.
    pub fn name(self) -> &'static str {
        match self {
            Mode::Sequential => "sequential",
            Mode::Parallel => "parallel",
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

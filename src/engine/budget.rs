//! Admission control: jobs reserve their memory before they run.
//!
//! The threaded build's memory is shared and has a fixed ceiling (`--max-memory` in
//! `.cargo/config.toml`); it can grow up to it but never past it. A job that needs more than
//! what is left is refused with [`ErrorKind::OverBudget`] before it starts, instead of failing
//! half-way (or, for an allocation that does not check, aborting the whole instance).

use std::sync::atomic::{AtomicU64, Ordering};

use crate::{Error, ErrorKind};

/// The shared memory's ceiling: 1 GiB. Must equal `--max-memory` in `.cargo/config.toml`.
pub const MEMORY_CEILING: u64 = 1 << 30;

/// Kept back for what is not a job: code and static data, thread stacks, the allocator's own
/// bookkeeping and fragmentation.
pub const RUNTIME_RESERVE: u64 = 128 << 20;

/// The process-wide budget that every job run through [`crate::engine::run_once`] reserves from.
pub static GLOBAL_BUDGET: Budget = Budget::new(MEMORY_CEILING - RUNTIME_RESERVE);

/// A memory budget shared by concurrent jobs.
///
/// ```
/// use webpar::engine::Budget;
/// let budget = Budget::new(100);
/// let first = budget.admit(60, "first").unwrap();
/// assert!(budget.admit(60, "second").is_err()); // 120 > 100
/// drop(first);
/// assert!(budget.admit(60, "second").is_ok());
/// ```
#[derive(Debug)]
pub struct Budget {
    limit: u64,
    reserved: AtomicU64,
}

impl Budget {
    /// A budget of `limit` bytes.
    pub const fn new(limit: u64) -> Self {
        Budget {
            limit,
            reserved: AtomicU64::new(0),
        }
    }

    /// Bytes in the budget.
    pub fn limit(&self) -> u64 {
        self.limit
    }

    /// Reserves `bytes` until the returned [`Admission`] is dropped.
    ///
    /// # Errors
    /// [`ErrorKind::OverBudget`] when `bytes` does not fit beside what other jobs reserved;
    /// the message names the job (`what`) and the sizes.
    pub fn admit(&self, bytes: u64, what: &str) -> Result<Admission<'_>, Error> {
        let mut reserved = self.reserved.load(Ordering::Relaxed);
        loop {
            let total = reserved.saturating_add(bytes);
            if total > self.limit {
                return Err(Error::new(
                    ErrorKind::OverBudget,
                    format!(
                        "{what} needs {} MiB of memory but only {} MiB of the {} MiB budget is \
                         free; use smaller sizes or wait for other jobs to finish",
                        mib(bytes),
                        mib(self.limit - reserved.min(self.limit)),
                        mib(self.limit)
                    ),
                ));
            }
            match self.reserved.compare_exchange_weak(
                reserved,
                total,
                Ordering::Relaxed,
                Ordering::Relaxed,
            ) {
                Ok(_) => {
                    return Ok(Admission {
                        budget: self,
                        bytes,
                    })
                }
                Err(current) => reserved = current,
            }
        }
    }
}

fn mib(bytes: u64) -> u64 {
    bytes.div_ceil(1 << 20)
}

/// Memory reserved in a [`Budget`]; released on drop.
#[derive(Debug)]
#[must_use = "the reservation is released when dropped"]
pub struct Admission<'a> {
    budget: &'a Budget,
    bytes: u64,
}

impl Drop for Admission<'_> {
    fn drop(&mut self) {
        self.budget
            .reserved
            .fetch_sub(self.bytes, Ordering::Relaxed);
    }
}

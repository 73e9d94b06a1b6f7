//! I/O jobs: many calls of some latency, made concurrently on the caller's event loop (not on
//! threads: a thread would only wait), under a concurrency limit, an optional rate limit,
//! chunked submission with backpressure, per-call timeouts and retries, with results handed
//! over in batches so that memory stays flat whatever the number of calls.
//!
//! The bookkeeping here is plain Rust, tested natively with a fake clock; `web/io.rs` supplies
//! the browser's timers and fetch.

mod batch;
mod control;
mod driver;
mod histogram;
mod pipeline;
mod rate_limit;
mod report;
mod schedule;
mod spec;

pub use batch::Batcher;
pub use control::IoControl;
pub use driver::{drive, Call, Host, Source};
pub use histogram::Histogram;
pub use pipeline::{PipelinePhases, PipelineReport, PipelineSpec};
pub use rate_limit::RateLimit;
pub use report::{ideal_makespans, CallResult, IoReport, Outcome};
pub use schedule::{Next, Plan, Scheduler, Settle};
pub use spec::{
    CallSource, IoSpec, SpecValue, MAX_BATCH_SIZE, MAX_FETCH_CONCURRENCY, MAX_TOTAL_BACKOFF_MS,
};

//! Jobs: specs and validation, modes, cancel and progress, timing and statistics,
//! comparisons, and admission against the memory budget.
//!
//! Everything here is platform-free; the browser glue in `web/` only converts and delegates.

mod budget;
mod catalogue;
mod context;
mod mode;
pub mod pool;
mod report;
mod runner;
mod spec;
mod stats;

pub use budget::{Admission, Budget, GLOBAL_BUDGET, MEMORY_CEILING, RUNTIME_RESERVE};
pub use catalogue::{find_workload, ParamSpec, Workload, WORKLOADS};
pub use context::{Ctx, StopReason};
pub use mode::Mode;
pub use report::{Comparison, RunReport};
#[cfg(not(target_arch = "wasm32"))]
pub use runner::native_clock;
pub use runner::{compare, run_once, run_repeated, Clock, Timed};
pub use spec::{JobSpec, RawValue, MAX_SAFE_INTEGER};
pub use stats::Summary;

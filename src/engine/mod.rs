//! Jobs: specs and validation, modes, cancel and progress, timing and statistics,
//! comparisons, and admission against the memory budget.
//!
//! Everything here is platform-free; the browser glue in `web/` only converts and delegates.

mod budget;
mod catalogue;
mod input;
mod job;
pub mod pool;
mod report;
mod runner;
mod spec;
mod stats;
mod sweep;

pub use crate::kernels::{
    Ctx, InputKernel, Kernel, Lane, Mode, ParamSpec, Recorder, Span, StopReason, Timeline,
    TimelineClock,
};
pub use budget::{Admission, Budget, GLOBAL_BUDGET, MEMORY_CEILING, RUNTIME_RESERVE};
pub use catalogue::{declarations, find_workload, register, workloads, Workload, WORKLOADS};
pub use input::{CustomInput, CustomOutput, Input, Produced};
pub use job::{Job, Stoppable};
pub use report::{Comparison, RunReport};
#[cfg(not(target_arch = "wasm32"))]
pub use runner::native_clock;
pub use runner::{
    compare, run_items, run_once, run_producing, run_repeated, run_task, run_value, sweep, Clock,
    ItemResult, Timed,
};
pub use spec::{JobSpec, RawValue, MAX_SAFE_INTEGER};
pub use stats::Summary;
pub use sweep::{sweep_threads, Sweep, SweepRow};

use std::sync::{Mutex, MutexGuard, TryLockError};

#[doc(hidden)]
/// Locks without ever waiting on a futex: the browser's main thread may not block
/// (`Atomics.wait` throws there), and every critical section here is a few instructions.
pub fn spin_lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    loop {
        match mutex.try_lock() {
            Ok(guard) => return guard,
            Err(TryLockError::Poisoned(poisoned)) => return poisoned.into_inner(),
            Err(TryLockError::WouldBlock) => std::hint::spin_loop(),
        }
    }
}

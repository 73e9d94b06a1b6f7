//! Cooperative control of a running job through shared memory.
//!
//! A [`Ctx`] is shared by the caller and every thread that works on the job. Kernels work in
//! chunks and call [`Ctx::checkpoint`] between chunks: it adds the finished work to the
//! progress counter and returns an error once the job was cancelled. The caller reads
//! [`Ctx::progress`] and calls [`Ctx::cancel`] without sending any message to the workers:
//! both are plain atomics in the shared wasm memory.

use std::sync::atomic::{AtomicU64, AtomicU8, Ordering};
use std::sync::{Arc, OnceLock};

use super::timeline::{Recorder, TimelineClock};

use crate::{Error, ErrorKind};

const RUNNING: u8 = 0;
const ABORTED: u8 = 1;
const TIMED_OUT: u8 = 2;
const CALLBACK_FAILED: u8 = 3;

/// Why a job is asked to stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopReason {
    /// The caller aborted the job (an `AbortSignal`).
    Abort,
    /// The job's deadline passed.
    Timeout,
    /// A callback of the caller's (`onProgress`, `onBatch`, ...) threw: the job cannot report
    /// to its caller any more, so it stops rather than run on unobserved.
    CallbackFailed,
}

impl StopReason {
    /// The error a job stopped for this reason rejects with; `job` names the job in the
    /// message ("the job", "the pipeline", ...).
    ///
    /// ```
    /// use webpar::{engine::StopReason, ErrorKind};
    /// let err = StopReason::Timeout.into_error("the pipeline");
    /// assert_eq!(err.kind(), ErrorKind::Timeout);
    /// assert_eq!(err.message(), "the pipeline ran past its deadline and was stopped");
    /// ```
    pub fn into_error(self, job: &str) -> Error {
        match self {
            StopReason::Abort => Error::new(ErrorKind::Aborted, format!("{job} was cancelled")),
            StopReason::Timeout => Error::new(
                ErrorKind::Timeout,
                format!("{job} ran past its deadline and was stopped"),
            ),
            StopReason::CallbackFailed => Error::new(
                ErrorKind::CallbackFailed,
                format!("{job} was stopped because a callback it was given threw"),
            ),
        }
    }
}

/// Cancel flag and progress counters of one job.
///
/// ```
/// use webpar::engine::{Ctx, StopReason};
/// let ctx = Ctx::new();
/// ctx.set_total(10);
/// ctx.checkpoint(5).unwrap();
/// assert_eq!(ctx.progress(), 0.5);
/// ctx.cancel(StopReason::Abort);
/// assert_eq!(ctx.checkpoint(1).unwrap_err().kind(), webpar::ErrorKind::Aborted);
/// ```
#[derive(Debug, Default)]
pub struct Ctx {
    /// Shared with siblings: cancelling one cancels all.
    stop: Arc<AtomicU8>,
    done: AtomicU64,
    total: AtomicU64,
    /// Bit `i % 64` set when pool thread `i` ran a chunk (bit 63 also stands for threads
    /// outside any pool, natively).
    threads_seen: AtomicU64,
    /// Checks made so far: a job that has made many is a long one, which may let a waiting
    /// job start in its chunks (see [`between_chunks`]).
    checks: AtomicU64,
    /// Called with the job's finished fraction at every checkpoint, when set: how a job on a
    /// worker without shared memory (the processes backend) reports its progress.
    watcher: Option<fn(f64)>,
    /// Records the chunks of this run, when its job asked for a timeline.
    recorder: Option<Arc<Recorder>>,
}

/// What a long job runs between two of its chunks: set by the pool that runs the jobs
/// ([`crate::engine::pool::help`] starts a job waiting for a thread), so that kernels need
/// nothing above them.
static BETWEEN_CHUNKS: OnceLock<fn()> = OnceLock::new();

/// Sets what long jobs run between their chunks ([`Ctx::check`] after 64 checks); the first
/// call wins.
pub(crate) fn between_chunks(help: fn()) {
    let _ = BETWEEN_CHUNKS.set(help);
}

/// Checks after which a job counts as long: it then lets jobs waiting for a thread start
/// between its chunks. A short job never does, so it is never held up by a long one it let in.
const LONG_JOB_CHECKS: u64 = 64;

impl Ctx {
    /// A context for a job that has not started.
    pub fn new() -> Self {
        Self::default()
    }

    /// A context whose every checkpoint calls `watcher` with the finished fraction.
    ///
    /// ```
    /// use webpar::engine::Ctx;
    /// let ctx = Ctx::watched(|fraction| assert!((0.0..=1.0).contains(&fraction)));
    /// ctx.set_total(4);
    /// ctx.checkpoint(1).unwrap();
    /// ```
    pub fn watched(watcher: fn(f64)) -> Self {
        Ctx {
            watcher: Some(watcher),
            ..Ctx::default()
        }
    }

    /// A context with fresh counters that shares this one's cancel flag: the context of the
    /// next run of a job made of several runs.
    pub fn sibling(&self) -> Ctx {
        Ctx {
            stop: Arc::clone(&self.stop),
            ..Ctx::default()
        }
    }

    /// This context, recording its chunks on `clock` (see [`Ctx::recorder`]).
    ///
    /// ```
    /// # #[cfg(not(target_arch = "wasm32"))] {
    /// use webpar::engine::{native_clock, Ctx};
    /// let ctx = Ctx::new().recording(native_clock);
    /// assert!(ctx.recorder().is_some() && Ctx::new().recorder().is_none());
    /// # }
    /// ```
    pub fn recording(mut self, clock: TimelineClock) -> Self {
        self.recorder = Some(Arc::new(Recorder::new(clock)));
        self
    }

    /// What records this run's chunks, when its job asked for a timeline: the chunk driver
    /// times every chunk through it.
    pub fn recorder(&self) -> Option<&Recorder> {
        self.recorder.as_deref()
    }

    /// Sets the number of work units the job will report through [`Ctx::checkpoint`].
    pub fn set_total(&self, units: u64) {
        self.total.store(units, Ordering::Relaxed);
    }

    /// Records `units` of finished work, then tells whether the job may go on.
    ///
    /// # Errors
    /// [`ErrorKind::Aborted`] or [`ErrorKind::Timeout`] once [`Ctx::cancel`] was called.
    pub fn checkpoint(&self, units: u64) -> Result<(), Error> {
        self.done.fetch_add(units, Ordering::Relaxed);
        let bit = rayon::current_thread_index().map_or(63, |index| index % 63);
        self.threads_seen.fetch_or(1 << bit, Ordering::Relaxed);
        if let Some(watcher) = self.watcher {
            watcher(self.progress());
        }
        self.check()
    }

    /// How many distinct threads reported work through [`Ctx::checkpoint`] (counted modulo
    /// 63, so exact for pools of up to 63 threads).
    pub fn threads_seen(&self) -> usize {
        self.threads_seen.load(Ordering::Relaxed).count_ones() as usize
    }

    /// Tells whether the job may go on, without recording progress.
    ///
    /// # Errors
    /// As [`Ctx::checkpoint`].
    pub fn check(&self) -> Result<(), Error> {
        // Between the chunks of a long job is where a job waiting to start gets its turn.
        if self.checks.fetch_add(1, Ordering::Relaxed) >= LONG_JOB_CHECKS {
            if let Some(help) = BETWEEN_CHUNKS.get() {
                help();
            }
        }
        match self.stop_reason() {
            None => Ok(()),
            Some(reason) => Err(reason.into_error("the job")),
        }
    }

    /// Why the job was asked to stop, if it was.
    pub fn stop_reason(&self) -> Option<StopReason> {
        match self.stop.load(Ordering::Relaxed) {
            RUNNING => None,
            TIMED_OUT => Some(StopReason::Timeout),
            CALLBACK_FAILED => Some(StopReason::CallbackFailed),
            _ => Some(StopReason::Abort),
        }
    }

    /// Asks every thread working on the job to stop at its next checkpoint. The first reason
    /// given wins.
    pub fn cancel(&self, reason: StopReason) {
        let code = match reason {
            StopReason::Abort => ABORTED,
            StopReason::Timeout => TIMED_OUT,
            StopReason::CallbackFailed => CALLBACK_FAILED,
        };
        let _ = self
            .stop
            .compare_exchange(RUNNING, code, Ordering::Relaxed, Ordering::Relaxed);
    }

    /// Whether [`Ctx::cancel`] was called.
    pub fn is_cancelled(&self) -> bool {
        self.stop.load(Ordering::Relaxed) != RUNNING
    }

    /// Finished fraction of the job in `[0, 1]`; 0 before the total is known.
    pub fn progress(&self) -> f64 {
        let total = self.total.load(Ordering::Relaxed);
        if total == 0 {
            return 0.0;
        }
        let done = self.done.load(Ordering::Relaxed).min(total);
        done as f64 / total as f64
    }
}

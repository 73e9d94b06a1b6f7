//! The I/O driver: starts calls as the scheduler allows, waits for them on the caller's event
//! loop, hands results over in batches, and stops promptly when cancelled.
//!
//! It is generic over the call source and the host (clock, timers, memory), so the same loop
//! runs in the browser (timers, fetch) and in native tests.

use std::collections::VecDeque;

use futures_util::future::{self, Either, FutureExt, LocalBoxFuture};
use futures_util::stream::{FuturesUnordered, StreamExt};

use crate::io::{
    ideal_makespans, Batcher, CallResult, CallSource, Histogram, IoControl, IoReport, IoSpec, Next,
    Outcome, Scheduler, Settle,
};

/// An attempt as its source starts it.
pub enum Call {
    /// It ended at once (e.g. a zero-latency simulated call): no future, no waiting.
    Ready(Outcome),
    /// It ends when the future resolves; dropping the future abandons the call.
    Pending(LocalBoxFuture<'static, Outcome>),
}

/// Where calls go: starts attempt `attempt` of call `index`.
pub trait Source {
    /// Starts one attempt.
    fn start(&self, index: u64, attempt: u32) -> Call;
}

/// What the driver needs from its platform.
pub trait Host {
    /// Milliseconds on a monotonic clock.
    fn now(&self) -> f64;
    /// A future that resolves after `ms` milliseconds.
    fn sleep(&self, ms: f64) -> LocalBoxFuture<'static, ()>;
    /// Lets the event loop run other tasks (input, rendering, timers) before going on.
    fn yield_now(&self) -> LocalBoxFuture<'static, ()>;
    /// Bytes of memory in use (the wasm memory's size), for the report.
    fn memory_bytes(&self) -> u64;
}

/// The driver lets the event loop run at least this often, so that a burst of calls that end
/// at once (or of zero-latency calls) never freezes the page.
const YIELD_EVERY_MS: f64 = 8.0;

/// Runs the job described by `spec`, calling `on_batch` with every batch of results.
pub async fn drive(
    spec: &IoSpec,
    source: &dyn Source,
    host: &dyn Host,
    control: &IoControl,
    on_batch: &mut dyn FnMut(Vec<CallResult>),
) -> IoReport {
    let mut books = Books {
        scheduler: Scheduler::new(spec.plan.clone()),
        batcher: Batcher::new(spec.batch_size as usize),
        tally: Tally::new(host.memory_bytes()),
    };
    let mut in_flight: FuturesUnordered<LocalBoxFuture<'static, Ended>> = FuturesUnordered::new();
    let mut cancelled = match control.take_cancelled() {
        Some(receiver) => Either::Left(receiver.map(|_| ())),
        None => Either::Right(future::pending()),
    }
    .fuse();
    let started = host.now();
    // The app's own function (mapAsync): cheap to start, and its consumer waits for each value.
    let function_source = matches!(spec.source, CallSource::Function);
    // Starts between two readings of the clock when starting a call is cheap.
    let cheap_run = if function_source { 16 } else { 256 };
    let mut last_yield = started;
    // Whether a batch went to `on_batch` since the event loop last ran for sure.
    let mut handed_over = false;
    loop {
        if control.stop_reason().is_some() {
            books.scheduler.cancel();
            break;
        }
        let now = host.now();
        if now - last_yield > YIELD_EVERY_MS {
            host.yield_now().await;
            last_yield = host.now();
            handed_over = false;
            continue;
        }
        // Start what may start now. Calls that end at once are settled on the spot; a long
        // run of starts (up to `concurrency` timers or fetches, or calls that end at once)
        // stops every so often to let the event loop in.
        let mut streak = 0u32;
        let mut now = now;
        let next = loop {
            match books.scheduler.next(now) {
                Next::Start { index, attempt } => {
                    // Starting a call that waits can cost the browser half a millisecond
                    // (a fetch, a timer), so the clock is read after each; calls that end at
                    // once cost nanoseconds, and it is read every 256 of them; the app's own
                    // function (mapAsync), every 16 (reading the clock costs more than
                    // starting it).
                    let mut costly = false;
                    match source.start(index, attempt) {
                        Call::Ready(outcome) => {
                            let ended = Ended {
                                index,
                                attempt,
                                outcome,
                                started_at: now,
                            };
                            books.settle(ended, now, host, control);
                        }
                        Call::Pending(call) => {
                            costly = !function_source;
                            in_flight.push(with_timeout(
                                call,
                                host,
                                spec.timeout_ms,
                                (index, attempt),
                                now,
                            ));
                            control
                                .set_counts(books.scheduler.settled(), books.scheduler.in_flight());
                        }
                    }
                    streak += 1;
                    let yield_due = (costly || streak % cheap_run == 0) && {
                        now = host.now();
                        now - last_yield > YIELD_EVERY_MS
                    };
                    if yield_due || control.stop_reason().is_some() {
                        break None;
                    }
                }
                other => break Some(other),
            }
        };
        hand_over(&mut books.tally, host, on_batch, &mut handed_over).await;
        let next = match next {
            None => continue, // time to yield
            Some(Next::Finished) => break,
            Some(next) => next,
        };
        // The function source's consumer waits for each value (mapAsync): hand over what
        // has settled whenever the driver is about to wait, instead of when a batch fills.
        if function_source {
            if let Some(batch) = books.batcher.flush() {
                books.tally.queue(batch, host);
            }
            hand_over(&mut books.tally, host, on_batch, &mut handed_over).await;
        }
        let mut wake = match next {
            Next::WaitUntil(at) => Either::Left(host.sleep(at - now)),
            _ => Either::Right(future::pending()),
        }
        .fuse();
        let ended = {
            let mut call = in_flight.select_next_some();
            futures_util::select_biased! {
                ended = call => Some(ended),
                () = wake => None,
                () = cancelled => None,
            }
        };
        if let Some(ended) = ended {
            let now = host.now();
            books.settle(ended, now, host, control);
            // Calls that ended together (one microtask turn resolves many) are settled in
            // one go, so the loop below starts their successors and hands their results over
            // together rather than one at a time.
            while let Some(Some(ended)) = in_flight.next().now_or_never() {
                books.settle(ended, now, host, control);
            }
            hand_over(&mut books.tally, host, on_batch, &mut handed_over).await;
        }
    }
    // Stopped or finished: what is still in flight is abandoned (dropping a fetch's future
    // aborts it), and every result already settled is delivered.
    drop(in_flight);
    if let Some(batch) = books.batcher.flush() {
        books.tally.queue(batch, host);
    }
    hand_over(&mut books.tally, host, on_batch, &mut handed_over).await;
    books
        .tally
        .report(spec, &books.scheduler, host.now() - started)
}

/// The mutable state of a running job.
struct Books {
    scheduler: Scheduler,
    batcher: Batcher<CallResult>,
    tally: Tally,
}

impl Books {
    /// Records an attempt that ended at `now`: a retry is scheduled, or the call's result is
    /// settled for good and batched.
    fn settle(&mut self, ended: Ended, now: f64, host: &dyn Host, control: &IoControl) {
        let Ended {
            index,
            attempt,
            outcome,
            started_at,
        } = ended;
        let latency_ms = now - started_at;
        self.tally.latencies.record(latency_ms);
        let retry = !outcome.ok && outcome.retryable;
        if self.scheduler.finish(index, attempt, retry, now) == Settle::Final {
            self.tally.settle(&outcome);
            let result = CallResult {
                index,
                ok: outcome.ok,
                attempts: attempt,
                latency_ms,
                bytes: outcome.bytes,
                status: outcome.status,
                error: outcome.error,
            };
            if let Some(batch) = self.batcher.push(result) {
                self.tally.queue(batch, host);
            }
            control.set_counts(self.scheduler.settled(), self.scheduler.in_flight());
        }
    }
}

/// An attempt that ended.
struct Ended {
    index: u64,
    attempt: u32,
    outcome: Outcome,
    started_at: f64,
}

/// A pending attempt raced against the per-attempt timeout; `started_at` is the clock's
/// last reading before it started.
fn with_timeout(
    call: LocalBoxFuture<'static, Outcome>,
    host: &dyn Host,
    timeout_ms: Option<f64>,
    (index, attempt): (u64, u32),
    started_at: f64,
) -> LocalBoxFuture<'static, Ended> {
    let limit = timeout_ms.map(|ms| host.sleep(ms));
    async move {
        let outcome = match limit {
            None => call.await,
            Some(limit) => match future::select(call, limit).await {
                Either::Left((outcome, _)) => outcome,
                Either::Right(((), _)) => Outcome {
                    error: Some(format!("timed out after {} ms", timeout_ms.unwrap_or(0.0))),
                    retryable: true,
                    ..Outcome::default()
                },
            },
        };
        Ended {
            index,
            attempt,
            outcome,
            started_at,
        }
    }
    .boxed_local()
}

/// Hands the batches waiting in `tally` to `on_batch`, letting the event loop run before each
/// one when a batch went out since it last ran: an `onBatch` that works for a while is never
/// followed at once by the next, so the page gets a turn between any two.
async fn hand_over(
    tally: &mut Tally,
    host: &dyn Host,
    on_batch: &mut dyn FnMut(Vec<CallResult>),
    handed_over: &mut bool,
) {
    while let Some(batch) = tally.ready.pop_front() {
        if *handed_over {
            host.yield_now().await;
        }
        on_batch(batch);
        *handed_over = true;
    }
}

/// Counters of a running job.
struct Tally {
    succeeded: u64,
    failed: u64,
    bytes: u64,
    batches: u64,
    start_memory: u64,
    peak_memory: u64,
    latencies: Histogram,
    first_errors: Vec<String>,
    /// Batches waiting for `on_batch` (see [`hand_over`]).
    ready: VecDeque<Vec<CallResult>>,
}

impl Tally {
    fn new(start_memory: u64) -> Self {
        Tally {
            succeeded: 0,
            failed: 0,
            bytes: 0,
            batches: 0,
            start_memory,
            peak_memory: start_memory,
            latencies: Histogram::new(),
            first_errors: Vec::new(),
            ready: VecDeque::new(),
        }
    }

    fn settle(&mut self, outcome: &Outcome) {
        self.bytes += outcome.bytes;
        if outcome.ok {
            self.succeeded += 1;
        } else {
            self.failed += 1;
            if let Some(error) = &outcome.error {
                if self.first_errors.len() < 5 && !self.first_errors.contains(error) {
                    self.first_errors.push(error.clone());
                }
            }
        }
    }

    /// Queues a full batch for [`hand_over`].
    fn queue(&mut self, batch: Vec<CallResult>, host: &dyn Host) {
        self.batches += 1;
        self.peak_memory = self.peak_memory.max(host.memory_bytes());
        self.ready.push_back(batch);
    }

    fn report(self, spec: &IoSpec, scheduler: &Scheduler, makespan_ms: f64) -> IoReport {
        let plan = &spec.plan;
        let latency = spec.latency_hint_ms.or(self.latencies.quantile(0.5));
        let (ideal, rated) = match latency {
            Some(latency) => {
                let (ideal, rated) =
                    ideal_makespans(plan.calls, plan.concurrency, plan.rate_per_sec, latency);
                (Some(ideal), rated)
            }
            None => (None, None),
        };
        let best = ideal.map(|ideal| rated.map_or(ideal, |rated| rated.max(ideal)));
        let settled = self.succeeded + self.failed;
        let throughput_per_sec = settled as f64 / (makespan_ms / 1000.0).max(1e-9);
        IoReport {
            source: spec.source_name(),
            calls: plan.calls,
            succeeded: self.succeeded,
            failed: self.failed,
            cancelled: plan.calls - settled,
            retries: scheduler.retries_started,
            concurrency: plan.concurrency,
            rate_per_sec: plan.rate_per_sec,
            makespan_ms,
            ideal_ms: ideal,
            rate_bound_ideal_ms: rated,
            ratio_to_ideal: best.filter(|b| *b > 0.0).map(|b| makespan_ms / b),
            throughput_per_sec,
            max_in_flight: scheduler.max_in_flight,
            effective_concurrency: spec
                .latency_hint_ms
                .filter(|latency| *latency > 0.0)
                .map(|latency| throughput_per_sec * latency / 1000.0),
            latency_p50_ms: self.latencies.quantile(0.5),
            latency_p95_ms: self.latencies.quantile(0.95),
            latency_p99_ms: self.latencies.quantile(0.99),
            bytes: self.bytes,
            batches: self.batches,
            peak_memory_bytes: self.peak_memory,
            memory_growth_bytes: self.peak_memory - self.start_memory,
            first_errors: self.first_errors,
        }
    }
}

//! Which call starts when: the concurrency limit, the rate limit, chunked submission with
//! backpressure and retries with exponential backoff, as a state machine driven by a clock.
//!
//! It knows nothing of timers or fetch: the driver asks [`Scheduler::next`] what to do at a
//! given time and tells it when calls end, so native tests drive it with a fake clock.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use crate::io::RateLimit;

/// The controls of an I/O job that decide when calls start.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// Calls to make (indices `0..calls`).
    pub calls: u64,
    /// Most calls in flight at once.
    pub concurrency: u32,
    /// Most starts in any one-second window, if limited.
    pub rate_per_sec: Option<u32>,
    /// Indices are admitted a chunk at a time, and a new chunk only while fewer than this
    /// many admitted calls are unfinished: the backpressure that bounds pending work.
    pub admit_chunk: u64,
    /// Extra attempts for a failed call.
    pub retries: u32,
    /// Backoff before the first retry; doubles for each further one.
    pub retry_base_ms: f64,
}

/// What the driver should do now.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Next {
    /// Start attempt `attempt` (1 for the first) of call `index`.
    Start {
        /// The call's input index.
        index: u64,
        /// 1 for the first attempt, 2 for the first retry, ...
        attempt: u32,
    },
    /// Nothing can start before this time (a rate limit or a retry's backoff).
    WaitUntil(f64),
    /// Nothing can start until a call in flight ends.
    WaitForCall,
    /// Every call is settled (or the job was cancelled and nothing is in flight).
    Finished,
}

/// How a call attempt ended, as the scheduler sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Settle {
    /// The call is done for good (succeeded, or failed with no retry left).
    Final,
    /// It failed and will be retried after its backoff.
    Retry,
}

/// The scheduler's state.
#[derive(Debug)]
pub struct Scheduler {
    plan: Plan,
    rate: Option<RateLimit>,
    admitted: u64,
    next_fresh: u64,
    in_flight: u32,
    settled: u64,
    /// Retries waiting for their backoff: (ready at in µs, index, attempt).
    waiting: BinaryHeap<Reverse<(u64, u64, u32)>>,
    cancelled: bool,
    /// Most calls in flight at any moment.
    pub max_in_flight: u32,
    /// Retry attempts started.
    pub retries_started: u64,
}

impl Scheduler {
    /// A scheduler for `plan` (concurrency and chunk size of at least 1).
    pub fn new(plan: Plan) -> Self {
        Scheduler {
            rate: plan.rate_per_sec.map(RateLimit::new),
            plan: Plan {
                concurrency: plan.concurrency.max(1),
                admit_chunk: plan.admit_chunk.max(1),
                ..plan
            },
            admitted: 0,
            next_fresh: 0,
            in_flight: 0,
            settled: 0,
            waiting: BinaryHeap::new(),
            cancelled: false,
            max_in_flight: 0,
            retries_started: 0,
        }
    }

    /// What to do at time `now` (ms). A `Start` is counted as started at once.
    pub fn next(&mut self, now: f64) -> Next {
        if self.cancelled {
            return if self.in_flight == 0 {
                Next::Finished
            } else {
                Next::WaitForCall
            };
        }
        if self.in_flight >= self.plan.concurrency {
            return Next::WaitForCall;
        }
        let retry_due = self
            .waiting
            .peek()
            .is_some_and(|Reverse((at, _, _))| *at <= micros(now));
        if !retry_due {
            self.admit();
        }
        let fresh = self.next_fresh < self.admitted;
        if !retry_due && !fresh {
            return match self.waiting.peek() {
                Some(Reverse((at, _, _))) => Next::WaitUntil(*at as f64 / 1e3),
                None if self.settled == self.plan.calls => Next::Finished,
                None => Next::WaitForCall,
            };
        }
        if let Some(rate) = &mut self.rate {
            let allowed = rate.next_allowed(now);
            if allowed > now {
                return Next::WaitUntil(allowed);
            }
            rate.record(now);
        }
        self.in_flight += 1;
        self.max_in_flight = self.max_in_flight.max(self.in_flight);
        if retry_due {
            let Some(Reverse((_, index, attempt))) = self.waiting.pop() else {
                unreachable!("a due retry was just seen");
            };
            self.retries_started += 1;
            Next::Start { index, attempt }
        } else {
            let index = self.next_fresh;
            self.next_fresh += 1;
            Next::Start { index, attempt: 1 }
        }
    }

    /// Admits the next chunk of indices while fewer than a chunk of admitted calls are
    /// unfinished.
    fn admit(&mut self) {
        let unfinished = self.admitted - self.settled;
        if self.next_fresh == self.admitted && unfinished < self.plan.admit_chunk {
            self.admitted = (self.admitted + self.plan.admit_chunk).min(self.plan.calls);
        }
    }

    /// Records the end of attempt `attempt` of call `index` at `now`.
    pub fn finish(&mut self, index: u64, attempt: u32, failed: bool, now: f64) -> Settle {
        self.in_flight = self.in_flight.saturating_sub(1);
        if failed && attempt <= self.plan.retries && !self.cancelled {
            let backoff = self.plan.retry_base_ms * 2f64.powi(attempt as i32 - 1);
            self.waiting
                .push(Reverse((micros(now + backoff), index, attempt + 1)));
            Settle::Retry
        } else {
            self.settled += 1;
            Settle::Final
        }
    }

    /// Starts nothing more; what is in flight may still finish.
    pub fn cancel(&mut self) {
        self.cancelled = true;
    }

    /// Calls in flight now.
    pub fn in_flight(&self) -> u32 {
        self.in_flight
    }

    /// Calls settled for good.
    pub fn settled(&self) -> u64 {
        self.settled
    }

    /// Calls admitted by the chunker but not yet settled (the pending work).
    pub fn pending(&self) -> u64 {
        self.admitted - self.settled
    }
}

fn micros(ms: f64) -> u64 {
    (ms.max(0.0) * 1e3).round() as u64
}

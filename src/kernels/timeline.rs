//! What each thread did during one run, and when: the chunks of the chunk driver, recorded
//! when a job asks for a timeline (and nothing at all when it does not).
//!
//! A run's [`Ctx`](super::Ctx) may carry a [`Recorder`]: the chunk driver then reads its clock
//! before and after every chunk and keeps `(thread, pass, index, start, end)`. A kernel made of
//! several passes over its chunks (sort's runs, then its merges; nbody's steps) starts a new
//! pass each time it calls the driver, so a pass's chunk indices cover `0..chunks` exactly once
//! whichever threads ran them.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Mutex;

use serde::Serialize;

use crate::engine::spin_lock;

/// A clock in milliseconds. To compare the threads of a run it must be one clock for all of
/// them (in browsers: the time origin plus `performance.now()`, since each worker's own
/// `performance.now()` starts at its own origin).
pub type TimelineClock = fn() -> f64;

/// One chunk as one thread ran it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct Span {
    /// The pass of the run it belongs to (0 for a kernel of one pass).
    pub pass: u32,
    /// Its index among the pass's chunks.
    pub index: u64,
    /// When it started, in milliseconds of the timeline's clock.
    pub start: f64,
    /// When it ended.
    pub end: f64,
}

/// What one thread did: its chunks in the order it ran them.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct Lane {
    /// The thread: its index in the pool (0 to threads − 1; for a run given one thread, the
    /// pool thread it ran on), or the worker's index for isolated workers.
    pub thread: usize,
    /// Milliseconds it spent in chunks.
    pub busy_ms: f64,
    /// Its chunks, by start time.
    pub chunks: Vec<Span>,
}

/// A run's timeline: one lane per thread the run was given (idle ones too; one for a
/// sequential run), every chunk of every pass in exactly one lane.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct Timeline {
    /// When the run started on its thread, in milliseconds of the clock (the page's
    /// `performance.now()` once the web layer has moved it there).
    pub start: f64,
    /// When it ended.
    pub end: f64,
    /// How many chunks each pass had.
    pub passes: Vec<u64>,
    /// One per thread.
    pub lanes: Vec<Lane>,
}

impl Timeline {
    /// Moves every time by `delta` milliseconds (from one clock's origin to another's).
    pub fn shift(&mut self, delta: f64) {
        self.start += delta;
        self.end += delta;
        for chunk in self
            .lanes
            .iter_mut()
            .flat_map(|lane| lane.chunks.iter_mut())
        {
            chunk.start += delta;
            chunk.end += delta;
        }
    }

    /// The fraction of the run's threads' time spent in chunks: 1.0 when every lane was busy
    /// from the run's start to its end.
    pub fn utilization(&self) -> f64 {
        let span = (self.end - self.start).max(f64::MIN_POSITIVE);
        let busy: f64 = self.lanes.iter().map(|lane| lane.busy_ms).sum();
        (busy / (span * self.lanes.len().max(1) as f64)).clamp(0.0, 1.0)
    }
}

/// Slots of a recorder: one per thread index (modulo), so that threads never share a lock.
const SLOTS: usize = 64;

/// A thread's spans, alone on its cache line: chunks of a few microseconds on two threads
/// would otherwise pass the line back and forth at every chunk.
#[derive(Debug, Default)]
#[repr(align(128))]
struct Slot(Mutex<Vec<(usize, Span)>>);

/// Records the chunks of one run, from any thread.
#[derive(Debug)]
pub struct Recorder {
    clock: TimelineClock,
    passes: Mutex<Vec<u64>>,
    slots: Box<[Slot]>,
    next_pass: AtomicU32,
}

impl Recorder {
    /// A recorder reading `clock`.
    pub fn new(clock: TimelineClock) -> Self {
        Recorder {
            clock,
            passes: Mutex::new(Vec::new()),
            slots: (0..SLOTS).map(|_| Slot::default()).collect(),
            next_pass: AtomicU32::new(0),
        }
    }

    /// The clock's time now.
    pub fn now(&self) -> f64 {
        (self.clock)()
    }

    /// Starts a pass of `chunks` chunks and returns its number.
    pub fn begin_pass(&self, chunks: u64) -> u32 {
        let pass = self.next_pass.fetch_add(1, Ordering::Relaxed);
        let mut passes = spin_lock(&self.passes);
        if passes.len() <= pass as usize {
            passes.resize(pass as usize + 1, 0);
        }
        passes[pass as usize] = chunks;
        pass
    }

    /// Records chunk `index` of `pass`, run on the calling thread from `start` to now.
    pub fn record(&self, pass: u32, index: u64, start: f64) {
        let end = self.now();
        let thread = rayon::current_thread_index().unwrap_or(0);
        spin_lock(&self.slots[thread % SLOTS].0).push((
            thread,
            Span {
                pass,
                index,
                start,
                end,
            },
        ));
    }

    /// Runs chunk `index` of `pass` through `work`, recording it.
    pub fn time<T>(&self, pass: u32, index: u64, work: impl FnOnce() -> T) -> T {
        let start = self.now();
        let value = work();
        self.record(pass, index, start);
        value
    }

    /// The timeline of a run that went from `start` to `end` on `threads` threads.
    pub fn finish(&self, start: f64, end: f64, threads: usize) -> Timeline {
        let spans: Vec<(usize, Span)> = self
            .slots
            .iter()
            .flat_map(|slot| std::mem::take(&mut *spin_lock(&slot.0)))
            .collect();
        // A run given one thread has one lane, whichever pool thread it ran on.
        let single = (threads <= 1).then(|| spans.first().map_or(0, |(thread, _)| *thread));
        let lanes_needed = match single {
            Some(_) => 1,
            None => spans
                .iter()
                .map(|(thread, _)| thread + 1)
                .max()
                .unwrap_or(0)
                .max(threads),
        };
        let mut lanes: Vec<Lane> = (0..lanes_needed)
            .map(|thread| Lane {
                thread: single.unwrap_or(thread),
                busy_ms: 0.0,
                chunks: Vec::new(),
            })
            .collect();
        for (thread, span) in spans {
            let lane = &mut lanes[if single.is_some() { 0 } else { thread }];
            lane.busy_ms += span.end - span.start;
            lane.chunks.push(span);
        }
        for lane in &mut lanes {
            lane.chunks.sort_by(|a, b| a.start.total_cmp(&b.start));
        }
        Timeline {
            start,
            end,
            passes: spin_lock(&self.passes).clone(),
            lanes,
        }
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::engine::native_clock;

    #[test]
    fn every_chunk_lands_in_one_lane_and_the_lanes_cover_the_threads() {
        let recorder = Recorder::new(native_clock);
        let pass = recorder.begin_pass(3);
        for index in 0..3 {
            recorder.time(pass, index, || std::hint::black_box(index * 2));
        }
        let timeline = recorder.finish(0.0, recorder.now(), 4);
        assert_eq!(timeline.lanes.len(), 4);
        assert_eq!(timeline.passes, vec![3]);
        let mut seen: Vec<u64> = timeline
            .lanes
            .iter()
            .flat_map(|lane| lane.chunks.iter().map(|chunk| chunk.index))
            .collect();
        seen.sort_unstable();
        assert_eq!(seen, vec![0, 1, 2]);
        assert!(timeline.lanes[0]
            .chunks
            .windows(2)
            .all(|pair| pair[0].start <= pair[1].start));
    }

    /// Each pass's chunk indices, sorted, must be exactly `0..chunks`.
    fn assert_covered_once(timeline: &Timeline) {
        for (pass, &chunks) in timeline.passes.iter().enumerate() {
            let mut seen: Vec<u64> = timeline
                .lanes
                .iter()
                .flat_map(|lane| lane.chunks.iter())
                .filter(|chunk| chunk.pass == pass as u32)
                .map(|chunk| chunk.index)
                .collect();
            seen.sort_unstable();
            assert_eq!(seen, (0..chunks).collect::<Vec<u64>>(), "pass {pass}");
        }
    }

    #[test]
    fn a_parallel_kernel_of_one_pass_and_one_of_several_cover_their_chunks_once() {
        use crate::kernels::{primes, sort, Ctx};
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap();
        pool.install(|| {
            let ctx = Ctx::new().recording(native_clock);
            let start = native_clock();
            let out = primes::parallel(&primes::Params { below: 300_000 }, &ctx).unwrap();
            let timeline = ctx.recorder().unwrap().finish(start, native_clock(), 2);
            assert_eq!(
                out,
                primes::sequential(&primes::Params { below: 300_000 }, &Ctx::new()).unwrap()
            );
            assert_eq!(timeline.passes.len(), 1);
            assert!(timeline.passes[0] > 1);
            assert_covered_once(&timeline);
            for chunk in timeline.lanes.iter().flat_map(|lane| lane.chunks.iter()) {
                assert!(
                    timeline.start <= chunk.start
                        && chunk.start <= chunk.end
                        && chunk.end <= timeline.end
                );
            }

            let ctx = Ctx::new().recording(native_clock);
            sort::parallel(&sort::Params { n: 200_000 }, &ctx).unwrap();
            let timeline = ctx.recorder().unwrap().finish(0.0, native_clock(), 2);
            assert!(timeline.passes.len() > 2, "{:?}", timeline.passes);
            assert_covered_once(&timeline);
        });
    }

    #[test]
    fn a_run_without_a_recorder_records_nothing() {
        assert!(crate::kernels::Ctx::new().recorder().is_none());
    }

    #[test]
    fn shift_moves_every_time_and_utilization_is_a_fraction() {
        let mut timeline = Timeline {
            start: 10.0,
            end: 20.0,
            passes: vec![1],
            lanes: vec![
                Lane {
                    thread: 0,
                    busy_ms: 10.0,
                    chunks: vec![Span {
                        pass: 0,
                        index: 0,
                        start: 10.0,
                        end: 20.0,
                    }],
                },
                Lane {
                    thread: 1,
                    busy_ms: 0.0,
                    chunks: vec![],
                },
            ],
        };
        assert_eq!(timeline.utilization(), 0.5);
        timeline.shift(-10.0);
        assert_eq!((timeline.start, timeline.end), (0.0, 10.0));
        assert_eq!(timeline.lanes[0].chunks[0].end, 10.0);
    }
}

//! The I/O bookkeeping with a fake clock, property-style: many random plans and call
//! latencies (seeded, so a failure can be replayed), checked against the invariants.

// The same tests run natively (`cargo test`) and in the browser (`./build.sh test`, or
// `wasm-pack test --headless --chrome`).
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use std::collections::BTreeMap;

use webpar::io::{Batcher, Histogram, Next, Plan, RateLimit, Scheduler, Settle};
use webpar::kernels::mix;

/// A deterministic stream of pseudo-random numbers.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(1);
        mix(self.0)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

struct Run {
    starts: Vec<(f64, u64, u32)>,
    max_in_flight: u32,
    finals: BTreeMap<u64, u32>,
    max_pending: u64,
    end: f64,
}

/// Simulates a job with a fake clock: each attempt takes a random latency and fails with
/// probability `failure_percent`.
fn simulate(plan: &Plan, seed: u64, failure_percent: u64, max_latency: u64) -> Run {
    let mut rng = Rng(seed);
    let mut scheduler = Scheduler::new(plan.clone());
    let mut now = 0.0f64;
    let mut running: Vec<(f64, u64, u32)> = Vec::new(); // (ends at, index, attempt)
    let mut run = Run {
        starts: vec![],
        max_in_flight: 0,
        finals: BTreeMap::new(),
        max_pending: 0,
        end: 0.0,
    };
    for _ in 0..10_000_000 {
        let next = scheduler.next(now);
        run.max_pending = run.max_pending.max(scheduler.pending());
        match next {
            Next::Start { index, attempt } => {
                run.starts.push((now, index, attempt));
                running.push((now + rng.below(max_latency) as f64, index, attempt));
                run.max_in_flight = run.max_in_flight.max(running.len() as u32);
                assert_eq!(scheduler.in_flight() as usize, running.len());
                continue;
            }
            Next::Finished => break,
            Next::WaitUntil(at) => {
                assert!(at > now, "waits for a time in the future");
                let first_end = running.iter().map(|r| r.0).fold(f64::INFINITY, f64::min);
                now = at.min(first_end);
            }
            Next::WaitForCall => {
                assert!(
                    !running.is_empty(),
                    "waits for a call only while one is in flight"
                );
                now = now.max(running.iter().map(|r| r.0).fold(f64::INFINITY, f64::min));
            }
        }
        // End every call due by now.
        running.sort_by(|a, b| a.0.total_cmp(&b.0));
        while running.first().is_some_and(|r| r.0 <= now) {
            let (_, index, attempt) = running.remove(0);
            let failed = rng.below(100) < failure_percent;
            if scheduler.finish(index, attempt, failed, now) == Settle::Final {
                assert!(
                    run.finals.insert(index, attempt).is_none(),
                    "index {index} settled twice"
                );
            }
        }
    }
    run.end = now;
    run
}

fn random_plan(rng: &mut Rng) -> Plan {
    Plan {
        calls: 1 + rng.below(400),
        concurrency: 1 + rng.below(40) as u32,
        rate_per_sec: (rng.below(2) == 0).then(|| 1 + rng.below(300) as u32),
        admit_chunk: 1 + rng.below(60),
        retries: rng.below(4) as u32,
        retry_base_ms: rng.below(50) as f64,
    }
}

#[test]
fn invariants_hold_for_many_random_plans() {
    let mut rng = Rng(7);
    for case in 0..300 {
        let plan = random_plan(&mut rng);
        let failure_percent = rng.below(60);
        let run = simulate(&plan, case, failure_percent, 200);
        let context = format!("case {case}: {plan:?}, {failure_percent}% failures");
        // Every index exactly once.
        assert_eq!(run.finals.len() as u64, plan.calls, "{context}");
        assert!(run.finals.keys().copied().eq(0..plan.calls), "{context}");
        // In flight never above the limit.
        assert!(run.max_in_flight <= plan.concurrency, "{context}");
        // Retries bounded: at most 1 + retries attempts per index.
        assert!(
            run.finals
                .values()
                .all(|&a| a >= 1 && a <= 1 + plan.retries),
            "{context}"
        );
        let mut attempts: BTreeMap<u64, u32> = BTreeMap::new();
        for &(_, index, _) in &run.starts {
            *attempts.entry(index).or_default() += 1;
        }
        assert!(
            attempts.values().all(|&a| a <= 1 + plan.retries),
            "{context}"
        );
        // Never more than R starts in any one-second window.
        if let Some(rate) = plan.rate_per_sec {
            let times: Vec<f64> = run.starts.iter().map(|s| s.0).collect();
            for (i, &t) in times.iter().enumerate() {
                let in_window = times[i..].iter().take_while(|&&u| u < t + 1000.0).count();
                assert!(
                    in_window as u32 <= rate,
                    "{context}: {in_window} starts in the second after {t}"
                );
            }
        }
        // Backpressure: pending work stays within two chunks.
        assert!(
            run.max_pending <= 2 * plan.admit_chunk,
            "{context}: pending {}",
            run.max_pending
        );
    }
}

#[test]
fn full_concurrency_reaches_the_ideal_makespan() {
    // 10,000 calls of exactly 100 ms at concurrency 200: 50 waves, 5 s.
    let plan = Plan {
        calls: 10_000,
        concurrency: 200,
        rate_per_sec: None,
        admit_chunk: 10_000,
        retries: 0,
        retry_base_ms: 0.0,
    };
    let mut scheduler = Scheduler::new(plan);
    let (mut now, mut running) = (0.0, Vec::new());
    loop {
        match scheduler.next(now) {
            Next::Start { index, attempt } => running.push((now + 100.0, index, attempt)),
            Next::Finished => break,
            _ => {
                now = running
                    .iter()
                    .map(|r: &(f64, u64, u32)| r.0)
                    .fold(f64::INFINITY, f64::min);
                let (done, rest): (Vec<_>, Vec<_>) = running.into_iter().partition(|r| r.0 <= now);
                running = rest;
                for (_, index, attempt) in done {
                    scheduler.finish(index, attempt, false, now);
                }
            }
        }
    }
    assert_eq!(now, 5_000.0);
    assert_eq!(scheduler.max_in_flight, 200);
}

#[test]
fn retries_back_off_exponentially() {
    let plan = Plan {
        calls: 1,
        concurrency: 1,
        rate_per_sec: None,
        admit_chunk: 1,
        retries: 3,
        retry_base_ms: 100.0,
    };
    let mut scheduler = Scheduler::new(plan);
    let mut starts = vec![];
    let mut now = 0.0;
    loop {
        match scheduler.next(now) {
            Next::Start { index, attempt } => {
                starts.push((now, attempt));
                scheduler.finish(index, attempt, true, now);
            }
            Next::WaitUntil(at) => now = at,
            Next::Finished => break,
            Next::WaitForCall => unreachable!(),
        }
    }
    assert_eq!(starts, [(0.0, 1), (100.0, 2), (300.0, 3), (700.0, 4)]);
    assert_eq!(scheduler.retries_started, 3);
}

#[test]
fn cancel_starts_nothing_more() {
    let plan = Plan {
        calls: 100,
        concurrency: 10,
        rate_per_sec: None,
        admit_chunk: 100,
        retries: 0,
        retry_base_ms: 0.0,
    };
    let mut scheduler = Scheduler::new(plan);
    for _ in 0..10 {
        assert!(matches!(scheduler.next(0.0), Next::Start { .. }));
    }
    scheduler.cancel();
    assert_eq!(
        scheduler.next(0.0),
        Next::WaitForCall,
        "calls in flight may still end"
    );
    for index in 0..10 {
        scheduler.finish(index, 1, false, 1.0);
    }
    assert_eq!(scheduler.next(1.0), Next::Finished);
    assert_eq!(scheduler.settled(), 10);
}

#[test]
fn rate_limit_allows_exactly_r_per_second() {
    let mut limit = RateLimit::new(3);
    let mut starts = vec![];
    let mut now = 0.0;
    while starts.len() < 9 {
        now = limit.next_allowed(now);
        limit.record(now);
        starts.push(now);
    }
    assert_eq!(
        starts,
        [0.0, 0.0, 0.0, 1000.0, 1000.0, 1000.0, 2000.0, 2000.0, 2000.0]
    );
}

#[test]
fn batches_have_the_right_size_and_nothing_is_lost() {
    let mut rng = Rng(3);
    for _ in 0..100 {
        let (size, items) = (1 + rng.below(20) as usize, rng.below(200));
        let mut batcher = Batcher::new(size);
        let mut delivered = vec![];
        for item in 0..items {
            if let Some(batch) = batcher.push(item) {
                assert_eq!(batch.len(), size);
                delivered.extend(batch);
            }
        }
        if let Some(rest) = batcher.flush() {
            assert!(!rest.is_empty() && rest.len() < size);
            delivered.extend(rest);
        }
        assert!(delivered.into_iter().eq(0..items));
    }
}

#[test]
fn histogram_percentiles_are_within_two_percent() {
    let mut histogram = Histogram::new();
    let mut values: Vec<f64> = (0..100_000u64)
        .map(|i| 1.0 + (mix(i) % 100_000) as f64 / 100.0)
        .collect();
    for &v in &values {
        histogram.record(v);
    }
    values.sort_by(f64::total_cmp);
    for q in [0.5, 0.95, 0.99] {
        let exact = values[(q * values.len() as f64) as usize - 1];
        let estimate = histogram.quantile(q).unwrap();
        assert!(
            (estimate - exact).abs() / exact < 0.02,
            "q {q}: {estimate} vs {exact}"
        );
    }
    assert_eq!(Histogram::new().quantile(0.5), None);
}

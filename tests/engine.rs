//! The engine natively: jobs go to the rayon pool and come back through a channel; reports
//! and comparisons carry what the JS API promises.
// Native only: it needs native rayon and a blocking executor; the browser tests (web_*.rs) cover the same paths there.
#![cfg(not(target_arch = "wasm32"))]

use futures::executor::block_on;
use webpar::engine::{self, native_clock, Budget, Ctx, Job, JobSpec, Mode, RawValue, StopReason};
use webpar::ErrorKind;

fn spec(name: &str, params: &[(&str, f64)]) -> JobSpec {
    let params: Vec<(String, RawValue)> = params
        .iter()
        .map(|(k, v)| (k.to_string(), RawValue::Number(*v)))
        .collect();
    JobSpec::parse(name, &params).unwrap()
}

#[test]
fn run_repeated_reports_every_repeat() {
    let spec = spec("primes", &[("below", 100_000.0)]);
    let report = block_on(engine::run_repeated(
        &spec,
        Mode::Parallel,
        3,
        1,
        &Job::new(),
        native_clock,
    ))
    .unwrap();
    assert_eq!(report.checksum, "9592");
    assert_eq!(report.times_ms.len(), 3);
    assert!(report.deterministic);
    assert!(
        report.summary.min_ms <= report.summary.median_ms
            && report.summary.median_ms <= report.summary.max_ms
    );
    assert_eq!(report.threads, rayon::current_num_threads());
    assert!(report.threads_used >= 1 && report.threads_used <= report.threads);
}

#[test]
fn compare_runs_both_modes_with_equal_checksums() {
    let spec = spec(
        "mandelbrot",
        &[("width", 120.0), ("height", 80.0), ("max_iter", 200.0)],
    );
    let cmp = block_on(engine::compare(&spec, 2, &Job::new(), native_clock)).unwrap();
    assert_eq!(cmp.runs.len(), 2);
    assert_eq!(cmp.runs[0].mode, Mode::Sequential);
    assert_eq!(cmp.runs[0].threads, 1);
    assert_eq!(cmp.runs[1].mode, Mode::Parallel);
    assert!(cmp.checksums_match);
    assert_eq!(
        cmp.speedup,
        cmp.runs[0].summary.median_ms / cmp.runs[1].summary.median_ms
    );
    assert!((cmp.efficiency - cmp.speedup / cmp.threads as f64).abs() < 1e-12);
}

#[test]
fn zero_repeats_is_invalid() {
    let spec = spec("primes", &[("below", 10.0)]);
    let err = block_on(engine::run_repeated(
        &spec,
        Mode::Sequential,
        0,
        0,
        &Job::new(),
        native_clock,
    ))
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidParams);
}

#[test]
fn a_cancelled_job_rejects_and_the_next_one_runs() {
    let spec = spec("primes", &[("below", 1_000_000.0)]);
    let job = Job::new();
    job.cancel(StopReason::Abort);
    let err = block_on(engine::run_repeated(
        &spec,
        Mode::Parallel,
        1,
        0,
        &job,
        native_clock,
    ))
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Aborted);
    let report = block_on(engine::run_repeated(
        &spec,
        Mode::Parallel,
        1,
        0,
        &Job::new(),
        native_clock,
    ))
    .unwrap();
    assert_eq!(report.checksum, "78498");
}

#[test]
fn sibling_contexts_share_the_cancel_flag_not_the_counters() {
    let ctx = Ctx::new();
    ctx.set_total(4);
    ctx.checkpoint(4).unwrap();
    let sibling = ctx.sibling();
    assert_eq!(sibling.progress(), 0.0);
    ctx.cancel(StopReason::Abort);
    assert!(sibling.is_cancelled());
}

#[test]
fn an_over_budget_job_is_refused_before_it_runs() {
    let spec = spec("sum", &[("n", 400_000_000.0)]);
    let err = block_on(engine::run_once(
        &spec,
        Mode::Sequential,
        &Job::new(),
        native_clock,
    ))
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::OverBudget);
}

#[test]
fn budget_admissions_add_up_and_release() {
    let budget = Budget::new(1000);
    let a = budget.admit(600, "a").unwrap();
    let b = budget.admit(400, "b").unwrap();
    assert_eq!(
        budget.admit(1, "c").unwrap_err().kind(),
        ErrorKind::OverBudget
    );
    drop(a);
    drop(b);
    let _all = budget.admit(1000, "d").unwrap();
}

#[test]
fn error_kinds_have_stable_js_names() {
    let names: Vec<&str> = [
        ErrorKind::InvalidParams,
        ErrorKind::UnknownWorkload,
        ErrorKind::OverBudget,
        ErrorKind::Aborted,
        ErrorKind::Timeout,
        ErrorKind::PoolNotReady,
        ErrorKind::EngineCrashed,
    ]
    .into_iter()
    .map(ErrorKind::js_name)
    .collect();
    assert_eq!(
        names,
        [
            "InvalidParamsError",
            "UnknownWorkloadError",
            "OverBudgetError",
            "AbortError",
            "TimeoutError",
            "PoolNotReadyError",
            "EngineCrashedError"
        ]
    );
}

#[test]
fn catalogue_serializes_with_types_and_ranges() {
    let json = serde_json::to_value(engine::WORKLOADS).unwrap();
    let primes = json
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["name"] == "primes")
        .unwrap();
    assert_eq!(primes["params"][0]["type"], "integer");
    assert_eq!(primes["params"][0]["default"], 6_000_000);
    assert!(primes["description"].as_str().unwrap().len() > 10);
}

#[test]
fn a_job_spawned_while_another_fills_the_pool_starts_beside_it() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{mpsc, Arc};
    use webpar::engine::{pool, Ctx, Mode, StopReason};
    use webpar::kernels::primes;

    // A job that keeps every thread busy for minutes unless cancelled.
    let long = Arc::new(Ctx::new());
    let long_done = Arc::new(AtomicBool::new(false));
    let (started, wait_started) = mpsc::channel();
    {
        let (long, long_done) = (Arc::clone(&long), Arc::clone(&long_done));
        pool::spawn(move || {
            started.send(()).unwrap();
            let _ = primes::run(
                &primes::Params {
                    below: 1_000_000_000,
                },
                &long,
                Mode::Parallel,
            );
            long_done.store(true, Ordering::SeqCst);
        });
    }
    wait_started.recv().unwrap();
    // A small job spawned now starts between two chunks of the long one.
    let (send, receive) = mpsc::channel();
    pool::spawn(move || {
        let count = primes::run(&primes::Params { below: 1000 }, &Ctx::new(), Mode::Parallel);
        send.send(count.map(|c| c.checksum)).unwrap();
    });
    let count = receive
        .recv_timeout(std::time::Duration::from_secs(120))
        .expect("the small job waited for the long one");
    assert_eq!(count.unwrap(), 168);
    assert!(
        !long_done.load(Ordering::SeqCst),
        "the long job was still running"
    );
    long.cancel(StopReason::Abort);
}

#[test]
fn a_short_job_is_never_held_up_by_a_long_one_spawned_after_it() {
    use std::sync::{mpsc, Arc};
    use webpar::engine::{pool, Ctx, Mode, StopReason};
    use webpar::kernels::primes;

    for _ in 0..20 {
        let (send, receive) = mpsc::channel();
        pool::spawn(move || {
            let count = primes::run(&primes::Params { below: 100 }, &Ctx::new(), Mode::Parallel);
            send.send(count.map(|c| c.checksum)).unwrap();
        });
        let long = Arc::new(Ctx::new());
        let running = Arc::clone(&long);
        pool::spawn(move || {
            let _ = primes::run(
                &primes::Params {
                    below: 1_000_000_000,
                },
                &running,
                Mode::Parallel,
            );
        });
        let count = receive
            .recv_timeout(std::time::Duration::from_secs(120))
            .expect("the short job waited for the long one");
        assert_eq!(count.unwrap(), 25);
        long.cancel(StopReason::Abort);
    }
}

#[test]
fn the_parts_of_a_split_job_add_up_to_its_checksum() {
    let small = [
        ("countdown", vec![("n", 1_000_003.0)]),
        ("sum", vec![("n", 300_001.0)]),
        ("primes", vec![("below", 200_003.0)]),
        (
            "mandelbrot",
            vec![("width", 71.0), ("height", 53.0), ("max_iter", 100.0)],
        ),
        ("montecarlo_pi", vec![("samples", 1_000_003.0)]),
        ("equations", vec![("systems", 41.0), ("size", 9.0)]),
        ("sha256", vec![("blocks", 37.0), ("block_bytes", 4099.0)]),
        ("matmul", vec![("n", 67.0)]),
    ];
    // Every splitting workload: at the small params above, or at its params' minimum (a
    // workload's own tests then split it at a size of its choosing).
    let splitting: Vec<(&str, Vec<(&str, f64)>)> = engine::workloads()
        .iter()
        .filter(|w| w.splits)
        .map(|w| match small.iter().find(|(name, _)| *name == w.name) {
            Some((_, params)) => (w.name, params.clone()),
            None => (
                w.name,
                w.params.iter().map(|p| (p.name, p.min as f64)).collect(),
            ),
        })
        .collect();
    for (name, _) in &small {
        assert!(splitting.iter().any(|(n, _)| n == name), "{name} splits");
    }
    for (name, params) in &splitting {
        let spec = spec(name, params);
        let whole = spec.run(&Ctx::new(), Mode::Sequential).unwrap().1;
        // More parts than chunks too: the empty parts add nothing.
        for of in [1u32, 2, 3, 7, 64] {
            let sum = (0..of).fold(0u64, |acc, index| {
                let part = spec.run(&Ctx::new(), Mode::Part { index, of }).unwrap().1;
                acc.wrapping_add(part)
            });
            assert_eq!(sum, whole, "{name} in {of} parts");
        }
    }
}

#[test]
fn a_job_cancelled_while_it_waits_for_a_thread_fails_at_once_and_never_runs() {
    use std::future::Future;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{Arc, Barrier};
    use std::task::{Context, Poll};
    use webpar::engine::run_task;

    // Every thread of the pool waits at a barrier: the next job cannot start.
    let threads = rayon::current_num_threads();
    let gate = Arc::new(Barrier::new(threads + 1));
    for _ in 0..threads {
        let gate = Arc::clone(&gate);
        webpar::engine::pool::spawn(move || {
            gate.wait();
        });
    }
    let job = Job::new();
    let ran = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&ran);
    let mut waiting = Box::pin(run_task(Mode::Sequential, &job, native_clock, move |_| {
        flag.store(true, Ordering::SeqCst);
        Ok(webpar::kernels::Output { checksum: 1 })
    }));
    let waker = futures::task::noop_waker();
    let mut cx = Context::from_waker(&waker);
    assert!(
        waiting.as_mut().poll(&mut cx).is_pending(),
        "queued behind the busy threads"
    );
    job.cancel(StopReason::Abort);
    match waiting.as_mut().poll(&mut cx) {
        Poll::Ready(Err(err)) => assert_eq!(err.kind(), webpar::ErrorKind::Aborted),
        other => panic!(
            "the cancelled job did not fail at once: {:?}",
            other.map(|r| r.map(|_| ()))
        ),
    }
    gate.wait();
    // The threads are free again; the withdrawn work never runs.
    std::thread::sleep(std::time::Duration::from_millis(50));
    assert!(!ran.load(Ordering::SeqCst));
}

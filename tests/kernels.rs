//! Every kernel: sequential equals parallel at several sizes, known answers, and checksums
//! recomputed here independently of the kernels' code.

use webpar::engine::{Ctx, Mode, StopReason};
use webpar::kernels::{countdown, mandelbrot, primes, sum};
use webpar::ErrorKind;

fn both<P>(
    run: fn(&P, &Ctx, Mode) -> Result<webpar::kernels::Output, webpar::Error>,
    p: &P,
) -> u64 {
    let sequential = run(p, &Ctx::new(), Mode::Sequential).unwrap();
    let parallel = run(p, &Ctx::new(), Mode::Parallel).unwrap();
    assert_eq!(
        sequential, parallel,
        "sequential and parallel checksums differ"
    );
    sequential.checksum
}

#[test]
fn primes_counts_match_known_values() {
    // pi(x) for x = 0, 2, 3, 10, 100, 1e4, 1e5, 1e6.
    for (below, count) in [
        (0, 0),
        (2, 0),
        (3, 1),
        (10, 4),
        (100, 25),
        (10_000, 1_229),
        (100_000, 9_592),
        (1_000_000, 78_498),
    ] {
        assert_eq!(
            both(primes::run, &primes::Params { below }),
            count,
            "primes below {below}"
        );
    }
}

#[test]
fn primes_sequential_equals_parallel_across_chunk_boundaries() {
    for below in [8_191, 8_192, 8_193, 50_001] {
        both(primes::run, &primes::Params { below });
    }
}

#[test]
fn is_prime_agrees_with_a_sieve() {
    let limit = 20_000usize;
    let mut composite = vec![false; limit];
    for i in 2..limit {
        if !composite[i] {
            for multiple in (i * i..limit).step_by(i) {
                composite[multiple] = true;
            }
        }
    }
    for (k, &is_composite) in composite.iter().enumerate() {
        assert_eq!(
            primes::is_prime(k as u32),
            k >= 2 && !is_composite,
            "k = {k}"
        );
    }
}

#[test]
fn sum_of_n_ones_is_n() {
    for n in [1, 2, 65_535, 65_536, 65_537, 1_000_000] {
        assert_eq!(both(sum::run, &sum::Params { n }), n);
    }
}

#[test]
fn sum_that_cannot_be_allocated_is_over_budget_not_a_panic() {
    let err = sum::sequential(&sum::Params { n: u64::MAX / 2 }, &Ctx::new()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::OverBudget);
}

#[test]
fn countdown_sequential_equals_parallel_and_depends_on_n() {
    let sizes = [1, 1 << 20, (1 << 20) + 1, 5_000_000];
    let checksums: Vec<u64> = sizes
        .iter()
        .map(|&n| both(countdown::run, &countdown::Params { n }))
        .collect();
    for (i, a) in checksums.iter().enumerate() {
        for b in &checksums[i + 1..] {
            assert_ne!(a, b, "different n must give different checksums");
        }
    }
}

/// The checksum recomputed with a plain loop over the pixels, sharing only the published
/// view constants, `escape_time` and `pixel_digest` with the kernel.
fn mandelbrot_reference(width: u64, height: u64, max_iter: u64) -> u64 {
    let mut checksum = 0u64;
    for row in 0..height {
        for col in 0..width {
            let re = mandelbrot::RE_MIN + mandelbrot::RE_SPAN * col as f64 / width as f64;
            let im = mandelbrot::IM_MIN + mandelbrot::IM_SPAN * row as f64 / height as f64;
            let count = mandelbrot::escape_time(re, im, max_iter);
            checksum = checksum.wrapping_add(mandelbrot::pixel_digest(row * width + col, count));
        }
    }
    checksum
}

#[test]
fn mandelbrot_matches_an_independent_loop() {
    for (width, height, max_iter) in [(1, 1, 1), (7, 5, 50), (64, 48, 200), (200, 150, 1000)] {
        let params = mandelbrot::Params {
            width,
            height,
            max_iter,
        };
        assert_eq!(
            both(mandelbrot::run, &params),
            mandelbrot_reference(width, height, max_iter)
        );
    }
}

#[test]
fn escape_time_knows_points_inside_and_outside() {
    assert_eq!(mandelbrot::escape_time(0.0, 0.0, 1000), 1000);
    assert_eq!(mandelbrot::escape_time(-1.0, 0.0, 1000), 1000);
    assert_eq!(mandelbrot::escape_time(1.0, 1.0, 1000), 2);
}

#[test]
fn cancelled_kernels_stop_with_the_reason() {
    let ctx = Ctx::new();
    ctx.cancel(StopReason::Timeout);
    let err = primes::run(
        &primes::Params {
            below: 1_000_000_000,
        },
        &ctx,
        Mode::Parallel,
    )
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout);
    let ctx = Ctx::new();
    ctx.cancel(StopReason::Abort);
    let err = sum::run(&sum::Params { n: 1 << 20 }, &ctx, Mode::Sequential).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Aborted);
}

#[test]
fn progress_ends_at_one() {
    let ctx = Ctx::new();
    mandelbrot::sequential(
        &mandelbrot::Params {
            width: 10,
            height: 10,
            max_iter: 10,
        },
        &ctx,
    )
    .unwrap();
    assert_eq!(ctx.progress(), 1.0);
}

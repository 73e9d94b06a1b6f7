//! Every kernel: sequential equals parallel at several sizes, known answers, and checksums
//! recomputed here independently of the kernels' code.
// Native only: it needs native rayon pools of 1, 2 and 4 threads; the browser tests (web_*.rs) cover the same paths there.
#![cfg(not(target_arch = "wasm32"))]

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

/// Runs `run` in parallel on rayon pools of 1, 2 and 4 threads and with 1, 2 and 4 lanes,
/// and checks every checksum equals the sequential one.
fn same_on_any_thread_count<P: Sync>(
    run: fn(&P, &Ctx, Mode) -> Result<webpar::kernels::Output, webpar::Error>,
    params: &P,
) -> u64 {
    let expected = run(params, &Ctx::new(), Mode::Sequential).unwrap();
    for threads in [1, 2, 4] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let parallel = pool
            .install(|| run(params, &Ctx::new(), Mode::Parallel))
            .unwrap();
        assert_eq!(parallel, expected, "parallel on {threads} threads");
        let lanes = pool
            .install(|| run(params, &Ctx::new(), Mode::Threads(threads)))
            .unwrap();
        assert_eq!(lanes, expected, "{threads} lanes");
    }
    expected.checksum
}

#[test]
fn every_kernel_is_deterministic_across_thread_counts() {
    use webpar::kernels::*;
    same_on_any_thread_count(countdown::run, &countdown::Params { n: 3_000_001 });
    same_on_any_thread_count(sum::run, &sum::Params { n: 300_001 });
    same_on_any_thread_count(primes::run, &primes::Params { below: 100_003 });
    same_on_any_thread_count(
        mandelbrot::run,
        &mandelbrot::Params {
            width: 91,
            height: 37,
            max_iter: 300,
        },
    );
    same_on_any_thread_count(
        montecarlo_pi::run,
        &montecarlo_pi::Params { samples: 300_001 },
    );
    same_on_any_thread_count(
        nbody::run,
        &nbody::Params {
            bodies: 203,
            steps: 3,
        },
    );
    same_on_any_thread_count(
        equations::run,
        &equations::Params {
            systems: 9,
            size: 33,
        },
    );
    same_on_any_thread_count(
        sha256::run,
        &sha256::Params {
            blocks: 301,
            block_bytes: 4_099,
        },
    );
    same_on_any_thread_count(sort::run, &sort::Params { n: 400_001 });
    same_on_any_thread_count(matmul::run, &matmul::Params { n: 131 });
}

#[test]
fn small_and_edge_sizes_agree_in_every_mode() {
    use webpar::kernels::*;
    for n in [1, 2, 65_535, 65_536, 65_537, 200_000] {
        both(sort::run, &sort::Params { n });
    }
    for n in [1, 63, 64, 65, 150] {
        both(matmul::run, &matmul::Params { n });
    }
    for (bodies, steps) in [(1, 1), (31, 2), (33, 2)] {
        both(nbody::run, &nbody::Params { bodies, steps });
    }
    for (blocks, block_bytes) in [(1, 1), (7, 63), (3, 1 << 20)] {
        both(
            sha256::run,
            &sha256::Params {
                blocks,
                block_bytes,
            },
        );
    }
    for (systems, size) in [(1, 1), (3, 2), (5, 64)] {
        both(equations::run, &equations::Params { systems, size });
    }
}

#[test]
fn montecarlo_estimates_pi_and_matches_the_sample_formula() {
    use webpar::kernels::{mix32, montecarlo_pi};
    let samples = 2_000_000;
    let inside = both(montecarlo_pi::run, &montecarlo_pi::Params { samples });
    assert!((4.0 * inside as f64 / samples as f64 - std::f64::consts::PI).abs() < 0.005);
    // The documented formula, written out: the first chunk's first 1000 samples.
    let seed = mix32(0x5bd1_e995);
    let expected = (0..1000u32)
        .filter(|j| {
            let u = |i: u32| {
                mix32(seed.wrapping_add(i.wrapping_mul(0x9e37_79b9))) as f64 / 4_294_967_296.0
            };
            let (x, y) = (u(2 * j), u(2 * j + 1));
            x * x + y * y < 1.0
        })
        .count() as u64;
    assert_eq!(montecarlo_pi::inside_count(0, 0, 1000), expected);
}

#[test]
fn solve_finds_a_known_solution() {
    use webpar::kernels::equations::solve;
    // A matrix that needs pivoting (zero on the diagonal) and a chosen solution.
    let n = 4;
    let matrix = [
        0.0, 2.0, 1.0, -1.0, 3.0, 0.0, 2.0, 1.0, 1.0, 1.0, 0.0, 4.0, 2.0, -1.0, 3.0, 0.0,
    ];
    let known = [1.0, -2.0, 0.5, 3.0];
    let mut rhs: Vec<f64> = (0..n)
        .map(|i| (0..n).map(|j| matrix[i * n + j] * known[j]).sum())
        .collect();
    let x = solve(&mut matrix.to_vec(), &mut rhs, n, &Ctx::new())
        .unwrap()
        .unwrap();
    for (got, want) in x.iter().zip(known) {
        assert!((got - want).abs() < 1e-12, "{x:?}");
    }
    // A singular matrix gives None, not a panic or NaNs.
    assert_eq!(
        solve(&mut [1.0, 2.0, 2.0, 4.0], &mut [1.0, 2.0], 2, &Ctx::new()).unwrap(),
        None
    );
}

#[test]
fn sha256_matches_the_standard_test_vectors() {
    use sha2::{Digest, Sha256};
    let hex = |bytes: &[u8]| bytes.iter().map(|b| format!("{b:02x}")).collect::<String>();
    assert_eq!(
        hex(&Sha256::digest(b"abc")),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    assert_eq!(
        hex(&Sha256::digest(b"")),
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    // The kernel's checksum, recomputed block by block with the documented formulas.
    use webpar::kernels::sha256;
    let params = sha256::Params {
        blocks: 17,
        block_bytes: 100,
    };
    let mut expected = 0u64;
    for index in 0..17 {
        let mut block = vec![0u8; 100];
        sha256::fill_pattern(&mut block);
        sha256::set_header(index, &mut block);
        expected =
            expected.wrapping_add(sha256::block_digest(index, &Sha256::digest(&block).into()));
    }
    assert_eq!(both(sha256::run, &params), expected);
}

#[test]
fn sort_sorts_and_keeps_every_value() {
    use webpar::kernels::{mix, sort};
    for n in [1, 65_536, 65_537, 300_000] {
        let sorted = sort::sorted_values(&sort::Params { n }, &Ctx::new(), Mode::Parallel).unwrap();
        assert!(
            sorted.windows(2).all(|w| w[0] <= w[1]),
            "n = {n}: not sorted"
        );
        let mut expected: Vec<u64> = (0..n).map(mix).collect();
        expected.sort_unstable();
        assert_eq!(sorted, expected, "n = {n}: not a permutation of the input");
    }
}

#[test]
fn matmul_equals_the_textbook_triple_loop() {
    use webpar::kernels::matmul;
    let n = 70;
    let mut c = vec![0.0f64; n * n];
    for i in 0..n {
        for j in 0..n {
            // Same summation order (k ascending), so the same bits.
            c[i * n + j] = (0..n).fold(0.0, |acc, k| {
                acc + matmul::left_entry(i, k) * matmul::right_entry(k, j)
            });
        }
    }
    let expected = c.iter().enumerate().fold(0u64, |acc, (idx, v)| {
        acc.wrapping_add(webpar::kernels::mix(
            v.to_bits() ^ (idx as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15),
        ))
    });
    assert_eq!(both(matmul::run, &matmul::Params { n: n as u64 }), expected);
}

#[test]
fn nbody_depends_on_the_number_of_steps() {
    use webpar::kernels::nbody;
    let one = both(
        nbody::run,
        &nbody::Params {
            bodies: 64,
            steps: 1,
        },
    );
    let two = both(
        nbody::run,
        &nbody::Params {
            bodies: 64,
            steps: 2,
        },
    );
    assert_ne!(one, two);
}

#[test]
fn cancellation_reaches_every_kernel_in_every_mode() {
    use webpar::kernels::*;
    type Run = Box<dyn Fn(&Ctx, Mode) -> Result<Output, webpar::Error>>;
    let kernels: Vec<(&str, Run)> = vec![
        (
            "nbody",
            Box::new(|c, m| {
                nbody::run(
                    &nbody::Params {
                        bodies: 100,
                        steps: 5,
                    },
                    c,
                    m,
                )
            }),
        ),
        (
            "equations",
            Box::new(|c, m| {
                equations::run(
                    &equations::Params {
                        systems: 4,
                        size: 50,
                    },
                    c,
                    m,
                )
            }),
        ),
        (
            "sha256",
            Box::new(|c, m| {
                sha256::run(
                    &sha256::Params {
                        blocks: 10,
                        block_bytes: 10,
                    },
                    c,
                    m,
                )
            }),
        ),
        (
            "sort",
            Box::new(|c, m| sort::run(&sort::Params { n: 100_000 }, c, m)),
        ),
        (
            "matmul",
            Box::new(|c, m| matmul::run(&matmul::Params { n: 100 }, c, m)),
        ),
        (
            "montecarlo_pi",
            Box::new(|c, m| montecarlo_pi::run(&montecarlo_pi::Params { samples: 1000 }, c, m)),
        ),
    ];
    for (name, run) in kernels {
        for mode in [Mode::Sequential, Mode::Parallel, Mode::Threads(2)] {
            let ctx = Ctx::new();
            ctx.cancel(StopReason::Abort);
            assert_eq!(
                run(&ctx, mode).unwrap_err().kind(),
                ErrorKind::Aborted,
                "{name} {mode:?}"
            );
        }
    }
}

//! `montecarlo_pi`: estimate π from `samples` random points in the unit square.
//!
//! Uniform compute-bound work. Every sample is drawn from its own index through a counter-based
//! hash ([`super::mix32`]) seeded per chunk, so results do not depend on the thread count and
//! the JS peer of the benchmark draws exactly the same points. The checksum is the number of
//! points inside the quarter circle; π ≈ 4 · checksum / samples.

use super::{mix32, sum_over_ranges, Output};
use super::{Ctx, Kernel, Mode, ParamSpec};
use crate::Error;

/// Samples per chunk.
pub const SAMPLES_PER_CHUNK: u64 = 1 << 16;

/// Parameters of `montecarlo_pi`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Params {
    /// Random points to draw.
    pub samples: u64,
}

modes!();

/// Runs the kernel in `mode`.
///
/// ```
/// use webpar::{engine::{Ctx, Mode}, kernels::montecarlo_pi};
/// let p = montecarlo_pi::Params { samples: 1_000_000 };
/// let inside = montecarlo_pi::run(&p, &Ctx::new(), Mode::Parallel)?.checksum;
/// assert!((4.0 * inside as f64 / 1e6 - std::f64::consts::PI).abs() < 0.01);
/// # Ok::<(), webpar::Error>(())
/// ```
///
/// # Errors
/// [`crate::ErrorKind::Aborted`] or [`crate::ErrorKind::Timeout`] when cancelled.
pub fn run(params: &Params, ctx: &Ctx, mode: Mode) -> Result<Output, Error> {
    let checksum = sum_over_ranges(params.samples, SAMPLES_PER_CHUNK, mode, ctx, |range| {
        let chunk = range.start / SAMPLES_PER_CHUNK;
        let first = (range.start % SAMPLES_PER_CHUNK) as u32;
        let count = (range.end - range.start) as u32;
        inside_count(chunk, first, count)
    })?;
    Ok(Output { checksum })
}

/// Points inside the quarter circle among samples `first..first + count` of chunk `chunk`.
///
/// Sample `j` of chunk `c` is `(u(2j), u(2j + 1))` with `u(i) = mix32(seed(c) + i · 0x9e3779b9)
/// / 2³²` and `seed(c) = mix32(c ^ 0x5bd1e995)` (all u32 arithmetic, wrapping).
pub fn inside_count(chunk: u64, first: u32, count: u32) -> u64 {
    const GOLDEN: u32 = 0x9e37_79b9;
    const SCALE: f64 = 1.0 / 4_294_967_296.0;
    let seed = mix32(chunk as u32 ^ 0x5bd1_e995);
    let mut inside = 0u64;
    for j in first..first + count {
        let x = mix32(seed.wrapping_add((2 * j).wrapping_mul(GOLDEN))) as f64 * SCALE;
        let y = mix32(seed.wrapping_add((2 * j + 1).wrapping_mul(GOLDEN))) as f64 * SCALE;
        inside += u64::from(x * x + y * y < 1.0);
    }
    inside
}

/// The catalogue's `montecarlo_pi` (its entry is `Workload::of::<MontecarloPi>()`).
pub struct MontecarloPi;

impl Kernel for MontecarloPi {
    const NAME: &'static str = "montecarlo_pi";
    const DESCRIPTION: &'static str =
        "Estimates pi from random points in the unit square (4 x the share \
                      inside the quarter circle): uniform compute-bound work.";
    const PARAMS: &'static [ParamSpec] = &[ParamSpec::integer(
        "samples",
        "random points",
        1,
        100_000_000_000,
        50_000_000,
    )];
    const SPLITS: bool = true;

    fn run(v: &[u64], ctx: &Ctx, mode: Mode) -> Result<Output, Error> {
        run(&Params { samples: v[0] }, ctx, mode)
    }
}

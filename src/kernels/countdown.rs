//! `countdown`: a dependent chain of integer steps, split into independent chains.
//!
//! The CPU-bound example of Python's concurrency guides (`countdown(100_000_000)`, which
//! threads under the GIL cannot speed up). Each chunk of steps is one chain whose next value
//! depends on the last, seeded from the chunk's index through [`std::hint::black_box`], so the
//! compiler can neither fold the loop nor vectorize it.

use super::{mix, sum_over_ranges, Output};
use super::{Ctx, Kernel, Mode, ParamSpec};
use crate::Error;

/// Steps per chain (chunk).
const STEPS_PER_CHUNK: u64 = 1 << 20;

/// Parameters of `countdown`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Params {
    /// Total number of steps.
    pub n: u64,
}

modes!();

/// Runs the kernel in `mode`.
///
/// ```
/// use webpar::{engine::Ctx, kernels::countdown};
/// let ctx = Ctx::new();
/// let p = countdown::Params { n: 3_000_000 };
/// assert_eq!(countdown::sequential(&p, &ctx)?, countdown::parallel(&p, &ctx)?);
/// # Ok::<(), webpar::Error>(())
/// ```
///
/// # Errors
/// [`crate::ErrorKind::Aborted`] or [`crate::ErrorKind::Timeout`] when cancelled.
pub fn run(params: &Params, ctx: &Ctx, mode: Mode) -> Result<Output, Error> {
    let checksum = sum_over_ranges(params.n, STEPS_PER_CHUNK, mode, ctx, |range| {
        chain(range.start / STEPS_PER_CHUNK, range.end - range.start)
    })?;
    Ok(Output { checksum })
}

/// One dependent chain: `steps` rounds of a 64-bit LCG step followed by an xor-shift.
fn chain(seed: u64, steps: u64) -> u64 {
    let mut x = std::hint::black_box(mix(seed));
    for _ in 0..steps {
        x = x
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        x ^= x >> 29;
    }
    x
}

/// The catalogue's `countdown` (its entry is `Workload::of::<Countdown>()`).
pub struct Countdown;

impl Kernel for Countdown {
    const NAME: &'static str = "countdown";
    const DESCRIPTION: &'static str =
        "A dependent chain of n integer steps, split into independent chains: \
                      pure CPU, no memory traffic (Python's GIL example).";
    const PARAMS: &'static [ParamSpec] = &[ParamSpec::integer(
        "n",
        "steps in total",
        1,
        1 << 40,
        100_000_000,
    )];
    const SPLITS: bool = true;

    fn run(v: &[u64], ctx: &Ctx, mode: Mode) -> Result<Output, Error> {
        let p = Params { n: v[0] };
        run(&p, ctx, mode)
    }
}

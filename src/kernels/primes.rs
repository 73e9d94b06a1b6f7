//! `primes`: count the primes below `n` by trial division.
//!
//! Work per number grows with the number (up to √k divisions), so chunks are uneven: the
//! parallel variant relies on rayon's work stealing to keep every thread busy.

use super::{sum_over_ranges, Output};
use super::{Ctx, Kernel, Mode, ParamSpec};
use crate::Error;

/// Numbers tested per chunk: small enough for work stealing to balance uneven chunks.
const NUMBERS_PER_CHUNK: u64 = 8_192;

/// Parameters of `primes`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Params {
    /// Count the primes in `0..below`.
    pub below: u64,
}

modes!();

/// Runs the kernel in `mode`.
///
/// ```
/// use webpar::{engine::Ctx, kernels::primes};
/// let count = primes::sequential(&primes::Params { below: 100 }, &Ctx::new())?;
/// assert_eq!(count.checksum, 25);
/// # Ok::<(), webpar::Error>(())
/// ```
///
/// # Errors
/// [`crate::ErrorKind::Aborted`] or [`crate::ErrorKind::Timeout`] when cancelled.
pub fn run(params: &Params, ctx: &Ctx, mode: Mode) -> Result<Output, Error> {
    let checksum = sum_over_ranges(params.below, NUMBERS_PER_CHUNK, mode, ctx, |range| {
        // `below` is at most 10^9 (see the catalogue), so every k fits in u32, whose
        // division is faster than u64's on both x86 and wasm.
        range.filter(|&k| is_prime(k as u32)).count() as u64
    })?;
    Ok(Output { checksum })
}

/// Trial division by 2 and the odd numbers up to √k.
///
/// ```
/// use webpar::kernels::primes::is_prime;
/// assert!(is_prime(97) && !is_prime(91) && !is_prime(1));
/// ```
pub fn is_prime(k: u32) -> bool {
    if k < 4 {
        return k >= 2;
    }
    if k % 2 == 0 {
        return false;
    }
    let mut divisor = 3u32;
    // `divisor <= k / divisor` is `divisor² <= k` without overflow.
    while divisor <= k / divisor {
        if k % divisor == 0 {
            return false;
        }
        divisor += 2;
    }
    true
}

/// An upper bound of the bytes [`list`] allocates: the primes below `below` (at most
/// 1.25506 · x / ln x of them, Rosser and Schoenfeld) twice, in the chunks and joined.
pub fn list_memory_bytes(below: u64) -> u64 {
    let x = below.max(3) as f64;
    let count = (1.25506 * x / x.ln()).ceil() as u64 + 1;
    count.saturating_mul(8)
}

/// The primes below `below` in ascending order; the checksum is their count, as in [`run`].
///
/// ```
/// use webpar::{engine::{Ctx, Mode}, kernels::primes::list};
/// let (primes, count) = list(30, &Ctx::new(), Mode::Parallel)?;
/// assert_eq!(primes, [2, 3, 5, 7, 11, 13, 17, 19, 23, 29]);
/// assert_eq!(count, 10);
/// # Ok::<(), webpar::Error>(())
/// ```
///
/// # Errors
/// [`crate::ErrorKind::OverBudget`] when the list cannot be allocated;
/// [`crate::ErrorKind::Aborted`] or [`crate::ErrorKind::Timeout`] when cancelled.
pub fn list(below: u32, ctx: &Ctx, mode: Mode) -> Result<(Vec<u32>, u64), Error> {
    let chunks = u64::from(below).div_ceil(NUMBERS_PER_CHUNK) as usize;
    let mut found: Vec<Vec<u32>> = vec![Vec::new(); chunks];
    ctx.set_total(u64::from(below));
    let count = super::sum_chunks_mut(ctx, &mut found, 1, mode, |index, slot| {
        ctx.check()?;
        let start = index as u64 * NUMBERS_PER_CHUNK;
        let end = (start + NUMBERS_PER_CHUNK).min(u64::from(below));
        slot[0] = (start as u32..end as u32)
            .filter(|&k| is_prime(k))
            .collect();
        ctx.checkpoint(end - start)?;
        Ok(slot[0].len() as u64)
    })?;
    let mut primes = Vec::new();
    primes.try_reserve_exact(count as usize).map_err(|_| {
        Error::new(
            crate::ErrorKind::OverBudget,
            format!("primes: the {count} primes below {below} do not fit in memory"),
        )
    })?;
    for chunk in found {
        primes.extend_from_slice(&chunk);
    }
    Ok((primes, count))
}

/// The catalogue's `primes` (its entry is `Workload::of::<Primes>()`).
pub struct Primes;

impl Kernel for Primes {
    const NAME: &'static str = "primes";
    const DESCRIPTION: &'static str =
        "Counts the primes below a bound by trial division: compute-bound with \
                      uneven work per number, balanced by work stealing.";
    const PARAMS: &'static [ParamSpec] = &[ParamSpec::integer(
        "below",
        "count primes in 0..below",
        0,
        1_000_000_000,
        6_000_000,
    )];
    const SPLITS: bool = true;

    fn run(v: &[u64], ctx: &Ctx, mode: Mode) -> Result<Output, Error> {
        let p = Params { below: v[0] };
        run(&p, ctx, mode)
    }
}

/// What `primes`'s `input` form takes and returns (`runner.workloads()` shows it).
pub const INPUT: &str = "{ below } (at most 1e9) -> { count, primes: Uint32Array }";

//! `primes`: count the primes below `n` by trial division.
//!
//! Work per number grows with the number (up to √k divisions), so chunks are uneven: the
//! parallel variant relies on rayon's work stealing to keep every thread busy.

use super::{sum_over_ranges, Output};
use crate::engine::{Ctx, Mode};
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

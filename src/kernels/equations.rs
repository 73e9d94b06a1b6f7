//! `equations`: solve `systems` random dense linear systems of `size` unknowns each.
//!
//! Gaussian elimination with partial pivoting, one system per chunk: the parallel variant
//! solves several systems at once (the "100 equations" of Python's concurrency guides, which
//! threads under the GIL cannot speed up). Each system's matrix and right-hand side are made
//! from its index, so any system can be built on any thread. The checksum digests every
//! solution's bits.

use super::{digest_f64, mix, sum_chunks, unit_f64, Output};
use crate::engine::{Ctx, Mode};
use crate::{Error, ErrorKind};

/// Parameters of `equations`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Params {
    /// Number of independent systems.
    pub systems: u64,
    /// Unknowns per system (the matrix is `size × size`).
    pub size: u64,
}

/// Most systems in memory at once: one per thread, and pools have at most 64 threads that
/// matter here.
const SYSTEMS_IN_FLIGHT: u64 = 64;

/// Bytes of the matrices being solved at the same time.
pub fn memory_bytes(params: &Params) -> u64 {
    let per_system = params
        .size
        .saturating_mul(params.size + 1)
        .saturating_mul(8);
    per_system.saturating_mul(params.systems.min(SYSTEMS_IN_FLIGHT))
}

modes!();

/// Runs the kernel in `mode`.
///
/// ```
/// use webpar::{engine::Ctx, kernels::equations};
/// let p = equations::Params { systems: 6, size: 20 };
/// assert_eq!(equations::sequential(&p, &Ctx::new())?, equations::parallel(&p, &Ctx::new())?);
/// # Ok::<(), webpar::Error>(())
/// ```
///
/// # Errors
/// [`ErrorKind::OverBudget`] when a matrix cannot be allocated; [`ErrorKind::Aborted`] or
/// [`ErrorKind::Timeout`] when cancelled.
pub fn run(params: &Params, ctx: &Ctx, mode: Mode) -> Result<Output, Error> {
    let n = usize::try_from(params.size).map_err(|_| too_big(params))?;
    // Progress: one unit per eliminated column.
    ctx.set_total(params.systems.saturating_mul(params.size));
    let checksum = sum_chunks(params.systems, mode, |system| {
        ctx.check()?;
        let (mut matrix, mut rhs) = random_system(system, n).ok_or_else(|| too_big(params))?;
        let digest = match solve(&mut matrix, &mut rhs, n, ctx)? {
            Some(solution) => digest_f64(&solution, 0),
            None => 0, // singular: cannot happen with random data, but never panic
        };
        Ok(mix(system ^ digest))
    })?;
    Ok(Output { checksum })
}

/// System `index`: a `n × n` row-major matrix and a right-hand side, entries in `[-1, 1)`.
fn random_system(index: u64, n: usize) -> Option<(Vec<f64>, Vec<f64>)> {
    let seed = mix(index.wrapping_add(0x243f_6a88_85a3_08d3));
    let mut matrix = Vec::new();
    matrix.try_reserve_exact(n * n).ok()?;
    matrix.extend((0..n * n).map(|k| unit_f64(mix(seed ^ k as u64))));
    let mut rhs = Vec::new();
    rhs.try_reserve_exact(n).ok()?;
    rhs.extend((0..n).map(|k| unit_f64(mix(!seed ^ k as u64))));
    Some((matrix, rhs))
}

/// Solves `matrix · x = rhs` (row-major `n × n`) in place by Gaussian elimination with partial
/// pivoting; `None` when the matrix is singular: a pivot at most `n · ε · max|entry|` (ε the
/// f64 machine epsilon) or a solution that is not finite. Reports one progress unit per column.
///
/// ```
/// use webpar::{engine::Ctx, kernels::equations::solve};
/// // 2x + y = 5, x + 3y = 10  =>  x = 1, y = 3
/// let x = solve(&mut [2.0, 1.0, 1.0, 3.0], &mut [5.0, 10.0], 2, &Ctx::new())?.unwrap();
/// assert!((x[0] - 1.0).abs() < 1e-12 && (x[1] - 3.0).abs() < 1e-12);
/// # Ok::<(), webpar::Error>(())
/// ```
///
/// # Errors
/// [`ErrorKind::Aborted`] or [`ErrorKind::Timeout`] when cancelled (checked every column).
pub fn solve(
    matrix: &mut [f64],
    rhs: &mut [f64],
    n: usize,
    ctx: &Ctx,
) -> Result<Option<Vec<f64>>, Error> {
    debug_assert!(matrix.len() == n * n && rhs.len() == n);
    let largest = matrix.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let tiny = n as f64 * f64::EPSILON * largest;
    for col in 0..n {
        ctx.check()?;
        let pivot = (col..n)
            .max_by(|&a, &b| {
                matrix[a * n + col]
                    .abs()
                    .total_cmp(&matrix[b * n + col].abs())
            })
            .unwrap_or(col);
        // NaN pivots count as singular too.
        if matrix[pivot * n + col].abs().partial_cmp(&tiny) != Some(std::cmp::Ordering::Greater) {
            return Ok(None);
        }
        if pivot != col {
            for k in 0..n {
                matrix.swap(col * n + k, pivot * n + k);
            }
            rhs.swap(col, pivot);
        }
        let (upper, lower) = matrix.split_at_mut((col + 1) * n);
        let pivot_row = &upper[col * n..];
        for (offset, row) in lower.chunks_exact_mut(n).enumerate() {
            let factor = row[col] / pivot_row[col];
            for k in col..n {
                row[k] -= factor * pivot_row[k];
            }
            rhs[col + 1 + offset] -= factor * rhs[col];
        }
        ctx.checkpoint(1)?;
    }
    let mut x = vec![0.0; n];
    for row in (0..n).rev() {
        let tail: f64 = (row + 1..n).map(|k| matrix[row * n + k] * x[k]).sum();
        x[row] = (rhs[row] - tail) / matrix[row * n + row];
    }
    Ok(x.iter().all(|v| v.is_finite()).then_some(x))
}

/// The solution of a system, `None` when it is singular.
pub type Solution = Option<Vec<f64>>;

/// One linear system of an app: `matrix · x = rhs`, `matrix` row-major `size × size`.
#[derive(Debug, Clone, PartialEq)]
pub struct System {
    /// Unknowns.
    pub size: usize,
    /// `size × size` coefficients, row after row.
    pub matrix: Vec<f64>,
    /// `size` right-hand sides.
    pub rhs: Vec<f64>,
}

/// Solves each system (one per task); a singular system gives `None` in its place, not an
/// error. Returns the solutions and a checksum of each solution with its index.
///
/// ```
/// use webpar::{engine::{Ctx, Mode}, kernels::equations::{solve_systems, System}};
/// let systems = vec![
///     System { size: 2, matrix: vec![2.0, 1.0, 1.0, 3.0], rhs: vec![5.0, 10.0] },
///     System { size: 2, matrix: vec![1.0, 2.0, 2.0, 4.0], rhs: vec![1.0, 2.0] }, // singular
/// ];
/// let (solutions, _) = solve_systems(&systems, &Ctx::new(), Mode::Parallel)?;
/// assert!(solutions[1].is_none());
/// let x = solutions[0].as_ref().unwrap();
/// assert!((x[0] - 1.0).abs() < 1e-12 && (x[1] - 3.0).abs() < 1e-12);
/// # Ok::<(), webpar::Error>(())
/// ```
///
/// # Errors
/// [`ErrorKind::OverBudget`] when a working copy cannot be allocated; [`ErrorKind::Aborted`]
/// or [`ErrorKind::Timeout`] when cancelled.
pub fn solve_systems(
    systems: &[System],
    ctx: &Ctx,
    mode: Mode,
) -> Result<(Vec<Solution>, u64), Error> {
    ctx.set_total(systems.iter().map(|s| s.size as u64).sum::<u64>().max(1));
    let mut solutions: Vec<Solution> = vec![None; systems.len()];
    let checksum = super::sum_chunks_mut(&mut solutions, 1, mode, |index, slot| {
        ctx.check()?;
        let system = &systems[index];
        let too_big = || {
            Error::new(
                ErrorKind::OverBudget,
                format!("equations: system {index} does not fit in memory"),
            )
        };
        let mut matrix = Vec::new();
        matrix
            .try_reserve_exact(system.matrix.len())
            .map_err(|_| too_big())?;
        matrix.extend_from_slice(&system.matrix);
        let mut rhs = system.rhs.clone();
        slot[0] = solve(&mut matrix, &mut rhs, system.size, ctx)?;
        let digest = slot[0].as_ref().map_or(0, |x| digest_f64(x, 0));
        Ok(mix(index as u64 ^ digest))
    })?;
    Ok((solutions, checksum))
}

fn too_big(params: &Params) -> Error {
    Error::new(
        ErrorKind::OverBudget,
        format!(
            "equations: a {0} x {0} system does not fit in memory; use a smaller size",
            params.size
        ),
    )
}

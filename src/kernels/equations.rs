//! `equations`: solve `systems` random dense linear systems of `size` unknowns each.
//!
//! Gaussian elimination with partial pivoting, one system per chunk: the parallel variant
//! solves several systems at once (the "100 equations" of Python's concurrency guides, which
//! threads under the GIL cannot speed up). Each system's matrix and right-hand side are made
//! from its index, so any system can be built on any thread. The checksum digests every
//! solution's bits.

use super::{digest_f64, mix, sum_chunks, unit_f64, Output};
use super::{Ctx, Kernel, Mode, ParamSpec};
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
    let checksum = sum_chunks(ctx, params.systems, mode, |system| {
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

/// Columns per panel of the blocked elimination: a panel of a 300-unknown system (75 KiB)
/// stays in a core's L2 cache while it is factored, and the rest of the matrix is updated
/// once per panel instead of once per column.
const PANEL: usize = 32;

/// Solves `matrix · x = rhs` (row-major `n × n`) in place by Gaussian elimination with partial
/// pivoting; `None` when the matrix is singular: a pivot at most `n · ε · max|entry|` (ε the
/// f64 machine epsilon) or a solution that is not finite. Reports one progress unit per column,
/// a panel at a time.
///
/// The elimination is blocked (LAPACK's right-looking LU): a panel of [`PANEL`] columns is
/// factored, then the rows to its right are solved for and the trailing matrix is updated by
/// the whole panel in one pass. The arithmetic is that of column-by-column elimination, but
/// the matrix travels through the cache `n / PANEL` times instead of `n` times: two threads
/// eliminating side by side then no longer share the memory bandwidth a column-by-column
/// update needs (one multiply-add per 16 bytes moved). The trailing update applies four rows
/// of U per pass over a row (in the same order as one at a time, so the result is the same
/// bit for bit), which loads and stores the row a quarter as often: 30% less time natively.
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
/// [`ErrorKind::Aborted`] or [`ErrorKind::Timeout`] when cancelled (checked every panel).
pub fn solve(
    matrix: &mut [f64],
    rhs: &mut [f64],
    n: usize,
    ctx: &Ctx,
) -> Result<Option<Vec<f64>>, Error> {
    debug_assert!(matrix.len() == n * n && rhs.len() == n);
    let largest = matrix.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let tiny = n as f64 * f64::EPSILON * largest;
    for first in (0..n).step_by(PANEL) {
        let end = (first + PANEL).min(n);
        // The panel: columns first..end of the rows from `first` down, one column at a time;
        // the multipliers stay below the diagonal (the L of the LU).
        // One check per panel: the counters a check touches are shared by every thread.
        ctx.check()?;
        for col in first..end {
            let pivot = (col..n)
                .max_by(|&a, &b| {
                    matrix[a * n + col]
                        .abs()
                        .total_cmp(&matrix[b * n + col].abs())
                })
                .unwrap_or(col);
            // NaN pivots count as singular too.
            if matrix[pivot * n + col].abs().partial_cmp(&tiny) != Some(std::cmp::Ordering::Greater)
            {
                return Ok(None);
            }
            if pivot != col {
                for k in 0..n {
                    matrix.swap(col * n + k, pivot * n + k);
                }
                rhs.swap(col, pivot);
            }
            let (upper, lower) = matrix.split_at_mut((col + 1) * n);
            let pivot_row = &upper[col * n..][..end];
            for row in lower.chunks_exact_mut(n) {
                let factor = row[col] / pivot_row[col];
                row[col] = factor;
                for (value, &above) in row[col + 1..end].iter_mut().zip(&pivot_row[col + 1..]) {
                    *value -= factor * above;
                }
            }
        }
        ctx.checkpoint((end - first) as u64)?;
        if end == n {
            break;
        }
        // The panel's rows right of it: forward substitution with the panel's unit L.
        for row in first + 1..end {
            let (above, below) = matrix.split_at_mut(row * n);
            let target = &mut below[..n];
            for k in first..row {
                let factor = target[k];
                for (value, &u) in target[end..]
                    .iter_mut()
                    .zip(&above[k * n + end..][..n - end])
                {
                    *value -= factor * u;
                }
            }
        }
        // The trailing matrix, row by row: each row takes the whole panel's update while it
        // is in the L1 cache, and the panel's rows of U stay in L2.
        let (done, trailing) = matrix.split_at_mut(end * n);
        let u_row = |k: usize| &done[k * n + end..][..n - end];
        for row in trailing.chunks_exact_mut(n) {
            let (left, right) = row.split_at_mut(end);
            // Four rows of U per pass over the row: a quarter of the loads and stores of it.
            let mut k = first;
            while k + 4 <= end {
                let f = [left[k], left[k + 1], left[k + 2], left[k + 3]];
                let u = right
                    .iter_mut()
                    .zip(u_row(k))
                    .zip(u_row(k + 1))
                    .zip(u_row(k + 2))
                    .zip(u_row(k + 3));
                // In the order of one row of U at a time: the same result, bit for bit.
                for ((((value, u0), u1), u2), u3) in u {
                    *value = *value - f[0] * u0 - f[1] * u1 - f[2] * u2 - f[3] * u3;
                }
                k += 4;
            }
            for (k, &factor) in left.iter().enumerate().take(end).skip(k) {
                for (value, &u) in right.iter_mut().zip(u_row(k)) {
                    *value -= factor * u;
                }
            }
        }
    }
    // L·y = P·rhs (unit L below the diagonal), then U·x = y.
    for row in 1..n {
        let head: f64 = (0..row).map(|k| matrix[row * n + k] * rhs[k]).sum();
        rhs[row] -= head;
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
    let checksum = super::sum_chunks_mut(ctx, &mut solutions, 1, mode, |index, slot| {
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

/// The catalogue's `equations` (its entry is `Workload::of::<Equations>()`).
pub struct Equations;

impl Kernel for Equations {
    const NAME: &'static str = "equations";
    const DESCRIPTION: &'static str =
        "Solves many random dense linear systems by Gaussian elimination with \
                      partial pivoting, one system per task (the \"100 equations\" example).";
    const PARAMS: &'static [ParamSpec] = &[
        ParamSpec::integer("systems", "independent systems", 1, 1_000_000, 100),
        ParamSpec::integer("size", "unknowns per system", 1, 1_000, 300),
    ];
    const SPLITS: bool = true;

    fn memory_bytes(v: &[u64]) -> u64 {
        memory_bytes(&Params {
            systems: v[0],
            size: v[1],
        })
    }

    fn run(v: &[u64], ctx: &Ctx, mode: Mode) -> Result<Output, Error> {
        run(
            &Params {
                systems: v[0],
                size: v[1],
            },
            ctx,
            mode,
        )
    }
}

/// What `equations`'s `input` form takes and returns (`runner.workloads()` shows it).
pub const INPUT: &str = "[{ matrix: Float64Array (n x n, row-major), rhs: Float64Array (n) }, ...] -> { solutions: (Float64Array | null)[] (null: singular), singular: number[] }";

#[cfg(test)]
mod tests {
    use super::*;

    /// The largest |A·x − b| over the rows, for a random system of `n` unknowns.
    fn residual(n: usize) -> f64 {
        let (matrix, rhs) = random_system(n as u64, n).unwrap();
        let x = solve(&mut matrix.clone(), &mut rhs.clone(), n, &Ctx::new())
            .unwrap()
            .expect("random systems are regular");
        (0..n)
            .map(|row| {
                let ax: f64 = (0..n).map(|k| matrix[row * n + k] * x[k]).sum();
                (ax - rhs[row]).abs()
            })
            .fold(0.0, f64::max)
    }

    #[test]
    fn solves_across_panel_edges() {
        for n in [1, 2, PANEL - 1, PANEL, PANEL + 1, 2 * PANEL + 5, 300] {
            let r = residual(n);
            assert!(r < 1e-9, "n = {n}: residual {r}");
        }
    }

    #[test]
    fn pivots_where_the_diagonal_is_zero() {
        // [[0, 1], [1, 0]] x = [2, 3]  =>  x = [3, 2]
        let x = solve(&mut [0.0, 1.0, 1.0, 0.0], &mut [2.0, 3.0], 2, &Ctx::new())
            .unwrap()
            .unwrap();
        assert_eq!(x, vec![3.0, 2.0]);
    }

    #[test]
    fn reports_singular_systems_found_in_a_later_panel() {
        let n = 2 * PANEL + 3;
        let (mut matrix, mut rhs) = random_system(7, n).unwrap();
        // Row 50 repeats row 5: the rank falls short only after the first panel.
        let copy: Vec<f64> = matrix[5 * n..6 * n].to_vec();
        matrix[50 * n..51 * n].copy_from_slice(&copy);
        assert_eq!(solve(&mut matrix, &mut rhs, n, &Ctx::new()).unwrap(), None);
    }
}

//! `nbody`: `steps` time steps of `bodies` bodies under softened gravity.
//!
//! Compute-bound, O(n²) per step: the force on each body is summed over all the others, in
//! parallel over chunks of bodies (each body's sum always runs in the same order, so the
//! results are bit-identical in every mode); the positions are then advanced in one pass.
//! The checksum digests the final positions' bits.

use super::{digest_f64, mix, sum_chunks_mut, unit_f64, Output};
use super::{Ctx, Kernel, Mode, ParamSpec};
use crate::{Error, ErrorKind};

/// Bodies whose forces one chunk computes.
const BODIES_PER_CHUNK: usize = 32;
/// Time step.
const DT: f64 = 1e-3;
/// Softening (squared), so that close encounters stay finite.
const SOFTENING2: f64 = 1e-2;

/// Parameters of `nbody`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Params {
    /// Number of bodies.
    pub bodies: u64,
    /// Time steps.
    pub steps: u64,
}

/// Bytes of the state: positions, velocities and accelerations (3 × f64 each) and masses.
pub fn memory_bytes(params: &Params) -> u64 {
    params.bodies.saturating_mul(80)
}

modes!();

/// Runs the kernel in `mode`.
///
/// ```
/// use webpar::{engine::Ctx, kernels::nbody};
/// let p = nbody::Params { bodies: 100, steps: 3 };
/// assert_eq!(nbody::sequential(&p, &Ctx::new())?, nbody::parallel(&p, &Ctx::new())?);
/// # Ok::<(), webpar::Error>(())
/// ```
///
/// # Errors
/// [`ErrorKind::OverBudget`] when the state cannot be allocated; [`ErrorKind::Aborted`] or
/// [`ErrorKind::Timeout`] when cancelled.
pub fn run(params: &Params, ctx: &Ctx, mode: Mode) -> Result<Output, Error> {
    let n = usize::try_from(params.bodies).map_err(|_| too_big(params))?;
    let mut bodies = Bodies {
        positions: try_vec(n, params)?,
        velocities: try_vec(n, params)?,
        masses: Vec::new(),
    };
    bodies
        .masses
        .try_reserve_exact(n)
        .map_err(|_| too_big(params))?;
    for i in 0..n {
        let seed = (i as u64).wrapping_mul(3);
        bodies
            .positions
            .push([0, 1, 2].map(|axis| unit_f64(mix(seed + axis))));
        bodies.velocities.push([0.0; 3]);
        bodies.masses.push(1.0 / n.max(1) as f64);
    }
    let checksum = simulate(&mut bodies, params.steps, DT, ctx, mode)?;
    Ok(Output { checksum })
}

/// Bodies of an n-body system: position, velocity and mass of each (G = 1).
#[derive(Debug, Clone, PartialEq)]
pub struct Bodies {
    /// Positions (x, y, z).
    pub positions: Vec<[f64; 3]>,
    /// Velocities (x, y, z).
    pub velocities: Vec<[f64; 3]>,
    /// Masses.
    pub masses: Vec<f64>,
}

/// Advances `bodies` by `steps` time steps of `dt` (semi-implicit Euler, gravity softened by
/// 0.1 so close encounters stay finite), and returns the checksum of the final positions.
///
/// ```
/// use webpar::{engine::{Ctx, Mode}, kernels::nbody::{simulate, Bodies}};
/// let start = Bodies { positions: vec![[-1.0, 0.0, 0.0], [1.0, 0.0, 0.0]], velocities: vec![[0.0; 3]; 2], masses: vec![1.0, 1.0] };
/// let mut bodies = start.clone();
/// simulate(&mut bodies, 10, 1e-2, &Ctx::new(), Mode::Parallel)?;
/// assert!(bodies.positions[0][0] > -1.0 && bodies.positions[1][0] < 1.0); // they attract
/// # Ok::<(), webpar::Error>(())
/// ```
///
/// # Errors
/// [`ErrorKind::OverBudget`] when the accelerations cannot be allocated;
/// [`ErrorKind::Aborted`] or [`ErrorKind::Timeout`] when cancelled.
pub fn simulate(
    bodies: &mut Bodies,
    steps: u64,
    dt: f64,
    ctx: &Ctx,
    mode: Mode,
) -> Result<u64, Error> {
    let n = bodies.positions.len();
    let mut acceleration = Vec::new();
    acceleration.try_reserve_exact(n).map_err(|_| {
        Error::new(
            ErrorKind::OverBudget,
            format!("nbody: {n} bodies do not fit in memory; use fewer"),
        )
    })?;
    acceleration.resize(n, [0.0; 3]);
    ctx.set_total((n as u64).saturating_mul(steps));
    for _ in 0..steps {
        let (current, masses) = (&bodies.positions, &bodies.masses);
        sum_chunks_mut(
            ctx,
            &mut acceleration,
            BODIES_PER_CHUNK,
            mode,
            |index, chunk| {
                ctx.check()?;
                let first = index * BODIES_PER_CHUNK;
                for (offset, acc) in chunk.iter_mut().enumerate() {
                    *acc = force_on(first + offset, current, masses);
                }
                ctx.checkpoint(chunk.len() as u64)?;
                Ok(0)
            },
        )?;
        let state = bodies.positions.iter_mut().zip(&mut bodies.velocities);
        for ((p, v), a) in state.zip(&acceleration) {
            for axis in 0..3 {
                v[axis] += a[axis] * dt;
                p[axis] += v[axis] * dt;
            }
        }
    }
    let flat: Vec<f64> = bodies.positions.iter().flatten().copied().collect();
    Ok(digest_f64(&flat, 0))
}

/// Acceleration of body `i`: the softened pull of every body, summed in index order.
fn force_on(i: usize, position: &[[f64; 3]], masses: &[f64]) -> [f64; 3] {
    let p = position[i];
    let mut acc = [0.0; 3];
    for (q, &mass) in position.iter().zip(masses) {
        let d = [q[0] - p[0], q[1] - p[1], q[2] - p[2]];
        let dist2 = d[0] * d[0] + d[1] * d[1] + d[2] * d[2] + SOFTENING2;
        let scale = mass / (dist2 * dist2.sqrt());
        for axis in 0..3 {
            acc[axis] += d[axis] * scale;
        }
    }
    acc
}

fn try_vec(n: usize, params: &Params) -> Result<Vec<[f64; 3]>, Error> {
    let mut values = Vec::new();
    values.try_reserve_exact(n).map_err(|_| too_big(params))?;
    Ok(values)
}

fn too_big(params: &Params) -> Error {
    Error::new(
        ErrorKind::OverBudget,
        format!(
            "nbody: {} bodies do not fit in memory; use fewer",
            params.bodies
        ),
    )
}

/// The catalogue's `nbody` (its entry is `Workload::of::<Nbody>()`).
pub struct Nbody;

impl Kernel for Nbody {
    const NAME: &'static str = "nbody";
    const DESCRIPTION: &'static str =
        "Steps bodies under softened gravity, O(n^2) force sums per step in \
                      parallel: compute-bound floating point.";
    const PARAMS: &'static [ParamSpec] = &[
        ParamSpec::integer("bodies", "number of bodies", 1, 100_000, 2_000),
        ParamSpec::integer("steps", "time steps", 1, 100_000, 20),
    ];

    fn memory_bytes(v: &[u64]) -> u64 {
        memory_bytes(&Params {
            bodies: v[0],
            steps: v[1],
        })
    }

    fn run(v: &[u64], ctx: &Ctx, mode: Mode) -> Result<Output, Error> {
        run(
            &Params {
                bodies: v[0],
                steps: v[1],
            },
            ctx,
            mode,
        )
    }
}

/// What `nbody`'s `input` form takes and returns (`runner.workloads()` shows it).
pub const INPUT: &str = "{ positions: Float64Array (x, y, z per body), velocities: Float64Array, masses: Float64Array, steps, dt? (default 0.001) } -> { positions, velocities }";

//! What a workload is to the engine: its parameters and its kernel, declared by a type.

use serde::Serialize;

use super::{Ctx, Mode, Output};
use crate::Error;

/// One integer parameter of a workload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ParamSpec {
    /// The key users pass, e.g. `"below"`.
    pub name: &'static str,
    /// Always `"integer"` for now: whole numbers within `min..=max`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// What the parameter means.
    pub description: &'static str,
    /// Smallest accepted value.
    pub min: u64,
    /// Largest accepted value (the memory budget may still refuse large sizes).
    pub max: u64,
    /// The value the demo page starts with.
    pub default: u64,
}

/// A workload defined by a type: its name, what it does, its parameters, its memory and its
/// kernel. `Workload::of::<K>()` turns it into a catalogue entry for [`crate::engine::register`].
///
/// The kernel gets the validated parameter values (one per [`Kernel::PARAMS`] entry, in
/// order), a [`Ctx`] to report progress and see cancellation through
/// ([`Ctx::checkpoint`] between chunks), and the [`Mode`] to run in. It must give the same
/// checksum in every mode: split the work into chunks that do not depend on the thread count
/// ([`super::sum_over_ranges`] does that), and never panic (a panic traps every
/// thread of a wasm instance).
///
/// ```
/// use webpar::engine::{Ctx, Kernel, Mode, ParamSpec, Workload};
/// use webpar::kernels::{sum_over_ranges, Output};
///
/// /// Adds up the squares of 0..n.
/// struct Squares;
/// impl Kernel for Squares {
///     const NAME: &'static str = "squares";
///     const DESCRIPTION: &'static str = "Adds up the squares of 0..n.";
///     const PARAMS: &'static [ParamSpec] = &[ParamSpec::integer("n", "numbers", 1, 1 << 30, 1000)];
///     fn run(values: &[u64], ctx: &Ctx, mode: Mode) -> Result<Output, webpar::Error> {
///         let checksum = sum_over_ranges(values[0], 4096, mode, ctx, |range| {
///             range.fold(0u64, |acc, k| acc.wrapping_add(k * k))
///         })?;
///         Ok(Output { checksum })
///     }
/// }
/// static SQUARES: Workload = Workload::of::<Squares>();
/// webpar::engine::register(&SQUARES)?;
/// let spec = webpar::engine::JobSpec::parse("squares", &[("n".into(), webpar::engine::RawValue::Number(4.0))])?;
/// assert_eq!(spec.run(&Ctx::new(), Mode::Parallel)?.1, 14);
/// # Ok::<(), webpar::Error>(())
/// ```
pub trait Kernel {
    /// Unique name, e.g. `"primes"`: lower case, digits and `_`.
    const NAME: &'static str;
    /// One sentence on what it computes and what limits its speedup.
    const DESCRIPTION: &'static str;
    /// Its parameters, in the order [`Kernel::run`] receives their values.
    const PARAMS: &'static [ParamSpec];
    /// Whether [`Kernel::run`] is one chunked pass (one [`super::sum_over_ranges`])
    /// whose checksum is the sum of its chunks': then a job splits across isolated workers,
    /// each running [`Mode::Part`] of it. False by default: the job runs whole on one worker.
    const SPLITS: bool = false;

    /// Bytes of memory a run with these (validated) values allocates, checked against the
    /// memory budget before it starts; 0 by default.
    fn memory_bytes(_values: &[u64]) -> u64 {
        0
    }

    /// Runs the kernel on validated values in `mode`.
    ///
    /// # Errors
    /// Cancellation (from [`Ctx::checkpoint`]), or [`ErrorKind::OverBudget`] when an
    /// allocation fails.
    fn run(values: &[u64], ctx: &Ctx, mode: Mode) -> Result<Output, Error>;
}

impl ParamSpec {
    /// A whole-number parameter in `min..=max` with a default.
    pub const fn integer(
        name: &'static str,
        description: &'static str,
        min: u64,
        max: u64,
        default: u64,
    ) -> ParamSpec {
        ParamSpec {
            name,
            kind: "integer",
            description,
            min,
            max,
            default,
        }
    }
}

//! What a workload is to the engine: its parameters and its kernel, declared by a type.

use serde::de::DeserializeOwned;
use serde::Serialize;

use super::{Ctx, Mode, Output};
use crate::Error;

/// One integer parameter of a workload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(
    target_arch = "wasm32",
    derive(tsify::Tsify),
    tsify(hashmap_as_object, missing_as_null)
)]
pub struct ParamSpec {
    /// The key users pass, e.g. `"below"`.
    pub name: &'static str,
    /// Always `"integer"` for now: whole numbers within `min..=max`.
    #[serde(rename = "type")]
    #[cfg_attr(target_arch = "wasm32", tsify(type = "\"integer\""))]
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

/// The validated values of `N` parameters, in the order their [`ParamSpec`]s are declared, as
/// an array to destructure: how every kernel and lab experiment reads its params, with no
/// index that could panic.
///
/// ```
/// let [width, height] = webpar::kernels::param_values(&[640, 480])?;
/// assert_eq!(width * height, 307_200);
/// assert!(webpar::kernels::param_values::<3>(&[640, 480]).is_err());
/// # Ok::<(), webpar::Error>(())
/// ```
///
/// # Errors
/// [`crate::ErrorKind::InvalidParams`] if there are not exactly `N` values (a catalogue entry
/// whose declared params and reader disagree).
pub fn param_values<const N: usize>(values: &[u64]) -> Result<[u64; N], Error> {
    <[u64; N]>::try_from(values).map_err(|_| {
        Error::invalid(format!(
            "{} param values given where {N} are read: the declared params and the code that reads them disagree",
            values.len()
        ))
    })
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

/// The `input` form of a workload that another crate adds: the app's own data in, the real
/// output back, as serde reads and writes them. Implemented beside [`Kernel`];
/// `Workload::with_input_of::<K>()` makes the catalogue entry, and then `runner.run(name,
/// { input })`, `submit`, `map` and `compare` take the app's data like the built-in
/// workloads' input forms do.
///
/// At the JS boundary the input is read with `serde-wasm-bindgen` from a snapshot webpar
/// takes first (so that no getter or Proxy of the app's runs while Rust reads it): objects
/// become structs and maps, arrays and typed arrays sequences (`Uint8Array`/`ArrayBuffer`
/// bytes in one copy, e.g. into `serde_bytes::ByteBuf`), strings strings, and `BigInt`s
/// 64-bit integers. The output is written the same way: structs and maps become plain
/// objects, sequences arrays, bytes `Uint8Array`s.
///
/// [`InputKernel::run_input`] returns the output and a checksum that must be the same in
/// every mode (split the work into chunks that do not depend on the thread count, e.g. with
/// [`super::fill_in_chunks`]), and must never panic.
///
/// ```
/// use webpar::engine::{Ctx, InputKernel, JobSpec, Kernel, Mode, ParamSpec, Produced, Workload};
/// use webpar::kernels::{fill_in_chunks, Output};
///
/// /// Squares numbers.
/// struct Square;
/// impl Kernel for Square {
///     const NAME: &'static str = "square";
///     const DESCRIPTION: &'static str = "Squares numbers.";
///     const PARAMS: &'static [ParamSpec] = &[];
///     fn run(_: &[u64], _: &Ctx, _: Mode) -> Result<Output, webpar::Error> {
///         Ok(Output { checksum: 0 })
///     }
/// }
/// impl InputKernel for Square {
///     const INPUT: &'static str = "numbers (an array) → their squares";
///     type Input = Vec<f64>;
///     type Output = Vec<f64>;
///     fn input_memory_bytes(input: &Vec<f64>) -> u64 {
///         input.len() as u64 * 8
///     }
///     fn run_input(input: &Vec<f64>, ctx: &Ctx, mode: Mode) -> Result<(Vec<f64>, u64), webpar::Error> {
///         let mut out = input.clone();
///         let checksum = fill_in_chunks(&mut out, 4096, mode, ctx, |_, chunk| {
///             chunk.iter_mut().for_each(|x| *x *= *x);
///             chunk.iter().fold(0u64, |sum, x| sum.wrapping_add(x.to_bits()))
///         })?;
///         Ok((out, checksum))
///     }
/// }
/// static SQUARE: Workload = Workload::with_input_of::<Square>();
/// webpar::engine::register(&SQUARE)?;
/// // What the web layer does with the app's JS value, here from JSON:
/// let input = SQUARE.read_input(serde_json::json!([1.0, 2.0, 3.0]))?;
/// let (output, _) = JobSpec::from_input(input)?.run(&Ctx::new(), Mode::Parallel)?;
/// let Some(Produced::Custom(squares)) = output else { unreachable!() };
/// assert_eq!(serde_json::to_value(&squares)?, serde_json::json!([1.0, 4.0, 9.0]));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait InputKernel: Kernel {
    /// What the input form takes and gives back, in one line (shown as the workload's
    /// `input` in `workloads()`), e.g. `"{ query, words } → { distances, nearest }"`.
    const INPUT: &'static str;
    /// The TypeScript type of the input, for the package's declarations (`runner.run(name,
    /// { input })` is checked against it), e.g. `"{ query: string; words: string[] }"`;
    /// `"unknown"` by default.
    const INPUT_TYPE: &'static str = "unknown";
    /// The TypeScript type of the output (a report's `output`), e.g. `"{ distances: number[]
    /// }"`; `"unknown"` by default.
    const OUTPUT_TYPE: &'static str = "unknown";
    /// The app's data, as serde reads it.
    type Input: DeserializeOwned + Send + Sync + 'static;
    /// The real output, as serde writes it.
    type Output: Serialize + Send + Sync + 'static;

    /// Bytes of memory a run on `input` allocates beside the input itself (its working
    /// buffers and its output), checked against the memory budget before it starts; 0 by
    /// default.
    fn input_memory_bytes(_input: &Self::Input) -> u64 {
        0
    }

    /// Runs on the app's data in `mode`: the output, and a checksum that is the same in
    /// every mode.
    ///
    /// # Errors
    /// Cancellation (from [`Ctx::checkpoint`]); [`crate::ErrorKind::InvalidParams`] for data
    /// that serde read but the kernel cannot take (say which field, and why);
    /// [`crate::ErrorKind::OverBudget`] when an allocation fails.
    fn run_input(input: &Self::Input, ctx: &Ctx, mode: Mode) -> Result<(Self::Output, u64), Error>;
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

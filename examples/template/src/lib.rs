//! A crate of your own workloads on webpar, ready to copy: one workload, `collatz`, the
//! number of steps of the Collatz sequence (n → n/2 if even, else 3n + 1) until it reaches 1.
//!
//! - As a [`Kernel`] it runs on generated data (`{ below }`: every start below a bound), so
//!   `compare`, `sweep` and the demo page can time it in every mode.
//! - As an [`InputKernel`] it runs on the app's own numbers (`{ input: { starts } }` →
//!   `{ steps, longest }`), typed in the package's declarations by
//!   [`InputKernel::INPUT_TYPE`]/[`InputKernel::OUTPUT_TYPE`].
//! - [`start`] registers it when the wasm module starts, on the page and on every worker.
//!
//! `npx webpar build` turns the crate into an npm package with webpar's API:
//! `runner.run("collatz", { below: 1_000_000 })`.

use serde::{Deserialize, Serialize};
use webpar::engine::{Ctx, InputKernel, Kernel, Mode, ParamSpec, Workload};
use webpar::kernels::{fill_in_chunks, mix, sum_over_ranges, Output};
use webpar::Error;

/// Starts per chunk: the unit of work threads take and isolated workers split on.
const STARTS_PER_CHUNK: u64 = 16_384;
/// The largest start of the app's numbers: JavaScript's largest exact integer.
const MAX_START: u64 = (1 << 53) - 1;

/// The Collatz workload.
pub struct Collatz;

impl Kernel for Collatz {
    const NAME: &'static str = "collatz";
    const DESCRIPTION: &'static str = "Collatz steps of every start below `below`, summed: \
                                       compute-bound, uneven work per start.";
    const PARAMS: &'static [ParamSpec] = &[ParamSpec::integer(
        "below",
        "starts 1..below",
        2,
        100_000_000,
        1_000_000,
    )];
    // One chunked pass over independent starts: a job splits across isolated workers.
    const SPLITS: bool = true;

    fn run(values: &[u64], ctx: &Ctx, mode: Mode) -> Result<Output, Error> {
        let below = values[0];
        // Starts 1..below, in chunks; the sum of their steps is the checksum, the same in
        // every mode and on every backend.
        let checksum = sum_over_ranges(below - 1, STARTS_PER_CHUNK, mode, ctx, |range| {
            range.map(|i| u64::from(steps(i + 1))).sum()
        })?;
        Ok(Output { checksum })
    }
}

/// The app's own numbers.
#[derive(Debug, Deserialize)]
pub struct Starts {
    /// The starts, each in 1..=2^53-1.
    pub starts: Vec<u64>,
}

/// What the workload finds for the app's numbers.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct Steps {
    /// The steps of each start, in order.
    pub steps: Vec<u32>,
    /// The start with the most steps (the first of equals), if there is any start.
    pub longest: Option<Longest>,
}

/// The start with the most steps.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct Longest {
    /// The start.
    pub start: u64,
    /// Its steps.
    pub steps: u32,
}

impl InputKernel for Collatz {
    const INPUT: &'static str =
        "{ starts: number[] } → { steps: number[], longest: { start, steps } | null }";
    const INPUT_TYPE: &'static str = "{ starts: number[] }";
    const OUTPUT_TYPE: &'static str =
        "{ steps: number[]; longest: { start: number; steps: number } | null }";
    type Input = Starts;
    type Output = Steps;

    fn input_memory_bytes(input: &Starts) -> u64 {
        input.starts.len() as u64 * 4
    }

    fn run_input(input: &Starts, ctx: &Ctx, mode: Mode) -> Result<(Steps, u64), Error> {
        // Validated before any work: the error names the field to fix.
        if let Some(i) = input.starts.iter().position(|&n| n == 0 || n > MAX_START) {
            return Err(Error::invalid(format!(
                "collatz: input.starts[{i}] is {}; each start must be in 1..=2^53-1",
                input.starts[i]
            ))
            .with_param(format!("input.starts[{i}]")));
        }
        let mut steps_of = vec![0u32; input.starts.len()];
        let checksum = fill_in_chunks(&mut steps_of, 4_096, mode, ctx, |first, chunk| {
            let mut sum = 0u64;
            for (offset, out) in chunk.iter_mut().enumerate() {
                *out = steps(input.starts[first + offset]);
                sum = sum.wrapping_add(mix(((first + offset) as u64) << 32 | u64::from(*out)));
            }
            sum
        })?;
        let longest = steps_of
            .iter()
            .enumerate()
            .max_by_key(|&(i, &s)| (s, std::cmp::Reverse(i)))
            .map(|(i, &steps)| Longest {
                start: input.starts[i],
                steps,
            });
        Ok((
            Steps {
                steps: steps_of,
                longest,
            },
            checksum,
        ))
    }
}

/// The workload's catalogue entry: generated starts, and the app's own.
pub static COLLATZ: Workload = Workload::with_input_of::<Collatz>();

/// The Collatz steps of `start` (≥ 1) until it reaches 1; wide arithmetic, so that no start
/// below 2^53 overflows on the way.
///
/// ```
/// assert_eq!(webpar_template::steps(1), 0);
/// assert_eq!(webpar_template::steps(6), 8); // 6 3 10 5 16 8 4 2 1
/// assert_eq!(webpar_template::steps(27), 111);
/// ```
pub fn steps(start: u64) -> u32 {
    let (mut n, mut count) = (u128::from(start), 0u32);
    while n > 1 {
        n = if n % 2 == 0 { n / 2 } else { 3 * n + 1 };
        count += 1;
    }
    count
}

/// Adds `collatz` to webpar's catalogue when the module starts (on every thread of the pool
/// too; registering again does nothing).
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen(start)]
pub fn start() {
    // Cannot fail: the name is free and the parameters are well formed (the tests check it).
    let _ = webpar::engine::register(&COLLATZ);
}

#[cfg(test)]
mod tests {
    use super::*;
    use webpar::engine::{register, JobSpec, Produced, RawValue};
    use webpar::ErrorKind;

    #[test]
    fn generated_starts_give_the_same_sum_in_every_mode() {
        register(&COLLATZ).unwrap();
        let spec =
            JobSpec::parse("collatz", &[("below".into(), RawValue::Number(10_000.0))]).unwrap();
        let expected: u64 = (1..10_000).map(|n| u64::from(steps(n))).sum();
        for mode in [Mode::Sequential, Mode::Parallel, Mode::Threads(3)] {
            assert_eq!(spec.run(&Ctx::new(), mode).unwrap().1, expected);
        }
    }

    #[test]
    fn the_apps_numbers_give_each_its_steps_and_the_longest() {
        register(&COLLATZ).unwrap();
        let input = COLLATZ
            .read_input(serde_json::json!({ "starts": [6, 27, 1, 97] }))
            .unwrap();
        let spec = JobSpec::from_input(input).unwrap();
        let mut seen = Vec::new();
        for mode in [Mode::Sequential, Mode::Parallel, Mode::Threads(2)] {
            let (output, checksum) = spec.run(&Ctx::new(), mode).unwrap();
            let Some(Produced::Custom(found)) = output else {
                panic!("no output")
            };
            seen.push((serde_json::to_value(&found).unwrap(), checksum));
        }
        assert!(seen.windows(2).all(|pair| pair[0] == pair[1]));
        assert_eq!(
            seen[0].0,
            serde_json::json!({ "steps": [8, 111, 0, 118], "longest": { "start": 97, "steps": 118 } })
        );
        let (empty, _) =
            Collatz::run_input(&Starts { starts: vec![] }, &Ctx::new(), Mode::Sequential).unwrap();
        assert_eq!(empty.longest, None);
    }

    #[test]
    fn a_bad_start_names_its_field() {
        for bad in [0, 1 << 53] {
            let input = Starts {
                starts: vec![5, bad],
            };
            let err = Collatz::run_input(&input, &Ctx::new(), Mode::Sequential).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidParams);
            assert_eq!(err.param(), Some("input.starts[1]"));
        }
        let err = COLLATZ
            .read_input(serde_json::json!({ "starts": [1, 2.5] }))
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidParams);
    }
}

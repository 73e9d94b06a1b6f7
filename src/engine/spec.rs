//! Validation of user input into a [`JobSpec`], before anything runs.

use crate::with_article;
use std::collections::BTreeMap;
use std::sync::Arc;

use crate::engine::catalogue::{find_workload, Workload};
use crate::engine::{Ctx, Input, Mode, Produced};
use crate::kernels::ParamSpec;
use crate::Error;

/// Largest integer a JS number holds exactly (2^53 - 1).
pub const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

/// A parameter value as it came from the caller, before validation.
#[derive(Debug, Clone, PartialEq)]
pub enum RawValue {
    /// A number (any f64: NaN, infinities and fractions included).
    Number(f64),
    /// Anything else, described by its type name (`"string"`, `"object"`, ...).
    Other(String),
}

/// A validated job: a workload and one in-range integer per parameter.
#[derive(Debug, Clone)]
pub struct JobSpec {
    /// The workload to run.
    pub(crate) workload: &'static Workload,
    /// One value per [`Workload::params`] entry, in the same order: private, so that no
    /// caller can change a validated spec into one its kernel was not checked for.
    pub(crate) values: Vec<u64>,
    /// The app's data, for the workload's `input` form (then `values` are unused).
    input: Option<Arc<Input>>,
}

impl JobSpec {
    /// The workload this spec runs.
    pub fn workload(&self) -> &'static Workload {
        self.workload
    }

    /// The validated value of each of the workload's params, in order.
    ///
    /// ```
    /// let spec = webpar::engine::JobSpec::defaults("primes")?;
    /// assert_eq!((spec.workload().name, spec.values()), ("primes", &[6_000_000][..]));
    /// # Ok::<(), webpar::Error>(())
    /// ```
    pub fn values(&self) -> &[u64] {
        &self.values
    }

    /// Validates `params` against the catalogue entry `name`.
    ///
    /// Rejects an unknown workload, a missing or unknown parameter, a value that is not a
    /// number, and a number that is not a finite whole number within the parameter's range.
    ///
    /// ```
    /// use webpar::engine::{JobSpec, RawValue};
    /// let spec = JobSpec::parse("primes", &[("below".into(), RawValue::Number(1000.0))])?;
    /// assert_eq!(spec.values(), [1000]);
    /// let err = JobSpec::parse("primes", &[("below".into(), RawValue::Number(-1.0))]).unwrap_err();
    /// assert!(err.message().contains("below"));
    /// # Ok::<(), webpar::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`crate::ErrorKind::UnknownWorkload`] or [`crate::ErrorKind::InvalidParams`], with a
    /// message naming the parameter and its accepted range.
    pub fn parse(name: &str, params: &[(String, RawValue)]) -> Result<JobSpec, Error> {
        let workload = find_workload(name)?;
        let mut given: BTreeMap<&str, &RawValue> = BTreeMap::new();
        for (key, value) in params {
            if !workload.params.iter().any(|spec| spec.name == key) {
                return Err(Error::invalid(format!(
                    "{name}: unknown param {key:?}; {name} takes {}",
                    param_names(workload)
                ))
                .with_param(key.as_str()));
            }
            given.insert(key, value);
        }
        let values = workload
            .params
            .iter()
            .map(|spec| match given.get(spec.name) {
                Some(value) => integer_in_range(workload, spec, value),
                None => Err(Error::invalid(format!(
                    "{name}: missing param {:?}; pass {}",
                    spec.name,
                    describe(spec)
                ))
                .with_param(spec.name)),
            })
            .collect::<Result<Vec<u64>, Error>>()?;
        Ok(JobSpec {
            workload,
            values,
            input: None,
        })
    }

    /// The defaults of workload `name`.
    ///
    /// # Errors
    /// [`crate::ErrorKind::UnknownWorkload`].
    pub fn defaults(name: &str) -> Result<JobSpec, Error> {
        let workload = find_workload(name)?;
        let values = workload.params.iter().map(|spec| spec.default).collect();
        Ok(JobSpec {
            workload,
            values,
            input: None,
        })
    }

    /// A job on an app's data: the input form of the input's workload.
    ///
    /// ```
    /// use webpar::engine::{Input, JobSpec};
    /// let spec = JobSpec::from_input(Input::Primes(100))?;
    /// assert_eq!(spec.workload().name, "primes");
    /// assert!(spec.input().is_some());
    /// # Ok::<(), webpar::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`crate::ErrorKind::UnknownWorkload`] if the input's workload is not in the catalogue.
    pub fn from_input(input: Input) -> Result<JobSpec, Error> {
        let mut spec = JobSpec::defaults(input.workload())?;
        spec.input = Some(Arc::new(input));
        Ok(spec)
    }

    /// The app's data, for a job made with [`JobSpec::from_input`].
    pub fn input(&self) -> Option<&Input> {
        self.input.as_deref()
    }

    /// The values by parameter name (for an input, its sizes), for reports.
    pub fn named_values(&self) -> BTreeMap<&'static str, u64> {
        if let Some(input) = &self.input {
            return input.sizes();
        }
        self.workload
            .params
            .iter()
            .map(|spec| spec.name)
            .zip(self.values.iter().copied())
            .collect()
    }

    /// Runs the job once on the calling thread's pool in `mode`: the real output for an
    /// app's data (`None` for generated data), and the checksum.
    ///
    /// ```
    /// use webpar::engine::{Ctx, Input, JobSpec, Mode};
    /// let (output, checksum) = JobSpec::parse("primes", &[("below".into(), webpar::engine::RawValue::Number(100.0))])?
    ///     .run(&Ctx::new(), Mode::Sequential)?;
    /// assert_eq!((output, checksum), (None, 25));
    /// let (output, _) = JobSpec::from_input(Input::Primes(10))?.run(&Ctx::new(), Mode::Parallel)?;
    /// assert!(output.is_some());
    /// # Ok::<(), webpar::Error>(())
    /// ```
    ///
    /// # Errors
    /// Whatever the kernel returns: cancellation, or [`crate::ErrorKind::OverBudget`].
    pub fn run(&self, ctx: &Ctx, mode: Mode) -> Result<(Option<Produced>, u64), Error> {
        match &self.input {
            Some(input) => {
                let (output, checksum) = input.run(ctx, mode)?;
                Ok((Some(output), checksum))
            }
            None => Ok((None, self.workload.run(&self.values, ctx, mode)?.checksum)),
        }
    }

    /// Bytes of memory a run allocates.
    pub fn memory_bytes(&self) -> u64 {
        match &self.input {
            Some(input) => input.working_bytes(),
            None => self.workload.memory_bytes(&self.values),
        }
    }
}

/// Checks that `value` is a whole number in `min..=max` and returns it.
///
/// # Errors
/// [`crate::ErrorKind::InvalidParams`] naming the parameter, what was wrong and the range.
fn integer_in_range(workload: &Workload, spec: &ParamSpec, value: &RawValue) -> Result<u64, Error> {
    let fail = |problem: String| {
        Err(Error::invalid(format!(
            "{}: param {:?} {problem}; pass {}",
            workload.name,
            spec.name,
            describe(spec)
        ))
        .with_param(spec.name))
    };
    let number = match value {
        RawValue::Number(number) => *number,
        RawValue::Other(type_name) => {
            return fail(format!("must be a number, got {}", with_article(type_name)))
        }
    };
    if !number.is_finite() {
        return fail(format!("must be finite, got {number}"));
    }
    if number.fract() != 0.0 {
        return fail(format!("must be a whole number, got {number}"));
    }
    if number < spec.min as f64 || number > spec.max as f64 || number > MAX_SAFE_INTEGER {
        return fail(format!("is out of range, got {number}"));
    }
    // In range of u64: whole, at least min (>= 0) and at most 2^53.
    Ok(number as u64)
}

fn describe(spec: &ParamSpec) -> String {
    format!(
        "an integer in {}..={} ({}; default {})",
        spec.min, spec.max, spec.description, spec.default
    )
}

fn param_names(workload: &Workload) -> String {
    let names: Vec<String> = workload
        .params
        .iter()
        .map(|spec| format!("{:?}", spec.name))
        .collect();
    names.join(", ")
}

//! `empty`: no work at all; its time is the cost of a job's round trip.

use super::{Ctx, Kernel, Mode, Output, ParamSpec};
use crate::Error;

/// The catalogue's `empty` (its entry is `Workload::of::<Empty>()`).
pub struct Empty;

impl Kernel for Empty {
    const NAME: &'static str = "empty";
    const DESCRIPTION: &'static str =
        "No work at all: its time is the cost of a job's round trip (validation, \
                      hand-off to the pool, result back to the caller).";
    const PARAMS: &'static [ParamSpec] = &[];

    fn run(_: &[u64], _: &Ctx, _: Mode) -> Result<Output, Error> {
        Ok(Output { checksum: 0 })
    }
}

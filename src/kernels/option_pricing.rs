//! `option_pricing`: European options priced by Monte Carlo under Black–Scholes.
//!
//! Each path draws one standard normal variate (Box–Muller on two uniforms made from the path's
//! index, so any chunk's paths can be drawn without the chunks before it), takes the price at
//! expiry `S·exp((r − σ²/2)·T + σ·√T·z)` and its payoff; the price is the discounted mean
//! payoff, with its standard error. Compute-bound (a logarithm, a square root, a cosine and an
//! exponential per path) and embarrassingly parallel: the paths of every option are cut into
//! chunks that do not depend on the thread count, and the chunks' sums are added in order, so
//! every mode gives the same prices to the last bit. The logarithm, cosine and exponential
//! are the `libm` crate's (musl's, in Rust), not the platform's: natively and in wasm the
//! prices and the checksum are the same bits too (`sqrt` is exact everywhere).
//!
//! Its input form takes the app's contracts (`{ options: [{ kind, spot, strike, rate,
//! volatility, years }], paths?, seed? }`) and gives back `{ prices, standardErrors }`; it is
//! an [`InputKernel`], read and written by serde like the workloads other crates add.

use serde::{Deserialize, Serialize};

use super::{
    fill_in_chunks, mix, param_values, sum_over_ranges, Ctx, InputKernel, Kernel, Mode, Output,
    ParamSpec,
};
use crate::Error;

/// Fewest paths per chunk: enough work to pay for the chunk's scheduling many times over.
const MIN_PATHS_PER_CHUNK: u64 = 4_096;
/// Most chunks per option: bounds the memory of the chunks' sums to 1 KiB per option.
const MAX_CHUNKS_PER_OPTION: u64 = 64;
/// Most paths per option.
const MAX_PATHS: u64 = 1 << 30;
/// Most contracts in one input.
const MAX_OPTIONS: usize = 100_000;
/// Paths per option when the input does not say.
const DEFAULT_PATHS: u64 = 100_000;

/// European options on generated contracts.
pub struct OptionPricing;

impl Kernel for OptionPricing {
    const NAME: &'static str = "option_pricing";
    const DESCRIPTION: &'static str = "European options priced by Monte Carlo under \
                                       Black-Scholes, `paths` simulated prices at expiry for \
                                       each of `options` contracts: compute-bound (log, sqrt, \
                                       cos and exp per path) and embarrassingly parallel.";
    const PARAMS: &'static [ParamSpec] = &[
        ParamSpec::integer("options", "contracts to price", 1, 1_000_000, 32),
        ParamSpec::integer(
            "paths",
            "simulated paths per contract",
            1,
            MAX_PATHS,
            50_000,
        ),
    ];
    // One chunked pass: a job splits across isolated workers.
    const SPLITS: bool = true;

    fn run(values: &[u64], ctx: &Ctx, mode: Mode) -> Result<Output, Error> {
        let [options, paths] = param_values(values)?;
        let (per_chunk, chunks) = chunking(paths);
        let checksum = sum_over_ranges(options * chunks, 1, mode, ctx, |range| {
            range.fold(0u64, |sum, slot| {
                let contract = Contract::generated(slot / chunks);
                let first = slot % chunks * per_chunk;
                let range = first..(first + per_chunk).min(paths);
                let moments = contract.simulate(0, slot / chunks, range, ctx);
                sum.wrapping_add(digest(slot, moments))
            })
        })?;
        Ok(Output { checksum })
    }
}

/// Call or put.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// The right to buy at the strike: pays `max(S_T − K, 0)`.
    Call,
    /// The right to sell at the strike: pays `max(K − S_T, 0)`.
    Put,
}

/// One European option on a stock that follows geometric Brownian motion.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contract {
    /// Call or put.
    pub kind: Kind,
    /// The stock's price today (> 0).
    pub spot: f64,
    /// The strike price (> 0).
    pub strike: f64,
    /// The risk-free rate, continuously compounded, per year (0.05 for 5%).
    pub rate: f64,
    /// The stock's volatility per year (≥ 0; 0.2 for 20%).
    pub volatility: f64,
    /// Years to expiry (≥ 0).
    pub years: f64,
}

/// The app's contracts, and how to simulate them.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pricing {
    /// The contracts to price.
    pub options: Vec<Contract>,
    /// Simulated paths per contract (default 100,000).
    #[serde(default = "default_paths")]
    pub paths: u64,
    /// Seed of the random draws (default 0): the same seed gives the same prices.
    #[serde(default)]
    pub seed: u64,
}

fn default_paths() -> u64 {
    DEFAULT_PATHS
}

/// The prices, in the order of the contracts.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Prices {
    /// The discounted mean payoff of each contract.
    pub prices: Vec<f64>,
    /// The standard error of each price (about 1/√paths of the payoff's spread).
    pub standard_errors: Vec<f64>,
}

impl InputKernel for OptionPricing {
    const INPUT: &'static str = "{ options: { kind: \"call\" | \"put\", spot, strike, rate, \
                                 volatility, years }[], paths?, seed? } → { prices, \
                                 standardErrors }";
    const INPUT_TYPE: &'static str = "{ options: { kind: \"call\" | \"put\"; spot: number; \
                                      strike: number; rate: number; volatility: number; years: \
                                      number }[]; paths?: number; seed?: number }";
    const OUTPUT_TYPE: &'static str = "{ prices: number[]; standardErrors: number[] }";
    type Input = Pricing;
    type Output = Prices;

    fn input_memory_bytes(input: &Pricing) -> u64 {
        let (_, chunks) = chunking(input.paths.clamp(1, MAX_PATHS));
        // The chunks' sums, and two numbers out per contract.
        input.options.len() as u64 * (chunks * 16 + 16)
    }

    fn run_input(input: &Pricing, ctx: &Ctx, mode: Mode) -> Result<(Prices, u64), Error> {
        check(input)?;
        let paths = input.paths;
        let (per_chunk, chunks) = chunking(paths);
        let mut sums = vec![Moments::default(); input.options.len() * chunks as usize];
        let checksum = fill_in_chunks(&mut sums, 1, mode, ctx, |start, slots| {
            slots
                .iter_mut()
                .enumerate()
                .fold(0u64, |sum, (offset, out)| {
                    let slot = (start + offset) as u64;
                    let contract = input.options[(slot / chunks) as usize];
                    let first = slot % chunks * per_chunk;
                    let range = first..(first + per_chunk).min(paths);
                    *out = contract.simulate(input.seed, slot / chunks, range, ctx);
                    sum.wrapping_add(digest(slot, *out))
                })
        })?;
        let (mut prices, mut standard_errors) = (Vec::new(), Vec::new());
        for (contract, sums) in input.options.iter().zip(sums.chunks(chunks as usize)) {
            // In chunk order, whatever thread computed each: the same bits in every mode.
            let total = sums.iter().fold(Moments::default(), |a, b| Moments {
                sum: a.sum + b.sum,
                squares: a.squares + b.squares,
            });
            let n = paths as f64;
            let mean = total.sum / n;
            let variance = (total.squares / n - mean * mean).max(0.0);
            let discount = libm::exp(-contract.rate * contract.years);
            prices.push(discount * mean);
            standard_errors.push(discount * (variance / n).sqrt());
        }
        Ok((
            Prices {
                prices,
                standard_errors,
            },
            checksum,
        ))
    }
}

/// Paths per chunk and chunks per contract for `paths` paths: at least
/// [`MIN_PATHS_PER_CHUNK`] paths a chunk, at most [`MAX_CHUNKS_PER_OPTION`] chunks.
fn chunking(paths: u64) -> (u64, u64) {
    let per_chunk = paths
        .div_ceil(MAX_CHUNKS_PER_OPTION)
        .max(MIN_PATHS_PER_CHUNK);
    (per_chunk, paths.div_ceil(per_chunk).max(1))
}

/// The sum of the payoffs of a chunk's paths, and of their squares.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Moments {
    sum: f64,
    squares: f64,
}

/// A chunk's contribution to the checksum: its sums' bits, by position.
fn digest(slot: u64, moments: Moments) -> u64 {
    mix(moments.sum.to_bits() ^ slot.wrapping_mul(0x9e37_79b9_7f4a_7c15))
        .wrapping_add(mix(moments.squares.to_bits()))
}

/// Refuses what cannot be priced, naming the field.
fn check(input: &Pricing) -> Result<(), Error> {
    let bad = |field: String, why: &str| {
        Err(Error::invalid(format!("option_pricing: {field} {why}")).with_param(field.as_str()))
    };
    if input.options.len() > MAX_OPTIONS {
        return bad(
            "input.options".into(),
            &format!(
                "has {} contracts; at most {MAX_OPTIONS}",
                input.options.len()
            ),
        );
    }
    if !(1..=MAX_PATHS).contains(&input.paths) {
        return bad(
            "input.paths".into(),
            &format!("is {}; use 1 to {MAX_PATHS}", input.paths),
        );
    }
    for (i, c) in input.options.iter().enumerate() {
        let field = |name: &str| format!("input.options[{i}].{name}");
        if !(c.spot.is_finite() && c.spot > 0.0) {
            return bad(field("spot"), &format!("is {}; it must be above 0", c.spot));
        }
        if !(c.strike.is_finite() && c.strike > 0.0) {
            return bad(
                field("strike"),
                &format!("is {}; it must be above 0", c.strike),
            );
        }
        if !c.rate.is_finite() {
            return bad(
                field("rate"),
                &format!("is {}; it must be a finite number", c.rate),
            );
        }
        if !(c.volatility.is_finite() && c.volatility >= 0.0) {
            return bad(
                field("volatility"),
                &format!("is {}; it must be 0 or more", c.volatility),
            );
        }
        if !(c.years.is_finite() && c.years >= 0.0) {
            return bad(
                field("years"),
                &format!("is {}; it must be 0 or more", c.years),
            );
        }
    }
    Ok(())
}

impl Contract {
    /// Contract `index` of the generated form: at the money ± 20%, 10–50% volatility, 1–5%
    /// rates, three months to two years, calls and puts in turn.
    fn generated(index: u64) -> Contract {
        let unit = |salt: u64| (mix(index ^ (salt << 40)) >> 11) as f64 / (1u64 << 53) as f64;
        Contract {
            kind: if index % 2 == 0 {
                Kind::Call
            } else {
                Kind::Put
            },
            spot: 100.0,
            strike: 80.0 + 40.0 * unit(1),
            rate: 0.01 + 0.04 * unit(2),
            volatility: 0.1 + 0.4 * unit(3),
            years: 0.25 + 1.75 * unit(4),
        }
    }

    /// The payoffs of paths `paths` of this contract (contract `index` of its list, drawn
    /// with `seed`): their sum and the sum of their squares. A chunk may hold millions of
    /// paths (at most 64 chunks per contract): once the job is asked to stop, it stops within
    /// 4,096 paths, and the chunk driver then fails the job (the partial sums are never used).
    fn simulate(&self, seed: u64, index: u64, paths: std::ops::Range<u64>, ctx: &Ctx) -> Moments {
        let drift = (self.rate - 0.5 * self.volatility * self.volatility) * self.years;
        let spread = self.volatility * self.years.sqrt();
        let key = mix(seed ^ mix(index));
        let mut moments = Moments::default();
        for path in paths {
            if path % 4_096 == 0 && ctx.stop_reason().is_some() {
                break;
            }
            let bits = mix(key ^ path);
            // Two uniforms from one draw's halves and a second draw: u1 in (0, 1], u2 in [0, 1).
            let u1 = ((bits >> 11) + 1) as f64 / (1u64 << 53) as f64;
            let u2 = (mix(bits) >> 11) as f64 / (1u64 << 53) as f64;
            let z = (-2.0 * libm::log(u1)).sqrt() * libm::cos(std::f64::consts::TAU * u2);
            let at_expiry = self.spot * libm::exp(drift + spread * z);
            let payoff = match self.kind {
                Kind::Call => (at_expiry - self.strike).max(0.0),
                Kind::Put => (self.strike - at_expiry).max(0.0),
            };
            moments.sum += payoff;
            moments.squares += payoff * payoff;
        }
        moments
    }
}

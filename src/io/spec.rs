//! Validation of an I/O job's spec, before anything starts.

use crate::engine::MAX_SAFE_INTEGER;
use crate::io::Plan;
use crate::with_article;
use crate::Error;

/// A spec value as it came from the caller.
#[derive(Debug, Clone, PartialEq)]
pub enum SpecValue {
    /// A number.
    Number(f64),
    /// A string.
    Text(String),
    /// Anything else, by type name.
    Other(String),
}

/// Where the calls go.
#[derive(Debug, Clone, PartialEq)]
pub enum CallSource {
    /// A simulated call: a timer of `latency_ms` plus up to `jitter_ms`, failing with
    /// probability `failure_rate`; all drawn from `seed`, the index and the attempt.
    Timer {
        /// Base latency of every call.
        latency_ms: f64,
        /// Extra latency, uniform in `[0, jitter_ms]`.
        jitter_ms: f64,
        /// Chance that an attempt fails, in `[0, 1]`.
        failure_rate: f64,
        /// Seed of the jitter and the failures.
        seed: u64,
    },
    /// An HTTP GET of `url` with `{i}` replaced by the call's index.
    Fetch {
        /// The URL template: a path on this origin (`/api/...`) or an absolute http(s) URL.
        url: String,
    },
    /// The caller's own async function, called with the index (the function itself is the
    /// platform's: the web layer holds it).
    Function,
}

/// A validated I/O job.
#[derive(Debug, Clone, PartialEq)]
pub struct IoSpec {
    /// Where the calls go.
    pub source: CallSource,
    /// When calls start.
    pub plan: Plan,
    /// Results per `onBatch` call.
    pub batch_size: u64,
    /// Per-attempt time limit.
    pub timeout_ms: Option<f64>,
    /// The expected latency of one call, for the ideal makespan (timer: `latencyMs`; fetch:
    /// `latencyMs` if given, else the measured median).
    pub latency_hint_ms: Option<f64>,
}

/// Most results one `onBatch` call receives: converting and handing over a batch takes the
/// caller's thread, and a batch this size stays far below a frame (measured by the bench).
pub const MAX_BATCH_SIZE: u64 = 10_000;

/// Longest total backoff of one call (every wait between its attempts added up), in ms:
/// `retryBaseMs * (2^retries - 1)` may not exceed it. A plan above it would keep a job alive
/// for hours on a dead endpoint.
pub const MAX_TOTAL_BACKOFF_MS: f64 = 300_000.0;

/// Most fetches in flight. More never helps in a browser (it opens 6 connections per host
/// over HTTP/1.1, about 100 streams over HTTP/2), each `fetch()` costs the page's thread
/// about half a millisecond on a slow machine, and past about a thousand outstanding requests
/// Chromium refuses new ones (`ERR_INSUFFICIENT_RESOURCES`).
pub const MAX_FETCH_CONCURRENCY: u32 = 256;

const KEYS: &str = "source, calls, concurrency, latencyMs, jitterMs, failureRate, seed, url, \
                    ratePerSec, admitChunk, batchSize, timeoutMs, retries, retryBaseMs";

impl IoSpec {
    /// Validates a spec given as key/value pairs.
    ///
    /// ```
    /// use webpar::io::{IoSpec, SpecValue};
    /// let spec = IoSpec::parse(&[
    ///     ("calls".into(), SpecValue::Number(10_000.0)),
    ///     ("latencyMs".into(), SpecValue::Number(100.0)),
    ///     ("concurrency".into(), SpecValue::Number(200.0)),
    /// ])?;
    /// assert_eq!(spec.plan.concurrency, 200);
    /// assert!(IoSpec::parse(&[("calls".into(), SpecValue::Number(0.0))]).is_err());
    /// # Ok::<(), webpar::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`crate::ErrorKind::InvalidParams`] naming the field and what it accepts.
    pub fn parse(entries: &[(String, SpecValue)]) -> Result<IoSpec, Error> {
        let get = |key: &str| entries.iter().find(|(k, _)| k == key).map(|(_, v)| v);
        if let Some((key, _)) = entries
            .iter()
            .find(|(k, _)| !KEYS.split(", ").any(|known| known.trim() == k))
        {
            return Err(Error::invalid(format!(
                "unknown I/O spec field {key:?}; the fields are {KEYS}"
            ))
            .with_param(key.as_str()));
        }
        let number =
            |key: &str, min: f64, max: f64, default: Option<f64>| -> Result<Option<f64>, Error> {
                match get(key) {
                    None => Ok(default),
                    Some(SpecValue::Number(n)) if n.is_finite() && *n >= min && *n <= max => {
                        Ok(Some(*n))
                    }
                    Some(value) => Err(Error::invalid(format!(
                        "I/O spec field {key:?} must be a number in {min}..={max}, got {}",
                        describe(value)
                    ))
                    .with_param(key)),
                }
            };
        let integer =
            |key: &str, min: f64, max: f64, default: Option<f64>| -> Result<Option<u64>, Error> {
                match number(key, min, max, default)? {
                    Some(n) if n.fract() != 0.0 => Err(Error::invalid(format!(
                        "I/O spec field {key:?} must be a whole number in {min}..={max}, got {n}"
                    ))
                    .with_param(key)),
                    other => Ok(other.map(|n| n as u64)),
                }
            };
        let source = match get("source") {
            None => "timer",
            Some(SpecValue::Text(name))
                if ["timer", "fetch", "function"].contains(&name.as_str()) =>
            {
                name.as_str()
            }
            Some(value) => {
                return Err(Error::invalid(format!(
                "I/O spec field \"source\" must be \"timer\", \"fetch\" or \"function\", got {}",
                describe(value)
            ))
                .with_param("source"))
            }
        };
        let calls = integer("calls", 1.0, 1e9, None)?.ok_or_else(|| {
            Error::invalid("the I/O spec needs \"calls\": how many calls to make (1..=1000000000)")
                .with_param("calls")
        })?;
        let timer_only = ["jitterMs", "failureRate", "seed"];
        let (source, latency_hint_ms) = if source == "timer" {
            if get("url").is_some() {
                return Err(Error::invalid(
                    "\"url\" is for the fetch source; add source: \"fetch\"",
                )
                .with_param("url"));
            }
            let latency_ms = number("latencyMs", 0.0, 60_000.0, Some(100.0))?.unwrap_or(100.0);
            let source = CallSource::Timer {
                latency_ms,
                jitter_ms: number("jitterMs", 0.0, 60_000.0, Some(0.0))?.unwrap_or(0.0),
                failure_rate: number("failureRate", 0.0, 1.0, Some(0.0))?.unwrap_or(0.0),
                seed: integer("seed", 0.0, MAX_SAFE_INTEGER, Some(1.0))?.unwrap_or(1),
            };
            (source, Some(latency_ms))
        } else if source == "function" {
            if let Some(key) = ["url", "jitterMs", "failureRate", "seed"]
                .iter()
                .find(|key| get(key).is_some())
            {
                return Err(Error::invalid(format!(
                    "{key:?} is not for the function source (it calls your function)"
                ))
                .with_param(*key));
            }
            (
                CallSource::Function,
                number("latencyMs", 0.0, 60_000.0, None)?,
            )
        } else {
            if let Some(key) = timer_only.iter().find(|key| get(key).is_some()) {
                return Err(
                    Error::invalid(format!("{key:?} is for the timer source, not fetch"))
                        .with_param(*key),
                );
            }
            let url = match get("url") {
                Some(SpecValue::Text(url)) if url.starts_with('/') || url.starts_with("http://") || url.starts_with("https://") => url.clone(),
                Some(value) => {
                    return Err(Error::invalid(format!(
                        "\"url\" must be a path on this origin like \"/api/delay?ms=100&i={{i}}\" or an http(s) URL, got {}",
                        describe(value)
                    ))
                    .with_param("url"))
                }
                None => {
                    return Err(Error::invalid("the fetch source needs \"url\", e.g. \"/api/delay?ms=100&i={i}\" ({i} becomes the call's index)").with_param("url"))
                }
            };
            (
                CallSource::Fetch { url },
                number("latencyMs", 0.0, 60_000.0, None)?,
            )
        };
        let plan = Plan {
            calls,
            concurrency: integer("concurrency", 1.0, 100_000.0, Some(100.0))?.unwrap_or(100) as u32,
            rate_per_sec: integer("ratePerSec", 1.0, 1_000_000.0, None)?.map(|r| r as u32),
            admit_chunk: integer("admitChunk", 1.0, 10_000_000.0, Some(10_000.0))?
                .unwrap_or(10_000),
            retries: integer("retries", 0.0, 20.0, Some(0.0))?.unwrap_or(0) as u32,
            retry_base_ms: number("retryBaseMs", 0.0, 60_000.0, Some(100.0))?.unwrap_or(100.0),
        };
        if matches!(source, CallSource::Fetch { .. }) && plan.concurrency > MAX_FETCH_CONCURRENCY {
            return Err(Error::invalid(format!(
                "\"concurrency\" of fetches must be at most {MAX_FETCH_CONCURRENCY}, got {}: \
                 the browser opens 6 connections per host (HTTP/1.1) and refuses new requests \
                 past about a thousand outstanding ones, so more fetches in flight only queue",
                plan.concurrency
            ))
            .with_param("concurrency"));
        }
        let total_backoff_ms = plan.retry_base_ms * (2f64.powi(plan.retries as i32) - 1.0);
        if total_backoff_ms > MAX_TOTAL_BACKOFF_MS {
            return Err(Error::invalid(format!(
                "{} retries with retryBaseMs {} (doubling) can wait {} ms between the attempts \
                 of one call; the most allowed is {} ms: use fewer retries or a smaller \
                 retryBaseMs",
                plan.retries, plan.retry_base_ms, total_backoff_ms, MAX_TOTAL_BACKOFF_MS
            ))
            .with_param("retries"));
        }
        Ok(IoSpec {
            source,
            plan,
            batch_size: integer("batchSize", 1.0, MAX_BATCH_SIZE as f64, Some(1_000.0))?
                .unwrap_or(1_000),
            timeout_ms: number("timeoutMs", 1.0, 3_600_000.0, None)?,
            latency_hint_ms,
        })
    }

    /// The name of the source: `"timer"`, `"fetch"` or `"function"`.
    pub fn source_name(&self) -> &'static str {
        match self.source {
            CallSource::Timer { .. } => "timer",
            CallSource::Fetch { .. } => "fetch",
            CallSource::Function => "function",
        }
    }
}

fn describe(value: &SpecValue) -> String {
    match value {
        SpecValue::Number(n) => n.to_string(),
        SpecValue::Text(s) => format!("{s:?}"),
        SpecValue::Other(type_name) => with_article(type_name),
    }
}

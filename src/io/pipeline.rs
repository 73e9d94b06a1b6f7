//! The fetch-then-compute pipeline: download documents concurrently on the event loop, then
//! process them in parallel on the pool, each phase timed on its own.

use serde::Serialize;

use crate::io::{IoSpec, Plan, SpecValue};
use crate::Error;

/// A validated pipeline.
#[derive(Debug, Clone, PartialEq)]
pub struct PipelineSpec {
    /// Documents to fetch.
    pub docs: u64,
    /// Bytes per document.
    pub bytes: u64,
    /// The server's latency per document, in ms.
    pub latency_ms: u64,
    /// Fetches in flight in the concurrent run.
    pub concurrency: u32,
}

impl PipelineSpec {
    /// Validates `{ docs, bytes, latencyMs, concurrency }`.
    ///
    /// ```
    /// use webpar::io::{PipelineSpec, SpecValue};
    /// let spec = PipelineSpec::parse(&[("docs".into(), SpecValue::Number(50.0))])?;
    /// assert_eq!((spec.docs, spec.concurrency), (50, 6));
    /// # Ok::<(), webpar::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`crate::ErrorKind::InvalidParams`] naming the field and its range.
    pub fn parse(entries: &[(String, SpecValue)]) -> Result<PipelineSpec, Error> {
        const FIELDS: [(&str, u64, u64, u64); 4] = [
            ("docs", 1, 100_000, 100),
            ("bytes", 1, 1 << 20, 256 * 1024),
            ("latencyMs", 0, 10_000, 20),
            ("concurrency", 1, 1_000, 6),
        ];
        if let Some((key, _)) = entries
            .iter()
            .find(|(k, _)| !FIELDS.iter().any(|f| f.0 == k))
        {
            return Err(Error::invalid(format!(
                "unknown pipeline field {key:?}; the fields are docs, bytes, latencyMs, concurrency"
            ))
            .with_param(key.as_str()));
        }
        let mut values = [0u64; 4];
        for (slot, (name, min, max, default)) in values.iter_mut().zip(FIELDS) {
            *slot = match entries.iter().find(|(k, _)| k == name).map(|(_, v)| v) {
                None => default,
                Some(SpecValue::Number(n))
                    if n.fract() == 0.0 && *n >= min as f64 && *n <= max as f64 =>
                {
                    *n as u64
                }
                Some(_) => {
                    return Err(Error::invalid(format!(
                        "pipeline field {name:?} must be a whole number in {min}..={max} (default {default})"
                    ))
                    .with_param(name))
                }
            };
        }
        let [docs, bytes, latency_ms, concurrency] = values;
        Ok(PipelineSpec {
            docs,
            bytes,
            latency_ms,
            concurrency: concurrency as u32,
        })
    }

    /// Bytes the documents take in memory.
    pub fn memory_bytes(&self) -> u64 {
        self.docs * self.bytes
    }

    /// The URL template of the documents on the dev server's `/api/doc`.
    pub fn url(&self) -> String {
        format!(
            "/api/doc?i={{i}}&bytes={}&ms={}",
            self.bytes, self.latency_ms
        )
    }

    /// The I/O job that fetches the documents, at `concurrency` calls in flight.
    pub fn fetch_job(&self, concurrency: u32) -> IoSpec {
        IoSpec {
            source: crate::io::CallSource::Fetch { url: self.url() },
            plan: Plan {
                calls: self.docs,
                concurrency,
                rate_per_sec: None,
                admit_chunk: self.docs,
                retries: 2,
                retry_base_ms: 50.0,
            },
            batch_size: self.docs,
            timeout_ms: None,
            latency_hint_ms: Some(self.latency_ms as f64),
        }
    }
}

/// One run of the pipeline.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(
    target_arch = "wasm32",
    derive(tsify::Tsify),
    tsify(hashmap_as_object, missing_as_null)
)]
pub struct PipelinePhases {
    /// Fetches in flight at most.
    pub concurrency: u32,
    /// Threads of the CPU phase.
    pub threads: usize,
    /// Milliseconds to fetch every document.
    pub io_ms: f64,
    /// Milliseconds to process them (from hand-off to the pool to the result).
    pub cpu_ms: f64,
    /// Both phases.
    pub total_ms: f64,
    /// The CPU phase's checksum.
    pub checksum: String,
}

/// Sequential (one fetch at a time, one thread) against concurrent fetches and parallel
/// processing.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(
    target_arch = "wasm32",
    derive(tsify::Tsify),
    tsify(hashmap_as_object, missing_as_null)
)]
pub struct PipelineReport {
    /// Documents fetched per run.
    pub docs: u64,
    /// Bytes per document.
    pub bytes: u64,
    /// Words in all documents.
    pub words: u64,
    /// Fetch one at a time, process on one thread.
    pub sequential: PipelinePhases,
    /// Fetch concurrently, process on the whole pool.
    pub concurrent: PipelinePhases,
    /// Sequential total over concurrent total.
    pub speedup: f64,
    /// Sequential I/O over concurrent I/O.
    pub io_speedup: f64,
    /// Sequential CPU over parallel CPU.
    pub cpu_speedup: f64,
    /// Whether both runs computed the same.
    pub checksums_match: bool,
}

impl PipelineReport {
    /// Puts the two runs side by side.
    pub fn new(
        docs: u64,
        bytes: u64,
        words: u64,
        sequential: PipelinePhases,
        concurrent: PipelinePhases,
    ) -> Self {
        PipelineReport {
            docs,
            bytes,
            words,
            speedup: sequential.total_ms / concurrent.total_ms,
            io_speedup: sequential.io_ms / concurrent.io_ms,
            cpu_speedup: sequential.cpu_ms / concurrent.cpu_ms,
            checksums_match: sequential.checksum == concurrent.checksum,
            sequential,
            concurrent,
        }
    }
}

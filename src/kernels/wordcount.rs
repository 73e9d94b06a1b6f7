//! `wordcount`: the CPU half of the fetch-then-compute pipeline: count the words of each
//! document and hash it (SHA-256), one document per chunk.
//!
//! Not in the catalogue: its input is documents fetched by an I/O job, not parameters.

use std::sync::atomic::{AtomicU64, Ordering};

use sha2::{Digest, Sha256};

use super::{mix, sum_chunks, Output};
use crate::engine::{Ctx, Mode};
use crate::Error;

/// Words of `text`: runs of bytes that are not ASCII whitespace.
///
/// ```
/// assert_eq!(webpar::kernels::wordcount::count_words(b"  the pool  runs\nwork "), 4);
/// ```
pub fn count_words(text: &[u8]) -> u64 {
    text.split(|b| b.is_ascii_whitespace())
        .filter(|word| !word.is_empty())
        .count() as u64
}

/// What [`run`] computed: the checksum, and the words of all documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counted {
    /// Digest of each document's word count and hash with its index.
    pub output: Output,
    /// Words in all the documents.
    pub words: u64,
}

/// Counts and hashes every document in `mode`, one document per chunk.
///
/// ```
/// use webpar::{engine::{Ctx, Mode}, kernels::wordcount};
/// let docs = vec![b"a b c".to_vec(), b"d e".to_vec()];
/// let seq = wordcount::run(&docs, &Ctx::new(), Mode::Sequential)?;
/// assert_eq!(seq, wordcount::run(&docs, &Ctx::new(), Mode::Parallel)?);
/// assert_eq!(seq.words, 5);
/// # Ok::<(), webpar::Error>(())
/// ```
///
/// # Errors
/// [`crate::ErrorKind::Aborted`] or [`crate::ErrorKind::Timeout`] when cancelled.
pub fn run(docs: &[Vec<u8>], ctx: &Ctx, mode: Mode) -> Result<Counted, Error> {
    ctx.set_total(docs.len() as u64);
    let words = AtomicU64::new(0);
    let checksum = sum_chunks(docs.len() as u64, mode, |index| {
        ctx.check()?;
        let doc = &docs[index as usize];
        let count = count_words(doc);
        words.fetch_add(count, Ordering::Relaxed);
        let hash = Sha256::digest(doc);
        let head = u64::from_le_bytes(hash[..8].try_into().unwrap_or([0; 8]));
        let digest = mix(count ^ head.rotate_left(17) ^ index);
        ctx.checkpoint(1)?;
        Ok(digest)
    })?;
    Ok(Counted {
        output: Output { checksum },
        words: words.into_inner(),
    })
}

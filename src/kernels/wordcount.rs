//! `wordcount`: the CPU half of the fetch-then-compute pipeline: count the words of each
//! document and hash it (SHA-256), one document per chunk.
//!
//! Not in the catalogue: its input is documents fetched by an I/O job, not parameters.

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

/// Counts and hashes every document in `mode`. The checksum digests each document's word
/// count and hash with its index; [`total_words`] gives the count itself.
///
/// ```
/// use webpar::{engine::{Ctx, Mode}, kernels::wordcount};
/// let docs = vec![b"a b c".to_vec(), b"d e".to_vec()];
/// let seq = wordcount::run(&docs, &Ctx::new(), Mode::Sequential)?;
/// assert_eq!(seq, wordcount::run(&docs, &Ctx::new(), Mode::Parallel)?);
/// assert_eq!(wordcount::total_words(&docs), 5);
/// # Ok::<(), webpar::Error>(())
/// ```
///
/// # Errors
/// [`crate::ErrorKind::Aborted`] or [`crate::ErrorKind::Timeout`] when cancelled.
pub fn run(docs: &[Vec<u8>], ctx: &Ctx, mode: Mode) -> Result<Output, Error> {
    ctx.set_total(docs.len() as u64);
    let checksum = sum_chunks(docs.len() as u64, mode, |index| {
        ctx.check()?;
        let doc = &docs[index as usize];
        let hash = Sha256::digest(doc);
        let head = u64::from_le_bytes(hash[..8].try_into().unwrap_or([0; 8]));
        let digest = mix(count_words(doc) ^ head.rotate_left(17) ^ index);
        ctx.checkpoint(1)?;
        Ok(digest)
    })?;
    Ok(Output { checksum })
}

/// Words in all the documents.
pub fn total_words(docs: &[Vec<u8>]) -> u64 {
    docs.iter().map(|doc| count_words(doc)).sum()
}

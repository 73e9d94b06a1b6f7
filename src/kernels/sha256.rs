//! `sha256`: SHA-256 of `blocks` blocks of `block_bytes` bytes each (the `sha2` crate).
//!
//! Compute-bound hashing. Block `i` is a fixed pseudo-random pattern whose first 16 bytes are
//! replaced by `i` and `mix(i)`: every block differs, any block can be built on any thread,
//! and building it costs next to nothing beside hashing it. A chunk is as many blocks as fit
//! in about 1 MiB, so that cancellation is seen within milliseconds whatever the block size.
//! The checksum digests every block's hash.

use sha2::{Digest, Sha256};

use super::{mix, sum_chunks, Output};
use crate::engine::{Ctx, Mode};
use crate::{Error, ErrorKind};

/// Bytes hashed per chunk (at least one block).
const BYTES_PER_CHUNK: u64 = 1 << 20;

/// Parameters of `sha256`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Params {
    /// Number of blocks.
    pub blocks: u64,
    /// Bytes per block.
    pub block_bytes: u64,
}

/// Bytes of the block buffers of the chunks in flight (one per thread, at most 64).
pub fn memory_bytes(params: &Params) -> u64 {
    params.block_bytes.saturating_mul(64)
}

modes!();

/// Runs the kernel in `mode`.
///
/// ```
/// use webpar::{engine::Ctx, kernels::sha256};
/// let p = sha256::Params { blocks: 100, block_bytes: 1000 };
/// assert_eq!(sha256::sequential(&p, &Ctx::new())?, sha256::parallel(&p, &Ctx::new())?);
/// # Ok::<(), webpar::Error>(())
/// ```
///
/// # Errors
/// [`ErrorKind::OverBudget`] when a block cannot be allocated; [`ErrorKind::Aborted`] or
/// [`ErrorKind::Timeout`] when cancelled.
pub fn run(params: &Params, ctx: &Ctx, mode: Mode) -> Result<Output, Error> {
    let block_len = usize::try_from(params.block_bytes).map_err(|_| too_big(params))?;
    let per_chunk = (BYTES_PER_CHUNK / params.block_bytes.max(1)).max(1);
    ctx.set_total(params.blocks);
    let checksum = sum_chunks(params.blocks.div_ceil(per_chunk), mode, |chunk| {
        ctx.check()?;
        let mut block = Vec::new();
        block
            .try_reserve_exact(block_len)
            .map_err(|_| too_big(params))?;
        block.resize(block_len, 0);
        fill_pattern(&mut block);
        let first = chunk * per_chunk;
        let last = (first + per_chunk).min(params.blocks);
        let mut digest = 0u64;
        for index in first..last {
            set_header(index, &mut block);
            digest = digest.wrapping_add(block_digest(index, &Sha256::digest(&block).into()));
        }
        ctx.checkpoint(last - first)?;
        Ok(digest)
    })?;
    Ok(Output { checksum })
}

/// The pattern every block starts from: little-endian words `mix(w)`.
pub fn fill_pattern(block: &mut [u8]) {
    for (w, word) in block.chunks_mut(8).enumerate() {
        let bytes = mix(w as u64).to_le_bytes();
        word.copy_from_slice(&bytes[..word.len()]);
    }
}

/// Makes a block that holds the pattern into block `index`: its first 16 bytes become `index`
/// and `mix(index)`, little-endian (as many of them as the block holds).
pub fn set_header(index: u64, block: &mut [u8]) {
    let mut header = [0u8; 16];
    header[..8].copy_from_slice(&index.to_le_bytes());
    header[8..].copy_from_slice(&mix(index).to_le_bytes());
    let len = block.len().min(16);
    block[..len].copy_from_slice(&header[..len]);
}

/// What block `index` with hash `hash` adds to the checksum.
pub fn block_digest(index: u64, hash: &[u8; 32]) -> u64 {
    let head = u64::from_le_bytes(hash[..8].try_into().unwrap_or([0; 8]));
    mix(head ^ index)
}

fn too_big(params: &Params) -> Error {
    Error::new(
        ErrorKind::OverBudget,
        format!(
            "sha256: blocks of {} bytes do not fit in memory; use smaller blocks",
            params.block_bytes
        ),
    )
}

/// Bytes hashed per chunk of [`digests`]: one message of any size is hashed by one thread
/// (SHA-256 is a chain), but it reports progress and sees cancellation every MiB.
const DIGEST_STEP: usize = 1 << 20;

/// SHA-256 of each message, one message per task, and a checksum of every digest with its
/// position.
///
/// ```
/// use webpar::{engine::{Ctx, Mode}, kernels::sha256::digests};
/// let (hashes, _) = digests(&[b"abc".to_vec()], &Ctx::new(), Mode::Parallel)?;
/// assert_eq!(hashes[0][..4], [0xba, 0x78, 0x16, 0xbf]);
/// # Ok::<(), webpar::Error>(())
/// ```
///
/// # Errors
/// [`ErrorKind::Aborted`] or [`ErrorKind::Timeout`] when cancelled.
pub fn digests(messages: &[Vec<u8>], ctx: &Ctx, mode: Mode) -> Result<(Vec<[u8; 32]>, u64), Error> {
    let total: u64 = messages.iter().map(|m| m.len() as u64).sum();
    ctx.set_total(total.max(1));
    let mut hashes = vec![[0u8; 32]; messages.len()];
    let checksum = super::sum_chunks_mut(&mut hashes, 1, mode, |index, slot| {
        let mut hasher = Sha256::new();
        for step in messages[index].chunks(DIGEST_STEP) {
            ctx.check()?;
            hasher.update(step);
            ctx.checkpoint(step.len() as u64)?;
        }
        slot[0] = hasher.finalize().into();
        Ok(block_digest(index as u64, &slot[0]))
    })?;
    Ok((hashes, checksum))
}

/// A SHA-256 computed piece by piece, as the pieces of a large message arrive.
#[derive(Debug, Clone, Default)]
pub struct Stream(Sha256);

impl Stream {
    /// A hash of nothing yet.
    pub fn new() -> Stream {
        Stream::default()
    }

    /// Adds the next piece of the message.
    pub fn update(&mut self, piece: &[u8]) {
        self.0.update(piece);
    }

    /// The digest of every piece so far, in order.
    pub fn finish(self) -> [u8; 32] {
        self.0.finalize().into()
    }
}

//! `sha256`: SHA-256 of `blocks` blocks of `block_bytes` bytes each (the `sha2` crate).
//!
//! Compute-bound hashing. Block `i` is a fixed pseudo-random pattern whose first 16 bytes are
//! replaced by `i` and `mix(i)`: every block differs, any block can be built on any thread,
//! and building it costs next to nothing beside hashing it. A chunk is as many blocks as fit
//! in about 1 MiB, so that cancellation is seen within milliseconds whatever the block size.
//! The checksum digests every block's hash.

use sha2::{Digest, Sha256};

use super::{mix, sum_chunks, Output};
use super::{Ctx, Kernel, Mode, ParamSpec};
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
    let checksum = sum_chunks(ctx, params.blocks.div_ceil(per_chunk), mode, |chunk| {
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

/// Bytes of a [`Source`] read at a time by [`digests`]: 8 MiB.
pub const STREAM_SLICE: u64 = 8 << 20;

/// A message that stays where it is (a `Blob` or `File` in a browser) and is read slice by
/// slice while a pool thread hashes it: memory holds a slice or two, not the message.
pub trait Source: Send + Sync {
    /// Bytes in the message.
    fn len(&self) -> u64;

    /// Whether the message is empty.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Bytes `range` of the message, waiting until they are there. [`digests`] asks for the
    /// slices in order, from a pool thread (a source may read the next one ahead meanwhile).
    ///
    /// # Errors
    /// The reason the bytes could not be read (an [`ErrorKind::InvalidParams`] naming the
    /// input, e.g. a file removed since it was picked).
    fn read(&self, range: std::ops::Range<u64>) -> Result<Vec<u8>, Error>;
}

/// One message of `sha256`'s input.
#[derive(Clone)]
pub enum Message {
    /// Bytes in memory.
    Bytes(Vec<u8>),
    /// A message hashed already, as it was read (where no thread could read it as it goes):
    /// its digest and its size.
    Hashed([u8; 32], u64),
    /// A message read slice by slice as it is hashed.
    Streamed(std::sync::Arc<dyn Source>),
}

impl Message {
    /// Bytes in the message.
    pub fn len(&self) -> u64 {
        match self {
            Message::Bytes(bytes) => bytes.len() as u64,
            Message::Hashed(_, len) => *len,
            Message::Streamed(source) => source.len(),
        }
    }

    /// Whether the message is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Bytes the message holds in memory while it waits to be hashed (a streamed one: none;
    /// its slices are read as it is hashed).
    pub fn resident_bytes(&self) -> u64 {
        match self {
            Message::Bytes(bytes) => bytes.len() as u64,
            Message::Hashed(..) | Message::Streamed(_) => 0,
        }
    }
}

impl std::fmt::Debug for Message {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Message::Bytes(bytes) => write!(f, "Bytes({} bytes)", bytes.len()),
            Message::Hashed(_, len) => write!(f, "Hashed({len} bytes)"),
            Message::Streamed(source) => write!(f, "Streamed({} bytes)", source.len()),
        }
    }
}

impl PartialEq for Message {
    fn eq(&self, other: &Message) -> bool {
        match (self, other) {
            (Message::Bytes(a), Message::Bytes(b)) => a == b,
            (Message::Hashed(a, m), Message::Hashed(b, n)) => a == b && m == n,
            (Message::Streamed(a), Message::Streamed(b)) => std::sync::Arc::ptr_eq(a, b),
            _ => false,
        }
    }
}

/// SHA-256 of each message, one message per task, and a checksum of every digest with its
/// position. A [`Message::Streamed`] one is read [`STREAM_SLICE`] bytes at a time and each
/// slice hashed as it arrives.
///
/// ```
/// use webpar::{engine::{Ctx, Mode}, kernels::sha256::{digests, Message}};
/// let (hashes, _) = digests(&[Message::Bytes(b"abc".to_vec())], &Ctx::new(), Mode::Parallel)?;
/// assert_eq!(hashes[0][..4], [0xba, 0x78, 0x16, 0xbf]);
/// # Ok::<(), webpar::Error>(())
/// ```
///
/// # Errors
/// [`ErrorKind::Aborted`] or [`ErrorKind::Timeout`] when cancelled; what a source's
/// [`Source::read`] returns, or [`ErrorKind::InvalidParams`] when it gives fewer or more
/// bytes than asked (the message changed while it was read).
pub fn digests(messages: &[Message], ctx: &Ctx, mode: Mode) -> Result<(Vec<[u8; 32]>, u64), Error> {
    let total: u64 = messages.iter().map(Message::len).sum();
    ctx.set_total(total.max(1));
    let mut hashes = vec![[0u8; 32]; messages.len()];
    let checksum = super::sum_chunks_mut(ctx, &mut hashes, 1, mode, |index, slot| {
        let mut hasher = Sha256::new();
        let mut hash = |bytes: &[u8]| -> Result<(), Error> {
            for step in bytes.chunks(DIGEST_STEP) {
                ctx.check()?;
                hasher.update(step);
                ctx.checkpoint(step.len() as u64)?;
            }
            Ok(())
        };
        match &messages[index] {
            Message::Bytes(bytes) => hash(bytes)?,
            Message::Hashed(digest, len) => {
                ctx.check()?;
                slot[0] = *digest;
                ctx.checkpoint(*len)?;
                return Ok(block_digest(index as u64, &slot[0]));
            }
            Message::Streamed(source) => {
                let len = source.len();
                let mut start = 0;
                while start < len {
                    ctx.check()?;
                    let end = (start + STREAM_SLICE).min(len);
                    let slice = source.read(start..end)?;
                    if slice.len() as u64 != end - start {
                        return Err(Error::invalid(format!(
                            "input[{index}]: bytes {start}..{end} of the message read as {} \
                             bytes: it changed while it was hashed",
                            slice.len()
                        ))
                        .with_param("input"));
                    }
                    hash(&slice)?;
                    start = end;
                }
            }
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

/// The catalogue's `sha256` (its entry is `Workload::of::<Hashing>()`).
pub struct Hashing;

impl Kernel for Hashing {
    const NAME: &'static str = "sha256";
    const DESCRIPTION: &'static str =
        "SHA-256 of many generated blocks (the sha2 crate): compute-bound hashing.";
    const PARAMS: &'static [ParamSpec] = &[
        ParamSpec::integer("blocks", "number of blocks", 1, 1_000_000_000, 50_000),
        ParamSpec::integer("block_bytes", "bytes per block", 1, 1 << 20, 4_096),
    ];
    const SPLITS: bool = true;

    fn memory_bytes(v: &[u64]) -> u64 {
        memory_bytes(&Params {
            blocks: v[0],
            block_bytes: v[1],
        })
    }

    fn run(v: &[u64], ctx: &Ctx, mode: Mode) -> Result<Output, Error> {
        run(
            &Params {
                blocks: v[0],
                block_bytes: v[1],
            },
            ctx,
            mode,
        )
    }
}

/// What `sha256`'s `input` form takes and returns (`runner.workloads()` shows it).
pub const INPUT: &str = "ArrayBuffer | ArrayBufferView | Blob | File, or an array of them -> [{ hex, bytes: Uint8Array }] (one digest per item)";

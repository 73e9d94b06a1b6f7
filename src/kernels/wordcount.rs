//! `wordcount`: count words. [`run`] is the CPU half of the fetch-then-compute pipeline
//! (count the words of each document and hash it, one document per chunk); [`count_top`]
//! counts an app's texts and finds the most frequent words; [`generated`] is the catalogue's
//! generated form.

use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};

use sha2::{Digest, Sha256};

use super::{mix, mix32, sum_chunks, Output};
use super::{Ctx, Kernel, Mode, ParamSpec};
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
    let checksum = sum_chunks(ctx, docs.len() as u64, mode, |index| {
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

/// Bytes per piece of text counted by one task.
const PIECE: usize = 1 << 20;

/// Word counts of an app's texts (see [`count_top`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WordCounts {
    /// Words in each text, in input order.
    pub per_input: Vec<u64>,
    /// Words in all texts.
    pub total: u64,
    /// Distinct words.
    pub distinct: u64,
    /// The most frequent words with their counts: by count, descending, then alphabetically.
    pub top: Vec<(String, u64)>,
}

/// Counts the words of each text and the most frequent `top` words over all of them. A word
/// is a maximal run of alphanumeric characters (Unicode), compared in lower case; invalid
/// UTF-8 counts as a separator. Texts are cut into pieces of about 1 MiB (at a separator) that
/// are counted in parallel. The checksum digests every distinct word with its count.
///
/// ```
/// use webpar::{engine::{Ctx, Mode}, kernels::wordcount::count_top};
/// let texts = vec![b"The pool, the POOL!".to_vec(), "Noël et noël".as_bytes().to_vec()];
/// let (counts, _) = count_top(&texts, 2, &Ctx::new(), Mode::Parallel)?;
/// assert_eq!(counts.per_input, [4, 3]);
/// assert_eq!(counts.top, [("noël".to_string(), 2), ("pool".to_string(), 2)]);
/// # Ok::<(), webpar::Error>(())
/// ```
///
/// # Errors
/// [`crate::ErrorKind::Aborted`] or [`crate::ErrorKind::Timeout`] when cancelled.
pub fn count_top(
    texts: &[Vec<u8>],
    top: usize,
    ctx: &Ctx,
    mode: Mode,
) -> Result<(WordCounts, u64), Error> {
    let pieces: Vec<(usize, std::ops::Range<usize>)> = texts
        .iter()
        .enumerate()
        .flat_map(|(index, text)| pieces_of(text).map(move |range| (index, range)))
        .collect();
    ctx.set_total(
        pieces
            .iter()
            .map(|(_, r)| r.len() as u64)
            .sum::<u64>()
            .max(1),
    );
    // Each piece's counts keep its words borrowed from the app's text (owned only where the
    // text was not valid UTF-8 or a word had capitals to lower): threads count without
    // allocating per word, and in wasm every allocation takes the one allocator's lock.
    let mut counted: Vec<(Counts<Cow<str>>, u64)> = vec![Default::default(); pieces.len()];
    super::sum_chunks_mut(ctx, &mut counted, 1, mode, |index, slot| {
        ctx.check()?;
        let (text, range) = &pieces[index];
        let counts: Counts<Cow<str>> = match String::from_utf8_lossy(&texts[*text][range.clone()]) {
            Cow::Borrowed(piece) => tally(piece),
            Cow::Owned(piece) => tally(&piece)
                .into_iter()
                .map(|(word, count)| (Cow::Owned(word.into_owned()), count))
                .collect(),
        };
        let words = counts.values().sum();
        slot[0] = (counts, words);
        ctx.checkpoint(range.len() as u64)?;
        Ok(0)
    })?;
    let mut per_input = vec![0u64; texts.len()];
    for ((text, _), (_, words)) in pieces.iter().zip(&counted) {
        per_input[*text] += words;
    }
    let maps = counted.into_iter().map(|(counts, _)| counts);
    // The pieces' maps merged pairwise: in parallel, the last merge is of two maps of the
    // distinct words, not of every piece's words one after the other on one thread.
    let all = match mode {
        Mode::Parallel => {
            use rayon::prelude::*;
            maps.collect::<Vec<_>>()
                .into_par_iter()
                .reduce(Counts::default, merged)
        }
        _ => maps.fold(Counts::default(), merged),
    };
    let checksum = all.iter().fold(0u64, |acc, (word, &count)| {
        acc.wrapping_add(mix(fnv1a(word.as_bytes()) ^ count.rotate_left(32)))
    });
    let mut ranked: Vec<(&str, u64)> = all.iter().map(|(w, &c)| (w.as_ref(), c)).collect();
    ranked.sort_unstable_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    ranked.truncate(top);
    let ranked: Vec<(String, u64)> = ranked.into_iter().map(|(w, c)| (w.to_owned(), c)).collect();
    Ok((
        WordCounts {
            total: per_input.iter().sum(),
            per_input,
            distinct: all.len() as u64,
            top: ranked,
        },
        checksum,
    ))
}

/// `a` and `b` added up, the smaller into the larger.
fn merged<'a>(a: Counts<Cow<'a, str>>, b: Counts<Cow<'a, str>>) -> Counts<Cow<'a, str>> {
    let (mut into, from) = if a.len() >= b.len() { (a, b) } else { (b, a) };
    for (word, count) in from {
        *into.entry(word).or_insert(0) += count;
    }
    into
}

/// The words of `piece` (runs of letters and digits, lower-cased) with their counts, borrowed
/// from it: a word is allocated only when it has capitals to lower.
fn tally(piece: &str) -> Counts<Cow<'_, str>> {
    let mut counts: Counts<Cow<str>> = Counts::default();
    for word in piece.split(|c: char| !c.is_alphanumeric() || c == '\u{FFFD}') {
        if word.is_empty() {
            continue;
        }
        let key = if word.chars().any(char::is_uppercase) {
            Cow::Owned(word.to_lowercase())
        } else {
            Cow::Borrowed(word)
        };
        *counts.entry(key).or_insert(0) += 1;
    }
    counts
}

/// Ranges of about [`PIECE`] bytes covering `text`, each cut just after an ASCII byte that is
/// not a letter or digit (always a character boundary and a separator).
fn pieces_of(text: &[u8]) -> impl Iterator<Item = std::ops::Range<usize>> + '_ {
    let mut start = 0;
    std::iter::from_fn(move || {
        if start >= text.len() {
            return None;
        }
        let mut end = (start + PIECE).min(text.len());
        while end < text.len() && text[end - 1].is_ascii_alphanumeric() | (text[end - 1] >= 0x80) {
            end += 1;
        }
        let range = start..end;
        start = end;
        Some(range)
    })
}

/// Counts by word, hashed with FNV-1a (words are short; SipHash's flood resistance buys
/// nothing here).
type Counts<K> = HashMap<K, u64, BuildHasherDefault<Fnv>>;

/// FNV-1a as a [`Hasher`].
#[derive(Debug, Clone, Copy)]
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// FNV-1a: a stable hash of a word for the checksum.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// Parameters of the generated form of `wordcount`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Params {
    /// Words of generated text.
    pub words: u64,
}

/// Words generated per text (one text per task).
const WORDS_PER_TEXT: u64 = 1 << 16;

/// Bytes of the generated text (at most 9 per word) and the counts.
pub fn memory_bytes(params: &Params) -> u64 {
    params.words.saturating_mul(12)
}

/// Generates `words` words of text (a vocabulary of a few thousand words, frequent ones
/// far more frequent, as in real text) and counts them as [`count_top`] does, keeping the
/// top 10.
///
/// ```
/// use webpar::{engine::{Ctx, Mode}, kernels::wordcount::{generated, Params}};
/// let p = Params { words: 100_000 };
/// assert_eq!(generated(&p, &Ctx::new(), Mode::Sequential)?, generated(&p, &Ctx::new(), Mode::Parallel)?);
/// # Ok::<(), webpar::Error>(())
/// ```
///
/// # Errors
/// [`crate::ErrorKind::OverBudget`] when the text cannot be allocated;
/// [`crate::ErrorKind::Aborted`] or [`crate::ErrorKind::Timeout`] when cancelled.
pub fn generated(params: &Params, ctx: &Ctx, mode: Mode) -> Result<Output, Error> {
    let texts_len = params.words.div_ceil(WORDS_PER_TEXT) as usize;
    let mut texts: Vec<Vec<u8>> = Vec::new();
    texts.try_reserve_exact(texts_len).map_err(|_| {
        Error::new(
            crate::ErrorKind::OverBudget,
            format!("wordcount: {} words do not fit in memory", params.words),
        )
    })?;
    texts.resize(texts_len, Vec::new());
    super::sum_chunks_mut(ctx, &mut texts, 1, mode, |index, slot| {
        ctx.check()?;
        let first = index as u64 * WORDS_PER_TEXT;
        let last = (first + WORDS_PER_TEXT).min(params.words);
        let text = &mut slot[0];
        text.reserve(((last - first) * 9) as usize);
        for i in first..last {
            let random = mix(i);
            // Rank 0..4096, skewed towards small ranks (frequent words).
            let rank = (((random >> 40) * (random >> 52)) >> 24) as u32;
            let mut letters = mix32(rank) | 1;
            for _ in 0..2 + rank % 6 {
                text.push(b'a' + (letters % 26) as u8);
                letters /= 26;
            }
            text.push(b' ');
        }
        Ok(0)
    })?;
    let (_, checksum) = count_top(&texts, 10, ctx, mode)?;
    Ok(Output { checksum })
}

/// The catalogue's `wordcount` (its entry is `Workload::of::<Wordcount>()`).
pub struct Wordcount;

impl Kernel for Wordcount {
    const NAME: &'static str = "wordcount";
    const DESCRIPTION: &'static str =
        "Counts the words of generated text and finds the most frequent ones, \
                      one piece of text per task, then merges the counts: hashing-bound.";
    const PARAMS: &'static [ParamSpec] = &[ParamSpec::integer(
        "words",
        "words of generated text",
        1,
        1_000_000_000,
        2_000_000,
    )];

    fn memory_bytes(v: &[u64]) -> u64 {
        memory_bytes(&Params { words: v[0] })
    }

    fn run(v: &[u64], ctx: &Ctx, mode: Mode) -> Result<Output, Error> {
        generated(&Params { words: v[0] }, ctx, mode)
    }
}

/// What `wordcount`'s `input` form takes and returns (`runner.workloads()` shows it).
pub const INPUT: &str = "string | Blob | File, or an array of them; optional top (default 10, at most \
             10000) beside input -> { perInput: number[], total, distinct, top: [{ word, count }] }";

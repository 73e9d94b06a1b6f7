//! A downstream crate that adds its own workload to webpar, in one file: `levenshtein`, the
//! edit distance from a query word to every word of a word list.
//!
//! It implements [`webpar::engine::Kernel`] (generated words: `{ words, length }`, for the
//! page and the bench) and [`webpar::engine::InputKernel`] (the app's own words: `{ input: {
//! query, words, top } }` → every distance and the nearest words), and registers the
//! workload when its wasm module starts. Built with wasm-bindgen, its package is webpar's
//! (the same `Runner`, pool and entry module) with `levenshtein` in the catalogue:
//! `runner.run`, `compare`, `sweep`, `submit`, `map`. `./build.sh test` builds it and runs it
//! in the browser.

use serde::{Deserialize, Serialize};
use webpar::engine::{Ctx, InputKernel, Kernel, Mode, ParamSpec, Workload};
use webpar::kernels::{fill_in_chunks, mix, sum_over_ranges, Output};
use webpar::Error;

/// Words compared per chunk.
const WORDS_PER_CHUNK: u64 = 2_048;
/// Most nearest words an input run returns.
const MAX_TOP: usize = 10_000;
/// Longest word.
const MAX_LENGTH: u64 = 64;

/// Edit distances from the query to a generated word list.
pub struct Levenshtein;

impl Kernel for Levenshtein {
    const NAME: &'static str = "levenshtein";
    const DESCRIPTION: &'static str = "Edit distance (Levenshtein) from a query word to each of \
                                       `words` generated words, summed: compute-bound, one \
                                       small dynamic program per word.";
    const PARAMS: &'static [ParamSpec] = &[
        ParamSpec::integer("words", "words in the list", 1, 100_000_000, 300_000),
        ParamSpec::integer("length", "letters per word", 1, MAX_LENGTH, 12),
    ];
    // One chunked pass: a job splits across isolated workers.
    const SPLITS: bool = true;

    fn run(values: &[u64], ctx: &Ctx, mode: Mode) -> Result<Output, Error> {
        let (words, length) = (values[0], values[1] as usize);
        let query = word(u64::MAX, length);
        let checksum = sum_over_ranges(words, WORDS_PER_CHUNK, mode, ctx, |range| {
            // One row of the dynamic program, reused for every word of the chunk.
            let mut row = [0usize; MAX_LENGTH as usize + 1];
            range.fold(0u64, |sum, index| {
                let distance = distance(&query[..length], &word(index, length)[..length], &mut row);
                sum.wrapping_add(distance as u64)
            })
        })?;
        Ok(Output { checksum })
    }
}

/// The app's own search: a query and the words to measure it against.
#[derive(Debug, Deserialize)]
pub struct Search {
    /// The word to look for.
    pub query: String,
    /// The word list.
    pub words: Vec<String>,
    /// How many of the nearest words to return (default 10, at most 10,000).
    #[serde(default = "default_top")]
    pub top: usize,
}

fn default_top() -> usize {
    10
}

/// What a search finds.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct Found {
    /// The edit distance from the query to each word, in the list's order.
    pub distances: Vec<u32>,
    /// The `top` nearest words, nearest first (ties in the list's order).
    pub nearest: Vec<Near>,
}

/// One of the nearest words.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct Near {
    /// The word.
    pub word: String,
    /// Its position in the list.
    pub index: u32,
    /// Its edit distance from the query.
    pub distance: u32,
}

impl InputKernel for Levenshtein {
    const INPUT: &'static str = "{ query: string, words: string[], top?: number } → { \
                                 distances: number[], nearest: { word, index, distance }[] }";
    const INPUT_TYPE: &'static str = "{ query: string; words: string[]; top?: number }";
    const OUTPUT_TYPE: &'static str =
        "{ distances: number[]; nearest: { word: string; index: number; distance: number }[] }";
    type Input = Search;
    type Output = Found;

    fn input_memory_bytes(search: &Search) -> u64 {
        let nearest: u64 = search
            .words
            .iter()
            .take(search.top)
            .map(|w| w.len() as u64 + 32)
            .sum();
        search.words.len() as u64 * 4 + nearest
    }

    fn run_input(search: &Search, ctx: &Ctx, mode: Mode) -> Result<(Found, u64), Error> {
        if search.top > MAX_TOP {
            return Err(Error::invalid(format!(
                "levenshtein: input.top is {}; at most {MAX_TOP}",
                search.top
            ))
            .with_param("input.top"));
        }
        if search.words.len() > u32::MAX as usize {
            return Err(
                Error::invalid("levenshtein: input.words has more than 2^32 words")
                    .with_param("input.words"),
            );
        }
        // Distances between Unicode scalar values, not bytes.
        let query: Vec<char> = search.query.chars().collect();
        let mut distances = vec![0u32; search.words.len()];
        let checksum = fill_in_chunks(&mut distances, 1_024, mode, ctx, |start, chunk| {
            let (mut letters, mut row) = (Vec::new(), Vec::new());
            let mut sum = 0u64;
            for (offset, out) in chunk.iter_mut().enumerate() {
                letters.clear();
                letters.extend(search.words[start + offset].chars());
                row.resize(letters.len() + 1, 0);
                *out = distance(&query, &letters, &mut row) as u32;
                sum = sum.wrapping_add(mix(((start + offset) as u64) << 32 | u64::from(*out)));
            }
            sum
        })?;
        let mut order: Vec<u32> = (0..distances.len() as u32).collect();
        let by_distance = |&i: &u32| (distances[i as usize], i);
        let top = search.top.min(order.len());
        if top > 0 && top < order.len() {
            order.select_nth_unstable_by_key(top - 1, by_distance);
        }
        order.truncate(top);
        order.sort_unstable_by_key(by_distance);
        let nearest = order
            .into_iter()
            .map(|index| Near {
                word: search.words[index as usize].clone(),
                index,
                distance: distances[index as usize],
            })
            .collect();
        Ok((Found { distances, nearest }, checksum))
    }
}

/// The workload's catalogue entry: generated words, and the app's own.
pub static LEVENSHTEIN: Workload = Workload::with_input_of::<Levenshtein>();

/// Word `index` of the list: `length` letters from a 4-letter alphabet (so that distances
/// vary), drawn from `mix(index)`.
fn word(index: u64, length: usize) -> [u8; MAX_LENGTH as usize] {
    let mut letters = [0u8; MAX_LENGTH as usize];
    let mut bits = mix(index);
    for (i, letter) in letters.iter_mut().take(length).enumerate() {
        if i % 32 == 0 {
            bits = mix(index ^ ((i as u64) << 40));
        }
        *letter = b'a' + (bits & 3) as u8;
        bits >>= 2;
    }
    letters
}

/// The edit distance of `a` and `b` (insertions, deletions, substitutions), with one row of
/// the dynamic program (`row` holds at least `b.len() + 1` cells), over bytes or characters.
///
/// ```
/// let mut row = [0usize; 65];
/// assert_eq!(webpar_levenshtein::distance(b"kitten", b"sitting", &mut row), 3);
/// assert_eq!(webpar_levenshtein::distance(b"", b"abc", &mut row), 3);
/// let (a, b): (Vec<char>, Vec<char>) = ("größe".chars().collect(), "grosse".chars().collect());
/// assert_eq!(webpar_levenshtein::distance(&a, &b, &mut row), 3);
/// ```
pub fn distance<T: PartialEq>(a: &[T], b: &[T], row: &mut [usize]) -> usize {
    for (j, cell) in row.iter_mut().enumerate().take(b.len() + 1) {
        *cell = j;
    }
    for (i, ca) in a.iter().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            let substitute = diagonal + usize::from(*ca != *cb);
            row[j + 1] = substitute.min(above + 1).min(row[j] + 1);
            diagonal = above;
        }
    }
    row[b.len()]
}

/// Adds `levenshtein` to webpar's catalogue when the module starts (on every thread of the
/// pool too; registering again does nothing).
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen(start)]
pub fn start() {
    // Cannot fail: the name is free and the parameters are well formed (the tests check it).
    let _ = webpar::engine::register(&LEVENSHTEIN);
}

#[cfg(test)]
mod tests {
    use super::*;
    use webpar::engine::{find_workload, register, JobSpec, Produced, RawValue};

    #[test]
    fn registered_it_runs_like_a_built_in_workload() {
        register(&LEVENSHTEIN).unwrap();
        register(&LEVENSHTEIN).unwrap(); // again: nothing happens
        assert_eq!(
            find_workload("levenshtein").unwrap().params[1].name,
            "length"
        );
        let spec = JobSpec::parse(
            "levenshtein",
            &[
                ("words".into(), RawValue::Number(50_000.0)),
                ("length".into(), RawValue::Number(10.0)),
            ],
        )
        .unwrap();
        let (_, sequential) = spec.run(&Ctx::new(), Mode::Sequential).unwrap();
        let (_, parallel) = spec.run(&Ctx::new(), Mode::Parallel).unwrap();
        let (_, lanes) = spec.run(&Ctx::new(), Mode::Threads(3)).unwrap();
        assert_eq!((sequential, sequential), (parallel, lanes));
        // Every distance is at most the length, and the words are not all equal.
        assert!(sequential > 0 && sequential <= 50_000 * 10);
    }

    #[test]
    fn distances_match_the_textbook_table() {
        let naive = |a: &[u8], b: &[u8]| {
            let mut table = vec![vec![0usize; b.len() + 1]; a.len() + 1];
            for (i, line) in table.iter_mut().enumerate() {
                line[0] = i;
            }
            for (j, cell) in table[0].iter_mut().enumerate() {
                *cell = j;
            }
            for i in 1..=a.len() {
                for j in 1..=b.len() {
                    let cost = usize::from(a[i - 1] != b[j - 1]);
                    table[i][j] = (table[i - 1][j] + 1)
                        .min(table[i][j - 1] + 1)
                        .min(table[i - 1][j - 1] + cost);
                }
            }
            table[a.len()][b.len()]
        };
        let mut row = [0usize; 65];
        for index in 0..200 {
            let (a, b) = (word(index, 9), word(index + 1000, 12));
            assert_eq!(
                distance(&a[..9], &b[..12], &mut row),
                naive(&a[..9], &b[..12])
            );
        }
    }

    #[test]
    fn the_input_form_finds_the_nearest_words_in_every_mode() {
        register(&LEVENSHTEIN).unwrap();
        let words = ["kitten", "sitting", "mitten", "kit", "größe", "", "kitten"];
        let input = LEVENSHTEIN
            .read_input(serde_json::json!({ "query": "kitten", "words": words, "top": 3 }))
            .unwrap();
        let spec = JobSpec::from_input(input).unwrap();
        let mut seen = Vec::new();
        for mode in [Mode::Sequential, Mode::Parallel, Mode::Threads(2)] {
            let (output, checksum) = spec.run(&Ctx::new(), mode).unwrap();
            let Some(Produced::Custom(found)) = output else {
                panic!("no output")
            };
            seen.push((serde_json::to_value(&found).unwrap(), checksum));
        }
        assert!(seen.windows(2).all(|pair| pair[0] == pair[1]));
        let found = &seen[0].0;
        assert_eq!(found["distances"], serde_json::json!([0, 3, 1, 3, 5, 6, 0]));
        assert_eq!(
            found["nearest"],
            serde_json::json!([
                { "word": "kitten", "index": 0, "distance": 0 },
                { "word": "kitten", "index": 6, "distance": 0 },
                { "word": "mitten", "index": 2, "distance": 1 },
            ])
        );
    }

    #[test]
    fn a_bad_input_names_its_field() {
        register(&LEVENSHTEIN).unwrap();
        let err = LEVENSHTEIN
            .read_input(serde_json::json!({ "query": "a", "words": ["b", 7] }))
            .unwrap_err();
        assert_eq!(err.param(), Some("input.words[1]"), "{err}");
        let err = LEVENSHTEIN
            .read_input(serde_json::json!({ "words": [] }))
            .unwrap_err();
        assert!(err.message().contains("query"), "{err}");
        let input = LEVENSHTEIN
            .read_input(serde_json::json!({ "query": "a", "words": [], "top": 20_000 }))
            .unwrap();
        let err = JobSpec::from_input(input)
            .unwrap()
            .run(&Ctx::new(), Mode::Parallel)
            .unwrap_err();
        assert_eq!(err.param(), Some("input.top"));
    }

    #[test]
    fn a_taken_name_is_refused() {
        static CLASH: Workload = Workload::of::<Clash>();
        struct Clash;
        impl Kernel for Clash {
            const NAME: &'static str = "primes";
            const DESCRIPTION: &'static str = "clashes";
            const PARAMS: &'static [ParamSpec] = &[];
            fn run(_: &[u64], _: &Ctx, _: Mode) -> Result<Output, Error> {
                Ok(Output { checksum: 0 })
            }
        }
        assert!(register(&CLASH).unwrap_err().message().contains("already"));
    }
}

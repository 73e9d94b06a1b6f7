//! A downstream crate that adds its own workload to webpar, in one file: `levenshtein`, the
//! edit distance from a query word to every word of a generated word list, summed.
//!
//! It implements [`webpar::engine::Kernel`] and registers the workload when its wasm module
//! starts; built with wasm-bindgen, its package is webpar's (the same `Runner`, pool and
//! entry module) with `levenshtein` in the catalogue: `runner.run("levenshtein", { words,
//! length })`, `compare`, `sweep`, `submit`, `map`. `./build.sh test` builds it and runs it in
//! the browser.

use webpar::engine::{Ctx, Kernel, Mode, ParamSpec, Workload};
use webpar::kernels::{mix, sum_over_ranges, Output};
use webpar::Error;

/// Words compared per chunk.
const WORDS_PER_CHUNK: u64 = 2_048;
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

/// The workload's catalogue entry.
pub static LEVENSHTEIN: Workload = Workload::of::<Levenshtein>();

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
/// the dynamic program (`row` holds at least `b.len() + 1` cells).
///
/// ```
/// let mut row = [0usize; 65];
/// assert_eq!(webpar_levenshtein::distance(b"kitten", b"sitting", &mut row), 3);
/// assert_eq!(webpar_levenshtein::distance(b"", b"abc", &mut row), 3);
/// ```
pub fn distance(a: &[u8], b: &[u8], row: &mut [usize]) -> usize {
    for (j, cell) in row.iter_mut().enumerate().take(b.len() + 1) {
        *cell = j;
    }
    for (i, &ca) in a.iter().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let above = row[j + 1];
            let substitute = diagonal + usize::from(ca != cb);
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
    use webpar::engine::{find_workload, register, JobSpec, RawValue};

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

//! Telling the input form (`{ input }`) from generated params.

use super::*;

/// Whether `params` hold an `input` (the input form), as entries.
pub(in crate::web) fn split_input(
    params: Vec<(String, JsValue)>,
) -> (Option<JsValue>, Vec<(String, JsValue)>) {
    let mut input = None;
    let mut rest = Vec::new();
    for (key, value) in params {
        if key == "input" {
            input = Some(value);
        } else {
            rest.push((key, value));
        }
    }
    (input, rest)
}

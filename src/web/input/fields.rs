//! Reading the fields of an app's input object once, with errors that name the field.

use super::*;

/// The fields of an input object, read once.
pub(super) struct Fields {
    what: String,
    pairs: Vec<(String, JsValue)>,
}

impl Fields {
    pub(super) fn read(value: &JsValue, what: &str, known: &[&str]) -> Result<Fields, Failure> {
        let what = if what.starts_with("input") {
            what.to_string()
        } else {
            format!("{what}: input")
        };
        if !value.is_object() || is_array(value) == Ok(true) {
            return Err(invalid(
                "input",
                format!(
                    "{what} must be an object with {}, got {}",
                    known.join(", "),
                    describe(value)
                ),
            ));
        }
        let pairs = entries(value, &what)?;
        if let Some((key, _)) = pairs.iter().find(|(k, _)| !known.contains(&k.as_str())) {
            return Err(invalid(
                "input",
                format!(
                    "{what}: unknown field {key:?}; the fields are {}",
                    known.join(", ")
                ),
            ));
        }
        Ok(Fields { what, pairs })
    }

    pub(super) fn optional(&self, key: &str) -> Option<JsValue> {
        self.pairs
            .iter()
            .find(|(k, v)| k == key && !v.is_undefined())
            .map(|(_, v)| v.clone())
    }

    pub(super) fn get(&self, key: &str) -> Result<JsValue, Failure> {
        self.optional(key).ok_or_else(|| {
            invalid(
                key,
                format!(
                    "{}: missing field {key:?}",
                    self.what.trim_end_matches(": input")
                ),
            )
        })
    }
}

pub(super) fn kind_of(value: &JsValue) -> Result<String, Failure> {
    data_kind(value).map_err(|thrown| threw_while_read("input", thrown))
}

pub(super) fn static_kind(kind: &str) -> &'static str {
    [
        "Float64Array",
        "Float32Array",
        "Int32Array",
        "Uint32Array",
        "BigInt64Array",
        "BigUint64Array",
    ]
    .into_iter()
    .find(|k| *k == kind)
    .unwrap_or("BigUint64Array")
}

pub(super) fn view_of(value: &JsValue, kind: &str, field: &str) -> Result<Uint8Array, Failure> {
    match bytes_of(value, kind) {
        Ok(Some(view)) => Ok(view),
        Ok(None) => Err(invalid(
            field,
            format!(
                "{field} is {} whose buffer is detached (it was transferred, e.g. to a \
                 worker): pass data you still own",
                with_article(kind)
            ),
        )),
        Err(thrown) => Err(threw_while_read(field, thrown)),
    }
}

pub(super) fn float64s(value: &JsValue, field: &str) -> Result<Uint8Array, Failure> {
    let kind = kind_of(value)?;
    if kind != "Float64Array" {
        return Err(invalid(
            field,
            format!(
                "{field} must be a Float64Array, got {}",
                what_is(value, &kind)
            ),
        ));
    }
    view_of(value, &kind, field)
}

pub(super) fn what_is(value: &JsValue, kind: &str) -> String {
    if kind.is_empty() {
        describe(value)
    } else {
        with_article(kind)
    }
}

/// The items of an array the caller gave (at most 2^20), read one by one.
pub(in crate::web) fn list_items(value: &JsValue, field: &str) -> Result<Vec<JsValue>, Failure> {
    if !is_array(value).map_err(|thrown| threw_while_read(field, thrown))? {
        return Err(invalid(
            field,
            format!("{field} must be an array, got {}", describe(value)),
        ));
    }
    let threw = |thrown| threw_while_read(field, thrown).with_param(field);
    let length = Reflect::get(value, &"length".into())
        .map_err(threw)?
        .as_f64()
        .unwrap_or(0.0);
    if length > MAX_ITEMS as f64 {
        return Err(invalid(
            field,
            format!("{field} has {length} items; at most {MAX_ITEMS}: split it, or use runner.map"),
        ));
    }
    (0..length as u32)
        .map(|index| Reflect::get_u32(value, index).map_err(threw))
        .collect()
}

pub(super) fn whole(value: &JsValue, field: &str, min: f64, max: f64) -> Result<f64, Failure> {
    match value.as_f64() {
        Some(n) if n.fract() == 0.0 && (min..=max).contains(&n) => Ok(n),
        _ => Err(invalid(
            field,
            format!(
                "{field} must be a whole number in {min}..={max}, got {}",
                describe(value)
            ),
        )),
    }
}

pub(super) fn finite(value: &JsValue, field: &str, positive: bool) -> Result<f64, Failure> {
    match value.as_f64() {
        Some(n) if n.is_finite() && (!positive || n > 0.0) => Ok(n),
        _ => Err(invalid(
            field,
            format!(
                "{field} must be a finite{} number, got {}",
                if positive { " positive" } else { "" },
                describe(value)
            ),
        )),
    }
}

pub(super) fn non_empty(len: usize, field: &str, what: &str) -> Result<(), Failure> {
    if len == 0 {
        return Err(invalid(
            field,
            format!("{what} is empty: pass at least one item"),
        ));
    }
    Ok(())
}

pub(super) fn missing(field: &str) -> Failure {
    invalid(field, format!("missing field {field:?}"))
}

pub(super) fn invalid(field: &str, message: String) -> Failure {
    Error::invalid(message).with_param(field).into()
}

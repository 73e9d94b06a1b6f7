//! The real output of a job back to JS: into the app's own array where it gave one, else a
//! new one, and plain objects.

use super::*;

/// A fresh typed array (its own, non-shared buffer) holding a copy of `slice`: made at its
/// length, then filled in bulk with `TypedArray.prototype.set` from a view of wasm memory.
macro_rules! typed_copy {
    ($array:ty, $slice:expr) => {{
        let slice = $slice;
        let out = <$array>::new_with_length(slice.len() as u32);
        out.copy_from(slice);
        out
    }};
}

/// The real output as JS values: typed arrays (one copy out of wasm memory, into the app's
/// `into` when it gave one) and plain objects.
///
/// # Errors
/// `InvalidParamsError` when a registered workload's output has a value serde-wasm-bindgen
/// cannot write (an integer beyond 2^53, say).
pub(in crate::web) fn output_to_js(
    output: Produced,
    target: Option<&Target>,
) -> Result<JsValue, Failure> {
    if let Produced::Custom(custom) = &output {
        let serializer = serde_wasm_bindgen::Serializer::new().serialize_maps_as_objects(true);
        return serde::Serialize::serialize(custom, &serializer).map_err(|err| {
            Error::invalid(format!(
                "the output could not be written as a JS value: {err}"
            ))
            .with_param("output")
            .into()
        });
    }
    Ok(built_in_output_to_js(output, target))
}

pub(super) fn built_in_output_to_js(output: Produced, target: Option<&Target>) -> JsValue {
    let object = |pairs: &[(&str, JsValue)]| -> JsValue {
        let object = Object::new();
        for (key, value) in pairs {
            let _ = Reflect::set(&object, &(*key).into(), value);
        }
        object.into()
    };
    match output {
        Produced::Sorted(numbers) => match numbers {
            Numbers::F64(v) => placed(target, &v, || {
                typed_copy!(js_sys::Float64Array, &v[..]).into()
            }),
            Numbers::F32(v) => placed(target, &v, || {
                typed_copy!(js_sys::Float32Array, &v[..]).into()
            }),
            Numbers::I32(v) => placed(target, &v, || {
                typed_copy!(js_sys::Int32Array, &v[..]).into()
            }),
            Numbers::U32(v) => placed(target, &v, || {
                typed_copy!(js_sys::Uint32Array, &v[..]).into()
            }),
            Numbers::I64(v) => placed(target, &v, || {
                typed_copy!(js_sys::BigInt64Array, &v[..]).into()
            }),
            Numbers::U64(v) => placed(target, &v, || {
                typed_copy!(js_sys::BigUint64Array, &v[..]).into()
            }),
        },
        Produced::Total(total) => object(&[("sum", js_sys::BigInt::from(total).into())]),
        Produced::Digests(digests) => digests
            .iter()
            .map(|digest| {
                let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
                object(&[
                    ("hex", hex.into()),
                    ("bytes", typed_copy!(Uint8Array, &digest[..]).into()),
                ])
            })
            .collect::<Array>()
            .into(),
        Produced::Image {
            width,
            height,
            rgba,
        } => object(&[
            ("width", width.into()),
            ("height", height.into()),
            (
                "pixels",
                placed(target, &rgba, || {
                    typed_copy!(js_sys::Uint8ClampedArray, &rgba[..]).into()
                }),
            ),
        ]),
        Produced::Product(m) => object(&[
            (
                "data",
                placed(target, &m.data, || {
                    typed_copy!(js_sys::Float64Array, &m.data[..]).into()
                }),
            ),
            ("rows", (m.rows as u32).into()),
            ("cols", (m.cols as u32).into()),
        ]),
        Produced::Solutions(solutions) => {
            let singular: Array = solutions
                .iter()
                .enumerate()
                .filter(|(_, s)| s.is_none())
                .map(|(i, _)| JsValue::from(i as u32))
                .collect();
            let list: Array = solutions
                .iter()
                .map(|s| match s {
                    Some(x) => typed_copy!(js_sys::Float64Array, &x[..]).into(),
                    None => JsValue::NULL,
                })
                .collect();
            object(&[("solutions", list.into()), ("singular", singular.into())])
        }
        Produced::Primes(primes) => object(&[
            ("count", (primes.len() as u32).into()),
            (
                "primes",
                typed_copy!(js_sys::Uint32Array, &primes[..]).into(),
            ),
        ]),
        Produced::Bodies(bodies) => {
            let flat = |v: &[[f64; 3]]| -> JsValue {
                let flat: Vec<f64> = v.iter().flatten().copied().collect();
                typed_copy!(js_sys::Float64Array, &flat[..]).into()
            };
            object(&[
                ("positions", flat(&bodies.positions)),
                ("velocities", flat(&bodies.velocities)),
            ])
        }
        Produced::Words(counts) => {
            let per_input: Array = counts
                .per_input
                .iter()
                .map(|&c| JsValue::from(c as f64))
                .collect();
            let top: Array = counts
                .top
                .iter()
                .map(|(word, count)| {
                    object(&[
                        ("word", word.as_str().into()),
                        ("count", (*count as f64).into()),
                    ])
                })
                .collect();
            object(&[
                ("perInput", per_input.into()),
                ("total", (counts.total as f64).into()),
                ("distinct", (counts.distinct as f64).into()),
                ("top", top.into()),
            ])
        }
        // Written by output_to_js.
        Produced::Custom(_) => JsValue::UNDEFINED,
    }
}

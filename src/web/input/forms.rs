//! The built-in input forms' shapes: byte items, a viewport, matrices, systems of equations,
//! bodies.

use super::*;

/// The items of a bytes input: one value or an array of them.
pub(super) fn byte_items(input: &JsValue, name: &str, binary: bool) -> Result<Vec<Bytes>, Failure> {
    let list = is_array(input).map_err(|thrown| threw_while_read("input", thrown))?;
    let values = if list {
        list_items(input, "input")?
    } else {
        vec![input.clone()]
    };
    non_empty(values.len(), "input", &format!("{name}: input"))?;
    let accepted = if binary {
        "an ArrayBuffer, a typed array, a DataView, a Blob, a File or a string"
    } else {
        "a string, a Blob or a File"
    };
    values
        .iter()
        .enumerate()
        .map(|(index, value)| {
            let field = if list {
                format!("input[{index}]")
            } else {
                "input".to_string()
            };
            let kind = kind_of(value)?;
            match kind.as_str() {
                "string" => Ok(Bytes::Text(value.as_string().unwrap_or_default())),
                "Blob" => {
                    let size =
                        size_of_blob(value).map_err(|thrown| threw_while_read(&field, thrown))?;
                    Ok(Bytes::Blob(value.clone(), size))
                }
                "" => Err(invalid(
                    &field,
                    format!(
                        "{name}: {field} must be {accepted}, got {}",
                        describe(value)
                    ),
                )),
                // Bytes (for wordcount, text as UTF-8).
                _ => Ok(Bytes::View(view_of(value, &kind, &field)?)),
            }
        })
        .collect()
}

/// The mandelbrot viewport.
pub(super) fn viewport(input: &JsValue) -> Result<View, Failure> {
    let fields = Fields::read(
        input,
        "mandelbrot",
        &["center", "scale", "width", "height", "maxIter"],
    )?;
    let width = whole(&fields.get("width")?, "input.width", 1.0, 20_000.0)? as u32;
    let height = whole(&fields.get("height")?, "input.height", 1.0, 20_000.0)? as u32;
    let max_iter = match fields.optional("maxIter") {
        Some(value) => whole(&value, "input.maxIter", 1.0, 100_000.0)? as u32,
        None => 1_000,
    };
    let scale = match fields.optional("scale") {
        Some(value) => finite(&value, "input.scale", true)?,
        None => 3.2 / f64::from(width),
    };
    let (center_re, center_im) = match fields.optional("center") {
        Some(value) => {
            let items = if is_array(&value) == Ok(true) {
                list_items(&value, "input.center")?
            } else {
                Vec::new()
            };
            if items.len() != 2 {
                return Err(invalid(
                    "input.center",
                    format!(
                        "mandelbrot: input.center must be [re, im], got {}",
                        describe(&value)
                    ),
                ));
            }
            (
                finite(&items[0], "input.center", false)?,
                finite(&items[1], "input.center", false)?,
            )
        }
        None => (-0.6, 0.0),
    };
    Ok(View {
        center_re,
        center_im,
        scale,
        width,
        height,
        max_iter,
    })
}

/// A matrix `{ data: Float64Array, rows, cols }`.
pub(super) fn matrix_plan(
    value: &JsValue,
    field: &str,
) -> Result<(Uint8Array, usize, usize), Failure> {
    let fields = Fields::read(value, field, &["data", "rows", "cols"])?;
    let rows = whole(&fields.get("rows")?, &format!("{field}.rows"), 1.0, 1e6)? as usize;
    let cols = whole(&fields.get("cols")?, &format!("{field}.cols"), 1.0, 1e6)? as usize;
    let data = float64s(&fields.get("data")?, &format!("{field}.data"))?;
    let len = u64::from(data.length()) / 8;
    if len != rows as u64 * cols as u64 {
        return Err(invalid(
            &format!("{field}.data"),
            format!("{field}.data has {len} entries but {field} is {rows} x {cols}"),
        ));
    }
    Ok((data, rows, cols))
}

pub(super) fn matrix((data, rows, cols): &(Uint8Array, usize, usize)) -> Result<Matrix, Error> {
    Ok(Matrix {
        rows: *rows,
        cols: *cols,
        data: copied(data, rows * cols)?,
    })
}

/// The systems of `equations`: `[{ matrix, rhs }, ...]`.
pub(super) fn systems_plan(
    input: &JsValue,
) -> Result<Vec<(usize, Uint8Array, Uint8Array)>, Failure> {
    if is_array(input).map_err(|thrown| threw_while_read("input", thrown))? {
        let items = list_items(input, "input")?;
        non_empty(items.len(), "input", "equations: input")?;
        items
            .iter()
            .enumerate()
            .map(|(index, item)| {
                let field = format!("input[{index}]");
                let fields = Fields::read(item, &field, &["matrix", "rhs"])?;
                let matrix = float64s(&fields.get("matrix")?, &format!("{field}.matrix"))?;
                let rhs = float64s(&fields.get("rhs")?, &format!("{field}.rhs"))?;
                let n = rhs.length() as usize / 8;
                non_empty(
                    n,
                    &format!("{field}.rhs"),
                    &format!("equations: {field}.rhs"),
                )?;
                if matrix.length() as usize / 8 != n * n {
                    return Err(invalid(
                        &format!("{field}.matrix"),
                        format!(
                            "equations: {field}.matrix has {} entries; with {n} right-hand sides \
                             it must have {n} x {n} = {}",
                            matrix.length() / 8,
                            n * n
                        ),
                    ));
                }
                Ok((n, matrix, rhs))
            })
            .collect()
    } else {
        Err(invalid(
            "input",
            format!(
                "equations: input must be an array of {{ matrix, rhs }}, got {}",
                describe(input)
            ),
        ))
    }
}

pub(super) fn nbody_plan(input: &JsValue) -> Result<Plan, Failure> {
    let fields = Fields::read(
        input,
        "nbody",
        &["positions", "velocities", "masses", "steps", "dt"],
    )?;
    let masses = float64s(&fields.get("masses")?, "input.masses")?;
    let n = masses.length() as usize / 8;
    non_empty(n, "input.masses", "nbody: input.masses")?;
    if n > 100_000 {
        return Err(invalid(
            "input.masses",
            format!("nbody: {n} bodies; at most 100000"),
        ));
    }
    let triples = |name: &str| -> Result<Option<Uint8Array>, Failure> {
        let field = format!("input.{name}");
        let Some(value) = fields.optional(name) else {
            return Ok(None);
        };
        let bytes = float64s(&value, &field)?;
        if bytes.length() as usize / 8 != 3 * n {
            return Err(invalid(
                &field,
                format!(
                    "nbody: {field} has {} entries; {n} bodies need 3 x {n} = {} (x, y, z each)",
                    bytes.length() / 8,
                    3 * n
                ),
            ));
        }
        Ok(Some(bytes))
    };
    let positions = triples("positions")?.ok_or_else(|| missing("input.positions"))?;
    let velocities = triples("velocities")?;
    let steps = whole(&fields.get("steps")?, "input.steps", 1.0, 100_000.0)? as u64;
    let dt = match fields.optional("dt") {
        Some(value) => finite(&value, "input.dt", true)?,
        None => 1e-3,
    };
    Ok(Plan::Nbody {
        positions,
        velocities,
        masses,
        steps,
        dt,
    })
}

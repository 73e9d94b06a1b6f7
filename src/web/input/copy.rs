//! Copying an app's typed arrays into wasm memory and the output back: one copy each way,
//! through the built-in getters only.

use super::*;

/// The bytes of a slice of plain numbers.
pub(super) fn bytes_of_numbers<T: Copy>(numbers: &[T]) -> &[u8] {
    // Plain numbers (no padding, any bit pattern valid as bytes), borrowed as long as `numbers`.
    unsafe {
        std::slice::from_raw_parts(
            numbers.as_ptr().cast::<u8>(),
            std::mem::size_of_val(numbers),
        )
    }
}

/// The app's `into` with `values` written over its elements in one copy, or, without a
/// target (or when its buffer was detached or resized meanwhile: nothing computed is lost),
/// `copy()`: a new typed array.
pub(super) fn placed<T: Copy>(
    target: Option<&Target>,
    values: &[T],
    copy: impl FnOnce() -> JsValue,
) -> JsValue {
    let bytes = bytes_of_numbers(values);
    let Some(target) = target.filter(|target| bytes.len() as u64 == target.bytes) else {
        return copy();
    };
    match bytes_of(&target.value, target.kind) {
        Ok(Some(view)) if u64::from(view.length()) == target.bytes => {
            view.copy_from(bytes);
            target.value.clone()
        }
        _ => copy(),
    }
}

/// Copies the `len` numbers of a typed array of `kind` (its bytes) into [`Numbers`].
pub(super) fn numbers(kind: &str, bytes: &Uint8Array, len: usize) -> Result<Numbers, Error> {
    Ok(match kind {
        "Float64Array" => Numbers::F64(copied(bytes, len)?),
        "Float32Array" => Numbers::F32(copied(bytes, len)?),
        "Int32Array" => Numbers::I32(copied(bytes, len)?),
        "Uint32Array" => Numbers::U32(copied(bytes, len)?),
        "BigInt64Array" => Numbers::I64(copied(bytes, len)?),
        _ => Numbers::U64(copied(bytes, len)?),
    })
}

/// Copies `len` elements of type `T` from `bytes` into a new vector: one copy.
pub(super) fn copied<T: Copy + Default>(bytes: &Uint8Array, len: usize) -> Result<Vec<T>, Error> {
    let mut out: Vec<T> = Vec::new();
    out.try_reserve_exact(len).map_err(|_| {
        Error::new(
            crate::ErrorKind::OverBudget,
            "the input does not fit in memory",
        )
    })?;
    out.resize(len, T::default());
    copy_into(bytes, &mut out)?;
    Ok(out)
}

/// Copies the first bytes of `bytes` over `out`, as many as it holds: one bulk copy.
pub(super) fn copy_into<T: Copy>(bytes: &Uint8Array, out: &mut [T]) -> Result<(), Error> {
    let len = std::mem::size_of_val(out);
    if len > 0 {
        // The view lives only for this copy, and nothing allocates in between.
        let target = unsafe { Uint8Array::view_mut_raw(out.as_mut_ptr().cast::<u8>(), len) };
        let source = bytes.subarray(0, len as u32);
        copy_bytes(&source, &target)
            .map_err(|_| Error::invalid("the input changed while it was copied"))?;
    }
    Ok(())
}

/// Copies every item (Blobs read slice by slice) into wasm memory.
pub(super) async fn load_all(items: Vec<Bytes>) -> Result<Vec<Vec<u8>>, Failure> {
    let mut out = Vec::with_capacity(items.len());
    for (index, item) in items.into_iter().enumerate() {
        out.push(match item {
            Bytes::View(view) => copied(&view, view.length() as usize)?,
            Bytes::Text(text) => text.into_bytes(),
            Bytes::Blob(blob, size) => {
                let mut bytes: Vec<u8> = Vec::new();
                bytes.try_reserve_exact(size as usize).map_err(|_| {
                    Error::new(
                        crate::ErrorKind::OverBudget,
                        "a Blob does not fit in memory",
                    )
                })?;
                let mut start = 0.0;
                while start < size {
                    let end = (start + BLOB_SLICE).min(size);
                    let slice = read_slice(&blob, start, end)
                        .await
                        .map_err(|thrown| blob_failed(index, thrown))?;
                    // Each slice straight into its place in the message: one copy.
                    let at = bytes.len();
                    bytes.resize(at + slice.length() as usize, 0);
                    copy_into(&slice, &mut bytes[at..])?;
                    start = end;
                }
                bytes
            }
        });
    }
    Ok(out)
}

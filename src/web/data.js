// Reads an app's data through the built-in getters only: a getter, Proxy trap or method that
// the app (or an attacker) put on the object itself never runs, and a value that only looks
// like a typed array is refused rather than trusted.

const TypedArray = Object.getPrototypeOf(Int8Array);
const getter = (proto, key) => Object.getOwnPropertyDescriptor(proto, key).get;
const tagOf = getter(TypedArray.prototype, Symbol.toStringTag);
const typedBuffer = getter(TypedArray.prototype, "buffer");
const typedOffset = getter(TypedArray.prototype, "byteOffset");
const typedBytes = getter(TypedArray.prototype, "byteLength");
const viewBuffer = getter(DataView.prototype, "buffer");
const viewOffset = getter(DataView.prototype, "byteOffset");
const viewBytes = getter(DataView.prototype, "byteLength");
const bufferBytes = getter(ArrayBuffer.prototype, "byteLength");
const sharedBytes =
  typeof SharedArrayBuffer === "function"
    ? getter(SharedArrayBuffer.prototype, "byteLength")
    : undefined;
const blobSize = typeof Blob === "function" ? getter(Blob.prototype, "size") : undefined;
const blobSlice = typeof Blob === "function" ? Blob.prototype.slice : undefined;
const blobArrayBuffer = typeof Blob === "function" ? Blob.prototype.arrayBuffer : undefined;

const detachedGetter = Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, "detached")?.get;
const isDetached = (buffer) =>
  detachedGetter !== undefined && works(() => bufferBytes.call(buffer)) && detachedGetter.call(buffer);

const works = (f) => {
  try {
    f();
    return true;
  } catch {
    return false;
  }
};

/**
 * What kind of data `value` is: the typed array's name ("Float64Array", ...), "DataView",
 * "ArrayBuffer", "SharedArrayBuffer", "Blob" (a File too), "string", or "" for anything else.
 */
export function dataKind(value) {
  if (typeof value === "string") return "string";
  if (value === null || (typeof value !== "object" && typeof value !== "function")) return "";
  const tag = tagOf.call(value);
  if (tag !== undefined) return tag;
  if (ArrayBuffer.isView(value)) return "DataView";
  if (works(() => bufferBytes.call(value))) return "ArrayBuffer";
  if (sharedBytes && works(() => sharedBytes.call(value))) return "SharedArrayBuffer";
  if (blobSize && works(() => blobSize.call(value))) return "Blob";
  return "";
}

/**
 * A Uint8Array over the bytes of a typed array, DataView, ArrayBuffer or SharedArrayBuffer of
 * kind `kind` (no copy), or null when its buffer is detached (transferred to a worker).
 */
export function bytesOf(value, kind) {
  try {
    if (kind === "ArrayBuffer" || kind === "SharedArrayBuffer") {
      return isDetached(value) ? null : new Uint8Array(value);
    }
    const [buffer, offset, length] =
      kind === "DataView"
        ? [viewBuffer.call(value), viewOffset.call(value), viewBytes.call(value)]
        : [typedBuffer.call(value), typedOffset.call(value), typedBytes.call(value)];
    return isDetached(buffer) ? null : new Uint8Array(buffer, offset, length);
  } catch {
    return null; // a DataView of a detached buffer throws
  }
}

/** Copies `source` (a Uint8Array from bytesOf) into `target` (a view of wasm memory). */
export function copyBytes(source, target) {
  target.set(source);
}

/** The size of a Blob in bytes. */
export function sizeOfBlob(blob) {
  return blobSize.call(blob);
}

/** The bytes `start..end` of a Blob, as a Promise of a Uint8Array. */
export async function readBlob(blob, start, end) {
  return new Uint8Array(await blobArrayBuffer.call(blobSlice.call(blob, start, end)));
}

/**
 * The entries of a plain object (runs its getters and Proxy traps, which may throw), or
 * `undefined` for `undefined` and for an object without any, or `null` for a value that is not
 * a plain object (null, an array, a function, a primitive). One call where checking each of
 * those from wasm would take four.
 */
export function plainEntries(value) {
  if (value === undefined) return undefined;
  if (typeof value !== "object" || value === null || Array.isArray(value)) return null;
  const entries = Object.entries(value);
  return entries.length === 0 ? undefined : entries;
}

/**
 * Puts the decimal string of each of `values` (a Float64Array of safe integers, or a
 * BigUint64Array) at its index of `slots` in `out`: a batch's checksums in one call.
 */
export function fillDecimals(out, slots, values) {
  for (let i = 0; i < slots.length; i++) out[slots[i]] = String(values[i]);
}

/** How a value's type is named in error messages (as `type_name` in convert.rs). */
function typeName(value) {
  if (value === null) return "null";
  try {
    if (Array.isArray(value)) return "array";
  } catch {
    // A revoked Proxy: named by typeof.
  }
  return typeof value;
}

/**
 * A batch's params objects read in one call (a tiny task's params would otherwise take a
 * handful of calls between wasm and JS each). Returns `undefined` when `items` is not an
 * array or holds more than `maxItems` (the caller then says why), else `{ counts, keys,
 * pairKeys, numbers, others, special }`: `counts[i]` is item i's number of entries, or
 * -1 when it is not a plain object, -2 when reading it threw, -3 when it has an `input`
 * (read again on its own); `keys` every distinct key, `pairKeys`/`numbers` each entry's key
 * index and value (NaN when not a number), `others` [entry index, type name] of each entry
 * whose value is not a number, `special` [item index, item or what it threw] for counts < 0.
 * A read of `items` itself that throws is thrown.
 */
export function readBatch(items, maxItems) {
  if (!Array.isArray(items)) return undefined;
  const length = items.length;
  if (!(length <= maxItems)) return undefined;
  const counts = new Int32Array(length);
  const keyIds = new Map();
  const keys = [];
  const pairKeys = [];
  const numbers = [];
  const others = [];
  const special = [];
  for (let i = 0; i < length; i++) {
    const item = items[i];
    let entries;
    try {
      entries = plainEntries(item);
    } catch (thrown) {
      counts[i] = -2;
      special.push(i, thrown);
      continue;
    }
    if (entries === undefined) continue;
    if (entries === null) {
      counts[i] = -1;
      special.push(i, item);
      continue;
    }
    if (entries.some((entry) => entry[0] === "input")) {
      counts[i] = -3;
      special.push(i, item);
      continue;
    }
    counts[i] = entries.length;
    for (const [key, value] of entries) {
      let id = keyIds.get(key);
      if (id === undefined) {
        id = keys.length;
        keyIds.set(key, id);
        keys.push(key);
      }
      if (typeof value !== "number") others.push(numbers.length, typeName(value));
      pairKeys.push(id);
      numbers.push(typeof value === "number" ? value : NaN);
    }
  }
  return {
    counts, keys, pairKeys: Uint32Array.from(pairKeys), numbers: Float64Array.from(numbers), others, special,
  };
}

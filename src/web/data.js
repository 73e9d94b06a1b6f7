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

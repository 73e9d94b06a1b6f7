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

/** Most keys a params or options object is read with: a workload takes a handful. */
const MAX_KEYS = 256;

/**
 * The entries of a plain object (runs its getters and Proxy traps, which may throw), or
 * `undefined` for `undefined` and for an object without any, or `null` for a value that is not
 * a plain object (null, an array, a function, a primitive), or the number of its keys when
 * it has more than MAX_KEYS (none of its getters run then: a huge object is refused at once,
 * not read). One call where checking each of those from wasm would take four.
 */
export function plainEntries(value) {
  if (value === undefined) return undefined;
  if (typeof value !== "object" || value === null || Array.isArray(value)) return null;
  const keys = Object.keys(value).length;
  if (keys > MAX_KEYS) return keys;
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
    if (typeof entries === "number") {
      // Too many keys: read on its own, which refuses it.
      counts[i] = -3;
      special.push(i, item);
      continue;
    }
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

/** Most levels of nesting in a snapshot. */
const MAX_DEPTH = 64;
/** Marks a problem found while taking a snapshot (rather than something the app threw). */
const PROBLEM = Symbol("problem");

/** Bytes a plain value (string, number, BigInt, boolean, null, undefined) takes in wasm memory; -1 for anything else. */
function plainBytes(value) {
  switch (typeof value) {
    case "string":
      return 24 + value.length;
    case "number":
    case "bigint":
    case "boolean":
      return 8;
    case "undefined":
      return 0;
    case "object":
      return value === null ? 0 : -1;
    default:
      return -1;
  }
}

/**
 * A snapshot of an app's value for the input form of a workload another crate registered,
 * for serde to read without running any of the app's code: every getter, Proxy trap and
 * `length` of the app's objects runs here, inside try/catch, once. Arrays and objects (own
 * enumerable string keys) are copied shallowly into plain ones, Maps into plain Maps, Sets
 * into arrays; typed arrays, DataViews and buffers become fresh views of the same bytes (a
 * `Uint8Array` for bytes; not copied); strings, numbers, BigInts, booleans and null stay.
 *
 * Returns `{ value, bytes }`, `bytes` estimating what the copy takes in wasm memory, or
 * `{ problem, field, thrown?, overBudget? }` (the snapshot stops at `maxBytes`).
 */
export function snapshotInput(input, maxBytes, maxItems) {
  let bytes = 0;
  const onPath = new Set();
  const fail = (problem, field, extra) => {
    throw { [PROBLEM]: true, problem, field, ...extra };
  };
  const count = (n, field) => {
    bytes += n;
    if (bytes > maxBytes) fail(`needs more than ${Math.ceil(maxBytes / 2 ** 20)} MiB`, field, { overBudget: true });
  };
  const read = (field, f) => {
    try {
      return f();
    } catch (thrown) {
      return fail("threw while it was read", field, { thrown });
    }
  };
  const walk = (value, field, depth) => {
    const plain = plainBytes(value);
    if (plain >= 0) {
      count(plain, field);
      return value;
    }
    if (typeof value === "function" || typeof value === "symbol") {
      fail(`is a ${typeof value}: an input is data (objects, arrays, typed arrays, strings, numbers)`, field);
    }
    if (depth >= MAX_DEPTH) fail(`is nested more than ${MAX_DEPTH} levels deep`, field);
    if (onPath.has(value)) fail("refers back to an object that holds it (a cycle)", field);
    const kind = dataKind(value);
    if (kind === "Blob") {
      fail("is a Blob: read it first (await blob.arrayBuffer()); this input form takes data in memory", field);
    }
    if (kind !== "") {
      const view = bytesOf(value, kind);
      if (view === null) fail("is detached (transferred to a worker); pass a buffer this page still holds", field);
      count(24 + view.byteLength, field);
      const Typed = globalThis[kind];
      const element = Typed?.BYTES_PER_ELEMENT;
      const numbers = element !== undefined && kind !== "Uint8Array" && kind !== "Uint8ClampedArray";
      return numbers ? new Typed(view.buffer, view.byteOffset, view.byteLength / element) : view;
    }
    onPath.add(value);
    try {
      if (read(field, () => Array.isArray(value))) {
        const length = read(field, () => value.length);
        if (!(length <= maxItems)) fail(`has ${length} items; at most ${maxItems} go in one input`, field);
        count(24 + 8 * length, field);
        const out = new Array(length);
        // Plain values are taken here, without a call or a field name each: most inputs are
        // long arrays of them.
        let i = 0;
        let sizes = 0;
        try {
          for (; i < length; i++) {
            const item = value[i];
            const plain = plainBytes(item);
            if (plain >= 0) {
              sizes += plain;
              out[i] = item;
            } else out[i] = walk(item, `${field}[${i}]`, depth + 1);
          }
        } catch (thrown) {
          if (thrown !== null && typeof thrown === "object" && thrown[PROBLEM]) throw thrown;
          fail("threw while it was read", `${field}[${i}]`, { thrown });
        }
        count(sizes, field);
        return out;
      }
      const collection = read(field, () => (value instanceof Map ? "Map" : value instanceof Set ? "Set" : ""));
      if (collection !== "") {
        const entries = collection === "Map" ? Map.prototype.entries : Set.prototype.values;
        const pairs = read(field, () => [...entries.call(value)]);
        if (pairs.length > maxItems) fail(`has ${pairs.length} entries; at most ${maxItems} go in one input`, field);
        if (collection === "Set") return pairs.map((item, i) => walk(item, `${field}[${i}]`, depth + 1));
        return new Map(pairs.map(([key, item]) => [walk(key, `${field} key`, depth + 1), walk(item, `${field}.get(${String(key)})`, depth + 1)]));
      }
      const keys = read(field, () => Object.keys(value));
      if (keys.length > maxItems) fail(`has ${keys.length} keys; at most ${maxItems} go in one input`, field);
      const out = {};
      for (const key of keys) {
        count(24 + key.length, field);
        out[key] = walk(read(`${field}.${key}`, () => value[key]), `${field}.${key}`, depth + 1);
      }
      return out;
    } finally {
      onPath.delete(value);
    }
  };
  try {
    return { value: walk(input, "input", 0), bytes };
  } catch (error) {
    if (error !== null && typeof error === "object" && error[PROBLEM]) return error;
    // Not the app's code (every read of it is caught above): report it as it is.
    return { problem: "could not be read", field: "input", thrown: error };
  }
}

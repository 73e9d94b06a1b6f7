// Every option of webpar's methods is read here, once, by one reader per kind of option: an
// options object's known keys (read once, so a getter runs once), whole numbers in a range, a
// signal, a time limit, an iterable, submit's scheduling options. Every method and every
// backend uses these, so an option means and accepts the same thing everywhere.
import { InvalidParamsError, describeThrown, invalid } from "./errors.js";

/** The longest time limit a timer keeps: 2^31 - 1 ms (about 24.8 days); the engine's too. */
const MAX_MS = 2_147_483_647;

/**
 * Whether `thrown` is the InvalidParamsError readOptions made itself, not something the app
 * threw: checked without reading it (it may be a Proxy whose every trap throws).
 */
function isOurs(thrown) {
  try {
    return thrown instanceof InvalidParamsError;
  } catch {
    return false;
  }
}

/** Checks an options object: known keys only, read once (getters run here, not later). */
export function readOptions(options, known, what) {
  if (options === undefined || options === null) return {};
  if (typeof options !== "object") {
    throw invalid(`${what} must be an object, got ${typeof options}`, "options");
  }
  const read = {};
  let keys;
  try {
    keys = Object.keys(options);
    for (const key of keys) {
      if (!known.includes(key)) {
        throw invalid(`unknown option ${JSON.stringify(key)} of ${what}; the options are ${known.join(", ")}`, key);
      }
      read[key] = options[key];
    }
  } catch (err) {
    if (isOurs(err)) throw err;
    throw invalid(
      `${what} threw while it was read (${describeThrown(err)}); err.cause is what it threw`,
      "options", err);
  }
  return read;
}

/** A whole number in `min..=max`, or `fallback` when undefined. */
export function wholeOption(value, name, min, max, fallback) {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw invalid(`option ${JSON.stringify(name)} must be a whole number in ${min}..=${max}, got ${String(value)}`, name);
  }
  return value;
}

/** Checks a `signal` option: undefined or an AbortSignal. */
export function signalOption(value) {
  if (value === undefined) return value;
  let signal = false;
  try {
    // A Proxy of a signal passes instanceof, and then cannot be read: refuse it here.
    signal = value instanceof AbortSignal && typeof value.aborted === "boolean";
  } catch (error) {
    throw invalid("option \"signal\" must be an AbortSignal (this one cannot be read; err.cause is why)", "signal", error);
  }
  if (!signal) throw invalid("option \"signal\" must be an AbortSignal", "signal");
  return value;
}

/**
 * A time limit in milliseconds, the same for every method and backend: `timeoutMs` (the
 * whole call, from its start), `deadlineMs` (from the call, queueing included),
 * `attemptTimeoutMs` (one attempt of an I/O call). A whole number in 1..=2147483647;
 * undefined is no limit.
 */
export function timeOption(value, name) {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < 1 || value > MAX_MS) {
    throw invalid(`option ${JSON.stringify(name)} must be a whole number of milliseconds in 1..=${MAX_MS}, got ${String(value)}`, name);
  }
  return value;
}

/** Checks that `value` is an iterable or an async iterable (the `what` of `name`). */
export function iterableOption(value, name, what) {
  if (value == null || (typeof value[Symbol.iterator] !== "function" &&
    typeof value[Symbol.asyncIterator] !== "function")) {
    throw invalid(`${what} must be an iterable or an async iterable`, name);
  }
  return value;
}

/** Parses submit's options. */
export function submitOptions(options, extra = ["mode"], what = "submit's options") {
  const read = readOptions(options,
    ["signal", "timeoutMs", "deadlineMs", "priority", "onProgress", ...extra], what);
  if (read.onProgress !== undefined && typeof read.onProgress !== "function") {
    throw invalid("option \"onProgress\" must be a function", "onProgress");
  }
  if (read.priority !== undefined && !Number.isFinite(read.priority)) {
    throw invalid("option \"priority\" must be a finite number", "priority");
  }
  return {
    signal: signalOption(read.signal),
    timeoutMs: timeOption(read.timeoutMs, "timeoutMs"),
    deadlineMs: timeOption(read.deadlineMs, "deadlineMs"),
    priority: read.priority ?? 0,
    onProgress: read.onProgress,
    ...Object.fromEntries(extra.map((key) => [key, read[key]])),
  };
}

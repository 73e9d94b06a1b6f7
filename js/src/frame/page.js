// The page side of the frame backend: threads for a page that is not cross-origin isolated.
// webpar-frame.html, served with Document-Isolation-Policy, is cross-origin isolated whatever
// its parent is (Chromium 137 and newer), so its workers may share memory: it runs the
// threads engine (frame/frame.js) and the page's CPU jobs cross one MessageChannel to it.
// Every call settles: with the frame's result, its error (the same class), a cancel or a
// timeout here, or a failed start.
import { describeThrown, typedError } from "../errors.js";
import { revive } from "../workers/isolated.js";
import { MESSAGE } from "../protocol.js";
import { shiftTimelines } from "../timeline/timeline.js";

/** The header the frame document must be served with, and the value webpar documents. */
export const FRAME_HEADER = "Document-Isolation-Policy";
export const FRAME_HEADER_VALUE = "isolate-and-credentialless";
/** How long the frame may take to load and start its threads. */
const START_TIMEOUT_MS = 30_000;

/**
 * The frame document of this package (beside webpar.js), or null when this module is not
 * served from the package's own folder (a bundler merged it into a chunk of the app's): the
 * document is not beside it then, and the app says where it serves it (init({ frame })).
 */
export function defaultFrameUrl() {
  // Not the literal `new URL("...", import.meta.url)` bundlers follow: they would emit the
  // document alone, without the package's modules it loads (docs/guide/install.md).
  const here = import.meta.url;
  if (!here.endsWith("/frame/page.js")) return null;
  return new URL("../webpar-frame.html", here);
}

/**
 * Registers webpar's service worker (webpar-sw.js, beside the frame document) with the
 * frame's folder as its scope and resolves once it
 * is active: from then on the frame document's response carries the isolating header. It
 * controls no page of the app, only requests under that folder.
 */
async function frameServiceWorker(frameUrl, fail) {
  const container = globalThis.navigator?.serviceWorker;
  if (!container) throw fail("cannot be isolated by a service worker here: service workers are not available (a secure context is needed)");
  const script = new URL("webpar-sw.js", frameUrl);
  const scope = new URL("./", frameUrl);
  let registration;
  try {
    registration = await container.register(script, { scope: scope.pathname, type: "classic" });
  } catch (error) {
    throw fail(`cannot be isolated by a service worker: registering ${script.pathname} failed (${describeThrown(error)})`);
  }
  if (registration.active?.state === "activated") return;
  const worker = registration.installing ?? registration.waiting ?? registration.active;
  await new Promise((resolve, reject) => {
    const check = () => {
      if (worker.state === "activated") resolve();
      else if (worker.state === "redundant") reject(fail(`cannot be isolated by a service worker: ${script.pathname} did not activate`));
    };
    worker.addEventListener("statechange", check);
    check();
  });
}

/**
 * Loads the frame at `url` into a hidden iframe and starts `threads` threads in it. Resolves
 * with a ThreadsFrame; rejects with PoolNotReadyError saying what failed and what would fix
 * it: the document's header missing, a browser without Document-Isolation-Policy, a failed
 * start in the frame, or no answer within 30 s. Nothing is left in the page on failure. With
 * `serviceWorker`, a frame served without the header gets it from webpar's service worker.
 */
export async function startFrame(url, threads, { serviceWorker = false } = {}) {
  if (typeof document === "undefined") throw typedError("PoolNotReadyError", "no document to put the threads frame in");
  const target = new URL(url, globalThis.location?.href);
  const fail = (why) => typedError("PoolNotReadyError", `the threads frame (${target.pathname}) ${why}`);
  if (target.origin !== globalThis.location?.origin) throw fail("must be served from the page's own origin");
  let response;
  try {
    response = await fetch(target, { method: "HEAD", cache: "no-store" });
  } catch (error) {
    throw fail(`could not be fetched (${describeThrown(error)})`);
  }
  if (!response.ok) throw fail(`answered HTTP ${response.status}: serve the package's webpar-frame.html there, or pass init({ frame: url }) with where it is`);
  let policy = response.headers.get(FRAME_HEADER) ?? "";
  if (!/^isolate-and-(credentialless|require-corp)\b/.test(policy.trim())) {
    if (!serviceWorker) {
      throw fail(`is served without the header that isolates it: serve it with "${FRAME_HEADER}: ${FRAME_HEADER_VALUE}", ` +
        "or let webpar's service worker add it (init({ serviceWorker: true }))");
    }
    await frameServiceWorker(target, fail);
    policy = `${FRAME_HEADER_VALUE} (added by webpar's service worker)`;
  }
  const iframe = document.createElement("iframe");
  iframe.src = target.href;
  iframe.title = "webpar threads";
  iframe.hidden = true;
  iframe.setAttribute("aria-hidden", "true");
  iframe.tabIndex = -1;
  let onMessage;
  let timer;
  try {
    const port = await new Promise((resolve, reject) => {
      timer = setTimeout(() => reject(fail(`did not start within ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS);
      onMessage = (event) => {
        if (event.source !== iframe.contentWindow) return;
        if (event.data?.type === MESSAGE.frameFailed) {
          reject(fail(`failed to start: ${String(event.data.message)}`));
          return;
        }
        if (event.data?.type !== MESSAGE.frameLoaded) return;
        if (!event.data.isolated) {
          reject(fail(`is not cross-origin isolated although served with "${FRAME_HEADER}: ${policy}": ` +
            "this browser does not support Document-Isolation-Policy (Chromium 137 and newer do)"));
          return;
        }
        const channel = new MessageChannel();
        channel.port1.onmessage = ({ data }) => {
          if (data?.type !== MESSAGE.frameReady) return;
          if (data.error) reject(fail(`could not start its threads: ${data.error.name}: ${data.error.message}`));
          else resolve({ port: channel.port1, threads: data.threads });
        };
        iframe.contentWindow.postMessage({ type: MESSAGE.frameConnect, threads }, target.origin, [channel.port2]);
      };
      addEventListener("message", onMessage);
      iframe.addEventListener("error", () => reject(fail("failed to load")));
      (document.body ?? document.documentElement).append(iframe);
    });
    return new ThreadsFrame(iframe, port.port, port.threads);
  } catch (error) {
    iframe.remove();
    throw error;
  } finally {
    clearTimeout(timer);
    removeEventListener("message", onMessage);
  }
}

/** The threads running in the frame, and the calls in flight to them. */
export class ThreadsFrame {
  #iframe;
  #port;
  #calls = new Map();
  #nextId = 1;
  /** Why the frame cannot answer any more (the app removed it from the page), or null. */
  #lost = null;
  #watch;
  threads;

  constructor(iframe, port, threads) {
    this.#iframe = iframe;
    this.#port = port;
    this.threads = threads;
    port.onmessage = ({ data }) => this.#answer(data);
    // A frame the app's own DOM code removed answers nothing more: its calls must not wait.
    this.#watch = new MutationObserver(() => {
      if (!iframe.isConnected) this.#gone();
    });
    this.#watch.observe(document, { childList: true, subtree: true });
  }

  #gone() {
    this.#watch.disconnect();
    this.#lost = "the threads frame was removed from the page while webpar used it (the app's DOM code " +
      "removed its hidden iframe); reload the page to start it again";
    for (const id of [...this.#calls.keys()]) this.#settle(id, typedError("EngineCrashedError", this.#lost));
  }

  /**
   * Calls the engine's `method` in the frame with `args` and the options `options`: its
   * `signal` cancels it, `onProgress` hears its progress, `transfer` lists buffers of the
   * arguments the caller gives up (moved, not copied); every other option crosses as it is.
   */
  call(method, args, options = {}) {
    const { signal, onProgress, transfer = [], crashForTests, ...rest } = options;
    if (this.#lost !== null) return Promise.reject(typedError("EngineCrashedError", this.#lost));
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const call = { resolve, reject, onProgress };
      this.#calls.set(id, call);
      if (signal) {
        const onAbort = () => this.#port.postMessage({ type: MESSAGE.frameCancel, id, reason: abortReason(signal).message });
        signal.addEventListener("abort", onAbort, { once: true });
        call.unlisten = () => signal.removeEventListener("abort", onAbort);
      }
      try {
        this.#port.postMessage({
          type: MESSAGE.frameCall, id, method, args, options: rest,
          progress: onProgress !== undefined, crash: crashForTests,
        }, transfer);
      } catch (error) {
        this.#settle(id, typedError("DataCloneError", `the job's input cannot be sent to the threads frame (${describeThrown(error)}); pass plain data, typed arrays or buffers`, error));
      }
    });
  }

  #answer(data) {
    const call = this.#calls.get(data?.id);
    if (call === undefined) return;
    if (data.type === MESSAGE.progress) {
      if (call.thrown !== undefined) return;
      try {
        call.onProgress?.(data.value);
      } catch (error) {
        // The job stops, as on this page's threads; what it computed is kept in `result`.
        call.thrown = typedError("CallbackError", `onProgress threw (${describeThrown(error)}); err.cause is what it threw`, error);
        this.#port.postMessage({ type: MESSAGE.frameCancel, id: data.id, reason: "onProgress threw" });
      }
      return;
    }
    if (data.type === MESSAGE.done) shiftTimelines(data.result, -performance.timeOrigin);
    if (call.thrown !== undefined && (data.type === MESSAGE.done || data.type === MESSAGE.failed)) {
      if (data.type === MESSAGE.done) call.thrown.result = data.result;
      this.#settle(data.id, call.thrown);
    } else if (data.type === MESSAGE.done) this.#settle(data.id, null, data.result);
    else if (data.type === MESSAGE.failed) this.#settle(data.id, revive(data.error));
  }

  #settle(id, error, value) {
    const call = this.#calls.get(id);
    if (call === undefined) return;
    this.#calls.delete(id);
    call.unlisten?.();
    if (error) call.reject(error);
    else call.resolve(value);
  }

  /** Calls in flight. */
  get pending() {
    return this.#calls.size;
  }

  /** Removes the frame; calls in flight reject with PoolClosedError. */
  close() {
    this.#watch.disconnect();
    for (const id of [...this.#calls.keys()]) {
      this.#settle(id, typedError("PoolClosedError", "the threads frame was closed while this job ran"));
    }
    this.#port.close();
    this.#iframe.remove();
  }
}

/** What a cancel rejects with: the signal's own AbortError, or one made for it. */
function abortReason(signal) {
  const reason = signal.reason;
  if (reason instanceof Error && (reason.name === "AbortError" || reason.name === "TimeoutError")) return reason;
  return typedError("AbortError", "the job was aborted", reason);
}

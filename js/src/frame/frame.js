// The frame side of the frame backend (frame/page.js has the page's side): the script of
// webpar-frame.html. Served with Document-Isolation-Policy, the frame is cross-origin isolated
// whatever its parent is: it starts the threads engine and runs the page's CPU jobs on it,
// taking calls over one MessageChannel: the engine's method, its arguments and options, and
// answering each with its result (its buffers moved, not copied), its error (flattened, the
// page revives its class), and progress while it runs; a cancel aborts the call's signal.
import { init } from "../runner/start.js";
import * as core from "../webpar_core.js";
import { engine } from "../backends/engine.js";
import { flatten } from "../workers/isolated.js";
import { MESSAGE } from "../protocol.js";
import { shiftTimelines } from "../timeline/timeline.js";

/** The engine's methods a page may call (each takes its options last). */
const METHODS = new Set(["run", "runBatch", "compare", "sweep", "pipeline", "labRun"]);

/** The generated runner of the engine's current generation (a new one after a restart). */
let generated = null;
let generation = -1;
function open() {
  if (generation !== engine.generation) {
    generated = new core.Runner();
    generation = engine.generation;
  }
  return generated;
}

/** The buffers of a result: the frame gives them up, so they move instead of being copied. */
function buffersOf(value, out = [], depth = 0) {
  if (value === null || typeof value !== "object" || depth > 3) return out;
  if (ArrayBuffer.isView(value)) {
    if (value.buffer instanceof ArrayBuffer && !out.includes(value.buffer)) out.push(value.buffer);
  } else {
    for (const item of Array.isArray(value) ? value : Object.values(value)) buffersOf(item, out, depth + 1);
  }
  return out;
}

/** Serves the page's calls on `port` once the threads run. */
function serve(port) {
  const running = new Map();
  port.addEventListener("message", ({ data }) => {
    if (data?.type === MESSAGE.frameCancel) {
      running.get(data.id)?.abort(data.reason);
      return;
    }
    if (data?.type !== MESSAGE.frameCall) return;
    const { id, method, args, options, progress, crash } = data;
    const controller = new AbortController();
    running.set(id, controller);
    // At most 10 progress messages a second, as the isolated workers send, and the last one.
    let last = 0;
    const onProgress = (value) => {
      const now = performance.now();
      if (now - last < 100 && value < 1) return;
      last = now;
      port.postMessage({ type: MESSAGE.progress, id, value });
    };
    const given = { ...options, signal: controller.signal, ...(progress ? { onProgress } : {}) };
    let job;
    if (!METHODS.has(method)) {
      job = Promise.reject(new TypeError(`the threads frame has no method ${String(method)}`));
    } else {
      job = engine.call(() => {
        const promise = open()[method](...args, given);
        if (crash !== undefined) core.crashPoolForTests(crash);
        return promise;
      });
    }
    job.then((result) => {
      try {
        // Timelines cross on the epoch's clock: the page moves them to its own.
        port.postMessage({ type: MESSAGE.done, id, result: shiftTimelines(result, performance.timeOrigin) }, buffersOf(result));
      } catch (error) {
        port.postMessage({ type: MESSAGE.failed, id, error: flatten(error) });
      }
    }, (error) => {
      port.postMessage({ type: MESSAGE.failed, id, error: flatten(error) });
    }).finally(() => running.delete(id));
  });
  port.start();
}

addEventListener("message", async function connect(event) {
  // Only the page that embeds this frame, and from its own origin.
  if (event.source !== parent || event.origin !== location.origin || event.data?.type !== MESSAGE.frameConnect) return;
  removeEventListener("message", connect);
  const [port] = event.ports;
  try {
    const started = await init({ backend: "threads", threads: event.data.threads });
    serve(port);
    port.postMessage({ type: MESSAGE.frameReady, threads: started.threads });
  } catch (error) {
    port.postMessage({ type: MESSAGE.frameReady, error: flatten(error) });
  }
});
parent.postMessage({ type: MESSAGE.frameLoaded, isolated: globalThis.crossOriginIsolated === true }, location.origin);

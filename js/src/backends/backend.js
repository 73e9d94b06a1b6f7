// Which backend CPU jobs run on, picked at run time: "threads" (rayon on shared memory; needs
// a cross-origin isolated page), "processes" (isolated workers, each with its own memory;
// any page), or "sequential" (no workers at all, only where module workers are missing: jobs
// run in the page, a splitting one in 64 slices with the page's events served between them,
// any other whole). Detection is by trying, in the spirit of
// wasm-feature-detect.
import { ProcessPool, compileSingleBuild } from "./processes.js";
import { invalid, typedError } from "../errors.js";
import { readOptions, wholeOption } from "../options.js";
import { MESSAGE } from "../protocol.js";
import { cores, host, unsupported } from "../runtimes/host.js";
import { FRAME_HEADER, FRAME_HEADER_VALUE, defaultFrameUrl, startFrame } from "../frame/page.js";

/** The last start's verdict on the threads frame (capabilities().frame), or null before one. */
let frameCheck = null;

/** Why the threads frame is not tried here, or "" where init() tries it. */
function frameNotTried(web, isolated) {
  if (!web || typeof document === "undefined") return "only a page can hold the threads frame";
  if (isolated) return "not needed: the page is cross-origin isolated, threads run in it";
  return "";
}

const BACKENDS = ["auto", "threads", "frame", "processes", "sequential"];

/** What this page can run, and for every check that failed, why. */
export function capabilities() {
  const runtime = host.runtime;
  // Cross-origin isolation is the web's gate on shared memory; Node.js and Deno have none.
  const web = runtime === "browser";
  const isolated = globalThis.crossOriginIsolated === true;
  let sharedMemory = false;
  let sharedWhy = "";
  try {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    sharedMemory = Object.prototype.toString.call(memory.buffer) === "[object SharedArrayBuffer]";
    if (!sharedMemory) sharedWhy = "WebAssembly.Memory({ shared: true }) gave no SharedArrayBuffer";
  } catch (error) {
    sharedWhy = `WebAssembly.Memory({ shared: true }) threw ${error?.name}: ${error?.message}`;
  }
  let moduleWorkers = false;
  let workersWhy = "";
  if (host.createWorker !== null) {
    moduleWorkers = true;
  } else if (typeof Worker !== "function") {
    workersWhy = "this context has no Worker";
  } else {
    // The `type` getter is read only by browsers that know module workers; the worker itself
    // never runs (an empty script, terminated at once).
    try {
      // The URL is a variable: bundlers (Parcel) refuse `new Worker("a string literal")`.
      const empty = "data:text/javascript,";
      const probe = new Worker(empty, { get type() { moduleWorkers = true; return "module"; } });
      probe.terminate();
    } catch (error) {
      workersWhy = `new Worker(...) threw ${error?.name}: ${error?.message}`;
    }
    if (!moduleWorkers && !workersWhy) workersWhy = "this browser has no module workers ({ type: \"module\" })";
  }
  const refused = unsupported();
  const threadsWhy = [
    refused,
    isolated || !web ? "" : "the page is not cross-origin isolated (serve it with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp)",
    sharedMemory ? "" : `no shared wasm memory: ${sharedWhy}`,
    moduleWorkers ? "" : workersWhy,
  ].filter(Boolean);
  if (refused) {
    moduleWorkers = false;
    workersWhy = refused;
  }
  const notTried = frameNotTried(web, isolated);
  const frame = frameCheck ?? (notTried ? { ok: false, why: [notTried] } : {
    ok: false,
    why: [`not tried yet: init() tries it, and it needs webpar-frame.html served with "${FRAME_HEADER}: ${FRAME_HEADER_VALUE}"`],
  });
  return {
    runtime,
    crossOriginIsolated: isolated,
    sharedMemory,
    moduleWorkers,
    threads: { ok: threadsWhy.length === 0, why: threadsWhy },
    frame: { ok: frame.ok, why: [...frame.why] },
    processes: { ok: moduleWorkers, why: moduleWorkers ? [] : [workersWhy] },
    sequential: refused ? { ok: false, why: [refused] } : { ok: true, why: [] },
  };
}

/**
 * A stand-in for a worker, in the page itself: the sequential backend's one "worker". It
 * runs the non-shared build on the calling thread, so a job blocks the page while it runs.
 */
class InPageWorker extends EventTarget {
  #bindings = null;
  #terminated = false;

  postMessage(data) {
    setTimeout(() => this.#handle(data), 0);
  }

  terminate() {
    this.#terminated = true;
  }

  #answer(data) {
    if (!this.#terminated) this.dispatchEvent(new MessageEvent("message", { data }));
  }

  async #handle(data) {
    if (data?.type === MESSAGE.start) {
      try {
        this.#bindings = await import("../webpar_single.js");
        await this.#bindings.default({ module_or_path: data.module });
        this.#answer({ type: MESSAGE.ready });
      } catch (error) {
        this.#answer({ type: MESSAGE.startFailed, message: `${error?.name}: ${error?.message}` });
      }
      return;
    }
    if (data?.type !== MESSAGE.run) return;
    try {
      const result = await this.#bindings.runInProcess(data.name, data.params, data.part, undefined);
      this.#answer({ type: MESSAGE.done, id: data.id, result });
    } catch (error) {
      if (error instanceof WebAssembly.RuntimeError) {
        this.#answer({ type: MESSAGE.crashed, message: this.#bindings.lastPanic() ?? error.message });
      } else {
        this.#answer({ type: MESSAGE.failed, id: data.id, error: { name: error?.name, message: error?.message, param: error?.param } });
      }
    }
  }
}

/** What init({ backend }) picked; null before. */
let chosen = null;
let starting = null;
/** The process pool of threads-backend pages, made when a job first asks for processes. */
let sidePool = null;

/** The backend's state for Runner: { backend, processes (a ProcessPool or null), ... }. */
export function current() {
  return chosen;
}

/**
 * The process pool that "processes" jobs run on: the backend's own on the processes and
 * sequential backends, else one made now on first use (size: navigator.hardwareConcurrency).
 */
export async function processPool(splits) {
  if (chosen?.pool) return chosen.pool;
  sidePool ??= compileSingleBuild().then((module) => new ProcessPool({ size: cores(), module, splits }));
  sidePool.catch(() => { sidePool = null; });
  return sidePool;
}

/**
 * Starts a backend (see init in webpar.js): instantiates the bindings with `instantiate`,
 * starts the thread pool with `startThreads(threads)`, or the process pool. Resolves with
 * `{ backend, threads, processes, startupMs, capabilities, fellBack }`. A second call resolves
 * with the first one's result when it asks for the same backend (or "auto").
 */
export function startBackend(options, { instantiate, startThreads, splits }) {
  let read;
  try {
    read = readOptions(options, ["backend", "threads", "processes", "idleTimeoutMs", "module_or_path", "frame", "serviceWorker"], "init's options");
    if (read.serviceWorker !== undefined && typeof read.serviceWorker !== "boolean") {
      throw invalid("option \"serviceWorker\" must be true (let webpar's service worker give its frame the isolating header) or false", "serviceWorker");
    }
    if (read.frame !== undefined && read.frame !== false && typeof read.frame !== "string" && !(read.frame instanceof URL)) {
      throw invalid("option \"frame\" must be the URL of webpar-frame.html (a string or URL), or false to not use the threads frame", "frame");
    }
    if (read.backend !== undefined && !BACKENDS.includes(read.backend)) {
      throw invalid(`option "backend" must be one of ${BACKENDS.map((b) => JSON.stringify(b)).join(", ")}, got ${String(read.backend)}`, "backend");
    }
    // An invalid size is refused, never a reason to fall back to another backend.
    wholeOption(read.threads, "threads", 1, 256, 1);
    wholeOption(read.processes, "processes", 1, 256, 1);
    wholeOption(read.idleTimeoutMs, "idleTimeoutMs", 0, 86_400_000, 0);
  } catch (error) {
    return Promise.reject(error);
  }
  const backend = read.backend ?? "auto";
  if (starting) {
    return starting.then((result) => {
      if (backend !== "auto" && backend !== result.backend) {
        throw invalid(`the ${result.backend} backend is running already; one backend per page (reload to pick "${backend}")`, "backend");
      }
      const size = { threads: result.threads, processes: result.processes };
      for (const option of ["threads", "processes"]) {
        if (read[option] !== undefined && size[option] !== undefined && read[option] !== size[option]) {
          throw invalid(`webpar started already with ${option}: ${size[option]}; init({ ${option}: ${read[option]} }) cannot change it (one backend per page: call init once, with the options you want)`, option);
        }
      }
      return { ...result, capabilities: { ...result.capabilities } };
    });
  }
  const refused = unsupported();
  if (refused) return Promise.reject(typedError("PoolNotReadyError", refused));
  // The start waits on workers' answers, which do not keep Node.js running by themselves.
  const release = host.hold();
  starting = start(read, backend, { instantiate, startThreads, splits });
  starting.then(release, () => {
    release();
    starting = null;
  });
  return starting;
}

async function start(read, backend, { instantiate, startThreads, splits }) {
  await instantiate(read.module_or_path === undefined ? undefined : { module_or_path: read.module_or_path });
  const caps = capabilities();
  const fellBack = [];
  const began = performance.now();
  const tryThreads = async () => {
    if (!caps.threads.ok) {
      throw typedError("PoolNotReadyError", `the threads backend cannot run here: ${caps.threads.why.join("; ")}`);
    }
    return startThreads(read.threads);
  };
  const startProcesses = async (size, inPage) => {
    const module = await compileSingleBuild();
    const pool = new ProcessPool({
      size, module, splits, idleTimeoutMs: read.idleTimeoutMs ?? 30_000,
      // In the page: a splitting job runs as 64 slices, the page's events served between them.
      ...(inPage ? { createWorker: () => new InPageWorker(), partsPerWorker: 64, splitMode: "sequential" } : {}),
    });
    try {
      // Settled on only once its workers loaded and answered.
      await pool.warm();
    } catch (error) {
      pool.close();
      throw error;
    }
    return pool;
  };
  let picked = backend;
  let threads;
  let pool = null;
  let frame = null;
  if (backend === "threads" || backend === "auto") {
    try {
      threads = await tryThreads();
      picked = "threads";
    } catch (error) {
      if (backend === "threads") throw error;
      fellBack.push(`threads: ${error.message}`);
      picked = caps.processes.ok ? "processes" : "sequential";
    }
  }
  // Threads in a cross-origin isolated frame, for a page that is not (frame/page.js).
  const tryFrame = backend === "frame" || (backend === "auto" && picked !== "threads" && read.frame !== false &&
    frameNotTried(host.runtime === "browser", caps.crossOriginIsolated) === "");
  const frameUrl = read.frame || defaultFrameUrl();
  if (tryFrame && frameUrl === null) {
    const why = "the threads frame was not tried: webpar was bundled into the app, so its frame document is not beside it " +
      "(serve the package's files and pass init({ frame: url }))";
    frameCheck = { ok: false, why: [why] };
    caps.frame = { ok: false, why: [why] };
    if (backend === "frame") throw typedError("PoolNotReadyError", why);
    fellBack.push(`frame: ${why}`);
  } else if (tryFrame) {
    try {
      frame = await startFrame(frameUrl, read.threads ?? cores(), { serviceWorker: read.serviceWorker === true });
      frameCheck = { ok: true, why: [] };
      threads = frame.threads;
      picked = "frame";
    } catch (error) {
      frameCheck = { ok: false, why: [error.message] };
      caps.frame = { ok: false, why: [error.message] };
      if (backend === "frame") throw error;
      fellBack.push(`frame: ${error.message}`);
    }
  }
  if (frame) caps.frame = { ok: true, why: [] };
  if (picked === "processes") {
    if (!caps.processes.ok) {
      throw typedError("PoolNotReadyError", `the processes backend cannot run here: ${caps.processes.why.join("; ")}`);
    }
    try {
      pool = await startProcesses(read.processes ?? read.threads ?? cores());
    } catch (error) {
      if (backend !== "auto") throw error;
      // "auto" settles only on a backend it has seen run: say why each one could not.
      throw typedError("PoolNotReadyError", `no backend could start: ${[...fellBack, `processes: ${error.message}`].join("; ")}`);
    }
  } else if (picked === "sequential") {
    pool = await startProcesses(1, true);
  }
  chosen = {
    backend: picked,
    threads: picked === "threads" || picked === "frame" ? threads : undefined,
    processes: pool && picked === "processes" ? pool.size : undefined,
    startupMs: performance.now() - began,
    capabilities: caps,
    fellBack,
    pool,
    frame,
  };
  const { pool: _, frame: __, ...result } = chosen;
  return result;
}

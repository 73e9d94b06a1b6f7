// Node.js's half of the runtime hooks (host.js), installed by the package's Node.js entry
// before anything starts: workers on node:worker_threads that speak the Web Worker API the
// rest of the package is written to, the package's .wasm files read from disk, the cores from
// node:os, and a timer that keeps the process alive while work is in flight.
import { availableParallelism } from "node:os";
import { readFile } from "node:fs/promises";
import { Worker as ThreadWorker } from "node:worker_threads";
import { host } from "./host.js";

/** The script every worker starts with: it makes the worker look like a Web Worker. */
const BOOT = new URL("./node-worker.js", import.meta.url);
/** The package's folder (this file is in its runtimes/ folder). */
const PACKAGE = new URL("../", import.meta.url);

/**
 * A Web Worker's API over a worker_threads Worker: postMessage, terminate, and "message",
 * "messageerror" and "error" events (an error event's `message`, `error`, and
 * preventDefault). Unreferenced: webpar's idle workers never keep a script from ending.
 */
class NodeWorker extends EventTarget {
  #thread;
  #terminated = false;
  #failed = false;

  constructor(script, options) {
    super();
    this.#thread = new ThreadWorker(BOOT, {
      workerData: { url: new URL(script, PACKAGE).href, name: options?.name ?? "" },
      name: options?.name,
    });
    this.#thread.on("message", (data) => this.dispatchEvent(new MessageEvent("message", { data })));
    this.#thread.on("messageerror", () => this.dispatchEvent(new Event("messageerror")));
    this.#thread.on("error", (error) => {
      this.#fail(error instanceof Error ? `${error.name}: ${error.message}` : String(error), error);
    });
    // A worker that ends by itself (its code called process.exit) is a worker that failed:
    // whatever it ran must not wait for an answer.
    this.#thread.on("exit", (code) => {
      if (!this.#terminated) this.#fail(`the worker thread exited (code ${code})`);
    });
    // After the listeners: adding a "message" listener refs the worker again.
    this.#thread.unref();
  }

  #fail(message, error) {
    if (this.#failed) return;
    this.#failed = true;
    const event = new Event("error", { cancelable: true });
    event.message = message;
    event.error = error;
    this.dispatchEvent(event);
  }

  postMessage(data, transfer) {
    this.#thread.postMessage(data, Array.isArray(transfer) ? transfer : transfer?.transfer);
  }

  terminate() {
    this.#terminated = true;
    this.#thread.terminate().catch(() => {});
  }
}

let holders = 0;
/** A ref'd timer while anything holds the process: made once, then ref'd and unref'd. */
let keeper = null;

host.createWorker = (script, options) => new NodeWorker(script, options);
host.readFile = (name) => readFile(new URL(name, PACKAGE));
host.cores = () => availableParallelism();
host.hold = () => {
  holders += 1;
  if (holders === 1) {
    keeper ??= setInterval(() => {}, 1 << 30);
    keeper.ref();
  }
  let held = true;
  return () => {
    if (!held) return;
    held = false;
    holders -= 1;
    if (holders === 0) keeper.unref();
  };
};

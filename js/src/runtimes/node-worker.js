// The first script of every webpar worker on Node.js (see node.js): it gives the worker the
// globals of a Web Worker that webpar's worker scripts use (self, postMessage, and
// "message", "error" and "unhandledrejection" events), then imports the worker's own script.
// Deno runs the same script in a worker whose global object already is an EventTarget that
// reports errors as a Web Worker's does: there only the messages are taken from the port.
import { parentPort, workerData } from "node:worker_threads";

const scope = new EventTarget();
/** The worker's own global EventTarget (Deno), or null (Node.js). */
const native = typeof globalThis.addEventListener === "function" && typeof globalThis.dispatchEvent === "function"
  ? { add: globalThis.addEventListener.bind(globalThis), remove: globalThis.removeEventListener.bind(globalThis) }
  : null;
/** Where listeners of `type` go: the port's messages are always this script's to dispatch. */
const targetOf = (type) => native === null || type === "message" || type === "messageerror" ? null : native;

Object.assign(globalThis, {
  self: globalThis,
  name: workerData.name,
  postMessage: (data, transfer) => parentPort.postMessage(data, Array.isArray(transfer) ? transfer : transfer?.transfer),
  addEventListener: (type, listener, options) =>
    targetOf(type)?.add(type, listener, options) ?? scope.addEventListener(type, listener, options),
  removeEventListener: (type, listener, options) =>
    targetOf(type)?.remove(type, listener, options) ?? scope.removeEventListener(type, listener, options),
});

if (native === null) {
  /** An uncaught error goes to the script's "error" listeners first; unhandled, it ends the worker. */
  process.on("uncaughtException", (error) => {
    const event = new Event("error", { cancelable: true });
    event.message = error instanceof Error ? error.message : String(error);
    event.error = error;
    scope.dispatchEvent(event);
    if (!event.defaultPrevented) throw error;
  });
  process.on("unhandledRejection", (reason) => {
    const event = new Event("unhandledrejection", { cancelable: true });
    event.reason = reason;
    scope.dispatchEvent(event);
    if (!event.defaultPrevented) throw reason;
  });
}

// What the page posts while the script still loads waits here, in order, and is dispatched
// once the script's own listeners exist: a message dispatched earlier would reach nobody, and
// Deno's port, unlike Node.js's, does not hold messages until a listener comes.
let held = [];
const dispatch = (event) => (held === null ? scope.dispatchEvent(event) : held.push(event));
parentPort.on("message", (data) => dispatch(new MessageEvent("message", { data })));
parentPort.on("messageerror", () => dispatch(new Event("messageerror")));

await import(workerData.url);
for (const event of held) scope.dispatchEvent(event);
held = null;

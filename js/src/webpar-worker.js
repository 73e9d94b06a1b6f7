// A worker of webpar's thread pool, as the package ships it. The entry module creates it with
// `new Worker(new URL("./webpar-worker.js", import.meta.url), { type: "module" })`, which
// bundlers recognise: they emit this file as a chunk of its own with the bindings it imports.
// It speaks the protocol of src/web/snippets/workers.js: say it is listening, wait for the start
// message, instantiate the module on the shared memory, say ready, run one pool thread, and
// say so if it crashes.
import init, { webpar_run_pool_thread } from "./webpar_core.js";
import { MESSAGE } from "./protocol.js";

self.addEventListener("message", async function onStart({ data }) {
  if (data?.type !== MESSAGE.startPoolThread) return;
  self.removeEventListener("message", onStart);
  try {
    await init({ module_or_path: data.module, memory: data.memory });
  } catch (error) {
    postMessage({ type: MESSAGE.poolThreadFailed, message: `${error?.name}: ${error?.message}` });
    return;
  }
  postMessage({ type: MESSAGE.poolThreadReady });
  try {
    webpar_run_pool_thread();
  } catch (error) {
    // The thread trapped (a panic, an unreachable, memory exhausted): the page restarts the
    // engine (restart.js).
    postMessage({ type: MESSAGE.poolThreadCrashed, message: `${error?.name}: ${error?.message}` });
  }
});
postMessage({ type: MESSAGE.poolThreadLoaded });

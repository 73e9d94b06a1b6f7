// A worker of webpar's processes backend, as the package ships it: an isolated worker with
// its own instance of the build without shared memory. processes.js creates it with
// `new Worker(new URL("./webpar-process.js", import.meta.url), { type: "module" })`, which
// bundlers recognise. Protocol (isolated.js): MESSAGE.start with the compiled module, then
// one MESSAGE.run at a time; it answers MESSAGE.done, MESSAGE.failed or, when its
// instance trapped, MESSAGE.crashed (the page then terminates and replaces it).
import init, { crashForTests, lastPanic, runInProcess } from "./webpar_single.js";
import { speak } from "./workers/isolated.js";
import { MESSAGE } from "./protocol.js";

/** The output's buffers: they are the worker's to give up, so they move instead of being copied. */
function buffersOf(value, out = [], depth = 0) {
  if (value === null || typeof value !== "object" || depth > 3) return out;
  if (ArrayBuffer.isView(value)) {
    if (!out.includes(value.buffer)) out.push(value.buffer);
  } else {
    for (const item of Array.isArray(value) ? value : Object.values(value)) buffersOf(item, out, depth + 1);
  }
  return out;
}

speak({
  start: (data) => init({ module_or_path: data.module }),
  run: async ({ id, name, params, part, crash, timeline }) => {
    if (crash !== undefined) crashForTests(crash);
    // At most 10 progress messages a second: the page adds the parts' fractions up.
    let last = 0;
    const onProgress = (fraction) => {
      const now = performance.now();
      if (now - last < 100) return;
      last = now;
      postMessage({ type: MESSAGE.progress, id, value: fraction });
    };
    const result = await runInProcess(name, params, part, onProgress, timeline === true);
    return { result, transfer: buffersOf(result.output) };
  },
  // A panic's message and location, recorded by the panic hook before the trap.
  crashMessage: () => lastPanic(),
});

// Runs the README's first example or the JS API guide's examples (tests/e2e/api-examples.mjs)
// in this runtime, Node.js or Deno, as they are written for the page, on one backend:
//   node tests/runtimes/examples.mjs api|first threads|processes
//   deno run -A tests/runtimes/examples.mjs api|first threads|processes
// They print what they print on the page. What stands in for the page: the package is the
// one the page serves (www/pkg, through its Node.js entry, which an app importing "webpar"
// gets), "./tasks.js" is the page's task module, `location` is the dev server's (BASE_URL)
// and fetch resolves the examples' "/api/..." paths against it, and the one line that draws
// into a canvas gets an element with no 2D context. The backend is started first, so that the examples' own
// init({ backend: "auto" }) finds it running. A runtime without `await using` (Node.js 20 and
// 22) runs them lowered by esbuild, as an app's bundler would ship them.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { apiExample, firstExample } from "../e2e/api-examples.mjs";

const [which, backend] = typeof Deno === "undefined" ? process.argv.slice(2) : Deno.args;
const www = new URL("../../www/", import.meta.url);
const entry = new URL("pkg/webpar.node.js", www).href;
const base = process.env.BASE_URL ?? "http://127.0.0.1:8080";

const webpar = await import(entry);
await webpar.default({ backend });

const fetchFromPage = globalThis.fetch;
globalThis.fetch = (input, options) =>
  fetchFromPage(typeof input === "string" && input.startsWith("/") ? new URL(input, base) : input, options);
globalThis.document ??= { createElement: () => ({ getContext: () => null }) };
// What the I/O jobs resolve "/api/..." against (Deno's --location sets the same).
globalThis.location ??= { href: new URL("/", base).href };

let code = which === "first"
  ? firstExample.replace('from "webpar"', `from ${JSON.stringify(entry)}`) + '\nconsole.log("first example done");\n'
  : apiExample
    .replaceAll('from "./pkg/', `from ${JSON.stringify(new URL("pkg/", www).href).slice(0, -1)}`)
    .replaceAll("import.meta.url", JSON.stringify(www.href));
/** Whether this runtime parses `await using` (explicit resource management). */
function hasAwaitUsing() {
  try {
    new Function("return async () => { await using held = null; }");
    return true;
  } catch {
    return false;
  }
}

if (!hasAwaitUsing()) {
  const { transform } = await import("esbuild");
  code = (await transform(code, { format: "esm", target: "es2022", loader: "js" })).code;
}
const file = join(mkdtempSync(join(tmpdir(), "webpar-examples-")), "examples.mjs");
writeFileSync(file, code);
await import(pathToFileURL(file).href);

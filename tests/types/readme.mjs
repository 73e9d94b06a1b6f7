// Type-checks the JavaScript examples of the README and the guides exactly as written, with
// `tsc --strict` and `checkJs`, against the package's own declarations (www/pkg after
// `./build.sh build`):
// - every js block of docs/guide/api.md's "JS API" section, as one module (the end-to-end test
//   tests/e2e/readme.test.mjs runs that same module in the page), and the README's "First
//   example" (run by that test too);
// - every other js block, and every javascript block (a file of its own), of the README and
//   the guides that imports the package ("webpar", "webpar/task" or "./pkg/webpar.js"), each
//   as its own module.
// The bundler configurations are built and run exactly as written by the consumer apps
// (tests/consumers/), which is where their own types come from. Exits with tsc's status.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
const out = `${root}target/readme-types/`;
const read = (path) => readFileSync(`${root}${path}`, "utf8");

// `js` blocks of the JS API section run as one module; a `javascript` block is a file of its
// own (e.g. a task module), as it is everywhere else.
const blocks = (text, fence = "(?:js|javascript)") =>
  [...text.matchAll(new RegExp("```" + fence + "\\n([\\s\\S]*?)```", "g"))].map((m) => m[1]);
const guide = read("docs/guide/api.md");
const [before, rest = ""] = guide.split("\n## JS API\n");
const api = rest.split("\n## ")[0];
const after = rest.slice(api.length);
const docs = ["README.md", ...readdirSync(`${root}docs/guide`).filter((f) => f !== "api.md").map((f) => `docs/guide/${f}`)]
  .map(read);
const others = [...blocks(before), ...blocks(api, "javascript"), ...blocks(after), ...docs.flatMap((text) => blocks(text))]
  .filter((code) => /from "(webpar(\/task)?|\.\/pkg\/webpar\.js)"/.test(code));
const files = { "js-api.js": blocks(api, "js").join("\n") };
others.forEach((code, i) => { files[`example-${i + 1}.js`] = code; });
if (!files["js-api.js"].trim()) throw new Error("docs/guide/api.md: no js blocks under ## JS API");

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
for (const [name, code] of Object.entries(files)) writeFileSync(out + name, code);
// The JS API examples import "./pkg/webpar.js", as the demo page does.
symlinkSync(`${root}www/pkg`, `${out}pkg`, "dir");
writeFileSync(`${out}tsconfig.json`, JSON.stringify({
  compilerOptions: {
    strict: true,
    noEmit: true,
    allowJs: true,
    checkJs: true,
    target: "es2022",
    module: "es2022",
    moduleResolution: "bundler",
    lib: ["es2022", "esnext.disposable", "dom"],
    skipLibCheck: false,
    // What an app that installed the package resolves its name to.
    paths: { webpar: ["./pkg/webpar.d.ts"], "webpar/task": ["./pkg/task.d.ts"] },
  },
  files: Object.keys(files),
}, null, 2));
console.log(`type-checking ${Object.keys(files).length} modules of the README and guides: ${Object.keys(files).join(", ")}`);
try {
  execFileSync("npx", ["--no-install", "tsc", "-p", `${out}tsconfig.json`], { cwd: root, stdio: "inherit" });
} catch (err) {
  process.exit(err.status ?? 1);
}

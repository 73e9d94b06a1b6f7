// Type-checks the README's JavaScript examples exactly as written, with `tsc --strict` and
// `checkJs`, against the package's own declarations (www/pkg after `./build.sh build`):
// - every js block of the "JS API" section, as one module (the end-to-end test
//   tests/e2e/readme.test.mjs runs that same module in the page);
// - every other js block, and every javascript block (a file of its own), that imports the package ("webpar", "webpar/task" or
//   "./pkg/webpar.js"), each as its own module.
// The bundler configurations are built and run exactly as written by the consumer apps
// (tests/consumers/), which is where their own types come from. Exits with tsc's status.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
const out = `${root}target/readme-types/`;
const readme = readFileSync(`${root}README.md`, "utf8");

// `js` blocks of the JS API section run as one module; a `javascript` block is a file of its
// own (e.g. a task module), as it is everywhere else.
const blocks = (text, fence = "(?:js|javascript)") =>
  [...text.matchAll(new RegExp("```" + fence + "\\n([\\s\\S]*?)```", "g"))].map((m) => m[1]);
const [before, rest = ""] = readme.split("\n## JS API\n");
const api = rest.split("\n## ")[0];
const after = rest.slice(api.length);
const others = [...blocks(before), ...blocks(api, "javascript"), ...blocks(after)]
  .filter((code) => /from "(webpar(\/task)?|\.\/pkg\/webpar\.js)"/.test(code));
const files = { "js-api.js": blocks(api, "js").join("\n") };
others.forEach((code, i) => { files[`example-${i + 1}.js`] = code; });
if (!files["js-api.js"].trim()) throw new Error("README: no js blocks under ## JS API");

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
console.log(`type-checking ${Object.keys(files).length} README modules: ${Object.keys(files).join(", ")}`);
try {
  execFileSync("npx", ["--no-install", "tsc", "-p", `${out}tsconfig.json`], { cwd: root, stdio: "inherit" });
} catch (err) {
  process.exit(err.status ?? 1);
}

// webpar outside the browser: the README's first example and the JS API guide's examples
// (tests/e2e/api-examples.mjs, the same code the page tests run) on Node.js (this machine's,
// 20 or newer, and the newest from npm) and on Deno (from npm), on threads and on isolated
// workers, each run in a process of its own (tests/runtimes/examples.mjs). Needs the dev
// server for the examples' fetches (BASE_URL) and the built package in www/pkg.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { checkApiLogs, firstExampleLogs } from "../e2e/api-examples.mjs";

const here = fileURLToPath(new URL(".", import.meta.url));
const script = fileURLToPath(new URL("examples.mjs", import.meta.url));
const bin = (name) => `${here}node_modules/.bin/${name}`;

/** The newest Node.js and Deno, pinned in tests/runtimes/package-lock.json. */
function installRuntimes() {
  if (existsSync(bin("node")) && existsSync(bin("deno"))) return;
  execFileSync("npm", ["ci", "--no-audit", "--no-fund"], { cwd: here, stdio: "inherit" });
}

const RUNTIMES = [
  { name: `Node.js ${process.versions.node}`, command: () => [process.execPath, [script]] },
  { name: "Node.js (newest)", command: () => [bin("node"), [script]] },
  { name: "Deno", command: () => [bin("deno"), ["run", "--allow-all", script]] },
];

/** Runs the examples (`which`: "first" or "api") on `backend`; resolves with what they printed. */
function runExamples(runtime, which, backend) {
  const [command, args] = runtime.command();
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args, which, backend], { env: { ...process.env, NO_COLOR: "1" } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => { stdout += chunk; });
    child.stderr.on("data", (chunk) => { stderr += chunk; });
    // A run that never ends is a failure of its own: a Promise left pending, or a worker
    // that keeps the process alive once the script is done.
    const timer = setTimeout(() => child.kill("SIGKILL"), 240_000);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, logs: stdout.split("\n").filter(Boolean), stderr });
    });
  });
}

for (const runtime of RUNTIMES) {
  for (const backend of ["threads", "processes"]) {
    test(`the README's first example on ${runtime.name}, ${backend}: same output as on a page, and the process ends`, async () => {
      installRuntimes();
      const { code, signal, logs, stderr } = await runExamples(runtime, "first", backend);
      assert.equal(code, 0, `exit ${code} (${signal}); stderr: ${stderr}`);
      assert.deepEqual(logs, firstExampleLogs(backend));
    });

    test(`the API guide's examples on ${runtime.name}, ${backend}: same output as on a page`, async () => {
      installRuntimes();
      const { code, signal, logs, stderr } = await runExamples(runtime, "api", backend);
      assert.equal(code, 0, `exit ${code} (${signal}); printed: ${logs.join(" | ")}; stderr: ${stderr}`);
      assert.equal(logs.at(-1), "README examples done");
      // On Node.js and Deno a task can be given a SharedArrayBuffer, as on an isolated page.
      checkApiLogs(logs, { backendLine: `backend: ${backend}`, shared: true });
    });
  }
}

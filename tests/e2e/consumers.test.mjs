// Fresh bundler apps install the packed package (./build.sh pack) and use it: Vite's dev
// server, Vite's production build served by `vite preview`, and the production builds of
// webpack 5, Parcel 2 (no configuration), esbuild and Rollup (webpar served as it is, through an import map) served as static files, with COOP/COEP as the README says (threads) and the production
// builds also without them (isolated workers); each page starts a backend, runs a workload,
// makes I/O calls and runs a bundled task worker, in headless Chromium. The apps live in tests/consumers/
// (their shared entry is tests/consumers/main.js) and are copied to a temporary folder first.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import { createServer } from "node:http";
import { extname } from "node:path";
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { launch } from "./browser.mjs";

const root = fileURLToPath(new URL("../..", import.meta.url));
const tarball = readdirSync(join(root, "target")).find((f) => /^webpar-.*\.tgz$/.test(f));

/**
 * The app, installed in a fresh folder with the packed package (or `packed`, another
 * package's tarball), its entry being tests/consumers/`main`.
 */
function installApp(name, { main = "main.js", packed = join(root, "target", tarball) } = {}) {
  const dir = mkdtempSync(join(tmpdir(), `webpar-${name}-`));
  cpSync(join(root, "tests/consumers", name), dir, {
    recursive: true,
    filter: (src) => !/node_modules|dist/.test(src.slice(root.length)),
  });
  cpSync(join(root, "tests/consumers", main), join(dir, "main.js"));
  cpSync(join(root, "tests/consumers/tasks.js"), join(dir, "tasks.js"));
  const npm = (...args) => execFileSync("npm", [...args, "--no-audit", "--no-fund"], { cwd: dir, stdio: "pipe" });
  npm("ci");
  npm("install", "--no-save", packed);
  return dir;
}

/** Starts `npx vite ...args` in `dir`; resolves with its URL and the process. */
function startVite(dir, args) {
  return new Promise((resolve, reject) => {
    // Its own process group, so that stopping it stops everything it started.
    const child = spawn(join(dir, "node_modules/.bin/vite"), [...args, "--host", "127.0.0.1", "--port", "0"],
      { cwd: dir, detached: true });
    let output = "";
    const timer = setTimeout(() => reject(new Error(`vite did not start:\n${output}`)), 60_000);
    const read = (chunk) => {
      output += chunk;
      // eslint-disable-next-line no-control-regex
      const url = output.replace(/\x1b\[[0-9;]*m/g, "").match(/http:\/\/127\.0\.0\.1:\d+\//)?.[0];
      if (url) { clearTimeout(timer); resolve({ url, child }); }
    };
    child.stdout.on("data", read);
    child.stderr.on("data", read);
    child.on("exit", (code) => reject(new Error(`vite exited with ${code}:\n${output}`)));
  });
}

/** Stops a vite started by startVite, with its whole process group. */
function stop(child) {
  try { process.kill(-child.pid, "SIGTERM"); } catch { /* already gone */ }
}

/**
 * Serves `dir` as static files, as any web server can: with the isolation headers, or
 * (`isolated: false`) without them, as most sites are served.
 */
function serveStatic(dir, { isolated = true } = {}) {
  const types = { ".html": "text/html", ".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm" };
  const server = createServer((request, response) => {
    const path = new URL(request.url, "http://x").pathname;
    try {
      const body = readFileSync(join(dir, path === "/" ? "index.html" : path));
      response.writeHead(200, {
        "Content-Type": types[extname(path || ".html")] ?? "text/html",
        ...(isolated ? {
          "Cross-Origin-Opener-Policy": "same-origin",
          "Cross-Origin-Embedder-Policy": "require-corp",
        } : {}),
      });
      response.end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () =>
    resolve({ url: `http://127.0.0.1:${server.address().port}/`, server })));
}

/** Opens the app and returns what it wrote on the page, with every page problem. */
async function runApp(url) {
  const context = await launch();
  try {
    const page = await context.newPage();
    const problems = [];
    page.on("pageerror", (err) => problems.push(`page error: ${err.message}`));
    page.on("console", (msg) => { if (msg.type() === "error") problems.push(`console: ${msg.text()}`); });
    await page.goto(url);
    await page.waitForSelector("body[data-result], body[data-error]", { timeout: 60_000 });
    const isolated = await page.evaluate(() => crossOriginIsolated);
    const error = await page.getAttribute("body", "data-error");
    const result = JSON.parse((await page.getAttribute("body", "data-result")) ?? "null");
    return { isolated, error, result, problems };
  } finally {
    await context.close();
  }
}

const expected = {
  backend: "threads", threads: 2, checksum: "78498", threadsUsed: 2, sorted: [1, 2, 3], mapped: 29,
  ioSucceeded: 200, doubled: 42, badInput: "true InvalidParamsError below",
};
// Served without COOP/COEP, the same app runs on isolated workers.
const expectedOpen = { ...expected, backend: "processes" };

/**
 * Serves a production build with the isolation headers (threads) and without them (isolated
 * workers) and checks the app's result on each.
 */
async function runBuildOnBothPages(dist) {
  for (const isolated of [true, false]) {
    const { url, server } = await serveStatic(dist, { isolated });
    try {
      const seen = await runApp(url);
      assert.deepEqual(seen, { isolated, error: null, result: isolated ? expected : expectedOpen, problems: [] },
        JSON.stringify(seen));
    } finally {
      server.close();
    }
  }
}

test("the install guide gives the bundler configurations exactly as the tested apps have them", () => {
  const readme = readFileSync(join(root, "docs/guide/install.md"), "utf8");
  for (const file of ["vite/vite.config.js", "webpack/webpack.config.js", "esbuild/build.mjs", "rollup/rollup.config.mjs"]) {
    const config = readFileSync(join(root, "tests/consumers", file), "utf8");
    assert.ok(readme.includes("```js\n" + config + "```"), `docs/guide/install.md has tests/consumers/${file} as it is`);
  }
});

test("a Vite app installs the packed package and runs it, in dev and in a production build", { timeout: 600_000 }, async (t) => {
  assert.ok(tarball, "target/webpar-*.tgz exists (./build.sh pack)");
  const dir = installApp("vite");

  await t.test("vite dev server", async () => {
    const { url, child } = await startVite(dir, []);
    try {
      const seen = await runApp(url);
      assert.deepEqual(seen, { isolated: true, error: null, result: expected, problems: [] }, JSON.stringify(seen));
    } finally {
      stop(child);
    }
  });

  await t.test("vite build, then vite preview", async () => {
    execFileSync(join(dir, "node_modules/.bin/vite"), ["build"], { cwd: dir, stdio: "pipe" });
    const { url, child } = await startVite(dir, ["preview"]);
    try {
      const seen = await runApp(url);
      assert.deepEqual(seen, { isolated: true, error: null, result: expected, problems: [] }, JSON.stringify(seen));
    } finally {
      stop(child);
    }
  });

  await t.test("the production build served without COOP/COEP runs on isolated workers", async () => {
    const { url, server } = await serveStatic(join(dir, "dist"), { isolated: false });
    try {
      const seen = await runApp(url);
      assert.deepEqual(seen, { isolated: false, error: null, result: expectedOpen, problems: [] }, JSON.stringify(seen));
    } finally {
      server.close();
    }
  });
});

test("a webpack 5 app installs the packed package and runs it from its production build", { timeout: 600_000 }, async () => {
  assert.ok(tarball, "target/webpar-*.tgz exists (./build.sh pack)");
  const dir = installApp("webpack");
  execFileSync(join(dir, "node_modules/.bin/webpack"), [], { cwd: dir, stdio: "pipe" });
  cpSync(join(dir, "public/index.html"), join(dir, "dist/index.html"));
  await runBuildOnBothPages(join(dir, "dist"));
});

test("a Parcel app installs the packed package and runs it from its production build, with no configuration", { timeout: 600_000 }, async () => {
  assert.ok(tarball, "target/webpar-*.tgz exists (./build.sh pack)");
  const dir = installApp("parcel");
  // No configuration: no .parcelrc, and nothing for Parcel in package.json.
  assert.deepEqual(readdirSync(dir).filter((f) => !["node_modules", ".parcel-cache"].includes(f)).sort(),
    ["index.html", "main.js", "package-lock.json", "package.json", "tasks.js"]);
  assert.deepEqual(Object.keys(JSON.parse(readFileSync(join(dir, "package.json"), "utf8"))),
    ["name", "private", "scripts", "devDependencies"]);
  execFileSync("npm", ["run", "build"], { cwd: dir, stdio: "pipe" });
  await runBuildOnBothPages(join(dir, "dist"));
});

for (const bundler of ["esbuild", "rollup"]) {
  test(`a ${bundler} app installs the packed package and runs it, webpar served as it is`, { timeout: 600_000 }, async () => {
    assert.ok(tarball, "target/webpar-*.tgz exists (./build.sh pack)");
    const dir = installApp(bundler);
    execFileSync("npm", ["run", "build"], { cwd: dir, stdio: "pipe" });
    await runBuildOnBothPages(join(dir, "dist"));
  });
}

test("a crate of one's own, outside the repository, becomes a package with `webpar build` and runs in a Vite app on both backends", { timeout: 900_000 }, async () => {
  assert.ok(tarball, "target/webpar-*.tgz exists (./build.sh pack)");
  // The template, copied where no workspace of this repository can reach it, depending on
  // this checkout of webpar, with this repository's lock file (the same dependencies).
  const crate = mkdtempSync(join(tmpdir(), "webpar-own-crate-"));
  cpSync(join(root, "examples/template"), crate, {
    recursive: true,
    filter: (src) => !/\/(target|pkg|node_modules)(\/|$)/.test(src.slice(root.length)),
  });
  const manifest = join(crate, "Cargo.toml");
  writeFileSync(manifest, readFileSync(manifest, "utf8")
    .replace('webpar = { path = "../.." }', `webpar = { path = ${JSON.stringify(root)} }`));
  cpSync(join(root, "Cargo.lock"), join(crate, "Cargo.lock"));
  // The template's own package.json, with webpar from the packed tarball.
  const scripts = JSON.parse(readFileSync(join(crate, "package.json"), "utf8"));
  scripts.devDependencies.webpar = `file:${join(root, "target", tarball)}`;
  writeFileSync(join(crate, "package.json"), JSON.stringify(scripts, null, 2));
  execFileSync("npm", ["install", "--no-audit", "--no-fund"], { cwd: crate, stdio: "pipe" });
  // The documented command (`npm run build` is `webpar build`); this repository's target
  // folder keeps the dependencies' builds between runs.
  execFileSync("npm", ["run", "build"], {
    cwd: crate, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, CARGO_TARGET_DIR: join(root, "target") },
  });
  const pkg = join(crate, "pkg");
  const manifestOut = JSON.parse(readFileSync(join(pkg, "package.json"), "utf8"));
  assert.equal(manifestOut.name, "webpar-template");
  assert.deepEqual(Object.keys(manifestOut.exports), Object.keys(JSON.parse(readFileSync(join(root, "www/pkg/package.json"), "utf8")).exports));
  assert.equal(manifestOut.bin, undefined);
  // The crate's workload is typed like a built-in one.
  const declarations = readFileSync(join(pkg, "webpar_core.d.ts"), "utf8");
  for (const line of ["collatz: { below: number };", "collatz: { starts: number[] };",
    "collatz: { steps: number[]; longest: { start: number; steps: number } | null };"]) {
    assert.ok(declarations.includes(line), `webpar_core.d.ts declares ${line}`);
  }

  // A fresh Vite app installs the crate's package (packed, as it would be published).
  const packed = execFileSync("npm", ["pack", "--pack-destination", crate, "--silent"], { cwd: pkg, encoding: "utf8" }).trim();
  const app = installApp("vite", { main: "own-crate.js", packed: join(crate, packed) });
  // As docs/guide/rust.md says: Vite serves the crate's package as it is, like webpar.
  const config = join(app, "vite.config.js");
  writeFileSync(config, readFileSync(config, "utf8").replace('exclude: ["webpar"]', 'exclude: ["webpar-template"]'));
  execFileSync(join(app, "node_modules/.bin/vite"), ["build"], { cwd: app, stdio: "pipe" });

  // The same sum computed here, start by start.
  let sum = 0;
  for (let n = 1; n < 300_000; n++) {
    for (let x = n; x !== 1; x = x % 2 === 0 ? x / 2 : 3 * x + 1) sum++;
  }
  const seen = {};
  for (const isolated of [true, false]) {
    const { url, server } = await serveStatic(join(app, "dist"), { isolated });
    try {
      const { error, result, problems } = await runApp(url);
      assert.deepEqual({ error, problems }, { error: null, problems: [] });
      seen[result.backend] = result;
    } finally {
      server.close();
    }
  }
  assert.deepEqual(Object.keys(seen).sort(), ["processes", "threads"]);
  const { threads, processes } = seen;
  assert.equal(threads.checksum, String(sum));
  assert.equal(threads.threadsUsed, 2);
  assert.deepEqual({ ...processes, backend: "threads", threadsUsed: 2 }, threads, "equal results on both backends");
  assert.deepEqual(threads.output, { steps: [8, 111, 0, 118], longest: { start: 97, steps: 118 } });
  assert.equal(threads.badInput, "InvalidParamsError input.starts[1]");
});

test("a project's own vitest tests install the packed package and run it on Node.js worker threads", { timeout: 600_000 }, () => {
  const dir = installApp("vitest");
  let output;
  try {
    output = execFileSync(join(dir, "node_modules/.bin/vitest"), ["run", "--reporter=verbose"], {
      cwd: dir, stdio: "pipe", encoding: "utf8", env: { ...process.env, NO_COLOR: "1", CI: "1" },
    });
  } catch (error) {
    assert.fail(`vitest failed:\n${error.stdout}\n${error.stderr}`);
  }
  assert.match(output, /Tests\s+4 passed \(4\)/);
  assert.match(output, /starts threads without any header/);
});

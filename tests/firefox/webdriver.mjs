// A second engine for the end-to-end tests: Debian's Firefox ESR driven by geckodriver over
// W3C WebDriver (playwright drives only its own builds of Firefox, which cannot be fetched
// here). Just what the tests need: a session, a page, a script run in it.
import { spawn } from "node:child_process";
import { createServer } from "node:net";

export const FIREFOX = process.env.FIREFOX ?? "/usr/bin/firefox-esr";
export const GECKODRIVER = process.env.GECKODRIVER ?? `${process.env.HOME}/.cargo/bin/geckodriver`;

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Starts geckodriver and a headless Firefox session; `close()` ends both. */
export async function firefox() {
  const port = await freePort();
  const driver = spawn(GECKODRIVER, ["--port", String(port), "--host", "127.0.0.1"], { stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  driver.stdout.on("data", (chunk) => { log += chunk; });
  driver.stderr.on("data", (chunk) => { log += chunk; });
  const base = `http://127.0.0.1:${port}`;
  const call = async (method, path, body) => {
    const response = await fetch(base + path, {
      method, headers: { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body),
    });
    const answer = await response.json();
    if (!response.ok) throw new Error(`WebDriver ${method} ${path}: ${answer.value?.error}: ${answer.value?.message}`);
    return answer.value;
  };
  for (let i = 0; ; i++) {
    try {
      await call("GET", "/status");
      break;
    } catch (err) {
      if (i > 100) throw new Error(`geckodriver did not start: ${err.message}\n${log}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  const session = await call("POST", "/session", {
    capabilities: {
      alwaysMatch: {
        browserName: "firefox",
        "moz:firefoxOptions": { binary: FIREFOX, args: ["-headless"], prefs: { "devtools.console.stdout.content": true } },
        timeouts: { script: 180_000, pageLoad: 60_000 },
      },
    },
  });
  const id = session.sessionId;
  return {
    version: session.capabilities.browserVersion,
    /** Opens `url` and runs `fn(webpar, arg)` in it with the package imported; returns its result. */
    async inPage(url, fn, arg) {
      await call("POST", `/session/${id}/url`, { url });
      const script = `const done = arguments[arguments.length - 1];
        import("/pkg/webpar.js").then((webpar) => (${fn})(webpar, arguments[0]))
          .then((value) => done({ value }), (error) => done({ error: String(error?.name) + ": " + String(error?.message) }));`;
      const result = await call("POST", `/session/${id}/execute/async`, { script, args: [arg ?? null] });
      if (result?.error) throw new Error(`in Firefox: ${result.error}`);
      return result?.value;
    },
    async close() {
      try {
        await call("DELETE", `/session/${id}`);
      } finally {
        driver.kill();
      }
    },
  };
}

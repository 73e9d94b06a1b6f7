// Browser half of `./build.sh bench`: drives headless Chromium through Runner.compare of every
// workload's defaults (sequential vs parallel, 5 repeats, medians) on the dev server
// (BASE_URL), and writes the rows as JSON. Usage: node bench/browser.mjs OUT.json [REPEATS]
import { writeFileSync } from "node:fs";
import { launch, open } from "../tests/e2e/browser.mjs";

const [out, repeatsArg] = process.argv.slice(2);
const repeats = Number(repeatsArg ?? 5);
const context = await launch();
try {
  const { page, problems } = await open(context);
  await page.waitForSelector("body[data-ready=true]", { timeout: 60_000 });
  const result = await page.evaluate(async (repeats) => {
    const { Runner } = await import("/pkg/webpar.js");
    const runner = new Runner();
    const rows = [];
    for (const workload of runner.workloads()) {
      const params = Object.fromEntries(workload.params.map((p) => [p.name, p.default]));
      const cmp = await runner.compare(workload.name, params, { repeats });
      for (const run of cmp.runs) {
        rows.push({
          workload: run.workload, mode: run.mode, where: "wasm", threads: run.threads,
          threads_used: run.threadsUsed, median_ms: run.medianMs, min_ms: run.minMs,
          max_ms: run.maxMs, checksum: run.checksum, repeats, params: run.params,
        });
      }
    }
    return { rows, userAgent: navigator.userAgent, hardwareConcurrency: navigator.hardwareConcurrency };
  }, repeats);
  if (problems.length) throw new Error(`the page reported errors: ${problems.join("; ")}`);
  writeFileSync(out, JSON.stringify({ browser: context.browser()?.version() ?? result.userAgent, ...result }, null, 2));
  for (const row of result.rows) {
    console.log(`${row.workload.padEnd(12)} ${row.mode.padEnd(10)} threads ${row.threads}  median ${row.median_ms.toFixed(2).padStart(9)} ms  checksum ${row.checksum}`);
  }
} finally {
  await context.close();
}

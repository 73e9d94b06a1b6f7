// The demo page's own comparison against the same comparison through the API, in the same
// page, taking turns: what the page's painting during a run costs the speedup it shows.
import { readyPage, tableCells } from "../tests/e2e/browser.mjs";
import { median } from "./interval.mjs";

/** Workloads compared, and rounds of (page, API) each. */
const WORKLOADS = ["mandelbrot", "primes"];
const ROUNDS = 3;

/** Rows `{ kind: "page_vs_api", workload, page, api }`: the speedups each way, per round. */
export async function pageVsApi(context) {
  const { page } = await readyPage(context);
  const rows = [];
  for (const workload of WORKLOADS) {
    const shown = [];
    const measured = [];
    for (let round = 0; round < ROUNDS; round++) {
      measured.push(await page.evaluate(async (name) => {
        const { Runner } = await import("/pkg/webpar.js");
        const runner = new Runner();
        const entry = runner.workloads().find((w) => w.name === name);
        const params = Object.fromEntries(entry.params.map((p) => [p.name, p.default]));
        const { compare } = await import("/pkg/bench.js");
        return (await compare(runner, name, params, { repeats: 5 })).speedup;
      }, workload));
      await page.selectOption("#workload", workload);
      await page.fill("#repeats", "5");
      await page.click("#run");
      await page.waitForSelector("#run:not([disabled])", { timeout: 120_000 });
      const parallel = (await tableCells(page, "#results-table")).find((row) => row.mode === "parallel");
      shown.push(Number(parallel.speedup.replace("×", "")));
    }
    console.log(`page vs API, ${workload}: the page shows ${median(shown).toFixed(2)}x, the API measures ${median(measured).toFixed(2)}x`);
    rows.push({ kind: "page_vs_api", workload, page: shown, api: measured });
  }
  await page.close();
  return rows;
}

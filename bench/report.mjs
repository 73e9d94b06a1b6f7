// Merges the native and browser benchmark rows into one table and target/bench/results.json.
// Usage: node bench/report.mjs NATIVE.json BROWSER.json OUT.json
import { readFileSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";

const [nativePath, browserPath, out] = process.argv.slice(2);
const native = JSON.parse(readFileSync(nativePath, "utf8"));
const browser = JSON.parse(readFileSync(browserPath, "utf8"));
const rows = [...browser.rows, ...native];

const find = (workload, mode, where) => rows.find((r) => r.workload === workload && r.mode === mode && r.where === where);
const ms = (row) => (row ? row.median_ms.toFixed(1) : "-");
const ratio = (a, b) => (a && b ? (a.median_ms / b.median_ms).toFixed(2) + "x" : "-");

const header = ["workload", "wasm seq ms", "wasm par ms", "speedup", "native seq", "native par", "native speedup", "wasm/native (seq)", "checksums"];
const table = [header];
for (const workload of [...new Set(rows.map((r) => r.workload))]) {
  const ws = find(workload, "sequential", "wasm"), wp = find(workload, "parallel", "wasm");
  const ns = find(workload, "sequential", "native"), np = find(workload, "parallel", "native");
  const checksums = new Set([ws, wp, ns, np].filter(Boolean).map((r) => r.checksum));
  table.push([workload, ms(ws), ms(wp), ratio(ws, wp), ms(ns), ms(np), ratio(ns, np), ratio(ws, ns),
    checksums.size === 1 ? "equal" : "DIFFER"]);
}
const widths = header.map((_, i) => Math.max(...table.map((row) => String(row[i]).length)));
const line = (row) => "| " + row.map((cell, i) => String(cell).padEnd(widths[i])).join(" | ") + " |";
console.log(line(table[0]));
console.log("|" + widths.map((w) => "-".repeat(w + 2)).join("|") + "|");
for (const row of table.slice(1)) console.log(line(row));
console.log(`\n${cpus().length} cores (${cpus()[0]?.model ?? "unknown CPU"}), ${browser.browser}, ` +
  `pool of ${find(rows[0].workload, "parallel", "wasm")?.threads} threads; medians of ${rows[0].repeats} repeats`);

writeFileSync(out, JSON.stringify({
  machine: { cores: cpus().length, cpu: cpus()[0]?.model, browser: browser.browser },
  rows,
}, null, 2));
console.log(`rows written to ${out}`);
if ([...table.slice(1)].some((row) => row.at(-1) === "DIFFER")) {
  console.error("checksums differ between runs of the same workload");
  process.exit(1);
}

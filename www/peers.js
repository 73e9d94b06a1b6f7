// The benchmark's peer numbers (native Rust, JS on workerpool), shown beside a comparison.
// `./build.sh build` copies docs/benchmarks.json (written by `./build.sh bench`) next to the page.

/** The benchmark's rows, or [] when there are none. */
export async function loadPeers() {
  try {
    const response = await fetch("benchmarks.json");
    return response.ok ? (await response.json()).rows ?? [] : [];
  } catch {
    return [];
  }
}

/** A sentence on how the same job did natively and in plain JS, when the benchmark ran it. */
export function describePeers(rows, comparison) {
  const same = (row) => row.workload === comparison.workload &&
    Object.entries(comparison.params).every(([k, v]) => row.params?.[k] === v);
  const find = (where, mode) => rows.find((row) => same(row) && row.where === where && row.mode === mode);
  const parts = [];
  const nativeSeq = find("native", "sequential");
  const nativePar = find("native", "parallel");
  if (nativeSeq && nativePar) parts.push(`native Rust ${nativeSeq.median_ms.toFixed(1)} ms sequential, ${nativePar.median_ms.toFixed(1)} ms on ${nativePar.threads} threads`);
  const js = find("js", "parallel");
  if (js) parts.push(`plain JS on a workerpool of ${js.threads} workers ${js.median_ms.toFixed(1)} ms`);
  if (!parts.length) return "";
  return `With these parameters, ./build.sh bench measured: ${parts.join("; ")}.`;
}

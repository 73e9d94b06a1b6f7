// A short soak (bench/soak.mjs at a hundredth of the bench's counts): 10,000 tasks each
// through submit, map and a worker pool, ten restarts of each backend's workers, ten
// create/close cycles of a worker pool; each leaves no worker, no timer and no heap growth
// beyond 16 MiB behind.
import { test } from "node:test";
import assert from "node:assert/strict";
import { soak } from "../../bench/soak.mjs";

test("a hundredth of the bench's soak leaves nothing behind", { timeout: 600_000 }, async () => {
  const rows = await soak({ scale: 0.01 });
  assert.equal(rows.length, 6);
  for (const row of rows) {
    assert.deepEqual({ case: row.case, flat: row.flat, workers: row.workers_left, timers: row.timers_left, errors: row.page_errors },
      { case: row.case, flat: true, workers: 0, timers: 0, errors: 0 }, JSON.stringify(row));
  }
});

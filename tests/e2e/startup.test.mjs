// Starts never stall: the demo page, and init() with one job in a bare page, each started in
// fresh browser contexts one after another while every core is kept busy on purpose (the
// machine state in which the page's thread used to meet a lock a worker held, and trap).
// The bench runs the same soak 200 times over (bench/startup.mjs).
import { test } from "node:test";
import assert from "node:assert/strict";
import { BASE_URL } from "./browser.mjs";
import { busyMachine, startupSoak } from "../../bench/startup.mjs";

test("20 page loads and 20 bare inits on a busy machine: every one ready, none stalled", { timeout: 900_000 }, async () => {
  const idle = busyMachine();
  let kinds;
  try {
    kinds = await startupSoak({ loads: 20, base: BASE_URL });
  } finally {
    idle();
  }
  for (const [kind, tally] of Object.entries(kinds)) {
    assert.deepEqual({ kind, ready: tally.ready, failed: tally.failed, stalled: tally.stalled },
      { kind, ready: 20, failed: 0, stalled: 0 }, tally.problems.join("\n"));
  }
});

// Timelines of runs (`{ timeline: true }`) on the three backends a page can have: one lane
// per thread or worker, every chunk of every pass in exactly one lane, on the page's clock.
import test from "node:test";
import assert from "node:assert/strict";

import { FRAME_URL, inPage, OPEN_URL } from "./browser.mjs";

const PAGES = [
  { backend: "threads", base: undefined },
  { backend: "processes", base: OPEN_URL },
  { backend: "frame", base: FRAME_URL },
];

/** Runs in the page: a run and a compare with timelines, and the clocks around them. */
async function recorded(webpar) {
  const { backend } = await webpar.default({ threads: 2 });
  const runner = new webpar.Runner();
  const called = performance.now();
  const report = await runner.run("primes", { below: 1_000_000 }, { timeline: true });
  const answered = performance.now();
  const plain = await runner.run("primes", { below: 1_000_000 });
  const { compare } = await import("/pkg/bench.js");
  const compared = await compare(runner, "sort", { n: 400_000 }, { repeats: 1, timeline: true });
  const submitted = await runner.submit("countdown", { n: 2_000_000 }, { timeline: true });
  let refused;
  try {
    await runner.run("primes", { below: 10 }, { timeline: "yes" });
  } catch (error) {
    refused = { name: error.name, param: error.param, message: error.message };
  }
  return { backend, called, answered, report, plain, compared, submitted, refused };
}

/** Each pass's chunk indices, over every lane, are exactly 0..chunks. */
function assertCoveredOnce(timeline, what) {
  assert.ok(timeline.passes.length >= 1, `${what}: no pass`);
  timeline.passes.forEach((chunks, pass) => {
    const seen = timeline.lanes.flatMap((lane) => lane.chunks.filter((c) => c.pass === pass).map((c) => c.index));
    seen.sort((a, b) => a - b);
    assert.deepEqual(seen, Array.from({ length: chunks }, (_, i) => i), `${what}: pass ${pass}`);
  });
}

function assertInside(timeline, what) {
  for (const lane of timeline.lanes) {
    let busy = 0;
    for (const chunk of lane.chunks) {
      assert.ok(timeline.start - 0.01 <= chunk.start && chunk.start <= chunk.end && chunk.end <= timeline.end + 0.01,
        `${what}: chunk ${JSON.stringify(chunk)} outside ${timeline.start}..${timeline.end}`);
      busy += chunk.end - chunk.start;
    }
    assert.ok(Math.abs(busy - lane.busyMs) < 0.01, `${what}: busyMs ${lane.busyMs} against ${busy}`);
    for (let i = 1; i < lane.chunks.length; i++) {
      // One thread runs one chunk at a time.
      assert.ok(lane.chunks[i].start >= lane.chunks[i - 1].end - 0.01, `${what}: lane ${lane.thread} overlaps`);
    }
  }
}

for (const { backend, base } of PAGES) {
  test(`${backend}: a timeline has one lane per thread, every chunk once, on the page's clock`, async () => {
    const seen = await inPage(recorded, { base });
    assert.equal(seen.backend, backend);
    const { report, plain } = seen;
    const timeline = report.timeline;
    assert.equal(timeline.lanes.length, report.threads);
    assert.deepEqual(timeline.lanes.map((lane) => lane.thread), Array.from({ length: report.threads }, (_, i) => i));
    assert.ok(timeline.lanes.filter((lane) => lane.chunks.length > 0).length === 2, "both threads ran chunks");
    assertCoveredOnce(timeline, "primes");
    assertInside(timeline, "primes");
    // The page's clock: inside the call, and as long as the report's own time.
    assert.ok(seen.called <= timeline.start && timeline.end <= seen.answered,
      `${seen.called} <= ${timeline.start} .. ${timeline.end} <= ${seen.answered}`);
    const lasted = timeline.end - timeline.start;
    assert.ok(Math.abs(lasted - report.timesMs.at(-1)) <= Math.max(1, 0.02 * lasted), `${lasted} against ${report.timesMs.at(-1)}`);
    // What the caller saw around the run: the hops (threads), or each part's send and answer.
    if (backend === "processes") {
      for (const lane of timeline.lanes) {
        const names = new Set(lane.phases.map((phase) => phase.name));
        assert.deepEqual(names, new Set(["send", "answer"]));
        for (const phase of lane.phases) assert.ok(phase.start <= phase.end && seen.called <= phase.start && phase.end <= seen.answered);
      }
    } else {
      assert.deepEqual(timeline.phases.map((phase) => phase.name), ["start", "answer"]);
      assert.ok(timeline.phases[0].start >= seen.called && timeline.phases[0].end === timeline.start);
      assert.ok(timeline.phases[1].start === timeline.end && timeline.phases[1].end <= seen.answered);
    }
    assert.equal(report.checksum, plain.checksum);
    assert.equal(plain.timeline, undefined);

    // A compare: each mode's run has its own timeline; sort runs in several passes.
    const [sequential, parallel] = seen.compared.runs;
    assert.equal(sequential.timeline.lanes.length, 1);
    assert.equal(parallel.timeline.lanes.length, parallel.threads);
    assert.ok(parallel.timeline.passes.length > 2, JSON.stringify(parallel.timeline.passes));
    for (const run of [sequential, parallel]) {
      assertCoveredOnce(run.timeline, `sort ${run.mode}`);
      assertInside(run.timeline, `sort ${run.mode}`);
    }
    assert.ok(sequential.timeline.end <= parallel.timeline.start, "the modes ran one after the other");

    assertCoveredOnce(seen.submitted.timeline, "submit");
    assert.deepEqual(seen.refused?.name, "InvalidParamsError");
    assert.equal(seen.refused.param, "timeline");
  });
}

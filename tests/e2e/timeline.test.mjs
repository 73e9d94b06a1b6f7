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

test("a worker pool's timeline: one lane per worker, each recorded task once, with its copies", async () => {
  const seen = await inPage(async (webpar) => {
    await webpar.default({ threads: 2 });
    const pool = webpar.createWorkerPool(new URL("/tasks.js", location.href), { size: 2 });
    const called = performance.now();
    await Promise.all([1, 2, 3, 4, 5, 6].map((i) => pool.submit("busy", [20], { timeline: true })));
    await pool.submit("fib", [10]);
    const mapped = [];
    for await (const value of pool.map("fib", [5, 6], { timeline: true })) mapped.push(value);
    const answered = performance.now();
    const timeline = pool.timeline({ clear: true });
    const refused = await pool.submit("fib", [1], { timeline: 1 }).catch((error) => ({ name: error.name, param: error.param }));
    const after = pool.timeline();
    await pool.close();
    return { called, answered, timeline, mapped, refused, afterTasks: after.passes[0] };
  });
  const { timeline } = seen;
  assert.equal(timeline.passes[0], 8, "6 submitted and 2 mapped with timeline: true; the untraced one is not there");
  assert.equal(timeline.lanes.length, 2);
  const tasks = timeline.lanes.flatMap((lane) => lane.chunks);
  assert.deepEqual(tasks.map((t) => t.index).sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7]);
  assert.deepEqual(tasks.map((t) => t.task).sort(), ["busy", "busy", "busy", "busy", "busy", "busy", "fib", "fib"]);
  for (const lane of timeline.lanes) {
    assert.ok(lane.chunks.length >= 1, "both workers ran tasks");
    for (const task of lane.chunks) {
      assert.ok(seen.called <= task.start && task.start <= task.end && task.end <= seen.answered, JSON.stringify(task));
      if (task.task === "busy") assert.ok(task.end - task.start >= 19, `a 20 ms task took ${task.end - task.start} ms`);
    }
    assert.equal(lane.phases.length, 2 * lane.chunks.length);
    for (const phase of lane.phases) assert.ok(["send", "answer"].includes(phase.name) && phase.start <= phase.end);
  }
  assert.deepEqual(seen.mapped, [5, 8]);
  assert.deepEqual(seen.refused, { name: "InvalidParamsError", param: "timeline" });
  assert.equal(seen.afterTasks, 0, "clear: true forgot them");
});

for (const { backend, base } of PAGES) {
  test(`${backend}: runner.map's timeline holds every batch (threads) or every input (isolated workers) once`, async () => {
    const seen = await inPage(async (webpar) => {
      await webpar.default({ threads: 2 });
      const runner = new webpar.Runner();
      const inputs = Array.from({ length: 100 }, (_, i) => ({ below: 20_000 + i }));
      const mapped = runner.map("primes", inputs, { chunkSize: 10, timeline: true });
      const counts = [];
      for await (const count of mapped) counts.push(count);
      const plain = runner.map("primes", [{ below: 10 }]);
      const refused = await (async () => {
        try {
          runner.map("primes", [], { timeline: "yes" });
        } catch (error) {
          return { name: error.name, param: error.param };
        }
      })();
      return { counts: counts.length, timeline: mapped.timeline(), plain: typeof plain.timeline, refused };
    }, { base });
    assert.equal(seen.counts, 100);
    assert.equal(seen.plain, "undefined");
    assert.deepEqual(seen.refused, { name: "InvalidParamsError", param: "timeline" });
    const { timeline } = seen;
    assert.ok(timeline.lanes.length >= 1 && timeline.lanes.length <= 2, String(timeline.lanes.length));
    if (backend === "processes") {
      assert.deepEqual(timeline.passes, [100]);
    } else {
      assert.equal(timeline.passes.length, 10, "one pass per batch of 10 inputs");
    }
    assertCoveredOnce(timeline, `map on ${backend}`);
    assertInside(timeline, `map on ${backend}`);
  });
}

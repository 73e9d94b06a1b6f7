// Timelines of runs (`{ timeline: true }`): moving them between clocks, and the phases the
// caller sees around a run on threads. The engine records the chunks (src/kernels/timeline.rs);
// isolated workers' timelines are put together in backends/processes.js.

/** Moves one timeline's times by `delta` ms, in place. */
function shift(timeline, delta) {
  timeline.start += delta;
  timeline.end += delta;
  for (const lane of timeline.lanes ?? []) {
    for (const chunk of lane.chunks ?? []) {
      chunk.start += delta;
      chunk.end += delta;
    }
    for (const phase of lane.phases ?? []) {
      phase.start += delta;
      phase.end += delta;
    }
  }
  for (const phase of timeline.phases ?? []) {
    phase.start += delta;
    phase.end += delta;
  }
}

/**
 * Moves the timelines of a report (`value.timeline`) or of a comparison (`value.runs[i].timeline`)
 * by `delta` ms, in place, and returns `value`: from one clock to another (a frame's to the
 * epoch, the epoch to the page's).
 */
export function shiftTimelines(value, delta) {
  if (value === null || typeof value !== "object") return value;
  if (value.timeline && typeof value.timeline === "object") shift(value.timeline, delta);
  if (Array.isArray(value.runs)) for (const run of value.runs) if (run?.timeline) shift(run.timeline, delta);
  return value;
}

/**
 * Adds the caller's phases to the timeline of a report that ran on threads: "start" (from
 * the call on the page, `called`, until the run began on its thread: the queue, the hop to
 * the pool, an input's copy into the engine's memory) and "answer" (from the run's end until
 * the report is back on the page, `answered`: the output's copy and the hop back).
 */
export function withCallerPhases(report, called, answered) {
  const timeline = report?.timeline;
  if (!timeline || typeof timeline !== "object") return report;
  timeline.phases = [
    { name: "start", start: called, end: Math.max(called, timeline.start) },
    { name: "answer", start: Math.min(answered, timeline.end), end: answered },
  ];
  return report;
}

/**
 * The phases of a task on an isolated worker, from `onTimes` (workers/isolated.js): "send"
 * (posted until the worker took it: the copy of its input and the message) and "answer" (from
 * the worker's reply until the page had it: the copy of its result and the message back).
 */
export function taskPhases({ posted, received, replied, answered }, part) {
  return [
    { name: "send", part, start: posted, end: Math.max(posted, received) },
    { name: "answer", part, start: Math.min(answered, replied), end: answered },
  ];
}

/**
 * One timeline of the batches a map sent to the pool's threads (each batch's timeline, from
 * runBatch): one lane per thread, each batch a pass (its runs of items the chunks).
 */
export function batchesTimeline(batches) {
  const lanes = [];
  for (const [pass, batch] of batches.entries()) {
    for (const lane of batch.lanes) {
      lanes[lane.thread] ??= { thread: lane.thread, busyMs: 0, chunks: [] };
      lanes[lane.thread].busyMs += lane.busyMs;
      lanes[lane.thread].chunks.push(...lane.chunks.map((chunk) => ({ ...chunk, pass })));
    }
  }
  const filled = Array.from({ length: lanes.length }, (_, thread) => lanes[thread] ?? { thread, busyMs: 0, chunks: [] });
  for (const lane of filled) lane.chunks.sort((a, b) => a.start - b.start);
  return {
    start: batches.length ? Math.min(...batches.map((b) => b.start)) : 0,
    end: batches.length ? Math.max(...batches.map((b) => b.end)) : 0,
    passes: batches.map((b) => b.passes[0] ?? 0),
    lanes: filled,
  };
}

/**
 * One timeline of items that ran whole on isolated workers (`{ index, at, task? }`, `at` from
 * onTimes; `task` names a worker pool's function): one lane per worker, each item a chunk of
 * the one pass, with its phases.
 */
export function itemsTimeline(items) {
  const ids = [...new Set(items.map((item) => item.at.worker))].sort((a, b) => a - b);
  const lanes = ids.map((_, thread) => ({ thread, busyMs: 0, chunks: [], phases: [] }));
  for (const { index, at, task } of items) {
    const lane = lanes[ids.indexOf(at.worker)];
    lane.chunks.push({ pass: 0, index, ...(task === undefined ? {} : { task }), start: at.received, end: at.replied });
    lane.busyMs += at.replied - at.received;
    lane.phases.push(...taskPhases(at, index));
  }
  for (const lane of lanes) lane.chunks.sort((a, b) => a.start - b.start);
  return {
    start: items.length ? Math.min(...items.map((item) => item.at.posted)) : 0,
    end: items.length ? Math.max(...items.map((item) => item.at.answered)) : 0,
    passes: [items.length],
    lanes,
  };
}

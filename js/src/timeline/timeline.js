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

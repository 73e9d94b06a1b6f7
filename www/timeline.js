// The timeline of a comparison: one lane per thread (or isolated worker), the sequential run
// above the parallel ones, on one scale, so that idle gaps, the last chunk running alone and
// the copies to isolated workers are seen at a glance. Hovering (or focusing) a bar names it.

const SVG = "http://www.w3.org/2000/svg";
const LANE = 18;
const GAP = 4;

function svg(name, attributes = {}, text) {
  const element = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  if (text !== undefined) element.textContent = text;
  return element;
}

const ms = (value) => `${value.toLocaleString(undefined, { maximumFractionDigits: value < 10 ? 2 : 1 })} ms`;

/**
 * What a run's timeline shows, in numbers: how busy its lanes were, how long the last chunk
 * ran alone at the end, and what the phases outside the chunks (copies, hops) took.
 */
export function readTimeline(timeline) {
  const span = Math.max(1e-9, timeline.end - timeline.start);
  const busy = timeline.lanes.reduce((sum, lane) => sum + lane.busyMs, 0);
  const ends = timeline.lanes.filter((lane) => lane.chunks.length > 0).map((lane) => lane.chunks.at(-1).end);
  // From the moment the first lane ran out of chunks to the last chunk's end: one thread alone.
  const alone = ends.length > 1 ? Math.max(...ends) - Math.min(...ends) : 0;
  const phases = [...(timeline.phases ?? []), ...timeline.lanes.flatMap((lane) => lane.phases ?? [])];
  const phaseMs = (name) => phases.filter((phase) => phase.name === name).reduce((sum, p) => sum + p.end - p.start, 0);
  return {
    spanMs: span,
    utilization: busy / (span * Math.max(1, timeline.lanes.length)),
    aloneMs: alone,
    sendMs: phaseMs("send"),
    answerMs: phaseMs("answer"),
    chunks: timeline.lanes.reduce((sum, lane) => sum + lane.chunks.length, 0),
  };
}

/**
 * Median over the chunks both runs ran of (the parallel run's time for a chunk) / (the
 * sequential run's time for the same chunk): 1 when each thread ran as fast as one thread
 * alone; well above 1 when the threads were slowed (another program on the cores, or
 * memory bandwidth shared). Undefined when the chunks cannot be matched.
 */
export function chunkSlowdown(sequential, parallel) {
  const alone = new Map();
  for (const chunk of sequential.lanes.flatMap((lane) => lane.chunks)) alone.set(`${chunk.pass}:${chunk.index}`, chunk.end - chunk.start);
  const ratios = [];
  for (const chunk of parallel.lanes.flatMap((lane) => lane.chunks)) {
    const base = alone.get(`${chunk.pass}:${chunk.index}`);
    // Chunks under 20 µs are mostly the clock's own resolution.
    if (base !== undefined && base > 0.02) ratios.push((chunk.end - chunk.start) / base);
  }
  if (ratios.length < 4) return undefined;
  ratios.sort((a, b) => a - b);
  return ratios[ratios.length >> 1];
}

/** Draws the comparison's timelines into `figure` (an element); returns false when it has none. */
export function drawTimelines(figure, comparison) {
  const runs = comparison.runs.filter((run) => run.timeline);
  if (runs.length === 0) {
    figure.hidden = true;
    return false;
  }
  // Drawn at the figure's own width, so that its text keeps its size on a phone.
  figure.hidden = false;
  const WIDTH = Math.max(300, Math.round(figure.clientWidth - 16) || 900);
  const LABEL = WIDTH < 600 ? 110 : 150;
  const longest = Math.max(...runs.map((run) => run.timeline.end - run.timeline.start));
  const scale = (WIDTH - LABEL - 10) / Math.max(1e-9, longest);
  const laneCount = runs.reduce((sum, run) => sum + run.timeline.lanes.length, 0);
  const height = laneCount * (LANE + GAP) + runs.length * 10 + 24;
  const root = svg("svg", { viewBox: `0 0 ${WIDTH} ${height}`, width: "100%", class: "timeline", role: "img",
    "aria-label": `timeline of the last repeat of each mode: ${runs.map((run) => `${run.mode}, ${run.timeline.lanes.length} lanes, ${ms(run.timeline.end - run.timeline.start)}`).join("; ")}` });
  let y = 4;
  for (const run of runs) {
    const { timeline } = run;
    const x = (t) => LABEL + (t - timeline.start) * scale;
    const group = svg("g", { "data-mode": run.mode });
    timeline.lanes.forEach((lane, index) => {
      const name = run.mode === "processes" || comparison.backend === "processes" ? "worker" : "thread";
      group.append(svg("text", { x: 4, y: y + LANE - 5, class: "lane-label" }, `${index === 0 ? run.mode : ""} ${name} ${lane.thread}`));
      group.append(svg("rect", { x: LABEL, y, width: (timeline.end - timeline.start) * scale, height: LANE, class: "lane" }));
      for (const phase of lane.phases ?? []) {
        const rect = svg("rect", { x: x(phase.start), y: y + 3, width: Math.max(0.5, (phase.end - phase.start) * scale), height: LANE - 6, class: `phase ${phase.name}` });
        rect.append(svg("title", {}, `${run.mode} ${name} ${lane.thread}: ${phase.name === "send" ? "copy in and message" : "copy out and message"} of part ${phase.part}, ${ms(phase.end - phase.start)}`));
        group.append(rect);
      }
      for (const chunk of lane.chunks) {
        const rect = svg("rect", { x: x(chunk.start), y, width: Math.max(0.5, (chunk.end - chunk.start) * scale), height: LANE, class: `chunk shade${chunk.index % 2}`, "data-index": chunk.index });
        rect.append(svg("title", {}, `${run.mode} ${name} ${lane.thread}: pass ${chunk.pass}, chunk ${chunk.index + 1} of ${timeline.passes[chunk.pass]}, ${ms(chunk.end - chunk.start)} (at ${ms(chunk.start - timeline.start)})`));
        group.append(rect);
      }
      y += LANE + GAP;
    });
    root.append(group);
    y += 10;
  }
  // The time axis: 0, half and the longest run.
  for (const t of [0, longest / 2, longest]) {
    root.append(svg("text", { x: LABEL + t * scale, y: y + 10, class: "axis", "text-anchor": t === 0 ? "start" : t === longest ? "end" : "middle" }, ms(t)));
  }
  figure.querySelector("svg")?.remove();
  figure.prepend(root);
  figure.hidden = false;
  return true;
}

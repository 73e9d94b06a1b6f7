// "webpar/lab": Python's concurrency lessons, measured (lab.js).
/**
 * `import { lab, labs } from "webpar/lab"`: Python's concurrency lessons, measured.
 *
 * @packageDocumentation
 */
import type { LabOptions, LabResult, Runner } from "./webpar.js";
import type { LabExperiment } from "./webpar_core.js";

/** The lab's experiments: name, title, what each shows, where it runs, params. */
export function labs(runner: Runner): LabExperiment[];
/**
 * Runs a lab experiment with its params (missing ones take their defaults): the threads ones
 * (race, locks, queue) on the pool of a cross-origin isolated page, one at a time; the others
 * on the public API, on any backend.
 */
export function lab(runner: Runner, name: string, params?: Record<string, number>, options?: LabOptions): Promise<LabResult>;

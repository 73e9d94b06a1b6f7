// "webpar/bench": the demo page's measurements on a Runner (bench.js).
/**
 * `import { compare, sweep, pipeline } from "webpar/bench"`: the demo page's measurements on a
 * Runner, with checksums that prove every mode computed the same.
 *
 * @packageDocumentation
 */
import type { Runner } from "./webpar.js";
import type {
  CompareOptions, Comparison, JobControls, Params, PipelineReport, PipelineSpec, Sweep, SweepOptions,
} from "./webpar_core.js";

/**
 * Runs workload `name` sequentially and in parallel (and, with `modes`, on isolated workers),
 * `repeats` times each after one warm-up, and compares the medians; the checksums prove every
 * mode computed the same.
 */
export function compare(runner: Runner, name: string, params: Params, options?: CompareOptions): Promise<Comparison>;
/** Runs the job on exactly k workers for each k of `threads` and fits Amdahl's law. */
export function sweep(runner: Runner, name: string, params: Params, options?: SweepOptions): Promise<Sweep>;
/** The fetch-then-compute pipeline, overlapped against one stage after the other. */
export function pipeline(runner: Runner, spec?: PipelineSpec, options?: JobControls): Promise<PipelineReport>;

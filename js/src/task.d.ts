// Types of "webpar/task": what a task module of createWorkerPool imports.
/**
 * `import { serve, progress, transfer } from "webpar/task"`: the worker side of
 * createWorkerPool, for a task module.
 *
 * @packageDocumentation
 */
/** Sends `value` to the running task's onProgress on the page. */
export function progress(value: unknown): void;
/** A return value whose `list` of buffers moves back to the page instead of being copied. */
export function transfer<T>(value: T, list: Transferable[]): T;
/** Serves `tasks` to the pool that started this worker (bundled apps' worker scripts). */
export function serve(tasks: Record<string, (...args: never[]) => unknown>): void;

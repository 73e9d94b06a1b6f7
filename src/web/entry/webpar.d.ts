export * from "./webpar_core.js";
export { default } from "./webpar_core.js";
/**
 * Starts the pool of Web Worker threads that parallel jobs run on, and resolves with its size
 * (default `navigator.hardwareConcurrency`). It starts once per page: a later call with the
 * same size (or none) shares the first start. Rejects with InvalidParamsError for a size
 * outside 1..=256 or different from the running pool's, and with PoolNotReadyError when the
 * page is not cross-origin isolated or the workers fail to start (within 30 s).
 */
export function initThreadPool(threads?: number): Promise<number>;

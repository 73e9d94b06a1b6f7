// The app's own functions, run on webpar's worker pool by createWorkerPool(url).
export function double(n) {
  return 2 * n;
}

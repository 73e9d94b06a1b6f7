// A worker script of the package (created by the package itself with new Worker(new URL(...)));
// it exports nothing.
export {};

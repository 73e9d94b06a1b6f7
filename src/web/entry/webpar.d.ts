export * from "./webpar_core.js";
export { default, startThreadPool as initThreadPool } from "./webpar_core.js";

// A worker of createWorkerPool made from a task module's URL: it imports the module and
// serves its exported functions (workers/task-worker.js has the protocol).
import { listen } from "./workers/task-worker.js";

listen((start) => import(/* webpackIgnore: true */ /* @vite-ignore */ start.url));

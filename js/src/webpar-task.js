// A worker of createWorkerPool made from a task module's URL: it imports the module and
// serves its exported functions (task.js has the protocol).
import { listen } from "./task.js";

listen((start) => import(/* webpackIgnore: true */ /* @vite-ignore */ start.url));

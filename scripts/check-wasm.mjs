// Fails unless a wasm module imports a SHARED memory: without it the thread pool cannot start
// (wasm-bindgen silently emits single-threaded glue when the link args in
// .cargo/config.toml are missing). Usage: node scripts/check-wasm.mjs <file.wasm>
import { checkSharedMemory } from "../js/src/cli/wasm.js";

try {
  const memory = checkSharedMemory(process.argv[2]);
  console.log(`shared memory imported: ${memory.module}.${memory.field}, ${memory.min} to ${memory.max} pages of 64 KiB`);
} catch (error) {
  console.error(error.message);
  process.exit(1);
}

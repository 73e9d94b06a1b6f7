// Fails unless a wasm module imports a SHARED memory: without it the thread pool cannot start
// (wasm-bindgen silently emits single-threaded glue when the link args in
// .cargo/config.toml are missing). Usage: node scripts/check-wasm.mjs <file.wasm>
import { readFileSync } from "node:fs";

const bytes = readFileSync(process.argv[2]);
let at = 8; // magic + version
const leb = () => {
  let value = 0, shift = 0, byte;
  do { byte = bytes[at++]; value += (byte & 0x7f) * 2 ** shift; shift += 7; } while (byte & 0x80);
  return value;
};
const name = () => { const len = leb(); const s = bytes.toString("utf8", at, at + len); at += len; return s; };
let memory = null;
while (at < bytes.length && memory === null) {
  const id = bytes[at++], size = leb(), end = at + size;
  if (id === 2) { // import section
    for (let count = leb(); count > 0 && memory === null; count--) {
      const module = name(), field = name(), kind = bytes[at++];
      if (kind === 2) { // memory: limits flags, min, [max]
        const flags = bytes[at++], min = leb(), max = flags & 1 ? leb() : null;
        memory = { module, field, shared: (flags & 2) !== 0, min, max };
      } else if (kind === 0) leb(); // function: type index
      else if (kind === 1) { at++; const f = bytes[at++]; leb(); if (f & 1) leb(); } // table
      else if (kind === 3) at += 2; // global: type, mutability
      else if (kind === 4) { at++; leb(); } // tag
    }
  }
  at = end;
}
if (!memory || !memory.shared) {
  console.error(`${process.argv[2]}: the module does not import a shared memory (${JSON.stringify(memory)}).
Build with the flags of .cargo/config.toml (--shared-memory --import-memory) and the pinned nightly.`);
  process.exit(1);
}
console.log(`shared memory imported: ${memory.module}.${memory.field}, ${memory.min} to ${memory.max} pages of 64 KiB`);

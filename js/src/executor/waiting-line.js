// The tasks waiting to start, in the order they start in.


/**
 * Tasks waiting to start: highest priority first, first come, first served within one. Every
 * operation is O(1) amortized (a FIFO per priority with a moving head), except adding a
 * priority never seen before; a cancelled entry is dropped where it is.
 */
export class WaitingLine {
  #lines = new Map(); // priority -> { items, head }
  #priorities = []; // descending
  length = 0;

  push(priority, entry) {
    let line = this.#lines.get(priority);
    if (line === undefined) {
      line = { items: [], head: 0 };
      this.#lines.set(priority, line);
      let at = 0;
      while (at < this.#priorities.length && this.#priorities[at] > priority) at++;
      this.#priorities.splice(at, 0, priority);
    }
    line.items.push(entry);
    entry.line = line;
    this.length += 1;
  }

  /** The next entry, or undefined. */
  shift() {
    for (const priority of this.#priorities) {
      const line = this.#lines.get(priority);
      while (line.head < line.items.length) {
        const entry = line.items[line.head];
        line.items[line.head++] = undefined;
        if (line.head > 1024 && line.head * 2 > line.items.length) {
          line.items = line.items.slice(line.head);
          line.head = 0;
        }
        if (entry.line === line) {
          entry.line = undefined;
          this.length -= 1;
          return entry;
        }
      }
    }
    return undefined;
  }

  /** Takes `entry` out of the line: true if it was waiting. */
  remove(entry) {
    if (entry.line === undefined) return false;
    entry.line = undefined; // skipped when its turn comes
    this.length -= 1;
    return true;
  }

  /** Every waiting entry, in order, leaving the line empty. */
  drain() {
    const out = [];
    for (let entry = this.shift(); entry !== undefined; entry = this.shift()) out.push(entry);
    return out;
  }
}

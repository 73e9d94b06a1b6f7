// The tasks waiting to start, in the order they start in.

/**
 * Starts after which a waiting task goes before every task queued after it, whatever their
 * priorities: priorities are strict until then, and no task starves.
 */
export const STARVATION_STARTS = 1_000;

/**
 * Tasks waiting to start: highest priority first, first come, first served within one, until
 * a task has waited while STARVATION_STARTS others started: the oldest waiting task then
 * starts next. So a task starts after at most STARVATION_STARTS + (tasks queued before it)
 * other starts, whatever its priority. Every operation is O(1) amortized (a FIFO per priority
 * and one in arrival order, each with a moving head), except adding a priority never seen
 * before; a cancelled entry is dropped where it is.
 */
export class WaitingLine {
  #lines = new Map(); // priority -> { items, head }
  #priorities = []; // descending
  #arrivals = { items: [], head: 0 }; // every entry, in arrival order
  #starts = 0;
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
    this.#arrivals.items.push(entry);
    entry.line = line;
    entry.queuedAtStart = this.#starts;
    this.length += 1;
  }

  /** The next entry, or undefined. */
  shift() {
    const oldest = nextWaiting(this.#arrivals, () => true);
    let entry;
    if (oldest !== undefined && this.#starts - oldest.queuedAtStart >= STARVATION_STARTS) {
      entry = oldest;
    } else {
      for (const priority of this.#priorities) {
        const line = this.#lines.get(priority);
        entry = nextWaiting(line, (candidate) => candidate.line === line);
        if (entry !== undefined) break;
      }
    }
    if (entry === undefined) return undefined;
    // Taken: the other FIFO skips it when it comes to its turn there.
    entry.line = undefined;
    this.length -= 1;
    this.#starts += 1;
    return entry;
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

/**
 * The first entry of FIFO `fifo` that still waits (`waits(entry)` and not taken), dropping
 * the ones before it that do not; left in place.
 */
function nextWaiting(fifo, waits) {
  while (fifo.head < fifo.items.length) {
    const entry = fifo.items[fifo.head];
    if (entry.line !== undefined && waits(entry)) return entry;
    fifo.items[fifo.head++] = undefined;
    if (fifo.head > 1024 && fifo.head * 2 > fifo.items.length) {
      fifo.items = fifo.items.slice(fifo.head);
      fifo.head = 0;
    }
  }
  return undefined;
}

// Flag (asyncio.Event; not `Event`, which is the DOM's): waiters wait until it is set.
import { WaitLine, signalOf } from "./wait-line.js";

/** A flag that waiters wait for (asyncio.Event). */
export class Flag {
  #set = false;
  #line = new WaitLine();

  /** Whether it is set. */
  get isSet() { return this.#set; }
  /** Sets it and wakes every waiter. */
  set() {
    this.#set = true;
    this.#line.serveAll(() => true);
  }
  /** Unsets it. */
  clear() { this.#set = false; }
  /** Resolves (with true) once it is set. */
  wait(options) {
    try {
      signalOf(options, "Flag.wait()");
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#set ? Promise.resolve(true) : this.#line.wait("Flag.wait()", options);
  }
}

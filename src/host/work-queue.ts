import type { Ticks } from "../kernel/ticks.js";

/**
 * A FIFO of work items for one priority of one processor: a routine, a number argument
 * (the MSI-X vector for an ISR, unused for a DPC) and the tick it was queued at.
 *
 * Held in parallel arrays used as a ring that doubles when full, so queueing and taking
 * an item allocate nothing once the ring is big enough for the deepest backlog seen.
 */
export class WorkQueue<R> {
  private routines: (R | undefined)[];
  private args: Float64Array;
  private queued: Float64Array;
  private head = 0;
  private count = 0;

  constructor(initialCapacity = 16) {
    const capacity = Math.max(1, initialCapacity);
    this.routines = new Array<R | undefined>(capacity).fill(undefined);
    this.args = new Float64Array(capacity);
    this.queued = new Float64Array(capacity);
  }

  /** Items waiting. */
  get length(): number {
    return this.count;
  }

  push(routine: R, arg: number, queuedTicks: Ticks): void {
    if (this.count === this.routines.length) this.grow();
    const capacity = this.routines.length;
    const slot = (this.head + this.count) % capacity;
    this.routines[slot] = routine;
    this.args[slot] = arg;
    this.queued[slot] = queuedTicks;
    this.count++;
  }

  /** The oldest item's routine (the queue must not be empty). */
  peekRoutine(): R {
    return this.routines[this.head]!;
  }

  /** The oldest item's argument (the queue must not be empty). */
  peekArg(): number {
    return this.args[this.head]!;
  }

  /** When the oldest item was queued (the queue must not be empty). */
  peekQueuedTicks(): Ticks {
    return this.queued[this.head]!;
  }

  /** Removes the oldest item (the queue must not be empty). */
  drop(): void {
    this.routines[this.head] = undefined;
    this.head = (this.head + 1) % this.routines.length;
    this.count--;
  }

  private grow(): void {
    const old = this.routines.length;
    const routines = new Array<R | undefined>(old * 2).fill(undefined);
    const args = new Float64Array(old * 2);
    const queued = new Float64Array(old * 2);
    for (let i = 0; i < this.count; i++) {
      const from = (this.head + i) % old;
      routines[i] = this.routines[from];
      args[i] = this.args[from]!;
      queued[i] = this.queued[from]!;
    }
    this.routines = routines;
    this.args = args;
    this.queued = queued;
    this.head = 0;
  }
}

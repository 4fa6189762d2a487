import { DOUBLE_FIELD_SEED, type Ticks } from "./ticks.js";

/** What a timer does when it fires. Receives the tick it fired at. */
export type TimerAction = (nowTicks: Ticks) => void;

/** The part of the scheduler a timer needs; keeps the two files apart. */
export interface TimerQueue {
  readonly nowTicks: Ticks;
  /** Inserts or moves `timer` so it fires at `atTicks`. */
  enqueue(timer: Timer, atTicks: Ticks): void;
  /** Removes `timer` if it is pending. */
  dequeue(timer: Timer): void;
}

/**
 * A reusable event: one hardware timer, one engine's "next thing to do". A timer is
 * pending at most once; scheduling it again moves it (reschedule), so the hot path
 * creates no objects: an engine builds its timers once and re-arms them forever, the
 * way jsbeeb's scheduler tasks re-arm themselves.
 */
export class Timer {
  readonly name: string;
  readonly action: TimerAction;
  /** When it fires; meaningful only while pending (seeded as a double: see DOUBLE_FIELD_SEED). */
  atTicks: Ticks = DOUBLE_FIELD_SEED;
  /** Order among timers at the same tick: the order they were (re)scheduled in. */
  seq = 0;
  /** Position in the scheduler's heap, or -1 when not pending. Owned by the heap. */
  heapIndex = -1;
  private readonly queue: TimerQueue;

  constructor(queue: TimerQueue, name: string, action: TimerAction) {
    this.queue = queue;
    this.name = name;
    this.action = action;
    this.atTicks = -1;
  }

  /** True while the timer waits to fire. */
  get pending(): boolean {
    return this.heapIndex >= 0;
  }

  /** Fires at `atTicks` (absolute); replaces any earlier schedule of this timer. */
  scheduleAt(atTicks: Ticks): void {
    this.queue.enqueue(this, atTicks);
  }

  /** Fires `delayTicks` after now; replaces any earlier schedule of this timer. */
  scheduleIn(delayTicks: Ticks): void {
    this.queue.enqueue(this, this.queue.nowTicks + delayTicks);
  }

  /** Stops the timer from firing. Harmless when it is not pending. */
  cancel(): void {
    this.queue.dequeue(this);
  }
}

import type { ClockDomain } from "./clock-domain.js";
import { DOUBLE_FIELD_SEED, type Ticks } from "./ticks.js";
import { Timer, type TimerAction, type TimerQueue } from "./timer.js";
import { TimerHeap } from "./timer-heap.js";

/** Called for every timer as it fires; used by traces and the step/run equivalence tests. */
export type FireListener = (atTicks: Ticks, timer: Timer) => void;

/**
 * The discrete-event scheduler that drives the whole model.
 *
 * Timers fire in (tick, scheduling order) order, so two runs of the same model give
 * the same trace. There are two ways to advance and they produce identical traces:
 * `runUntil(tick)` jumps from event to event, and `step(clock)` advances exactly one
 * cycle of a chosen clock (for debuggers, waveforms and the REPL). Time only moves
 * forward; scheduling into the past is a bug in the model and throws.
 */
export class Scheduler implements TimerQueue {
  /** The current simulated time (seeded as a double: see DOUBLE_FIELD_SEED). */
  nowTicks: Ticks = DOUBLE_FIELD_SEED;
  /** How many timers have fired since construction. */
  firedCount = 0;
  private readonly heap = new TimerHeap();
  private nextSeq = 0;
  private stopRequested = false;
  /** True when the last `runUntil` returned early because of `requestStop()`. */
  stopped = false;
  /** Replaced, never mutated, so a listener may remove itself while being called. */
  private listeners: readonly FireListener[] = [];

  constructor() {
    this.nowTicks = 0;
  }

  /** Creates a reusable timer. Creating one schedules nothing. */
  timer(name: string, action: TimerAction): Timer {
    return new Timer(this, name, action);
  }

  /** Schedules a one-shot action `delayTicks` from now. Control path only: it allocates. */
  after(delayTicks: Ticks, name: string, action: TimerAction): Timer {
    const timer = new Timer(this, name, action);
    timer.scheduleIn(delayTicks);
    return timer;
  }

  /** Schedules a one-shot action at `atTicks`. Control path only: it allocates. */
  at(atTicks: Ticks, name: string, action: TimerAction): Timer {
    const timer = new Timer(this, name, action);
    timer.scheduleAt(atTicks);
    return timer;
  }

  /** Adds a listener called as each timer fires. */
  onFire(listener: FireListener): () => void {
    this.listeners = [...this.listeners, listener];
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  enqueue(timer: Timer, atTicks: Ticks): void {
    if (!(atTicks >= this.nowTicks) || !Number.isSafeInteger(atTicks)) {
      throw this.badSchedule(timer, atTicks);
    }
    timer.atTicks = atTicks;
    timer.seq = this.nextSeq++;
    if (timer.heapIndex >= 0) this.heap.update(timer);
    else this.heap.push(timer);
  }

  /** Out of line, so `enqueue` stays small enough for the engines to inline. */
  private badSchedule(timer: Timer, atTicks: Ticks): RangeError {
    return new RangeError(
      `timer ${timer.name}: cannot schedule at tick ${atTicks} (now ${this.nowTicks})`,
    );
  }

  dequeue(timer: Timer): void {
    if (timer.heapIndex >= 0) this.heap.remove(timer);
  }

  /** How many timers are pending. */
  get pendingCount(): number {
    return this.heap.size;
  }

  /** The tick of the next pending timer, or undefined when none is pending. */
  nextEventTicks(): Ticks | undefined {
    return this.heap.peek()?.atTicks;
  }

  /** Asks a running `runUntil` to return after the timer now firing. */
  requestStop(): void {
    this.stopRequested = true;
  }

  /**
   * Fires every timer due at or before `targetTicks`, in order, then sets the time to
   * `targetTicks`. Returns how many fired. If a timer calls `requestStop()`, returns
   * early with the time left at that timer's tick.
   */
  runUntil(targetTicks: Ticks): number {
    if (targetTicks < this.nowTicks || !Number.isSafeInteger(targetTicks)) {
      throw new RangeError(`runUntil(${targetTicks}): time is already ${this.nowTicks}`);
    }
    const heap = this.heap;
    let fired = 0;
    this.stopRequested = false;
    this.stopped = false;
    for (;;) {
      const next = heap.peek();
      if (next === undefined || next.atTicks > targetTicks) break;
      heap.pop();
      this.nowTicks = next.atTicks;
      const listeners = this.listeners;
      for (let i = 0; i < listeners.length; i++) listeners[i]!(next.atTicks, next);
      // Counted before the action runs, so an action that throws leaves the count right.
      fired++;
      this.firedCount++;
      next.action(next.atTicks);
      if (this.stopRequested) {
        this.stopRequested = false;
        this.stopped = true;
        return fired;
      }
    }
    this.nowTicks = targetTicks;
    return fired;
  }

  /**
   * Advances exactly one cycle of `clock`: to its first edge after now, and returns the
   * time reached (that edge, unless a timer called `requestStop()` on the way).
   */
  step(clock: ClockDomain): Ticks {
    const edge = clock.nextEdgeAfter(this.nowTicks);
    this.runUntil(edge);
    return this.nowTicks;
  }

  /**
   * Fires timers until none is pending, the next is after `limitTicks`, or a timer calls
   * `requestStop()`, leaving the time at the last timer fired. Returns how many fired.
   */
  runUntilIdle(limitTicks: Ticks = Number.MAX_SAFE_INTEGER): number {
    let fired = 0;
    for (;;) {
      const next = this.heap.peek();
      if (next === undefined || next.atTicks > limitTicks) return fired;
      fired += this.runUntil(next.atTicks);
      if (this.stopped) return fired;
    }
  }
}

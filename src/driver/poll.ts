import type { Scheduler } from "../kernel/scheduler.js";
import { TICKS_PER_MS, TICKS_PER_US, type Ticks } from "../kernel/ticks.js";

/** How often and how long to poll a condition. */
export interface PollTiming {
  readonly intervalTicks: Ticks;
  readonly timeoutTicks: Ticks;
}

/** Device-level waits (master disable, reset): the model takes about a microsecond. */
export const DEVICE_POLL: PollTiming = {
  intervalTicks: TICKS_PER_US,
  timeoutTicks: 10 * TICKS_PER_MS,
};
/** Queue-level waits (a queue stopping, sends draining): a frame or a few on the wire. */
export const QUEUE_POLL: PollTiming = {
  intervalTicks: 2 * TICKS_PER_US,
  timeoutTicks: 100 * TICKS_PER_MS,
};

/**
 * Waits in simulated time for `condition` to hold, the way a driver polls a status bit
 * (NdisStallExecution in a loop, or better a timer). Nothing blocks: the wait is a chain
 * of scheduler events, and `done` runs inside the event that saw the condition hold (so
 * the next step happens at that very tick), or with `false` once `timeoutTicks` have
 * passed. A condition already true calls `done(true)` at once, synchronously.
 *
 * Control path only: it allocates a timer per wait.
 */
export function pollUntil(
  scheduler: Scheduler,
  name: string,
  condition: () => boolean,
  timing: PollTiming,
  done: (ok: boolean) => void,
): void {
  if (condition()) {
    done(true);
    return;
  }
  const deadline = scheduler.nowTicks + timing.timeoutTicks;
  const timer = scheduler.timer(`driver.poll.${name}`, (now) => {
    if (condition()) done(true);
    else if (now >= deadline) done(false);
    else timer.scheduleIn(timing.intervalTicks);
  });
  timer.scheduleIn(timing.intervalTicks);
}

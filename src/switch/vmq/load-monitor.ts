import type { Ticks } from "../../kernel/ticks.js";
import { TICKS_PER_SECOND } from "../../kernel/ticks.js";

/** Where the monitor reads cycles from. */
export interface LoadSource {
  /** Cycles spent on queue `queue` since it started (the driver's per-queue account), or undefined. */
  queueCycles(queue: number): number | undefined;
  /** Busy cycles of processor `p` so far, everything included; optional. */
  processorCycles?(p: number): number;
  readonly clockHz: number;
}

/**
 * Turns running cycle counts into loads per interval, as a fraction of one processor:
 * what each queue cost over the interval, and on each processor the work that belongs to
 * no queue (`other`: measured busy time minus its queues' share, never below zero).
 *
 * Each count needs a baseline, the value at the start of the interval. A queue gets its
 * baseline when the caller starts tracking it (`track`, as the queue is handed out), so
 * its first interval measures what it really cost; the processors get theirs when the
 * monitor is built. A queue measured without a baseline (not tracked) counts from the
 * moment it is first seen, so its first interval reads 0.
 */
export class LoadMonitor {
  private readonly source: LoadSource;
  private readonly lastQueue = new Map<number, number>();
  private readonly lastProcessor = new Map<number, number>();
  private lastTicks: Ticks;

  constructor(source: LoadSource, nowTicks: Ticks, processors: readonly number[] = []) {
    this.source = source;
    this.lastTicks = nowTicks;
    const busy = source.processorCycles?.bind(source);
    if (busy !== undefined) for (const p of processors) this.lastProcessor.set(p, busy(p));
  }

  /**
   * Starts measuring `queue` from now. Call when a queue is handed out (or its number is
   * reused): the driver's count for it starts at 0 then, but a freed queue's old
   * baseline may still be here.
   */
  track(queue: number): void {
    this.lastQueue.set(queue, this.source.queueCycles(queue) ?? 0);
  }

  /** Loads since the previous call, for `queues` sitting on the given processors. */
  measure(
    nowTicks: Ticks,
    queues: ReadonlyMap<number, number>,
    processors: readonly number[],
  ): { queueLoads: Record<number, number>; otherLoads: Record<number, number> } {
    const capacity = ((nowTicks - this.lastTicks) / TICKS_PER_SECOND) * this.source.clockHz;
    this.lastTicks = nowTicks;
    const queueLoads: Record<number, number> = {};
    const onProcessor = new Map<number, number>();
    for (const [queue, processor] of queues) {
      const cycles = this.source.queueCycles(queue) ?? 0;
      const delta = cycles - (this.lastQueue.get(queue) ?? cycles);
      this.lastQueue.set(queue, cycles);
      const load = capacity > 0 ? Math.max(0, delta) / capacity : 0;
      queueLoads[queue] = load;
      onProcessor.set(processor, (onProcessor.get(processor) ?? 0) + load);
    }
    for (const queue of [...this.lastQueue.keys()]) {
      if (!queues.has(queue)) this.lastQueue.delete(queue);
    }
    const otherLoads: Record<number, number> = {};
    const busy = this.source.processorCycles?.bind(this.source);
    if (busy !== undefined) {
      for (const p of processors) {
        const cycles = busy(p);
        const delta = cycles - (this.lastProcessor.get(p) ?? cycles);
        this.lastProcessor.set(p, cycles);
        const load = capacity > 0 ? delta / capacity : 0;
        otherLoads[p] = Math.max(0, load - (onProcessor.get(p) ?? 0));
      }
    }
    return { queueLoads, otherLoads };
  }
}

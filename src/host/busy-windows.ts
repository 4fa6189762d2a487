import type { Ticks } from "../kernel/ticks.js";

/** One window of the utilisation record. */
export interface UtilizationWindow {
  /** The window's first tick (a multiple of the window width). */
  readonly startTicks: Ticks;
  /** The tick after its last (start + width). */
  readonly endTicks: Ticks;
  /** Ticks of the window the processor was busy. */
  readonly busyTicks: Ticks;
  /**
   * busyTicks over the part of the window the host existed for (the whole window,
   * except the first if the host was built mid-window): 0 to 1.
   */
  readonly utilization: number;
}

/**
 * A processor's busy time: the whole-run total and a ring of the last `windowCount`
 * fixed windows of `windowTicks` each (window n covers [n * width, (n + 1) * width)).
 *
 * Exact: busy periods are intervals of whole ticks, and a period is split at window
 * boundaries, so a period spanning several windows counts in each for the ticks it
 * spent there. Closed periods go into the ring when they end; the one in progress
 * (`open`) counts up to the time of the query. Memory is fixed: the ring has a slot for
 * each reported window plus the current one, each holding the window number it is for
 * and its busy ticks; a window that had no busy period finds its slot tagged with
 * another window.
 */
export class BusyWindows {
  readonly windowTicks: Ticks;
  readonly windowCount: number;
  /** When accounting started (the host's construction). */
  readonly originTicks: Ticks;
  private readonly slots: number;
  private readonly tags: Float64Array;
  private readonly busy: Float64Array;
  private closedTicks = 0;
  private openStart = 0;
  private openEnd = 0;
  private isOpen = false;

  constructor(windowTicks: Ticks, windowCount: number, originTicks: Ticks) {
    this.windowTicks = windowTicks;
    this.windowCount = windowCount;
    this.originTicks = originTicks;
    // One slot more than the windows reported: the current, incomplete window's.
    this.slots = windowCount + 1;
    this.tags = new Float64Array(this.slots).fill(-1);
    this.busy = new Float64Array(this.slots);
  }

  /** A busy period [start, end) begins (it must not overlap the previous one). */
  open(startTicks: Ticks, endTicks: Ticks): void {
    this.openStart = startTicks;
    this.openEnd = endTicks;
    this.isOpen = true;
  }

  /** The busy period in progress has ended: it moves into the ring. */
  close(): void {
    if (!this.isOpen) return;
    this.isOpen = false;
    this.add(this.openStart, this.openEnd);
  }

  /** Busy ticks from the origin up to `nowTicks`. */
  busyTicksUntil(nowTicks: Ticks): Ticks {
    return this.closedTicks + this.openOverlap(this.originTicks, nowTicks, nowTicks);
  }

  /** Busy time over elapsed time since the origin (0 when no time has passed). */
  utilization(nowTicks: Ticks): number {
    const elapsed = nowTicks - this.originTicks;
    return elapsed <= 0 ? 0 : this.busyTicksUntil(nowTicks) / elapsed;
  }

  /**
   * The complete windows (ending at or before `nowTicks`) still in the ring, oldest
   * first: at most `windowCount`, none before the origin's window.
   */
  windows(nowTicks: Ticks): UtilizationWindow[] {
    const width = this.windowTicks;
    const current = Math.floor(nowTicks / width);
    const first = Math.max(Math.floor(this.originTicks / width), current - this.windowCount);
    const out: UtilizationWindow[] = [];
    for (let w = first; w < current; w++) {
      const startTicks = w * width;
      const endTicks = startTicks + width;
      const slot = w % this.slots;
      const closed = this.tags[slot] === w ? this.busy[slot]! : 0;
      const busyTicks = closed + this.openOverlap(startTicks, endTicks, nowTicks);
      const span = endTicks - Math.max(startTicks, this.originTicks);
      out.push({ startTicks, endTicks, busyTicks, utilization: busyTicks / span });
    }
    return out;
  }

  /** Ticks of the open period within [from, to), counting only up to `nowTicks`. */
  private openOverlap(from: Ticks, to: Ticks, nowTicks: Ticks): Ticks {
    if (!this.isOpen) return 0;
    const a = Math.max(from, this.openStart);
    const b = Math.min(to, this.openEnd, nowTicks);
    return b > a ? b - a : 0;
  }

  private add(from: Ticks, to: Ticks): void {
    if (to <= from) return;
    this.closedTicks += to - from;
    const width = this.windowTicks;
    const last = Math.floor((to - 1) / width);
    const first = Math.max(Math.floor(from / width), last - this.slots + 1);
    for (let w = first; w <= last; w++) {
      const slot = w % this.slots;
      if (this.tags[slot] !== w) {
        this.tags[slot] = w;
        this.busy[slot] = 0;
      }
      this.busy[slot]! += Math.min(to, (w + 1) * width) - Math.max(from, w * width);
    }
  }
}

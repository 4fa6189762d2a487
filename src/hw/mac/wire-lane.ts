import type { Scheduler } from "../../kernel/scheduler.js";
import type { Ticks } from "../../kernel/ticks.js";
import type { Timer } from "../../kernel/timer.js";
import { FrameFifo } from "./frame-fifo.js";
import { bitTicks, INTER_FRAME_GAP_BYTES, wireTicks } from "./wire-timing.js";

/**
 * Called as a frame's last bit leaves the lane: the frame is `bytes[offset, offset +
 * length)`, valid only during the call (no view object is made for it); `flags` is what
 * the sender passed (bit 0: bad FCS).
 */
export type LaneConsumer = (
  bytes: Uint8Array,
  offset: number,
  length: number,
  flags: number,
  endTicks: Ticks,
) => void;

/** Flag: the sender marked the frame's FCS bad. */
export const FLAG_BAD_FCS = 1;

/**
 * One direction of the wire: a FIFO of frames waiting to go (the NIC's transmit packet
 * buffer, or the peer's transmit queue), sent one after another at line rate. Each frame
 * occupies the line for its bytes plus FCS, preamble, delimiter and inter-frame gap, so
 * the lane can never exceed line rate; a frame starts when the line is free and the
 * frame is ready, and is handed to the consumers when its last (FCS) bit has gone.
 */
export class WireLane {
  readonly fifo: FrameFifo;
  private readonly timer: Timer;
  private readonly linkSpeedMbps: number;
  private readonly consumers: LaneConsumer[] = [];
  private readonly scratch: Uint8Array;
  private readonly scheduler: Scheduler;
  private readonly gapTicks: Ticks;
  /** When the frame now on the line ends (the line is free from then). */
  lineFreeAtTicks: Ticks = 0;
  /** Frames that have left the lane. */
  framesSent = 0;
  /** Called after a frame leaves, when its space is free again. */
  onSpace: (() => void) | null = null;

  constructor(
    scheduler: Scheduler,
    name: string,
    linkSpeedMbps: number,
    capacityBytes: number,
    maxFrames: number,
  ) {
    this.scheduler = scheduler;
    this.linkSpeedMbps = linkSpeedMbps;
    this.gapTicks = INTER_FRAME_GAP_BYTES * 8 * bitTicks(linkSpeedMbps);
    this.fifo = new FrameFifo(capacityBytes, maxFrames);
    this.scratch = new Uint8Array(capacityBytes);
    this.timer = scheduler.timer(`${name}.frame-end`, () => this.frameEnded());
  }

  /** Adds a consumer of departing frames (the receiver, taps). */
  addConsumer(consumer: LaneConsumer): void {
    this.consumers.push(consumer);
  }

  /**
   * Queues a frame that may start no earlier than `readyTicks` (default now). False
   * (nothing queued) when the FIFO is full.
   */
  enqueue(
    frame: Uint8Array,
    offset: number,
    length: number,
    flags: number,
    readyTicks: Ticks = this.scheduler.nowTicks,
  ): boolean {
    const slot = this.fifo.push(frame, offset, length, readyTicks);
    if (slot < 0) return false;
    this.fifo.word0[slot] = flags;
    if (this.fifo.count === 1) this.startHead();
    return true;
  }

  /** Drops every queued frame (device reset). The frame on the line is lost too. */
  clear(): void {
    this.fifo.clear();
    this.timer.cancel();
  }

  private startHead(): void {
    const slot = this.fifo.head();
    if (slot < 0) return;
    const ready = this.fifo.arrivalTicks[slot]!;
    const start = Math.max(this.scheduler.nowTicks, this.lineFreeAtTicks, ready);
    this.lineFreeAtTicks = start + wireTicks(this.fifo.lengthOf(slot), this.linkSpeedMbps);
    // The frame has fully arrived when its FCS has; the gap after it only keeps the line busy.
    this.timer.scheduleAt(this.lineFreeAtTicks - this.gapTicks);
  }

  private frameEnded(): void {
    const fifo = this.fifo;
    const slot = fifo.head();
    if (slot < 0) return;
    const length = fifo.lengthOf(slot);
    const at = fifo.contiguousOffset(slot, 0, length);
    const bytes = at >= 0 ? fifo.store : fifo.view(slot, 0, length, this.scratch);
    const offset = Math.max(at, 0);
    const flags = fifo.word0[slot]!;
    const now = this.scheduler.nowTicks;
    for (let i = 0; i < this.consumers.length; i++) {
      this.consumers[i]!(bytes, offset, length, flags, now);
    }
    fifo.pop();
    this.framesSent++;
    this.startHead();
    if (this.onSpace !== null) this.onSpace();
  }
}

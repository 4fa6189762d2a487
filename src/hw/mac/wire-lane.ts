import type { Scheduler } from "../../kernel/scheduler.js";
import { DOUBLE_FIELD_SEED, type Ticks } from "../../kernel/ticks.js";
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
 * A sender the lane pulls frames from when it has no queued frame left: a traffic
 * generator that makes each frame as the line can take it, instead of queueing frames
 * (and copying them into the lane's FIFO) ahead of time.
 */
export interface WireSource {
  /**
   * The next frame (the whole array, without FCS), or null when the source has none now
   * (`WireLane.resume()` asks again). Called as soon as the lane could queue another frame;
   * the frame starts when the line is free. The lane reads the array until the frame's last
   * bit has arrived and pulls the next one only after that, so the source may reuse it.
   */
  pull(): Uint8Array | null;
}

/**
 * One direction of the wire: a FIFO of frames waiting to go (the NIC's transmit packet
 * buffer, or the peer's transmit queue), sent one after another at line rate. Each frame
 * occupies the line for its bytes plus FCS, preamble, delimiter and inter-frame gap, so
 * the lane can never exceed line rate; a frame starts when the line is free and the
 * frame is ready, and is handed to the consumers when its last (FCS) bit has gone.
 * When the FIFO is empty the lane pulls frames from its source, if it has one.
 */
export class WireLane {
  readonly fifo: FrameFifo;
  private readonly timer: Timer;
  private readonly linkSpeedMbps: number;
  private readonly consumers: LaneConsumer[] = [];
  private readonly scratch: Uint8Array;
  private readonly scheduler: Scheduler;
  private readonly gapTicks: Ticks;
  /**
   * When the frame now on the line ends (the line is free from then). Seeded as a double:
   * see DOUBLE_FIELD_SEED.
   */
  lineFreeAtTicks: Ticks = DOUBLE_FIELD_SEED;
  /** Frames that have left the lane. */
  framesSent = 0;
  /** Called after a frame leaves, when its space is free again. */
  onSpace: (() => void) | null = null;
  private source: WireSource | null = null;
  /** The frame pulled from the source that is on the line, or null. */
  private pulled: Uint8Array | null = null;

  constructor(
    scheduler: Scheduler,
    name: string,
    linkSpeedMbps: number,
    capacityBytes: number,
    maxFrames: number,
  ) {
    this.scheduler = scheduler;
    this.lineFreeAtTicks = 0;
    this.linkSpeedMbps = linkSpeedMbps;
    this.gapTicks = INTER_FRAME_GAP_BYTES * 8 * bitTicks(linkSpeedMbps);
    this.fifo = new FrameFifo(capacityBytes, maxFrames);
    this.scratch = new Uint8Array(capacityBytes);
    this.timer = scheduler.timer(`${name}.frame-end`, () => this.frameEnded());
  }

  /** Frames queued or on the line, the one pulled from the source included. */
  get framesQueued(): number {
    return this.fifo.count + (this.pulled === null ? 0 : 1);
  }

  /** Sets the source to pull frames from when the FIFO is empty (null: none). */
  setSource(source: WireSource | null): void {
    this.source = source;
    this.resume();
  }

  /** The source has frames again: pull if the lane is idle. */
  resume(): void {
    if (this.framesQueued === 0) this.startNext();
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
    if (this.fifo.count === 1 && this.pulled === null) this.startHead();
    return true;
  }

  /**
   * Drops every queued frame (device reset). The frame on the line is lost too; a source
   * is asked for a new one.
   */
  clear(): void {
    this.fifo.clear();
    this.pulled = null;
    this.timer.cancel();
    this.resume();
  }

  /** Starts the FIFO's head frame, else one pulled from the source. */
  private startNext(): void {
    if (this.fifo.count > 0) this.startHead();
    else if (this.source !== null) this.startPulled();
  }

  private startHead(): void {
    const slot = this.fifo.head();
    if (slot < 0) return;
    this.occupyLine(this.fifo.lengthOf(slot), this.fifo.arrivalTicks[slot]!);
  }

  private startPulled(): void {
    const frame = this.source!.pull();
    if (frame === null) return;
    this.pulled = frame;
    this.occupyLine(frame.length, this.scheduler.nowTicks);
  }

  /** Puts a frame of `length` bytes, ready at `readyTicks`, on the line once it is free. */
  private occupyLine(length: number, readyTicks: Ticks): void {
    const start = Math.max(this.scheduler.nowTicks, this.lineFreeAtTicks, readyTicks);
    this.lineFreeAtTicks = start + wireTicks(length, this.linkSpeedMbps);
    // The frame has fully arrived when its FCS has; the gap after it only keeps the line busy.
    this.timer.scheduleAt(this.lineFreeAtTicks - this.gapTicks);
  }

  private frameEnded(): void {
    const pulled = this.pulled;
    if (pulled !== null) {
      // Still on the line while the consumers run, so a frame they inject waits behind it.
      this.deliver(pulled, 0, pulled.length, 0);
      this.pulled = null;
    } else {
      const fifo = this.fifo;
      const slot = fifo.head();
      if (slot < 0) return;
      const length = fifo.lengthOf(slot);
      const at = fifo.contiguousOffset(slot, 0, length);
      const bytes = at >= 0 ? fifo.store : fifo.view(slot, 0, length, this.scratch);
      this.deliver(bytes, Math.max(at, 0), length, fifo.word0[slot]!);
      fifo.pop();
    }
    this.framesSent++;
    this.startNext();
    if (this.onSpace !== null) this.onSpace();
  }

  private deliver(bytes: Uint8Array, offset: number, length: number, flags: number): void {
    const now = this.scheduler.nowTicks;
    for (let i = 0; i < this.consumers.length; i++) {
      this.consumers[i]!(bytes, offset, length, flags, now);
    }
  }
}

import type { ClockDomain } from "../../kernel/clock-domain.js";
import { DOUBLE_FIELD_SEED, type Ticks } from "../../kernel/ticks.js";
import { FrameFifo } from "../mac/frame-fifo.js";
import type { WireLane } from "../mac/wire-lane.js";
import { MIN_FRAME_BYTES } from "../mac/wire-timing.js";
import { LSO_MAX_PAYLOAD_BYTES, LSO_MAX_SEGMENTS, segmentTcp } from "../offload/lso.js";
import { MAX_CONTEXT_HEADER_BYTES, type TxOffload } from "./tx-offload.js";

/**
 * The largest frame one transmit (without segmentation) may carry, FCS excluded; also the
 * largest frame staged here (an LSO segment, at most LSO_MAX_SEGMENT_BYTES, is smaller).
 */
export const TX_MAX_FRAME_BYTES = 16 * 1024;
/** Bytes the LSO engine moves per core clock cycle (ours: 16 B at 250 MHz is 4 GB/s). */
const LSO_BYTES_PER_CYCLE = 16;
/**
 * Segment staging: room for the largest send the LSO engine accepts, cut at its smallest
 * MSS, with every segment's copy of the most header bytes a context can describe. Only one
 * send is ever staged (`canAccept`), so staging never overflows.
 */
const STAGING_BYTES = LSO_MAX_PAYLOAD_BYTES + LSO_MAX_SEGMENTS * MAX_CONTEXT_HEADER_BYTES;

/** What a gathered frame became on its way to the wire. */
export interface SendOutcome {
  /** Frames handed to the MAC (segments for LSO), or -1 when the request was refused. */
  frames: number;
  /** Their bytes, FCS excluded. */
  bytes: number;
}

/**
 * The end of the transmit pipeline: checksum insertion or segmentation (LSO), padding of
 * short frames to 60 bytes, and hand-off to the transmit packet buffer (the wire lane).
 * Segments of a large send are staged here when the packet buffer cannot take them all
 * at once, and move on as it drains, so order on the wire is always descriptor order.
 * The LSO engine takes time in proportion to the bytes it moves: segment k is ready
 * ceil(bytes before it / 16) core cycles after the data arrived.
 */
export class TxOutput {
  private readonly clock: ClockDomain;
  private readonly lane: WireLane;
  private readonly offload: TxOffload;
  private readonly staging = new FrameFifo(STAGING_BYTES, LSO_MAX_SEGMENTS);
  private readonly segment = new Uint8Array(TX_MAX_FRAME_BYTES);
  private readonly pumpScratch = new Uint8Array(TX_MAX_FRAME_BYTES);
  private readonly outcome: SendOutcome = { frames: 0, bytes: 0 };
  /** Seeded as a double (see DOUBLE_FIELD_SEED), then 0. */
  private segmentReadyBase: Ticks = DOUBLE_FIELD_SEED;
  private readonly emitSegment: (bytes: Uint8Array, offset: number, length: number) => void;
  /** Called when the packet buffer has room again, after staged frames have moved on. */
  onSpace: () => void = () => {};

  constructor(clock: ClockDomain, lane: WireLane, offload: TxOffload) {
    this.clock = clock;
    this.lane = lane;
    this.offload = offload;
    this.segmentReadyBase = 0;
    this.emitSegment = (bytes, offset, length) => {
      const ready = this.clock.edgeAfterCycles(
        this.segmentReadyBase,
        Math.ceil(this.outcome.bytes / LSO_BYTES_PER_CYCLE),
      );
      this.outcome.frames++;
      this.outcome.bytes += this.stage(bytes, offset, length, ready);
    };
    lane.onSpace = () => {
      this.pump();
      this.onSpace();
    };
  }

  /**
   * Whether a gathered frame of `length` bytes can be taken now, or must wait for the
   * buffers to drain. A large send waits until the previous one's segments have all
   * moved on, so DMA never runs far ahead of the wire (and staging holds one send at most).
   */
  canAccept(length: number, tse: boolean): boolean {
    if (this.staging.count !== 0) return false;
    return tse || this.lane.fifo.fits(Math.max(length, MIN_FRAME_BYTES));
  }

  /**
   * Sends a gathered frame ready at `readyTicks`: segments it (TSE) or inserts its
   * checksums, per the first data descriptor's dword 3 (`options`) and queue q's context.
   */
  send(
    q: number,
    frame: Uint8Array,
    length: number,
    options: number,
    tse: boolean,
    readyTicks: Ticks,
  ): SendOutcome {
    const out = this.outcome;
    out.frames = 0;
    out.bytes = 0;
    if (tse) {
      this.segmentReadyBase = readyTicks;
      const request = this.offload.segmentation(q, options);
      if (segmentTcp(frame, 0, length, request, this.segment, this.emitSegment) < 0) {
        out.frames = -1;
      }
      return out;
    }
    this.offload.insertChecksums(frame, length, options);
    out.frames = 1;
    out.bytes = this.stage(frame, 0, length, readyTicks);
    return out;
  }

  /** Drops everything staged (device reset). */
  reset(): void {
    this.staging.clear();
  }

  /** Moves staged frames into the packet buffer while it has room (as it drains). */
  private pump(): void {
    const staging = this.staging;
    for (let slot = staging.head(); slot >= 0; slot = staging.head()) {
      const length = staging.lengthOf(slot);
      if (!this.lane.fifo.fits(length)) return;
      const at = staging.contiguousOffset(slot, 0, length);
      const bytes = at >= 0 ? staging.store : staging.view(slot, 0, length, this.pumpScratch);
      this.lane.enqueue(bytes, Math.max(at, 0), length, 0, staging.arrivalTicks[slot]!);
      staging.pop();
    }
  }

  /**
   * Pads a short frame to the Ethernet minimum (in `bytes`, which has the room: TxDma's
   * frame or the segment buffer), hands it to the packet buffer or stages it behind what
   * is staged, and returns its length as sent.
   */
  private stage(bytes: Uint8Array, offset: number, length: number, readyTicks: Ticks): number {
    const padded = Math.max(length, MIN_FRAME_BYTES);
    if (padded > length) bytes.fill(0, offset + length, offset + padded);
    if (this.staging.count !== 0 || !this.lane.enqueue(bytes, offset, padded, 0, readyTicks)) {
      this.staging.push(bytes, offset, padded, readyTicks);
    }
    return padded;
  }
}

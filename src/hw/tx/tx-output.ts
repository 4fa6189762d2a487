import type { ClockDomain } from "../../kernel/clock-domain.js";
import { DOUBLE_FIELD_SEED, type Ticks } from "../../kernel/ticks.js";
import { FrameFifo } from "../mac/frame-fifo.js";
import type { WireLane } from "../mac/wire-lane.js";
import { MIN_FRAME_BYTES } from "../mac/wire-timing.js";
import { segmentTcp } from "../offload/lso.js";
import type { TxOffload } from "./tx-offload.js";

/** Bytes the LSO engine moves per core clock cycle (ours: 16 B at 250 MHz is 4 GB/s). */
const LSO_BYTES_PER_CYCLE = 16;
/** Segment staging: room for a largest send cut at a small MSS, replicated headers included. */
const STAGING_BYTES = 4 * 1024 * 1024;
/** The smallest MSS the device segments at (ours; smaller requests are refused). */
export const MIN_MSS = 64;
/** The largest frame staged: a non-segmented frame (16 KiB) or a jumbo segment. */
const MAX_STAGED_FRAME_BYTES = 16 * 1024 + 256;

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
  private readonly staging = new FrameFifo(STAGING_BYTES, 65_536);
  private readonly segment = new Uint8Array(MAX_STAGED_FRAME_BYTES);
  private readonly pumpScratch = new Uint8Array(MAX_STAGED_FRAME_BYTES);
  private readonly outcome: SendOutcome = { frames: 0, bytes: 0 };
  /** Seeded as a double (see DOUBLE_FIELD_SEED), then 0. */
  private segmentReadyBase: Ticks = DOUBLE_FIELD_SEED;
  private readonly emitSegment: (bytes: Uint8Array, offset: number, length: number) => void;

  constructor(clock: ClockDomain, lane: WireLane, offload: TxOffload) {
    this.clock = clock;
    this.lane = lane;
    this.offload = offload;
    this.segmentReadyBase = 0;
    this.emitSegment = (bytes, offset, segmentLength) => {
      // A short last segment is padded to the Ethernet minimum like any other frame (the
      // LSO engine emits into this.segment, which has the room).
      const length = Math.max(segmentLength, MIN_FRAME_BYTES);
      if (length > segmentLength) bytes.fill(0, offset + segmentLength, offset + length);
      const ready = this.clock.edgeAfterCycles(
        this.segmentReadyBase,
        Math.ceil(this.outcome.bytes / LSO_BYTES_PER_CYCLE),
      );
      this.outcome.frames++;
      this.outcome.bytes += length;
      this.stage(bytes, offset, length, ready);
    };
  }

  /** Frames staged, not yet in the packet buffer. */
  get stagedFrames(): number {
    return this.staging.count;
  }

  /**
   * Whether a gathered frame of `length` bytes can be taken now: "now", "later" (the
   * buffers must drain first) or "never" (a large send whose segments could never be
   * staged: it is refused).
   */
  canAccept(q: number, length: number, options: number, tse: boolean): "now" | "later" | "never" {
    if (tse) {
      const r = this.offload.segmentation(q, options);
      const headers = r.macHeaderBytes + r.ipHeaderBytes + r.tcpHeaderBytes;
      const payload = length - headers;
      if (r.mss < MIN_MSS || payload < 0) return "now"; // segmentTcp refuses it
      const segments = Math.max(1, Math.ceil(payload / r.mss));
      const needed = payload + segments * headers;
      if (needed > STAGING_BYTES || segments >= this.staging.maxFrames) return "never";
      // One large send at a time beyond the packet buffer: the next waits until this one's
      // segments have all moved on, so DMA never runs far ahead of the wire.
      return this.staging.count === 0 ? "now" : "later";
    }
    const padded = Math.max(length, MIN_FRAME_BYTES);
    return this.staging.count === 0 && this.lane.fifo.fits(padded) ? "now" : "later";
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
      if (request.mss < MIN_MSS) {
        out.frames = -1;
        return out;
      }
      const result = segmentTcp(frame, 0, length, request, this.segment, this.emitSegment);
      if (!result.ok) out.frames = -1;
      return out;
    }
    this.offload.insertChecksums(frame, length, options);
    const padded = Math.max(length, MIN_FRAME_BYTES);
    if (padded > length) frame.fill(0, length, padded);
    this.stage(frame, 0, padded, readyTicks);
    out.frames = 1;
    out.bytes = padded;
    return out;
  }

  /** Moves staged frames into the packet buffer while it has room (call when it drains). */
  pump(): void {
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

  /** Drops everything staged (device reset). */
  reset(): void {
    this.staging.clear();
  }

  private stage(bytes: Uint8Array, offset: number, length: number, readyTicks: Ticks): void {
    if (this.staging.count === 0 && this.lane.enqueue(bytes, offset, length, 0, readyTicks)) return;
    this.staging.push(bytes, offset, length, readyTicks);
  }
}

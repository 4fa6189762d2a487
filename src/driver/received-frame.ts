import type { Ticks } from "../kernel/ticks.js";

/** What the device's checksum check said about one header. */
export type ChecksumResult = "not-checked" | "good" | "bad";

/**
 * One received frame as the driver indicates it upward.
 *
 * Ownership, NDIS-style: everything here is lent for the duration of the `onReceive`
 * call and no longer. `bytes` is the driver's per-processor staging area, which holds
 * every frame of the batch (the frame is `bytes[offset, offset + length)`, the way the
 * device model passes frames: no view object per frame); the area, the record and the
 * array holding it are reused for the next batch. A receiver that keeps anything copies
 * it (`bytes.slice(offset, offset + length)`), the way an NDIS protocol must copy a
 * receive indicated with the resources flag before returning. The DMA buffer the device
 * wrote was already handed back to the ring when the frame was taken: a slow receiver
 * never starves the device of buffers.
 */
export interface ReceivedFrame {
  /** The staging area holding the frame (and the rest of its batch). */
  readonly bytes: Uint8Array;
  /** Where the frame starts in `bytes`: its Ethernet header. */
  readonly offset: number;
  /** The frame's bytes, Ethernet header to payload end, FCS excluded. */
  readonly length: number;
  /** The queue whose ring the frame arrived in. */
  readonly queue: number;
  /** The Toeplitz hash (0 when RSS did not hash the frame). */
  readonly rssHash: number;
  /** The RSS type code from the descriptor (0: not hashed; see the RSS_TYPE field). */
  readonly rssType: number;
  /** The receive filter that steered the frame to its queue, or -1 (default path, RSS). */
  readonly filterIndex: number;
  /** The descriptor's PKT_TYPE flags (IPv4, IPv6, TCP, UDP... as the parser found). */
  readonly packetType: number;
  readonly ipChecksum: ChecksumResult;
  /** TCP or UDP checksum (`l4IsUdp` says which was checked). */
  readonly l4Checksum: ChecksumResult;
  readonly l4IsUdp: boolean;
  /** The 802.1Q tag control information, or -1 when the frame was untagged. */
  readonly vlanTci: number;
  /** When the DPC took the frame from its ring (the driver cannot see arrival time). */
  readonly receivedAtTicks: Ticks;
  /** Descriptors (buffers) the frame used. */
  readonly descriptors: number;
}

/** The mutable record behind `ReceivedFrame`, reused from batch to batch. */
export class ReceivedFrameRecord implements ReceivedFrame {
  bytes: Uint8Array = EMPTY;
  offset = 0;
  length = 0;
  queue = 0;
  rssHash = 0;
  rssType = 0;
  filterIndex = -1;
  packetType = 0;
  ipChecksum: ChecksumResult = "not-checked";
  l4Checksum: ChecksumResult = "not-checked";
  l4IsUdp = false;
  vlanTci = -1;
  receivedAtTicks: Ticks = 0;
  descriptors = 0;
}

const EMPTY = new Uint8Array(0);

/**
 * Where a DPC puts the frames it takes from rings before indicating them: one growing
 * byte area per processor, reset at each batch. A processor runs one DPC at a time, so
 * nothing else writes it while a batch is lent out.
 */
export class ReceiveStaging {
  private store = new Uint8Array(64 * 2048);
  private used = 0;

  /** Starts a new batch: the room earlier frames took becomes free for reuse. */
  reset(): void {
    this.used = 0;
  }

  /**
   * Room for `length` bytes: returns the array and sets `offset`. When the area is full a
   * bigger one replaces it; records of the batch filled before keep the old one.
   */
  reserve(length: number): Uint8Array {
    if (this.used + length > this.store.length) {
      this.store = new Uint8Array(Math.max(2 * this.store.length, length));
      this.used = 0;
    }
    this.offset = this.used;
    this.used += length;
    return this.store;
  }

  /** Offset of the last reservation within the array `reserve` returned. */
  offset = 0;
}

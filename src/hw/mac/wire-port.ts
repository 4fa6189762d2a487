import type { Scheduler } from "../../kernel/scheduler.js";
import type { Ticks } from "../../kernel/ticks.js";
import { FLAG_BAD_FCS, WireLane, type WireSource } from "./wire-lane.js";

/** Frames the peer may have queued on the wire toward the NIC. */
const PEER_QUEUE_BYTES = 4 * 1024 * 1024;
const PEER_QUEUE_FRAMES = 65_536;

/** A tap's view of a frame on the wire: "rx" toward the NIC, "tx" from it. */
export type WireTap = (
  direction: "rx" | "tx",
  frame: Uint8Array,
  length: number,
  atTicks: Ticks,
) => void;

/**
 * The NIC's Ethernet port and the link to its peer. The peer (a traffic source, a test)
 * injects frames, which queue in the peer's transmitter and cross the wire at line rate;
 * frames the NIC sends cross at line rate too and are handed to the peer's receivers.
 * Taps (pcap, traces) see both directions as each frame's last bit arrives.
 */
export class WirePort {
  /** Toward the NIC: the peer's transmit queue and the wire. */
  readonly toNic: WireLane;
  /** From the NIC: the NIC's transmit packet buffer and the wire. */
  readonly fromNic: WireLane;
  readonly linkSpeedMbps: number;

  constructor(scheduler: Scheduler, linkSpeedMbps: number, txPacketBufferBytes: number) {
    this.linkSpeedMbps = linkSpeedMbps;
    this.toNic = new WireLane(
      scheduler,
      "wire.rx",
      linkSpeedMbps,
      PEER_QUEUE_BYTES,
      PEER_QUEUE_FRAMES,
    );
    this.fromNic = new WireLane(
      scheduler,
      "wire.tx",
      linkSpeedMbps,
      txPacketBufferBytes,
      Math.ceil(txPacketBufferBytes / 60),
    );
  }

  /**
   * The peer sends a frame (without FCS; `badFcs` marks its FCS corrupt). It queues behind
   * the peer's earlier frames. False when the peer's queue is full (the frame never left).
   */
  inject(frame: Uint8Array, offset: number, length: number, badFcs = false): boolean {
    return this.toNic.enqueue(frame, offset, length, badFcs ? FLAG_BAD_FCS : 0);
  }

  /**
   * The peer sends whatever `source` makes, back to back, whenever it has no injected
   * frame queued (null: stop pulling).
   */
  setPeerSource(source: WireSource | null): void {
    this.toNic.setSource(source);
  }

  /** Frames the peer has queued (or pulled from its source) that have not fully arrived yet. */
  get framesOnWire(): number {
    return this.toNic.framesQueued;
  }

  /** Adds a receiver of the frames the NIC sends. */
  onTransmit(receiver: (frame: Uint8Array, length: number, atTicks: Ticks) => void): void {
    this.fromNic.addConsumer((bytes, offset, length, _flags, at) =>
      receiver(bytes.subarray(offset, offset + length), length, at),
    );
  }

  /** Adds a tap on both directions. */
  tap(listener: WireTap): void {
    this.toNic.addConsumer((bytes, offset, length, _flags, at) =>
      listener("rx", bytes.subarray(offset, offset + length), length, at),
    );
    this.fromNic.addConsumer((bytes, offset, length, _flags, at) =>
      listener("tx", bytes.subarray(offset, offset + length), length, at),
    );
  }
}

import fc from "fast-check";
import type { RxClassifier } from "../../src/hw/mac/mac-rx.js";
import type { NicHarness } from "./nic-harness.js";

/**
 * Receive-side frames for the NIC model test: how the peer builds them, the fate Ethernet
 * gives each kind, and the ledger of every frame injected on the wire.
 */

/** Frames shorter than this (without FCS) are runts; longer than MAX_GOOD are oversize. */
export const MIN_GOOD_BYTES = 60;
export const MAX_GOOD_BYTES = 1514;
/** Where the frame carries its sequence number (big-endian u32) and its queue byte. */
export const SEQ_OFFSET = 14;
export const QUEUE_BYTE = 20;

export type RxFrameKind = "good" | "runt" | "oversize" | "badFcs";

/** What the peer sends: its length, the queue byte the classifier reads, a bad FCS. */
export interface RxFrameSpec {
  readonly length: number;
  /** The queue the frame is meant for. */
  readonly queue: number;
  /** Added (times the queue count) to the queue byte, so the classifier must reduce it. */
  readonly alias: number;
  readonly badFcs: boolean;
}

export interface InjectedFrame {
  readonly seq: number;
  readonly bytes: Uint8Array;
  readonly queue: number;
  readonly kind: RxFrameKind;
}

/** How the MAC treats a frame: the first rule that applies, as mac-rx orders them. */
export function rxFrameKind(length: number, badFcs: boolean): RxFrameKind {
  if (length < MIN_GOOD_BYTES) return "runt";
  if (length > MAX_GOOD_BYTES) return "oversize";
  return badFcs ? "badFcs" : "good";
}

/** A frame of `length` bytes (at least 40) carrying `seq` and `queueByte`. */
export function buildRxFrame(seq: number, length: number, queueByte: number): Uint8Array {
  const f = new Uint8Array(length);
  f.set([0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 2, 0x88, 0xb5]);
  new DataView(f.buffer).setUint32(SEQ_OFFSET, seq);
  for (let i = SEQ_OFFSET + 4; i < length; i++) f[i] = (seq * 31 + i * 7) & 0xff;
  f[QUEUE_BYTE] = queueByte;
  return f;
}

/** The test's stand-in for the packet engines: the queue is the queue byte modulo `queues`. */
export function queueByteClassifier(queues: number): RxClassifier {
  return (bytes, offset, _length, out) => {
    out.queue = bytes[offset + QUEUE_BYTE]! % queues;
  };
}

/** Frames of every kind; most for queue 0, where an unconfigured device sends everything. */
export function rxFrameSpec(queues: number): fc.Arbitrary<RxFrameSpec> {
  const length = fc.oneof(
    { weight: 8, arbitrary: fc.integer({ min: MIN_GOOD_BYTES, max: MAX_GOOD_BYTES }) },
    { weight: 2, arbitrary: fc.constantFrom(60, 61, 64, 1023, 1024, 1025, 1514, 2048) },
    { weight: 1, arbitrary: fc.integer({ min: 40, max: MIN_GOOD_BYTES - 1 }) },
    { weight: 1, arbitrary: fc.integer({ min: MAX_GOOD_BYTES + 1, max: 3000 }) },
  );
  const queue = fc.oneof(
    { weight: 3, arbitrary: fc.constant(0) },
    { weight: 2, arbitrary: fc.integer({ min: 0, max: queues - 1 }) },
  );
  return fc.record({
    length,
    queue,
    alias: fc.integer({ min: 0, max: Math.floor(255 / queues) - 1 }),
    badFcs: fc.oneof(
      { weight: 9, arbitrary: fc.constant(false) },
      { weight: 1, arbitrary: fc.constant(true) },
    ),
  });
}

/**
 * Every frame the peer injected, in order. The wire delivers in order, so the frames that
 * have reached the MAC are the first `injected - framesOnWire`; the ledger counts the
 * drops Ethernet owes for those.
 */
export class WireLedger {
  readonly frames: InjectedFrame[] = [];
  readonly queues: number;
  /** Rejections the MAC owes for the frames that have arrived. */
  readonly rejected = { runt: 0, oversize: 0, badFcs: 0 };
  private arrivedCount = 0;

  constructor(queues: number) {
    this.queues = queues;
  }

  inject(h: NicHarness, spec: RxFrameSpec): InjectedFrame {
    const seq = this.frames.length;
    const bytes = buildRxFrame(seq, spec.length, spec.queue + spec.alias * this.queues);
    const frame: InjectedFrame = {
      seq,
      bytes,
      queue: spec.queue,
      kind: rxFrameKind(spec.length, spec.badFcs),
    };
    if (!h.nic.wire.inject(bytes, 0, bytes.length, spec.badFcs)) {
      throw new Error(`the peer's queue refused frame ${seq}`);
    }
    this.frames.push(frame);
    return frame;
  }

  /** Brings the arrival count up to date; returns how many frames have reached the MAC. */
  arrived(h: NicHarness): number {
    const arrived = this.frames.length - h.nic.wire.framesOnWire;
    if (arrived < this.arrivedCount) throw new Error("the wire un-delivered frames");
    for (; this.arrivedCount < arrived; this.arrivedCount++) {
      const kind = this.frames[this.arrivedCount]!.kind;
      if (kind !== "good") this.rejected[kind]++;
    }
    return arrived;
  }
}

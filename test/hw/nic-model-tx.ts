import fc from "fast-check";
import { outcome } from "../support/model-test.js";
import type { NicHarness } from "./nic-harness.js";
import { hex, type ObservedFault } from "./nic-model-rx.js";

/**
 * The transmit half of the model driver: per queue, the ring it programmed, the frames it
 * posted (each one or several descriptors, RS on the last), and the frames it expects on
 * the wire, in order, byte for byte, padded to 60 bytes.
 */

const DESC_BYTES = 16;
const DTALEN_MASK = 0xffff;
const CMD_EOP = 1 << 24;
const CMD_RS = 1 << 27;
const CMD_DEXT = 1 << 29;
const DTYP_DATA = 3 << 20;
/** TX_DATA.STA_DD, in dword 3. */
const STA_DD = 1;
const MIN_FRAME_BYTES = 60;
/** The largest frame the device sends; longer ones are refused (TXDERR). */
const TX_MAX_FRAME_BYTES = 16 * 1024;

export type TxStatus = "off" | "on" | "poisoned" | "faulted";

/** What becomes of a posted frame. */
export type TxFate = "send" | "refuse" | "fault";

export interface TxFrameSpec {
  readonly length: number;
  /** Descriptors (buffers) the frame is split over. */
  readonly descs: number;
  /** A frame the device must refuse: over 16 KiB, or with a zero-length buffer. */
  readonly bad: "none" | "oversize" | "zero-length";
}

interface TxFrame {
  readonly q: number;
  readonly seq: number;
  readonly bytes: Uint8Array;
  readonly fate: TxFate;
  /** Where its descriptors are, and how many. */
  readonly first: number;
  readonly descs: number;
}

interface TxRing {
  readonly base: number;
  readonly size: number;
  /** The driver's tail (one past its last descriptor written) and what TDT holds. */
  tail: number;
  tdt: number;
  /** Frames posted and not yet reaped, oldest first. */
  readonly outstanding: TxFrame[];
}

interface TxQueue {
  ring: TxRing | null;
  status: TxStatus;
  enableReads: boolean;
  /** Every frame posted for sending, in order, and how many of them the wire has seen. */
  readonly expected: Uint8Array[];
  sent: number;
  /** Frames of each fate reaped (their DD seen). */
  reapedSend: number;
  reapedRefused: number;
  /** The address of the unmapped buffer of the poisoned frame. */
  poison: number | null;
  /** QPTC once the queue has stopped: it may not move until the queue is enabled again. */
  frozenQptc: number | null;
}

export class TxDriver {
  readonly queues: TxQueue[];
  /** Frames the wire has carried from the NIC. */
  sentTotal = 0;
  /** Refused frames posted (each must be counted once in TXDERR). */
  refusedPosted = 0;
  faults = 0;
  private seq = 0;

  constructor(h: NicHarness, queues: number) {
    this.queues = Array.from({ length: queues }, () => ({
      ring: null,
      status: "off" as TxStatus,
      enableReads: false,
      expected: [],
      sent: 0,
      reapedSend: 0,
      reapedRefused: 0,
      poison: null,
      frozenQptc: 0,
    }));
    h.nic.wire.onTransmit((frame, length) => this.onWire(frame, length));
  }

  q(q: number): TxQueue {
    return this.queues[q]!;
  }

  canProgram(q: number): boolean {
    return !this.q(q).enableReads;
  }

  /** Every frame on the wire must be the next one its queue (byte 0) expects. */
  private onWire(frame: Uint8Array, length: number): void {
    const q = frame[0]!;
    const queue = this.queues[q];
    if (queue === undefined) throw new Error(`tx: a frame from no queue (byte 0 = ${q})`);
    const want = queue.expected[queue.sent];
    if (want === undefined) throw new Error(`tx${q}: frame ${queue.sent} sent but never posted`);
    const padded = Math.max(want.length, MIN_FRAME_BYTES);
    let same = length === padded;
    for (let i = 0; same && i < length; i++) same = frame[i] === (i < want.length ? want[i] : 0);
    if (!same) throw new Error(`tx${q}: frame ${queue.sent} differs on the wire (${length} bytes)`);
    queue.sent++;
    this.sentTotal++;
    outcome(want.length < MIN_FRAME_BYTES ? "tx frame padded" : "tx frame sent");
  }

  program(h: NicHarness, q: number, size: number): void {
    const queue = this.q(q);
    if (queue.ring !== null) {
      // Take back what the old ring completed; every frame meant for sending must have.
      this.reap(h, q);
      for (const f of queue.ring.outstanding) {
        if (f.fate === "send") throw new Error(`tx${q}: frame ${f.seq} never completed`);
      }
    }
    const base = h.memory.alloc(size * DESC_BYTES);
    h.write("TDBAL", base % 2 ** 32, q);
    h.write("TDBAH", Math.floor(base / 2 ** 32), q);
    h.write("TDLEN", size * DESC_BYTES, q);
    h.write("TDH", 0, q);
    h.write("TDT", 0, q);
    h.write("TXDCTL", h.mask("TXDCTL", "ENABLE"), q);
    const ctl = h.read("TXDCTL", q);
    if ((ctl & h.mask("TXDCTL", "ENABLE")) === 0 || (ctl & h.mask("TXDCTL", "FAULT")) !== 0) {
      throw new Error(`tx${q}: TXDCTL ${hex(ctl)} right after enabling`);
    }
    queue.ring = { base, size, tail: 0, tdt: 0, outstanding: [] };
    queue.status = "on";
    queue.enableReads = true;
    queue.poison = null;
    queue.frozenQptc = null;
  }

  freeSlots(q: number): number {
    const ring = this.q(q).ring;
    if (ring === null) return 0;
    const first = ring.outstanding[0];
    const ntc = first === undefined ? ring.tail : first.first;
    return (ntc - ring.tail - 1 + 2 * ring.size) % ring.size;
  }

  /**
   * Posts frames (as many as fit) and writes TDT. With `splitTail`, TDT stops inside the
   * last frame (before its EOP descriptor) until the next post. With `poison`, the last
   * frame's first buffer is at an unmapped address: the queue must fault on it.
   */
  post(
    h: NicHarness,
    q: number,
    specs: readonly TxFrameSpec[],
    splitTail: boolean,
    poison?: number,
  ): number {
    const queue = this.q(q);
    const ring = queue.ring;
    if (ring === null) return 0;
    let posted = 0;
    let eopDesc = -1;
    for (let k = 0; k < specs.length; k++) {
      const spec = specs[k]!;
      const poisoned = poison !== undefined && k === specs.length - 1;
      const descs = Math.min(spec.descs, spec.length);
      if (descs > this.freeSlots(q)) break;
      const fate: TxFate = poisoned ? "fault" : spec.bad === "none" ? "send" : "refuse";
      const bytes = txFrameBytes(q, this.seq, spec.length);
      const buffer = h.memory.alloc(spec.length);
      h.memory.write(buffer, bytes, 0, bytes.length);
      const first = ring.tail;
      let offset = 0;
      for (let d = 0; d < descs; d++) {
        const last = d === descs - 1;
        const chunk = last ? spec.length - offset : Math.floor(spec.length / descs);
        const dtalen = spec.bad === "zero-length" && d === 0 ? 0 : chunk;
        const address = poisoned && d === 0 ? poison : buffer + offset;
        const cmd = CMD_DEXT | DTYP_DATA | (last ? CMD_EOP | CMD_RS : 0) | (dtalen & DTALEN_MASK);
        const at = ring.base + ring.tail * DESC_BYTES;
        h.memory.writeU64(at, address);
        h.memory.writeU32(at + 8, cmd >>> 0);
        h.memory.writeU32(at + 12, 0);
        offset += chunk;
        if (last) eopDesc = ring.tail;
        ring.tail = (ring.tail + 1) % ring.size;
      }
      const frame: TxFrame = { q, seq: this.seq++, bytes, fate, first, descs };
      ring.outstanding.push(frame);
      if (fate === "send") queue.expected.push(bytes);
      if (fate === "refuse") this.refusedPosted++;
      if (poisoned) {
        queue.status = "poisoned";
        queue.poison = poison;
      }
      posted++;
    }
    const lastFrame = ring.outstanding[ring.outstanding.length - 1];
    const split =
      splitTail &&
      poison === undefined &&
      posted > 0 &&
      lastFrame !== undefined &&
      lastFrame.descs > 1;
    const tdt = split ? eopDesc : ring.tail;
    if (split) outcome("tx tail written inside a frame");
    if (tdt !== ring.tdt) {
      h.write("TDT", tdt, q);
      ring.tdt = tdt;
    }
    return posted;
  }

  /** Writes TDT up to the driver's tail (finishing a split post). */
  flushTail(h: NicHarness, q: number): void {
    const ring = this.q(q).ring;
    if (ring === null || ring.tdt === ring.tail || this.q(q).status === "off") return;
    h.write("TDT", ring.tail, q);
    ring.tdt = ring.tail;
  }

  /** Takes back every frame whose last descriptor has DD, oldest first. Returns how many. */
  reap(h: NicHarness, q: number): number {
    const ring = this.q(q).ring;
    if (ring === null) return 0;
    let n = 0;
    for (;;) {
      const f = ring.outstanding[0];
      if (f === undefined) break;
      const lastAt = ring.base + ((f.first + f.descs - 1) % ring.size) * DESC_BYTES;
      if ((h.memory.readU32(lastAt + 12) & STA_DD) === 0) break;
      if (f.fate === "fault") throw new Error(`tx${q}: DD on the frame with an unmapped buffer`);
      if (f.fate === "send") this.q(q).reapedSend++;
      else this.q(q).reapedRefused++;
      ring.outstanding.shift();
      n++;
    }
    return n;
  }

  /** Reads each queue's TXDCTL; returns faults first seen now. */
  observe(h: NicHarness): ObservedFault[] {
    const faults: ObservedFault[] = [];
    for (let q = 0; q < this.queues.length; q++) {
      const queue = this.q(q);
      const ctl = h.peek("TXDCTL", q);
      const enabled = (ctl & h.mask("TXDCTL", "ENABLE")) !== 0;
      const faulted = (ctl & h.mask("TXDCTL", "FAULT")) !== 0;
      if (faulted && queue.status !== "faulted") {
        if (queue.status !== "poisoned") throw new Error(`tx${q}: FAULT while ${queue.status}`);
        queue.status = "faulted";
        this.faults++;
        outcome(enabled ? "tx fault with frames in flight" : "tx fault");
        faults.push({ tx: true, queue: q, poison: queue.poison === null ? [] : [queue.poison] });
      } else if (!faulted && queue.status === "faulted") {
        throw new Error(`tx${q}: FAULT cleared by itself`);
      }
      if ((queue.status === "on" || queue.status === "poisoned") && !enabled) {
        throw new Error(`tx${q}: stopped by itself`);
      }
      if (queue.status === "off" && enabled) throw new Error(`tx${q}: enabled by itself`);
      if (!queue.enableReads && enabled) throw new Error(`tx${q}: ENABLE reads 1 again`);
      queue.enableReads = enabled;
      if (!enabled) {
        const qptc = h.peek("QPTC", q);
        queue.frozenQptc ??= qptc;
        if (qptc !== queue.frozenQptc) {
          throw new Error(`tx${q}: QPTC moved from ${queue.frozenQptc} to ${qptc} while stopped`);
        }
      }
    }
    return faults;
  }

  /**
   * Ring invariants: TDH and TDT in the ring, TDT as written; DD on the last descriptor of
   * every frame before TDH and on no descriptor from TDH to TDT; QPTC counting exactly the
   * completed frames meant for sending, TXDERR the refused ones issued; GPTC between the
   * frames the wire has carried and those plus the frames waiting in the transmit buffer.
   */
  check(h: NicHarness): void {
    let qptcSum = 0;
    let refusedDone = 0;
    for (let q = 0; q < this.queues.length; q++) {
      const queue = this.q(q);
      const qptc = h.peek("QPTC", q);
      qptcSum += qptc;
      const ring = queue.ring;
      let completedSend = queue.reapedSend;
      refusedDone += queue.reapedRefused;
      if (ring !== null) {
        const size = ring.size;
        const tdh = h.peek("TDH", q);
        const tdt = h.peek("TDT", q);
        if (tdh >= size || tdt >= size) throw new Error(`tx${q}: TDH ${tdh} TDT ${tdt} / ${size}`);
        if (tdt !== ring.tdt) throw new Error(`tx${q}: TDT ${tdt}, driver wrote ${ring.tdt}`);
        const ntc = ring.outstanding[0]?.first ?? ring.tail;
        const done = (tdh - ntc + size) % size;
        const owned = (tdt - ntc + size) % size;
        if (done > owned) throw new Error(`tx${q}: TDH ${tdh} outside ${ntc}..TDT ${tdt}`);
        for (let i = done; i < owned; i++) {
          const at = ring.base + ((ntc + i) % size) * DESC_BYTES;
          if ((h.memory.readU32(at + 12) & STA_DD) !== 0) {
            throw new Error(`tx${q}: DD on slot ${(ntc + i) % size}, owned by the device`);
          }
        }
        let seen = 0;
        for (const f of ring.outstanding) {
          seen += f.descs;
          const lastAt = ring.base + ((f.first + f.descs - 1) % size) * DESC_BYTES;
          const dd = (h.memory.readU32(lastAt + 12) & STA_DD) !== 0;
          if (dd !== seen <= done) {
            throw new Error(`tx${q}: frame ${f.seq} DD ${+dd} with TDH ${tdh}`);
          }
          if (dd && f.fate === "send") completedSend++;
          if (dd && f.fate === "refuse") refusedDone++;
        }
      } else if (qptc !== 0) throw new Error(`tx${q}: QPTC ${qptc} on a queue never enabled`);
      if (qptc !== completedSend) {
        throw new Error(`tx${q}: QPTC ${qptc} but ${completedSend} frames completed`);
      }
      if (queue.sent > completedSend) {
        throw new Error(`tx${q}: ${queue.sent} frames on the wire, ${completedSend} completed`);
      }
    }
    const gptc = h.peek("GPTC");
    if (qptcSum !== gptc) throw new Error(`sum of QPTC ${qptcSum} != GPTC ${gptc}`);
    const inBuffer = h.nic.wire.fromNic.fifo.count;
    if (gptc < this.sentTotal || gptc > this.sentTotal + inBuffer) {
      throw new Error(`GPTC ${gptc}: ${this.sentTotal} sent, ${inBuffer} in the transmit buffer`);
    }
    const txderr = h.peek("TXDERR");
    if (txderr < refusedDone || txderr > this.refusedPosted) {
      throw new Error(`TXDERR ${txderr}: ${refusedDone} refused done of ${this.refusedPosted}`);
    }
  }

  /** After the final drain: every frame posted for sending went out, refused ones counted. */
  checkDrained(h: NicHarness): void {
    for (let q = 0; q < this.queues.length; q++) {
      const queue = this.q(q);
      if (queue.sent !== queue.expected.length) {
        throw new Error(`tx${q}: ${queue.sent} of ${queue.expected.length} frames sent`);
      }
      if (queue.status === "poisoned") throw new Error(`tx${q}: never faulted on its poison`);
    }
    if (h.peek("GPTC") !== this.sentTotal) throw new Error("GPTC differs from frames sent");
    if (h.peek("TXDERR") !== this.refusedPosted) throw new Error("TXDERR differs from refusals");
  }
}

/** Frame contents: byte 0 names the queue (the wire check relies on it), then the sequence. */
export function txFrameBytes(q: number, seq: number, length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = (seq * 13 + i * 29 + 1) & 0xff;
  bytes[0] = q;
  if (length >= 5) new DataView(bytes.buffer).setUint32(1, seq);
  return bytes;
}

export const txFrameSpec: fc.Arbitrary<TxFrameSpec> = fc.oneof(
  {
    weight: 10,
    arbitrary: fc.record({
      length: fc.oneof(
        fc.integer({ min: 1, max: 1514 }),
        fc.integer({ min: 1, max: 59 }),
        fc.integer({ min: 1515, max: 9000 }),
      ),
      descs: fc.integer({ min: 1, max: 4 }),
      bad: fc.constant("none" as const),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      length: fc.integer({ min: TX_MAX_FRAME_BYTES + 1, max: 20_000 }),
      descs: fc.integer({ min: 2, max: 4 }),
      bad: fc.constant("oversize" as const),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      length: fc.integer({ min: 2, max: 200 }),
      descs: fc.integer({ min: 1, max: 3 }),
      bad: fc.constant("zero-length" as const),
    }),
  },
);

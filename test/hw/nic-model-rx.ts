import { TICKS_PER_US } from "../../src/kernel/ticks.js";
import { outcome } from "../support/model-test.js";
import type { NicHarness } from "./nic-harness.js";
import { SEQ_OFFSET, type WireLedger } from "./nic-model-frames.js";

/**
 * The receive half of the model driver: per queue, the ring it programmed, the buffers it
 * posted, its next-to-clean pointer, and what it expects of the device. Everything goes
 * through MMIO and host memory; device internals are read only where the reference makes
 * a promise about them (the drain of a disabled queue) and never written.
 */

/** Write-back status bits (dword 2) and the length field (dword 3), per the reference. */
const DD = 1 << 0;
const EOP = 1 << 1;
const PKT_LEN_MASK = 0xffff;
const DESC_BYTES = 16;
/** How long a queue asked to stop may keep ENABLE at 1 (its frames in flight landing). */
const MAX_DRAIN_TICKS = 50 * TICKS_PER_US;

export type RxStatus = "off" | "on" | "draining" | "faulted";

export interface RxRingParams {
  readonly descriptors: number;
  readonly bufferKib: number;
  readonly dropEnable: boolean;
  readonly wthresh: number;
  /** Descriptor prefetch threshold (0: the device's default). */
  readonly pthresh: number;
}

interface RxRing extends RxRingParams {
  readonly base: number;
  readonly buffers: number[];
  /** Slots whose descriptor points at unmapped memory, and the address. */
  readonly poison: Map<number, number>;
  /** The driver's next descriptor to clean (the oldest it has not taken back). */
  ntc: number;
  /** The driver's tail: one past the last descriptor posted (what it wrote to RDT). */
  tail: number;
}

interface RxQueue {
  ring: RxRing | null;
  status: RxStatus;
  /** RXDCTL.ENABLE and FAULT as last read. */
  enableReads: boolean;
  faultReads: boolean;
  /** Frames the driver has taken from this queue's rings. */
  collected: number;
  lastSeq: number;
  /** When the driver cleared ENABLE: QPRC then and the descriptors then in flight. */
  stop: { qprc: number; inflightDescs: number; atTicks: number } | null;
  /** QPRC once the queue has stopped: it may not move until the queue is enabled again. */
  frozenQprc: number | null;
}

/** One fault the driver observed: the queue and the addresses it had poisoned. */
export interface ObservedFault {
  readonly tx: boolean;
  readonly queue: number;
  readonly poison: readonly number[];
}

export class RxDriver {
  readonly queues: RxQueue[];
  /** Sequence numbers of every frame collected, to catch duplicates. */
  readonly collectedSeqs = new Set<number>();
  /** Faults observed on receive queues since construction. */
  faults = 0;
  private readonly ledger: WireLedger;

  constructor(queues: number, ledger: WireLedger) {
    this.ledger = ledger;
    this.queues = Array.from({ length: queues }, () => ({
      ring: null,
      status: "off" as RxStatus,
      enableReads: false,
      faultReads: false,
      collected: 0,
      lastSeq: -1,
      stop: null,
      frozenQprc: 0,
    }));
  }

  q(q: number): RxQueue {
    return this.queues[q]!;
  }

  /** True when the driver may (re)program the queue: it has stopped. */
  canProgram(q: number): boolean {
    return !this.q(q).enableReads;
  }

  /** Programs queue q's ring and enables it, after taking back what the old ring holds. */
  program(h: NicHarness, q: number, p: RxRingParams): void {
    const queue = this.q(q);
    if (queue.ring !== null) {
      this.poll(h, q, false);
      const left = this.framesInRing(h, queue.ring);
      if (left !== 0) throw new Error(`rx${q}: ${left} written frames never reported (no DD)`);
    }
    if (queue.collected !== h.peek("QPRC", q)) {
      throw new Error(`rx${q}: QPRC ${h.peek("QPRC", q)} but the driver took ${queue.collected}`);
    }
    const base = h.memory.alloc(p.descriptors * DESC_BYTES);
    const buffers = Array.from({ length: p.descriptors }, () => h.memory.alloc(p.bufferKib * 1024));
    h.write("RDBAL", base % 2 ** 32, q);
    h.write("RDBAH", Math.floor(base / 2 ** 32), q);
    h.write("RDLEN", p.descriptors * DESC_BYTES, q);
    h.write("SRRCTL", p.bufferKib | (p.dropEnable ? h.mask("SRRCTL", "DROP_EN") : 0), q);
    h.write("RDH", 0, q);
    h.write("RDT", 0, q);
    h.write("RXDCTL", h.mask("RXDCTL", "ENABLE") | (p.wthresh << 16) | p.pthresh, q);
    const ctl = h.read("RXDCTL", q);
    if ((ctl & h.mask("RXDCTL", "ENABLE")) === 0 || (ctl & h.mask("RXDCTL", "FAULT")) !== 0) {
      throw new Error(`rx${q}: RXDCTL ${hex(ctl)} right after enabling`);
    }
    if (h.read("RDH", q) !== 0) throw new Error(`rx${q}: RDH not 0 after enabling`);
    queue.ring = { ...p, base, buffers, poison: new Map(), ntc: 0, tail: 0 };
    queue.status = "on";
    queue.enableReads = true;
    queue.faultReads = false;
    queue.stop = null;
    queue.frozenQprc = null;
  }

  /** Free slots the driver may post (one always stays unused). */
  freeSlots(q: number): number {
    const ring = this.q(q).ring;
    if (ring === null) return 0;
    return (ring.ntc - ring.tail - 1 + 2 * ring.descriptors) % ring.descriptors;
  }

  /**
   * Posts up to `count` buffers (as many as there are free slots) and writes RDT. With
   * `poison`, the descriptor at position `at` (modulo the number posted) points at
   * `address`, which no allocation maps. Returns how many were posted.
   */
  post(h: NicHarness, q: number, count: number, poison?: { at: number; address: number }): number {
    const ring = this.q(q).ring;
    if (ring === null) return 0;
    const n = Math.min(count, this.freeSlots(q));
    for (let i = 0; i < n; i++) {
      const slot = ring.tail;
      let buffer = ring.buffers[slot]!;
      if (poison !== undefined && i === poison.at % n) {
        buffer = poison.address;
        ring.poison.set(slot, buffer);
      } else ring.poison.delete(slot);
      const at = ring.base + slot * DESC_BYTES;
      h.memory.writeU64(at, buffer);
      h.memory.writeU64(at + 8, 0);
      ring.tail = (slot + 1) % ring.descriptors;
    }
    if (n > 0) h.write("RDT", ring.tail, q);
    return n;
  }

  /**
   * The driver's receive poll: takes back every complete frame (descriptors with DD up to
   * one with EOP) from its next-to-clean pointer, checks it, clears the descriptors and,
   * with `repost`, posts buffers in every free slot. Returns the frames taken.
   */
  poll(h: NicHarness, q: number, repost: boolean): number {
    const queue = this.q(q);
    const ring = queue.ring;
    if (ring === null) return 0;
    let frames = 0;
    for (;;) {
      const slots = this.completeFrameAt(h, ring);
      if (slots === null) break;
      this.takeFrame(h, q, ring, slots);
      frames++;
    }
    if (repost && queue.status === "on") this.post(h, q, ring.descriptors);
    return frames;
  }

  /** The slots of the complete frame at ntc, or null if there is none (yet). */
  private completeFrameAt(h: NicHarness, ring: RxRing): number[] | null {
    const slots: number[] = [];
    for (let slot = ring.ntc; slot !== ring.tail; slot = (slot + 1) % ring.descriptors) {
      const status = h.memory.readU32(ring.base + slot * DESC_BYTES + 8);
      if ((status & DD) === 0) return null;
      slots.push(slot);
      if ((status & EOP) !== 0) return slots;
    }
    return null;
  }

  private takeFrame(h: NicHarness, q: number, ring: RxRing, slots: number[]): void {
    const queue = this.q(q);
    const bufferBytes = ring.bufferKib * 1024;
    const lengths = slots.map((slot, i) => {
      const at = ring.base + slot * DESC_BYTES;
      const w0 = h.memory.readU32(at);
      const w1 = h.memory.readU32(at + 4);
      const w2 = h.memory.readU32(at + 8);
      const w3 = h.memory.readU32(at + 12);
      const last = i === slots.length - 1;
      const len = w3 & PKT_LEN_MASK;
      if (w0 !== 0 || w1 !== 0 || w2 !== (last ? DD | EOP : DD) || w3 >>> 16 !== 0) {
        throw new Error(`rx${q} slot ${slot}: write-back ${[w0, w1, w2, w3].map(hex)}`);
      }
      if (ring.poison.has(slot)) throw new Error(`rx${q} slot ${slot}: DD on a poisoned buffer`);
      if (last ? len < 1 || len > bufferBytes : len !== bufferBytes) {
        throw new Error(`rx${q} slot ${slot}: PKT_LEN ${len} with ${bufferBytes}-byte buffers`);
      }
      return len;
    });
    const total = lengths.reduce((a, b) => a + b, 0);
    const bytes = new Uint8Array(total);
    let offset = 0;
    slots.forEach((slot, i) => {
      h.memory.read(ring.buffers[slot]!, bytes, offset, lengths[i]!);
      offset += lengths[i]!;
    });
    const seq = total >= SEQ_OFFSET + 4 ? new DataView(bytes.buffer).getUint32(SEQ_OFFSET) : -1;
    const sent = this.ledger.frames[seq];
    if (sent === undefined) throw new Error(`rx${q}: received a frame nobody sent (seq ${seq})`);
    if (this.collectedSeqs.has(seq)) throw new Error(`rx${q}: frame ${seq} received twice`);
    if (sent.kind !== "good") throw new Error(`rx${q}: received ${sent.kind} frame ${seq}`);
    if (sent.queue !== q) throw new Error(`rx${q}: frame ${seq} was for queue ${sent.queue}`);
    if (!equalBytes(bytes, sent.bytes)) throw new Error(`rx${q}: frame ${seq} corrupted`);
    if (seq <= queue.lastSeq) throw new Error(`rx${q}: frame ${seq} after ${queue.lastSeq}`);
    this.collectedSeqs.add(seq);
    queue.lastSeq = seq;
    queue.collected++;
    outcome("rx frame received");
    if (slots.length > 1) outcome("rx frame over several descriptors");
    for (const slot of slots) {
      const at = ring.base + slot * DESC_BYTES;
      h.memory.writeU64(at, 0);
      h.memory.writeU64(at + 8, 0);
    }
    ring.ntc = (slots[slots.length - 1]! + 1) % ring.descriptors;
  }

  /** True when the driver may clear ENABLE: the queue runs, or a fault stopped it. */
  canDisable(q: number): boolean {
    const status = this.q(q).status;
    return status === "on" || (status === "faulted" && this.q(q).faultReads);
  }

  /**
   * Clears ENABLE; ENABLE must keep reading 1 exactly while frames are in flight, and
   * FAULT must read 0 (clearing ENABLE clears it).
   */
  disable(h: NicHarness, q: number): void {
    const queue = this.q(q);
    const enable = h.mask("RXDCTL", "ENABLE");
    const ctl = h.read("RXDCTL", q);
    // The one device-internal read: the reference promises ENABLE reads 1 until the frames
    // in flight land, and only the device knows whether there are any.
    const inflightDescs = h.nic.rxQueues.inflight[q]!;
    const qprc = h.peek("QPRC", q);
    h.write("RXDCTL", ctl & ~enable, q);
    const ctlAfter = h.read("RXDCTL", q);
    const after = (ctlAfter & enable) !== 0;
    if (after !== inflightDescs > 0) {
      throw new Error(`rx${q}: ENABLE reads ${+after} with ${inflightDescs} descriptors in flight`);
    }
    if ((ctlAfter & h.mask("RXDCTL", "FAULT")) !== 0) {
      throw new Error(`rx${q}: FAULT still reads 1 after clearing ENABLE`);
    }
    if (queue.status === "on") queue.stop = { qprc, inflightDescs, atTicks: h.now };
    if (after) outcome("rx disable with frames in flight");
    if (queue.status === "faulted") outcome("rx fault cleared by clearing ENABLE");
    queue.status = "draining";
    queue.enableReads = after;
    queue.faultReads = false;
    this.observeQueue(h, q, []);
  }

  /** Reads each queue's RXDCTL and updates what the driver knows; returns new faults. */
  observe(h: NicHarness): ObservedFault[] {
    const faults: ObservedFault[] = [];
    for (let q = 0; q < this.queues.length; q++) this.observeQueue(h, q, faults);
    return faults;
  }

  private observeQueue(h: NicHarness, q: number, faults: ObservedFault[]): void {
    const queue = this.q(q);
    const ctl = h.peek("RXDCTL", q);
    const enabled = (ctl & h.mask("RXDCTL", "ENABLE")) !== 0;
    const faulted = (ctl & h.mask("RXDCTL", "FAULT")) !== 0;
    const qprc = h.peek("QPRC", q);
    if (faulted && !queue.faultReads) {
      if (queue.status !== "on") throw new Error(`rx${q}: FAULT while ${queue.status}`);
      queue.status = "faulted";
      queue.stop = { qprc, inflightDescs: Number.POSITIVE_INFINITY, atTicks: h.now };
      this.faults++;
      outcome(enabled ? "rx fault with frames in flight" : "rx fault");
      faults.push({ tx: false, queue: q, poison: [...(queue.ring?.poison.values() ?? [])] });
    } else if (!faulted && queue.faultReads) {
      throw new Error(`rx${q}: FAULT cleared by itself`);
    }
    queue.faultReads = faulted;
    if (queue.status === "on" && !enabled) throw new Error(`rx${q}: stopped by itself`);
    if (queue.status === "off" && enabled) throw new Error(`rx${q}: ENABLE back without a write`);
    if (queue.status === "draining" && !enabled) queue.status = "off";
    if (!queue.enableReads && enabled) throw new Error(`rx${q}: ENABLE reads 1 again`);
    queue.enableReads = enabled;
    const stop = queue.stop;
    if (stop !== null) {
      if (qprc - stop.qprc > stop.inflightDescs) {
        throw new Error(`rx${q}: ${qprc - stop.qprc} frames landed after ENABLE was cleared`);
      }
      if (enabled && h.now - stop.atTicks > MAX_DRAIN_TICKS) {
        throw new Error(
          `rx${q}: ENABLE still reads 1 ${h.now - stop.atTicks} ticks after stopping`,
        );
      }
    }
    if (!enabled && queue.status !== "on") {
      queue.frozenQprc ??= qprc;
      if (qprc !== queue.frozenQprc) {
        throw new Error(`rx${q}: QPRC moved from ${queue.frozenQprc} to ${qprc} while stopped`);
      }
    }
  }

  /** Frames written to queue q's ring and not taken back yet. */
  framesLeft(h: NicHarness, q: number): number {
    const ring = this.q(q).ring;
    return ring === null ? 0 : this.framesInRing(h, ring);
  }

  /** Frames written to the ring and not taken back: descriptors with EOP in [ntc, tail). */
  private framesInRing(h: NicHarness, ring: RxRing): number {
    let n = 0;
    for (let slot = ring.ntc; slot !== ring.tail; slot = (slot + 1) % ring.descriptors) {
      if ((h.memory.readU32(ring.base + slot * DESC_BYTES + 8) & EOP) !== 0) n++;
    }
    return n;
  }

  /**
   * Ring invariants: RDH and RDT in the ring, RDT as the driver wrote it, RDH between the
   * driver's next-to-clean and its tail; DD on every descriptor from ntc to RDH and on
   * none the device still owns (RDH to RDT); every frame QPRC counts either taken by the
   * driver or waiting in the ring; QPRC summing to GPRC.
   */
  check(h: NicHarness): void {
    let qprcSum = 0;
    for (let q = 0; q < this.queues.length; q++) {
      const queue = this.q(q);
      const qprc = h.peek("QPRC", q);
      qprcSum += qprc;
      const ring = queue.ring;
      if (ring === null) {
        if (qprc !== 0) throw new Error(`rx${q}: QPRC ${qprc} on a queue never enabled`);
        continue;
      }
      const size = ring.descriptors;
      const rdh = h.peek("RDH", q);
      const rdt = h.peek("RDT", q);
      if (rdh >= size || rdt >= size) throw new Error(`rx${q}: RDH ${rdh} RDT ${rdt} ring ${size}`);
      if (rdt !== ring.tail) throw new Error(`rx${q}: RDT ${rdt}, driver wrote ${ring.tail}`);
      const done = (rdh - ring.ntc + size) % size;
      const posted = (ring.tail - ring.ntc + size) % size;
      if (done > posted) {
        throw new Error(`rx${q}: RDH ${rdh} outside ntc ${ring.ntc}..tail ${ring.tail}`);
      }
      for (let i = 0; i < posted; i++) {
        const slot = (ring.ntc + i) % size;
        const dd = (h.memory.readU32(ring.base + slot * DESC_BYTES + 8) & DD) !== 0;
        if (i < done && !dd) throw new Error(`rx${q}: no DD on slot ${slot}, behind RDH ${rdh}`);
        if (i >= done && dd) throw new Error(`rx${q}: DD on slot ${slot}, owned by the device`);
      }
      const waiting = this.framesInRing(h, ring);
      if (queue.collected + waiting !== qprc) {
        throw new Error(
          `rx${q}: QPRC ${qprc}, but ${queue.collected} taken and ${waiting} in the ring`,
        );
      }
    }
    const gprc = h.peek("GPRC");
    if (qprcSum !== gprc) throw new Error(`sum of QPRC ${qprcSum} != GPRC ${gprc}`);
  }
}

export function hex(v: number): string {
  return `0x${(v >>> 0).toString(16)}`;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

import type { DeviceParams } from "../../src/hw/device-params.js";
import { TICKS_PER_US } from "../../src/kernel/ticks.js";
import { NicHarness } from "../hw/nic-harness.js";

/**
 * A small register-level receive driver for the engine tests: it programs receive rings
 * through MMIO, keeps every ring stocked with buffers, injects frames on the wire and
 * reads completed descriptors back from host memory, reposting them as a driver would.
 *
 * Field positions are written out here from docs/registers.md (not taken from the
 * register map under test), so a map that disagreed with its reference would show.
 */

/** RX_WRITEBACK, as the reference lays it out. */
export const WB = {
  /** Dword 0. */
  RSS_TYPE_MASK: 0xf,
  PKT_TYPE_SHIFT: 4,
  PKT_TYPE_MASK: 0xfff,
  FILTER_SHIFT: 16,
  FILTER_MASK: 0xff,
  FILTER_VALID: 1 << 24,
  /** Dword 2. */
  DD: 1 << 0,
  EOP: 1 << 1,
  VP: 1 << 3,
  UDPCS: 1 << 4,
  L4CS: 1 << 5,
  IPCS: 1 << 6,
  L4E: 1 << 30,
  IPE: 2 ** 31,
  /** Dword 3. */
  VLAN_SHIFT: 16,
  PKT_LEN_MASK: 0xffff,
} as const;

/** Register fields the tests program, from the reference. */
export const REG = {
  RXDCTL_ENABLE: 1 << 25,
  SRRCTL_DROP_EN: 1 << 28,
  RAH_AV: 2 ** 31,
  VMQF_VLAN_MATCH: 1 << 28,
  VMQF_VLAN_ID_SHIFT: 16,
  VMQCTL_VMQ_EN: 1,
  VMQCTL_DEFAULT_QUEUE_SHIFT: 7,
  MRQC_MRQE_RSS: 1,
  RXCSUM_IPOFLD: 1 << 8,
  RXCSUM_TUOFLD: 1 << 9,
  MAXFRS_MFS_SHIFT: 16,
} as const;

/** MRQC hash-type enable bits (the non-EX ones). */
export const MRQC = {
  TCP_IPV4: 1 << 16,
  IPV4: 1 << 17,
  IPV6: 1 << 20,
  TCP_IPV6: 1 << 21,
  UDP_IPV4: 1 << 22,
  UDP_IPV6: 1 << 23,
} as const;

/** One received frame as the driver finds it: its queue, its last descriptor, its data. */
export interface RxCompletion {
  readonly queue: number;
  /** Descriptors the frame used. */
  readonly descriptors: number;
  /** Dwords 0-3 of the frame's last (EOP) descriptor. */
  readonly word0: number;
  readonly word1: number;
  readonly word2: number;
  readonly word3: number;
  /** The frame's bytes, gathered from its buffers (PKT_LEN bytes from each). */
  readonly data: Uint8Array;
}

export interface RxDriverOptions {
  readonly queues?: number;
  /** Descriptors per ring (a multiple of 8). */
  readonly ringSize?: number;
  /** SRRCTL.BSIZEPACKET (KiB) for every queue. */
  readonly bufferKiB?: number;
  readonly params?: Partial<DeviceParams>;
  /** Queues left with no descriptor (RDT = RDH = 0) until `thaw`. */
  readonly starved?: readonly number[];
}

/** Long enough for any frame this suite sends to cross the wire and land in host memory. */
export const SETTLE_TICKS = 20 * TICKS_PER_US;

export class RxDriver {
  readonly h: NicHarness;
  readonly queues: number;
  readonly ringSize: number;
  readonly bufferBytes: number;
  private readonly rings: number[] = [];
  private readonly buffers: number[][] = [];
  /** The next descriptor the driver expects the device to complete, per queue. */
  private readonly next: number[] = [];
  /** The driver's copy of RDT, per queue. */
  private readonly tail: number[] = [];
  /** Queues the driver stopped reposting to (a test made the ring fault or starve). */
  readonly frozen: boolean[] = [];

  constructor(opts: RxDriverOptions = {}) {
    this.queues = opts.queues ?? 16;
    this.ringSize = opts.ringSize ?? 32;
    const kib = opts.bufferKiB ?? 2;
    this.bufferBytes = kib * 1024;
    this.h = new NicHarness({ queues: this.queues, vectors: 4, ...opts.params });
    // An engine looping without advancing time throws instead of hanging the run.
    this.h.installWatchdog();
    for (let q = 0; q < this.queues; q++) {
      this.h.write("SRRCTL", kib, q);
      const ring = this.h.setupRing("rx", q, this.ringSize);
      this.rings.push(ring);
      const buffers: number[] = [];
      for (let i = 0; i < this.ringSize; i++) {
        const buffer = this.h.memory.alloc(this.bufferBytes);
        buffers.push(buffer);
        this.h.postRx(ring, i, buffer);
      }
      this.buffers.push(buffers);
      this.next.push(0);
      const starved = opts.starved?.includes(q) ?? false;
      this.tail.push(starved ? 0 : this.ringSize - 1);
      this.frozen.push(starved);
      if (!starved) this.h.write("RDT", this.ringSize - 1, q);
    }
  }

  /** Sets SRRCTL for queue q (buffer size kept). */
  setDropEnable(q: number, on: boolean): void {
    this.h.write("SRRCTL", (this.bufferBytes / 1024) | (on ? REG.SRRCTL_DROP_EN : 0), q);
  }

  /** Gives queue q every free descriptor again. */
  thaw(q: number): void {
    this.frozen[q] = false;
    const size = this.ringSize;
    const want = (this.next[q]! + size - 1) % size;
    while (this.tail[q] !== want) this.repost(q);
  }

  /** Writes a descriptor with an unmapped buffer address at queue q's tail and posts it. */
  postPoison(q: number, address: number): void {
    const i = this.tail[q]!;
    this.h.postRx(this.rings[q]!, i, address);
    this.tail[q] = (i + 1) % this.ringSize;
    this.h.write("RDT", this.tail[q]!, q);
    this.frozen[q] = true;
  }

  /** The peer sends `frame`; false if the peer's queue was full. */
  inject(frame: Uint8Array, badFcs = false): boolean {
    return this.h.nic.wire.inject(frame, 0, frame.length, badFcs);
  }

  /**
   * Sends one frame, lets it land, and returns its completion (null if it reached no
   * ring). Throws if more than one frame completed.
   */
  receiveOne(frame: Uint8Array): RxCompletion | null {
    if (!this.inject(frame)) throw new Error("the peer's queue is full");
    this.h.run(SETTLE_TICKS);
    const done = this.harvest();
    if (done.length > 1) throw new Error(`${done.length} frames completed for one sent`);
    return done[0] ?? null;
  }

  /**
   * Runs until nothing is on the wire, in the packet buffer or in flight, harvesting as
   * it goes (so rings never fill), and returns every frame completed.
   */
  drain(maxSteps = 500): RxCompletion[] {
    const nic = this.h.nic;
    const out: RxCompletion[] = [];
    for (let i = 0; i < maxSteps; i++) {
      this.h.run(SETTLE_TICKS);
      out.push(...this.harvest());
      if (
        nic.wire.framesOnWire === 0 &&
        nic.rxBufferedFrames === 0 &&
        nic.rxDma.framesInFlight === 0
      ) {
        this.h.run(SETTLE_TICKS);
        out.push(...this.harvest());
        return out;
      }
    }
    throw new Error(`not drained after ${maxSteps} steps`);
  }

  /**
   * Every frame completed since the last call, queue by queue in ring order (within a
   * queue that is arrival order), reposting the descriptors it frees.
   */
  harvest(): RxCompletion[] {
    const out: RxCompletion[] = [];
    for (let q = 0; q < this.queues; q++) {
      for (;;) {
        const frame = this.takeFrame(q);
        if (frame === null) break;
        out.push(frame);
      }
    }
    return out;
  }

  /** The next complete frame of queue q, or null when its next descriptor is not done. */
  private takeFrame(q: number): RxCompletion | null {
    const memory = this.h.memory;
    const ring = this.rings[q]!;
    const size = this.ringSize;
    // Find the frame's EOP descriptor first: take nothing until the whole frame is back.
    let count = 0;
    for (;;) {
      if (count >= size - 1) throw new Error(`queue ${q}: no EOP within the ring`);
      const at = ring + ((this.next[q]! + count) % size) * 16;
      const w2 = memory.readU32(at + 8);
      if ((w2 & WB.DD) === 0) return null;
      count++;
      if ((w2 & WB.EOP) !== 0) break;
    }
    const parts: Uint8Array[] = [];
    let words = [0, 0, 0, 0];
    for (let d = 0; d < count; d++) {
      const i = (this.next[q]! + d) % size;
      const at = ring + i * 16;
      words = [0, 4, 8, 12].map((o) => memory.readU32(at + o));
      const length = words[3]! & WB.PKT_LEN_MASK;
      const part = new Uint8Array(length);
      memory.read(this.buffers[q]![i]!, part, 0, length);
      parts.push(part);
    }
    this.next[q] = (this.next[q]! + count) % size;
    if (!this.frozen[q]) for (let d = 0; d < count; d++) this.repost(q);
    const total = parts.reduce((n, p) => n + p.length, 0);
    const data = new Uint8Array(total);
    let o = 0;
    for (const p of parts) {
      data.set(p, o);
      o += p.length;
    }
    return {
      queue: q,
      descriptors: count,
      word0: words[0]!,
      word1: words[1]!,
      word2: words[2]!,
      word3: words[3]!,
      data,
    };
  }

  /** Hands the descriptor at the tail back to the device with its buffer. */
  repost(q: number): void {
    const i = this.tail[q]!;
    this.h.postRx(this.rings[q]!, i, this.buffers[q]![i]!);
    this.tail[q] = (i + 1) % this.ringSize;
    this.h.write("RDT", this.tail[q]!, q);
  }
}

/** The 6 MAC bytes as RAL and RAH.ADDR values (byte 0 in bits 7:0 of RAL). */
export function macRegisters(mac: readonly number[]): { ral: number; rahAddr: number } {
  const b = (i: number) => mac[i] ?? 0;
  return {
    ral: (b(0) | (b(1) << 8) | (b(2) << 16) | (b(3) << 24)) >>> 0,
    rahAddr: b(4) | (b(5) << 8),
  };
}

/** Writes the 40-byte RSS key: byte 4n in bits 7:0 of RSSRK(n). */
export function writeRssKey(h: NicHarness, key: ArrayLike<number>): void {
  for (let n = 0; n < 10; n++) {
    const b = (i: number) => key[4 * n + i] ?? 0;
    h.write("RSSRK", (b(0) | (b(1) << 8) | (b(2) << 16) | (b(3) << 24)) >>> 0, n);
  }
}

/** Writes the 128-entry RETA: entry 4n in bits 7:0 of RETA(n). */
export function writeReta(h: NicHarness, reta: readonly number[]): void {
  for (let n = 0; n < 32; n++) {
    const e = (i: number) => (reta[4 * n + i] ?? 0) & 0x7f;
    h.write("RETA", (e(0) | (e(1) << 8) | (e(2) << 16) | (e(3) << 24)) >>> 0, n);
  }
}

export function hex(n: number, digits = 8): string {
  return `0x${(n >>> 0).toString(16).padStart(digits, "0")}`;
}

/** A property's run count, scaled by ENGINE_RUNS_SCALE (e.g. 20 for a longer hunt). */
export function runs(n: number): number {
  return Math.max(1, Math.round(n * Number(process.env.ENGINE_RUNS_SCALE ?? 1)));
}

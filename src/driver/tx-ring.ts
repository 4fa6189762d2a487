import type { HostMemory } from "../bus/host-memory.js";
import { DTYP_CONTEXT, DTYP_DATA, TX_CONTEXT, TX_DATA } from "../hw/desc/formats.js";
import { DESCRIPTOR_BYTES, type FieldPosition, fieldPosition } from "../hw/desc/schema.js";
import type { DriverRegisters } from "./registers.js";
import type { PreparedSend, SendStatus } from "./send-request.js";
import { NO_SPACE, TxCopyArena } from "./tx-copy-arena.js";

const TWO_32 = 0x1_0000_0000;
const D = {
  addrLo: fieldPosition(TX_DATA, "BUFFER_ADDR_LO"),
  addrHi: fieldPosition(TX_DATA, "BUFFER_ADDR_HI"),
  tse: fieldPosition(TX_DATA, "CMD_TSE"),
  dext: fieldPosition(TX_DATA, "CMD_DEXT"),
  rs: fieldPosition(TX_DATA, "CMD_RS"),
  ifcs: fieldPosition(TX_DATA, "CMD_IFCS"),
  eop: fieldPosition(TX_DATA, "CMD_EOP"),
  dtyp: fieldPosition(TX_DATA, "DTYP"),
  dtalen: fieldPosition(TX_DATA, "DTALEN"),
  paylen: fieldPosition(TX_DATA, "PAYLEN"),
  txsm: fieldPosition(TX_DATA, "POPTS_TXSM"),
  ixsm: fieldPosition(TX_DATA, "POPTS_IXSM"),
  idx: fieldPosition(TX_DATA, "IDX"),
  dd: fieldPosition(TX_DATA, "STA_DD"),
  err: fieldPosition(TX_DATA, "STA_ERR"),
};
const C = {
  macLen: fieldPosition(TX_CONTEXT, "MACLEN"),
  ipLen: fieldPosition(TX_CONTEXT, "IPLEN"),
  dext: fieldPosition(TX_CONTEXT, "DEXT"),
  dtyp: fieldPosition(TX_CONTEXT, "DTYP"),
  l4t: fieldPosition(TX_CONTEXT, "TUCMD_L4T"),
  ipv4: fieldPosition(TX_CONTEXT, "TUCMD_IPV4"),
  mss: fieldPosition(TX_CONTEXT, "MSS"),
  l4Len: fieldPosition(TX_CONTEXT, "L4LEN"),
  idx: fieldPosition(TX_CONTEXT, "IDX"),
};
/** The most bytes one data descriptor carries (DTALEN is 16 bits: 64 KiB - 1). */
export const MAX_DESCRIPTOR_BYTES = D.dtalen.mask >>> D.dtalen.shift;
/** TUCMD.L4T values. */
const L4T_UDP = 0;
const L4T_TCP = 1;
/**
 * Context slots: checksum-only sends use one, large sends the other, so interleaving the
 * two does not rewrite a context per frame.
 */
const CHECKSUM_SLOT = 0;
const LSO_SLOT = 1;

// Data descriptors hold the buffer address in dwords 0 and 1 whole; `writeData` relies on it.
if (D.addrLo.byte !== 0 || D.addrHi.byte !== 4 || D.addrLo.mask !== 0xffff_ffff) {
  throw new Error("tx-ring: TX_DATA layout differs from what the driver was written for");
}

/** Field `f` set to `value` within its dword. */
const put = (f: FieldPosition, value: number): number => ((value << f.shift) & f.mask) >>> 0;

/** How a transmit ring is set up. */
export interface TxRingConfig {
  readonly queue: number;
  /** Descriptors: a multiple of 8. */
  readonly size: number;
  /** Bytes of the queue's copy area (`TxCopyArena`). */
  readonly arenaBytes: number;
}

/**
 * One transmit ring: programs the queue, turns prepared sends into descriptors (an
 * optional context descriptor, then one data descriptor per 64 KiB - 1 of the frame, RS
 * and EOP on the last), and reclaims them in order as the device writes DD back.
 *
 * Each accepted send is one record in a FIFO, in ring order: its last descriptor (the
 * one with RS, whose DD says the device is done with the whole frame), its descriptor
 * count and its copy-area ticket. A send the driver could not map gets a record with no
 * descriptor, so that its completion keeps its place in the order.
 *
 * Any context may call `post`/`commit` (the send path); only the queue's owner DPC calls
 * `reap`. In a kernel a per-queue transmit lock would cover both; here routines run one
 * at a time, so they cannot interleave.
 */
export class TxRing {
  readonly queue: number;
  readonly size: number;
  readonly ringAddress: number;
  readonly arena: TxCopyArena;
  private readonly memory: HostMemory;
  private readonly regs: DriverRegisters;
  /** The next slot to write (the driver's copy of TDT). */
  private tail = 0;
  /** The TDT value last written. */
  private committed = 0;
  /** Descriptors posted and not yet reclaimed. */
  private inUse = 0;
  // The record FIFO.
  private readonly recordLast: Int32Array;
  private readonly recordDescriptors: Int32Array;
  private readonly recordTicket: Float64Array;
  private recordHead = 0;
  private recordCount = 0;
  /** The last context written to each slot (dwords 0, 2, 3), to skip rewriting it. */
  private readonly contextCache = new Float64Array([-1, -1, -1, -1, -1, -1]);
  private readonly contextScratch = new Float64Array(3);
  private readonly statuses: SendStatus[] = [];

  constructor(memory: HostMemory, regs: DriverRegisters, config: TxRingConfig) {
    this.memory = memory;
    this.regs = regs;
    this.queue = config.queue;
    this.size = config.size;
    this.ringAddress = memory.alloc(config.size * DESCRIPTOR_BYTES);
    this.arena = new TxCopyArena(memory, config.arenaBytes);
    this.recordLast = new Int32Array(config.size);
    this.recordDescriptors = new Int32Array(config.size);
    this.recordTicket = new Float64Array(config.size);
  }

  /** Sends accepted and not yet completed. */
  get pendingSends(): number {
    return this.recordCount;
  }

  /** Descriptors the driver may still post (one slot always stays empty). */
  get freeDescriptors(): number {
    return this.size - 1 - this.inUse;
  }

  /** Programs the ring registers and enables the queue. */
  start(): void {
    const q = this.queue;
    const regs = this.regs;
    regs.write("TDBAL", this.ringAddress % TWO_32, q);
    regs.write("TDBAH", Math.floor(this.ringAddress / TWO_32), q);
    regs.write("TDLEN", this.size * DESCRIPTOR_BYTES, q);
    regs.write("TDH", 0, q);
    regs.write("TDT", 0, q);
    regs.writeFields("TXDCTL", { ENABLE: 1 }, q);
  }

  /** Asks the device to stop the queue after the frame in progress. */
  stop(): void {
    this.regs.setField("TXDCTL", "ENABLE", 0, this.queue);
  }

  /** True once the device reports the queue stopped. */
  stopped(): boolean {
    return this.regs.readField("TXDCTL", "ENABLE", this.queue) === 0;
  }

  /**
   * Copies `bytes` into the copy area and posts its descriptors (not yet visible to the
   * device: see `commit`). False, with nothing changed, when the ring, the copy area or
   * the record FIFO has no room for it now.
   */
  post(send: PreparedSend, bytes: Uint8Array): boolean {
    if (this.recordCount === this.size) return false;
    const slot = send.lso ? LSO_SLOT : CHECKSUM_SLOT;
    const context = send.offloads ? this.contextWords(send, slot) : null;
    const needsContext = context !== null && !this.contextCached(slot, context);
    const dataDescriptors = Math.ceil(send.length / MAX_DESCRIPTOR_BYTES);
    if ((needsContext ? 1 : 0) + dataDescriptors > this.freeDescriptors) return false;
    const address = this.arena.allocate(send.length);
    if (address === NO_SPACE) return false;
    this.memory.write(address, bytes, 0, send.length);
    let used = 0;
    if (needsContext && context !== null) {
      this.writeContext(slot, context);
      used++;
    }
    used += this.writeData(send, address, slot);
    this.pushRecord(this.slotBefore(this.tail), used, this.arena.ticket);
    return true;
  }

  /** Records a send the driver refused, to complete as `invalid` in its turn. */
  postInvalid(): boolean {
    if (this.recordCount === this.size) return false;
    this.pushRecord(-1, 0, -1);
    return true;
  }

  /** Hands the posted descriptors to the device: one TDT write for the whole batch. */
  commit(): void {
    if (this.tail === this.committed) return;
    this.committed = this.tail;
    this.regs.write("TDT", this.tail, this.queue);
  }

  /** True when the oldest send has completed. */
  hasWork(): boolean {
    return this.recordCount > 0 && this.oldestDone() !== null;
  }

  /**
   * Completes sends in order while the device has finished them; returns their statuses
   * (lent: valid until the next call).
   */
  reap(): readonly SendStatus[] {
    const statuses = this.statuses;
    statuses.length = 0;
    while (this.recordCount > 0) {
      const status = this.oldestDone();
      if (status === null) break;
      this.popRecord();
      statuses.push(status);
    }
    return statuses;
  }

  /**
   * Completes every remaining send as `aborted` (the queue is stopped: the device will
   * read nothing more) and returns the statuses.
   */
  abortAll(): readonly SendStatus[] {
    this.reap();
    const statuses = this.statuses;
    while (this.recordCount > 0) {
      this.popRecord();
      statuses.push("aborted");
    }
    return statuses;
  }

  /** Returns the ring and copy area to the host (the queue is stopped, nothing pending). */
  destroy(): void {
    this.arena.destroy();
    this.memory.free(this.ringAddress);
  }

  /** The oldest send's status if the device has finished it, else null. */
  private oldestDone(): SendStatus | null {
    const last = this.recordLast[this.recordHead]!;
    if (last < 0) return "invalid";
    const status = this.memory.readU32(this.descriptor(last) + D.dd.byte);
    if ((status & D.dd.mask) === 0) return null;
    return (status & D.err.mask) !== 0 ? "refused-by-device" : "sent";
  }

  private pushRecord(last: number, descriptors: number, ticket: number): void {
    const i = (this.recordHead + this.recordCount) % this.size;
    this.recordLast[i] = last;
    this.recordDescriptors[i] = descriptors;
    this.recordTicket[i] = ticket;
    this.recordCount++;
    this.inUse += descriptors;
  }

  private popRecord(): void {
    const i = this.recordHead;
    const ticket = this.recordTicket[i]!;
    if (ticket >= 0) this.arena.releaseThrough(ticket);
    this.inUse -= this.recordDescriptors[i]!;
    this.recordHead = (i + 1) % this.size;
    this.recordCount--;
  }

  /** The context descriptor's dwords 0, 2 and 3 for `send` in `slot` (a reused array). */
  private contextWords(send: PreparedSend, slot: number): Float64Array {
    const dword0 = put(C.macLen, send.macHeaderBytes) | put(C.ipLen, send.ipHeaderBytes);
    const dword2 =
      put(C.dext, 1) |
      put(C.dtyp, DTYP_CONTEXT) |
      put(C.l4t, send.tcp ? L4T_TCP : L4T_UDP) |
      put(C.ipv4, send.ipv4 ? 1 : 0);
    const dword3 = put(C.mss, send.mss) | put(C.l4Len, send.l4HeaderBytes) | put(C.idx, slot);
    const words = this.contextScratch;
    words[0] = dword0 >>> 0;
    words[1] = dword2 >>> 0;
    words[2] = dword3 >>> 0;
    return words;
  }

  /**
   * True when `slot` already holds this context: the device keeps the last context written
   * to a slot, and reads the ring in order, so the earlier one still applies.
   */
  private contextCached(slot: number, words: Float64Array): boolean {
    const cache = this.contextCache;
    const at = slot * 3;
    return cache[at] === words[0] && cache[at + 1] === words[1] && cache[at + 2] === words[2];
  }

  private writeContext(slot: number, words: Float64Array): void {
    this.memory.writeDescriptor(this.descriptor(this.tail), words[0]!, 0, words[1]!, words[2]!);
    this.contextCache.set(words, slot * 3);
    this.tail = (this.tail + 1) % this.size;
  }

  /** Writes the data descriptors for `send`'s bytes at `address`; returns how many. */
  private writeData(send: PreparedSend, address: number, slot: number): number {
    const count = Math.ceil(send.length / MAX_DESCRIPTOR_BYTES);
    const common =
      put(D.dext, 1) | put(D.dtyp, DTYP_DATA) | put(D.ifcs, 1) | put(D.tse, send.lso ? 1 : 0);
    // Offload options go in the first data descriptor; PAYLEN is the payload for LSO and
    // the frame for the rest.
    const options =
      put(D.paylen, send.payloadBytes) |
      (send.offloads ? put(D.idx, slot) : 0) |
      put(D.txsm, send.l4Checksum ? 1 : 0) |
      put(D.ixsm, send.ipv4Checksum ? 1 : 0);
    for (let i = 0; i < count; i++) {
      const offset = i * MAX_DESCRIPTOR_BYTES;
      const chunk = Math.min(MAX_DESCRIPTOR_BYTES, send.length - offset);
      const last = i === count - 1;
      const cmd = common | put(D.dtalen, chunk) | (last ? put(D.eop, 1) | put(D.rs, 1) : 0);
      const buffer = address + offset;
      this.memory.writeDescriptor(
        this.descriptor(this.tail),
        buffer % TWO_32,
        Math.floor(buffer / TWO_32),
        cmd >>> 0,
        i === 0 ? options >>> 0 : 0,
      );
      this.tail = (this.tail + 1) % this.size;
    }
    return count;
  }

  private slotBefore(slot: number): number {
    return (slot + this.size - 1) % this.size;
  }

  private descriptor(slot: number): number {
    return this.ringAddress + slot * DESCRIPTOR_BYTES;
  }
}

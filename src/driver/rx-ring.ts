import type { HostMemory } from "../bus/host-memory.js";
import { RX_READ, RX_WRITEBACK } from "../hw/desc/formats.js";
import { DESCRIPTOR_BYTES, type FieldPosition, fieldPosition } from "../hw/desc/schema.js";
import type { Ticks } from "../kernel/ticks.js";
import { BufferPool } from "./buffer-pool.js";
import { type ChecksumResult, ReceivedFrameRecord, type ReceiveStaging } from "./received-frame.js";
import type { DriverRegisters } from "./registers.js";

const TWO_32 = 0x1_0000_0000;
const ADDR_LO = fieldPosition(RX_READ, "BUFFER_ADDR_LO");
const ADDR_HI = fieldPosition(RX_READ, "BUFFER_ADDR_HI");
const WB = {
  dd: fieldPosition(RX_WRITEBACK, "STAT_DD"),
  eop: fieldPosition(RX_WRITEBACK, "STAT_EOP"),
  length: fieldPosition(RX_WRITEBACK, "PKT_LEN"),
  rssType: fieldPosition(RX_WRITEBACK, "RSS_TYPE"),
  rssHash: fieldPosition(RX_WRITEBACK, "RSS_HASH"),
  filter: fieldPosition(RX_WRITEBACK, "FILTER"),
  filterValid: fieldPosition(RX_WRITEBACK, "FILTER_VALID"),
  packetType: fieldPosition(RX_WRITEBACK, "PKT_TYPE"),
  ipcs: fieldPosition(RX_WRITEBACK, "STAT_IPCS"),
  l4cs: fieldPosition(RX_WRITEBACK, "STAT_L4CS"),
  udpcs: fieldPosition(RX_WRITEBACK, "STAT_UDPCS"),
  ipe: fieldPosition(RX_WRITEBACK, "ERR_IPE"),
  l4e: fieldPosition(RX_WRITEBACK, "ERR_L4E"),
  vp: fieldPosition(RX_WRITEBACK, "STAT_VP"),
  vlan: fieldPosition(RX_WRITEBACK, "VLAN"),
};
// The read format holds the buffer address in dwords 0 and 1 whole; `refill` relies on it.
if (ADDR_LO.byte !== 0 || ADDR_HI.byte !== 4 || ADDR_LO.mask !== 0xffff_ffff) {
  throw new Error("rx-ring: RX_READ layout differs from what the driver was written for");
}

/** The last descriptor of a frame, read once (dwords 0-3). */
const lastWords = new Uint32Array(4);
/** Field `f` of the descriptor held in `words`. */
const get = (f: FieldPosition, words: Uint32Array): number =>
  (words[f.byte >>> 2]! & f.mask) >>> f.shift;

/** How a receive ring is set up. */
export interface RxRingConfig {
  readonly queue: number;
  /** Descriptors in the ring: a multiple of 8 (RDLEN is a multiple of 128 bytes). */
  readonly size: number;
  /** Bytes per receive buffer: a multiple of 1024 (SRRCTL.BSIZEPACKET is in KiB). */
  readonly bufferBytes: number;
  /** SRRCTL.DROP_EN: drop (QPRDC) rather than hold the packet buffer when the ring is empty. */
  readonly dropWhenFull?: boolean;
}

/**
 * One receive ring and its buffers: programs the queue, keeps every free slot posted with
 * a buffer from the queue's pool, and takes completed frames in ring order.
 *
 * The ring holds `size` descriptors; the device owns those from RDH up to RDT, the
 * driver the rest. One slot always stays empty so that a full ring differs from an empty
 * one: `size - 1` buffers are posted at most. Slots the driver consumed are refilled
 * (with the read format again, buffer address included, because the device's write-back
 * overwrote the descriptor) and handed back with one RDT write per batch.
 *
 * Only the DPC that owns the queue calls `poll` (see the adapter's ownership rule): the
 * ring has a single consumer, which is what keeps frames in order.
 */
export class RxRing {
  readonly queue: number;
  readonly size: number;
  readonly bufferBytes: number;
  readonly dropWhenFull: boolean;
  readonly ringAddress: number;
  readonly pool: BufferPool;
  private readonly memory: HostMemory;
  private readonly regs: DriverRegisters;
  /** Host address of the buffer posted in each slot, -1 when the slot is empty. */
  private readonly slotBuffer: Float64Array;
  /** The next slot the device completes (the driver's idea of RDH). */
  private next = 0;
  /** The first slot not handed to the device (the driver's copy of RDT). */
  private tail = 0;
  private readonly records: ReceivedFrameRecord[] = [];
  private readonly batch: ReceivedFrameRecord[] = [];

  constructor(memory: HostMemory, regs: DriverRegisters, config: RxRingConfig) {
    this.memory = memory;
    this.regs = regs;
    this.queue = config.queue;
    this.size = config.size;
    this.bufferBytes = config.bufferBytes;
    this.dropWhenFull = config.dropWhenFull ?? false;
    this.ringAddress = memory.alloc(config.size * DESCRIPTOR_BYTES);
    this.pool = new BufferPool(memory, config.size, config.bufferBytes);
    this.slotBuffer = new Float64Array(config.size).fill(-1);
  }

  /** Descriptors handed to the device and not yet taken back. */
  get posted(): number {
    return (this.tail - this.next + this.size) % this.size;
  }

  /**
   * Programs the ring registers, enables the queue and posts a buffer in every free slot.
   * Base, length and buffer size are set while the queue is disabled (the device latches
   * them at enable); RDT is written after ENABLE, as the 82599 asks.
   */
  start(): void {
    const q = this.queue;
    const regs = this.regs;
    regs.write("RDBAL", this.ringAddress % TWO_32, q);
    regs.write("RDBAH", Math.floor(this.ringAddress / TWO_32), q);
    regs.write("RDLEN", this.size * DESCRIPTOR_BYTES, q);
    const dropEnable = this.dropWhenFull ? 1 : 0;
    regs.writeFields("SRRCTL", { BSIZEPACKET: this.bufferBytes / 1024, DROP_EN: dropEnable }, q);
    regs.write("RDH", 0, q);
    regs.write("RDT", 0, q);
    regs.writeFields("RXDCTL", { ENABLE: 1 }, q);
    this.refill();
  }

  /** Asks the device to stop the queue; it finishes the frame in progress first. */
  stop(): void {
    this.regs.setField("RXDCTL", "ENABLE", 0, this.queue);
  }

  /** True once the device reports the queue stopped (no DMA into its buffers any more). */
  stopped(): boolean {
    return this.regs.readField("RXDCTL", "ENABLE", this.queue) === 0;
  }

  /** True when the next slot holds a completed frame. */
  hasWork(): boolean {
    return this.frameDescriptors() > 0;
  }

  /**
   * Takes up to `budget` completed frames, in ring order, into `staging`, refills the
   * slots they used, and returns the batch (lent: valid until the next `poll`).
   */
  poll(budget: number, staging: ReceiveStaging, nowTicks: Ticks): readonly ReceivedFrameRecord[] {
    const batch = this.batch;
    batch.length = 0;
    while (batch.length < budget) {
      const descriptors = this.frameDescriptors();
      if (descriptors === 0) break;
      batch.push(this.takeFrame(descriptors, staging, batch.length, nowTicks));
    }
    if (batch.length > 0) this.refill();
    return batch;
  }

  /** Returns every posted buffer and the ring's memory to the host (the queue is stopped). */
  destroy(): void {
    for (let slot = 0; slot < this.size; slot++) {
      const buffer = this.slotBuffer[slot]!;
      if (buffer >= 0) this.pool.release(buffer);
      this.slotBuffer[slot] = -1;
    }
    this.next = 0;
    this.tail = 0;
    this.pool.destroy();
    this.memory.free(this.ringAddress);
  }

  /** Descriptors of the completed frame at `next` (its EOP included), or 0 if none is complete. */
  private frameDescriptors(): number {
    const posted = this.posted;
    for (let i = 0; i < posted; i++) {
      const at = this.descriptor((this.next + i) % this.size);
      if ((this.memory.readU32(at + WB.dd.byte) & WB.dd.mask) === 0) return 0;
      if ((this.memory.readU32(at + WB.eop.byte) & WB.eop.mask) !== 0) return i + 1;
    }
    return 0;
  }

  /** PKT_LEN of the descriptor in `slot`: the bytes in its buffer. */
  private chunkLength(slot: number): number {
    const word = this.memory.readU32(this.descriptor(slot) + WB.length.byte);
    return (word & WB.length.mask) >>> WB.length.shift;
  }

  /** Copies the frame out of its buffers, returns them to the pool, and describes it. */
  private takeFrame(
    descriptors: number,
    staging: ReceiveStaging,
    index: number,
    nowTicks: Ticks,
  ): ReceivedFrameRecord {
    const memory = this.memory;
    let length = 0;
    for (let d = 0; d < descriptors; d++) length += this.chunkLength((this.next + d) % this.size);
    const store = staging.reserve(length);
    const start = staging.offset;
    let copied = 0;
    for (let d = 0; d < descriptors; d++) {
      const slot = (this.next + d) % this.size;
      const chunk = this.chunkLength(slot);
      const buffer = this.slotBuffer[slot]!;
      memory.read(buffer, store, start + copied, chunk);
      copied += chunk;
      // The data is out: the buffer goes back to the pool at once, to be posted again.
      this.pool.release(buffer);
      this.slotBuffer[slot] = -1;
    }
    const last = this.descriptor((this.next + descriptors - 1) % this.size);
    for (let w = 0; w < 4; w++) lastWords[w] = memory.readU32(last + 4 * w);
    this.next = (this.next + descriptors) % this.size;
    const record = this.record(index);
    record.bytes = store;
    record.offset = start;
    record.length = length;
    record.descriptors = descriptors;
    record.receivedAtTicks = nowTicks;
    describe(record, lastWords);
    return record;
  }

  /** Posts a buffer in every free slot and hands them to the device with one RDT write. */
  private refill(): void {
    const before = this.tail;
    while (this.posted < this.size - 1) {
      const buffer = this.pool.acquire();
      if (buffer < 0) break;
      // The read format: buffer address, and dword 2 zero so that DD reads 0 until the
      // device writes this descriptor back.
      this.memory.writeDescriptor(
        this.descriptor(this.tail),
        buffer % TWO_32,
        Math.floor(buffer / TWO_32),
        0,
        0,
      );
      this.slotBuffer[this.tail] = buffer;
      this.tail = (this.tail + 1) % this.size;
    }
    if (this.tail !== before) this.regs.write("RDT", this.tail, this.queue);
  }

  private descriptor(slot: number): number {
    return this.ringAddress + slot * DESCRIPTOR_BYTES;
  }

  private record(index: number): ReceivedFrameRecord {
    let record = this.records[index];
    if (record === undefined) {
      record = new ReceivedFrameRecord();
      record.queue = this.queue;
      this.records[index] = record;
    }
    return record;
  }
}

/**
 * Fills the metadata of `record` from the frame's last descriptor (`words`): only the EOP
 * descriptor's status and errors describe the whole frame.
 */
function describe(record: ReceivedFrameRecord, words: Uint32Array): void {
  record.rssType = get(WB.rssType, words);
  record.rssHash = get(WB.rssHash, words) >>> 0;
  record.packetType = get(WB.packetType, words);
  record.filterIndex = get(WB.filterValid, words) === 1 ? get(WB.filter, words) : -1;
  record.ipChecksum = checksum(get(WB.ipcs, words), get(WB.ipe, words));
  record.l4Checksum = checksum(get(WB.l4cs, words), get(WB.l4e, words));
  record.l4IsUdp = get(WB.udpcs, words) === 1;
  record.vlanTci = get(WB.vp, words) === 1 ? get(WB.vlan, words) : -1;
}

function checksum(checked: number, error: number): ChecksumResult {
  if (error !== 0) return "bad";
  return checked !== 0 ? "good" : "not-checked";
}

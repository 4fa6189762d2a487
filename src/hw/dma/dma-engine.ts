import type { HostMemory } from "../../bus/host-memory.js";
import type { Ticks } from "../../kernel/ticks.js";
import { DOUBLE_FIELD_SEED, TICKS_PER_SECOND } from "../../kernel/ticks.js";
import type { DeviceParams } from "../device-params.js";
import { ringAdd } from "../rings/ring-index.js";

/** PCIe maximum payload per transaction and the overhead each one carries (ours: typical values). */
const MAX_PAYLOAD_BYTES = 256;
const TLP_OVERHEAD_BYTES = 24;

/**
 * The NIC's DMA engine: its timing and its access to host memory.
 *
 * Timing is a per-direction pipe: each transfer occupies the direction's bandwidth for
 * its bytes plus per-transaction overhead, then lands after a fixed latency. Reads are
 * also limited in how many may be outstanding at once, so a burst of descriptor fetches
 * and data reads queues behind itself as on PCIe. Engines ask when a transfer would
 * complete (`readDoneTicks`, `writeDoneTicks`), schedule their own timer for it, and move
 * the bytes (`read`, `write`). A transfer touching unmapped memory moves nothing and
 * returns false; the engine that asked turns that into a DMA fault.
 */
export class DmaEngine {
  readonly memory: HostMemory;
  private readonly ticksPerByte: number;
  private readonly readLatencyTicks: Ticks;
  private readonly writeLatencyTicks: Ticks;
  private readonly outstanding: Float64Array;
  private outstandingHead = 0;
  // Times and byte counts pass 2^31: seeded as doubles (see DOUBLE_FIELD_SEED), then reset.
  private readBusyUntil: Ticks = DOUBLE_FIELD_SEED;
  private writeBusyUntil: Ticks = DOUBLE_FIELD_SEED;
  /** The tick by which every transfer issued so far has completed. */
  quietAtTicks: Ticks = DOUBLE_FIELD_SEED;
  bytesRead = DOUBLE_FIELD_SEED;
  bytesWritten = DOUBLE_FIELD_SEED;

  constructor(memory: HostMemory, params: DeviceParams) {
    this.memory = memory;
    this.ticksPerByte = TICKS_PER_SECOND / params.pcieBytesPerSecond;
    this.readLatencyTicks = params.dmaReadLatencyTicks;
    this.writeLatencyTicks = params.dmaWriteLatencyTicks;
    this.outstanding = new Float64Array(params.dmaMaxOutstandingReads);
    this.reset();
    this.bytesRead = 0;
    this.bytesWritten = 0;
  }

  /** When a read of `bytes` issued at `nowTicks` delivers its data. Reserves the bandwidth. */
  readDoneTicks(nowTicks: Ticks, bytes: number): Ticks {
    // The slot of the oldest of the last N reads: a new read waits for it to complete.
    const slot = this.outstandingHead;
    const start = Math.max(nowTicks, this.readBusyUntil, this.outstanding[slot]!);
    this.readBusyUntil = start + Math.ceil(wireBytes(bytes) * this.ticksPerByte);
    const done = this.readBusyUntil + this.readLatencyTicks;
    this.outstanding[slot] = done;
    this.outstandingHead = ringAdd(slot, 1, this.outstanding.length);
    this.quietAtTicks = Math.max(this.quietAtTicks, done);
    return done;
  }

  /** When a write of `bytes` issued at `nowTicks` has landed. Reserves the bandwidth. */
  writeDoneTicks(nowTicks: Ticks, bytes: number): Ticks {
    const start = Math.max(nowTicks, this.writeBusyUntil);
    this.writeBusyUntil = start + Math.ceil(wireBytes(bytes) * this.ticksPerByte);
    const done = this.writeBusyUntil + this.writeLatencyTicks;
    this.quietAtTicks = Math.max(this.quietAtTicks, done);
    return done;
  }

  /** When the write direction can take a new transfer without queueing behind another. */
  get writeFreeAtTicks(): Ticks {
    return this.writeBusyUntil;
  }

  /** When the read direction can take a new transfer without queueing behind another. */
  get readFreeAtTicks(): Ticks {
    return Math.max(this.readBusyUntil, this.outstanding[this.outstandingHead]!);
  }

  /** Copies host memory into `dst`; false (nothing copied) on unmapped memory. */
  read(address: number, dst: Uint8Array, dstOffset: number, length: number): boolean {
    if (!this.memory.read(address, dst, dstOffset, length)) return false;
    this.bytesRead += length;
    return true;
  }

  /** Copies `src` into host memory; false (nothing written) on unmapped memory. */
  write(address: number, src: Uint8Array, srcOffset: number, length: number): boolean {
    if (!this.memory.write(address, src, srcOffset, length)) return false;
    this.bytesWritten += length;
    return true;
  }

  /** Forgets all timing state (device reset). */
  reset(): void {
    this.outstanding.fill(0);
    this.outstandingHead = 0;
    this.readBusyUntil = 0;
    this.writeBusyUntil = 0;
    this.quietAtTicks = 0;
  }
}

/** Bytes on the link for a transfer: payload plus one header per max-payload chunk. */
function wireBytes(bytes: number): number {
  return bytes + Math.ceil(bytes / MAX_PAYLOAD_BYTES) * TLP_OVERHEAD_BYTES;
}

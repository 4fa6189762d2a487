import type { HostServices, InterruptRoutine } from "../host/host-services.js";
import { EITR_UNIT_NS } from "../hw/regs/map/interrupts.js";
import type { DriverRegisters } from "./registers.js";

const TWO_32 = 0x1_0000_0000;
/** Returned by `allocate` when every vector is taken. */
export const NO_VECTOR = -1;
/** EITR's unit, in microseconds. */
export const MODERATION_UNIT_US = EITR_UNIT_NS / 1000;

/** A moderation interval as the device holds it. */
export interface Moderation {
  /** EITR.INTERVAL units. */
  readonly units: number;
  /** The interval those units make, in microseconds. */
  readonly intervalUs: number;
}

/**
 * The driver's MSI-X vectors and the interrupt registers behind them.
 *
 * NDIS wants one vector per processor that serves queues (queues sharing a processor
 * share its vector) plus at most a couple for other events. Vectors are handed out
 * lowest first as processors come into use; the last one is kept for the other causes
 * (OCR: DMA faults) when the device has more than one.
 *
 * A queue vector is set up for the ISR/DPC pattern: EIAC clears its cause as the message
 * leaves (the ISR has nothing to acknowledge) and EIAM masks it (no further message until
 * the DPC writes EIMS); EITR bounds its message rate. Its MSI-X entry is programmed with
 * the host's address and data for the processor (`host.msiTarget`), masked while written.
 */
export class InterruptVectors {
  readonly count: number;
  /** The vector for other causes, or NO_VECTOR when the device has only one vector. */
  readonly miscVector: number;
  /** The longest moderation interval EITR holds, in microseconds. */
  readonly maxModerationUs: number;
  private readonly regs: DriverRegisters;
  private readonly host: HostServices;
  private readonly byProcessor: Int32Array;
  private readonly processorOf: Int32Array;
  private readonly defaultModeration: Moderation;

  constructor(regs: DriverRegisters, host: HostServices, moderationUs: number) {
    this.regs = regs;
    this.host = host;
    this.count = regs.count("MSIXAL");
    this.miscVector = this.count > 1 ? this.count - 1 : NO_VECTOR;
    this.byProcessor = new Int32Array(host.processorCount).fill(NO_VECTOR);
    this.processorOf = new Int32Array(this.count).fill(-1);
    this.maxModerationUs = regs.fieldMax("EITR", "INTERVAL") * MODERATION_UNIT_US;
    this.defaultModeration = this.moderation(moderationUs) ?? this.moderation(0)!;
  }

  /** The vector serving `processor`, or NO_VECTOR. */
  vectorOf(processor: number): number {
    return this.byProcessor[processor] ?? NO_VECTOR;
  }

  /** The processor vector `vector` targets, or -1 when it is not in use for queues. */
  processorOfVector(vector: number): number {
    return this.processorOf[vector] ?? -1;
  }

  /** Vectors serving processors, lowest first. */
  queueVectors(): number[] {
    const out: number[] = [];
    for (let v = 0; v < this.count; v++) if (this.processorOf[v]! >= 0) out.push(v);
    return out;
  }

  /**
   * Sets up the vector for `processor` with `isr` connected and returns it; NO_VECTOR when
   * none is free. The vector is enabled: its first message can come at once.
   */
  allocate(processor: number, isr: InterruptRoutine): number {
    const existing = this.vectorOf(processor);
    if (existing !== NO_VECTOR) return existing;
    let vector = NO_VECTOR;
    for (let v = 0; v < this.count && vector === NO_VECTOR; v++) {
      if (v !== this.miscVector && this.processorOf[v] === -1) vector = v;
    }
    if (vector === NO_VECTOR) return NO_VECTOR;
    this.byProcessor[processor] = vector;
    this.processorOf[vector] = processor;
    this.host.connectInterrupt(vector, isr);
    this.setBit("EIAC", vector);
    this.setBit("EIAM", vector);
    this.writeModeration(vector, this.defaultModeration);
    this.program(vector, processor);
    this.enable(vector);
    return vector;
  }

  /**
   * Sets up the other-causes vector on `processor`: auto-cleared (the ISR reads OCR for
   * the causes) but never auto-masked, since its ISR does all the work.
   */
  setupMisc(processor: number, isr: InterruptRoutine): void {
    const vector = this.miscVector;
    if (vector === NO_VECTOR) return;
    this.host.connectInterrupt(vector, isr);
    this.setBit("EIAC", vector);
    this.program(vector, processor);
    this.regs.writeFields("IVAR_MISC", { VECTOR: vector, VALID: 1 });
    this.enable(vector);
  }

  /** Routes queue `queue`'s receive and transmit events to `vector`. */
  mapQueue(queue: number, vector: number): void {
    this.regs.writeFields(
      "IVAR",
      { RX_VECTOR: vector, RX_VALID: 1, TX_VECTOR: vector, TX_VALID: 1 },
      queue,
    );
  }

  /** Queue `queue`'s events raise no interrupt any more. */
  unmapQueue(queue: number): void {
    this.regs.write("IVAR", 0, queue);
  }

  /** Lets `vector` send its message again (the end of a DPC). */
  enable(vector: number): void {
    this.regs.strobe("EIMS", bit(vector), vector >>> 5);
  }

  /** Raises `vector`'s cause from software, as if one of its queues had an event. */
  raise(vector: number): void {
    this.regs.strobe("EICS", bit(vector), vector >>> 5);
  }

  /** Clears `vector`'s pending cause (write 1 to its EICR bit, nothing else). */
  acknowledge(vector: number): void {
    this.regs.ackW1c("EICR", bit(vector), vector >>> 5);
  }

  /** The moderation `intervalUs` makes, or null when EITR cannot hold it. */
  moderation(intervalUs: number): Moderation | null {
    if (!Number.isFinite(intervalUs) || intervalUs < 0) return null;
    const units = Math.round(intervalUs / MODERATION_UNIT_US);
    if (units > this.regs.fieldMax("EITR", "INTERVAL")) return null;
    return { units, intervalUs: units * MODERATION_UNIT_US };
  }

  /** Sets `vector`'s moderation interval without restarting the running one (CNT_WDIS). */
  writeModeration(vector: number, moderation: Moderation): void {
    this.regs.writeFields("EITR", { INTERVAL: moderation.units, CNT_WDIS: 1 }, vector);
  }

  /** Masks every vector (EIMC) and every MSI-X entry: no message may leave. */
  disableAll(): void {
    for (let w = 0; w * 32 < this.count; w++) {
      const bits = Math.min(32, this.count - 32 * w);
      this.regs.strobe("EIMC", bits === 32 ? 0xffff_ffff : (1 << bits) - 1, w);
    }
    for (let v = 0; v < this.count; v++) this.regs.writeFields("MSIXVCTRL", { MASK: 1 }, v);
  }

  /** Writes the MSI-X entry of `vector` to target `processor`, masked while it changes. */
  private program(vector: number, processor: number): void {
    const target = this.host.msiTarget(processor);
    this.regs.writeFields("MSIXVCTRL", { MASK: 1 }, vector);
    this.regs.write("MSIXAL", target.address % TWO_32, vector);
    this.regs.write("MSIXAH", Math.floor(target.address / TWO_32), vector);
    this.regs.write("MSIXDATA", target.data, vector);
    this.regs.writeFields("MSIXVCTRL", { MASK: 0 }, vector);
  }

  private setBit(reg: "EIAC" | "EIAM", vector: number): void {
    const w = vector >>> 5;
    this.regs.write(reg, (this.regs.read(reg, w) | bit(vector)) >>> 0, w);
  }
}

/** Vector `vector`'s bit within its 32-bit word of EICR, EIMS, EIMC... */
function bit(vector: number): number {
  return (1 << (vector & 31)) >>> 0;
}

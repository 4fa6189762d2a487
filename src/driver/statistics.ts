import type { DpcCounters } from "./dpc.js";
import type { Counter32Register, Counter64Pair, DriverRegisters } from "./registers.js";

/** Device-wide counts since initialization. */
export interface DeviceStatistics {
  readonly framesReceived: number;
  readonly bytesReceived: number;
  readonly framesSent: number;
  readonly bytesSent: number;
  readonly missedFrames: number;
  readonly crcErrors: number;
  readonly undersize: number;
  readonly oversize: number;
  readonly rxDmaFaultDrops: number;
  readonly dmaFaults: number;
  readonly txDescriptorErrors: number;
  readonly lsoErrors: number;
  readonly ipChecksumErrors: number;
  readonly l4ChecksumErrors: number;
  readonly broadcastReceived: number;
  readonly multicastReceived: number;
  readonly badRegisterAccesses: number;
}

/** One queue's counts since it started. */
export interface QueueStatistics {
  readonly queue: number;
  readonly processor: number;
  readonly vector: number;
  readonly framesReceived: number;
  readonly bytesReceived: number;
  readonly framesDropped: number;
  readonly noDescriptorEvents: number;
  readonly framesSent: number;
  readonly bytesSent: number;
  /** Processor cycles the driver attributes to the queue (see `QueueContext.cycles`). */
  readonly cycles: number;
}

/** Messages each queue vector has sent. */
export interface VectorStatistics {
  readonly vector: number;
  readonly processor: number;
  readonly messages: number;
}

/** What the driver counted itself. */
export interface DriverStatistics extends Readonly<DpcCounters> {
  readonly interrupts: number;
  readonly faultInterrupts: number;
  readonly sendsAccepted: number;
  readonly sendsRefused: number;
}

export interface Statistics {
  readonly device: DeviceStatistics;
  readonly queues: readonly QueueStatistics[];
  /** The queues freed since initialization, their counts added up. */
  readonly freedQueues: Readonly<Record<QueueCountKey, number>>;
  readonly vectors: readonly VectorStatistics[];
  readonly driver: DriverStatistics;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type DeviceKey = keyof DeviceStatistics;
export type QueueCountKey = Exclude<
  keyof QueueStatistics,
  "queue" | "processor" | "vector" | "cycles"
>;

/** Which counter feeds which statistic. */
const DEVICE_COUNTERS: readonly (readonly [DeviceKey, Counter32Register | Counter64Pair])[] = [
  ["framesReceived", "GPRC"],
  ["bytesReceived", "GORC"],
  ["framesSent", "GPTC"],
  ["bytesSent", "GOTC"],
  ["missedFrames", "MPC"],
  ["crcErrors", "CRCERRS"],
  ["undersize", "RUC"],
  ["oversize", "ROC"],
  ["rxDmaFaultDrops", "RXDMADC"],
  ["dmaFaults", "DMAFC"],
  ["txDescriptorErrors", "TXDERR"],
  ["lsoErrors", "LSOERR"],
  ["ipChecksumErrors", "IPCSERR"],
  ["l4ChecksumErrors", "L4CSERR"],
  ["broadcastReceived", "BPRC"],
  ["multicastReceived", "MPRC"],
  ["badRegisterAccesses", "BADACC"],
];
const QUEUE_COUNTERS: readonly (readonly [QueueCountKey, Counter32Register | Counter64Pair])[] = [
  ["framesReceived", "QPRC"],
  ["bytesReceived", "QBRC"],
  ["framesDropped", "QPRDC"],
  ["noDescriptorEvents", "QRNBC"],
  ["framesSent", "QPTC"],
  ["bytesSent", "QBTC"],
];

/**
 * Running totals of the device's counters. Every counter clears when read, so the driver
 * owns the totals: each collection reads every counter once (64-bit ones low half first)
 * and adds what it read.
 */
export class StatisticsCollector {
  private readonly regs: DriverRegisters;
  private readonly device = {} as Mutable<DeviceStatistics>;
  private readonly queues = new Map<number, Record<QueueCountKey, number>>();
  private readonly messages: Float64Array;
  private readonly retired = {} as Record<QueueCountKey, number>;

  constructor(regs: DriverRegisters) {
    this.regs = regs;
    for (const [key] of QUEUE_COUNTERS) this.retired[key] = 0;
    for (const [key] of DEVICE_COUNTERS) this.device[key] = 0;
    this.messages = new Float64Array(regs.count("VICNT"));
  }

  /** Starts queue `queue`'s totals at zero, discarding what its counters hold. */
  startQueue(queue: number): void {
    for (const [, reg] of QUEUE_COUNTERS) this.regs.readCounter(reg, queue);
    const totals = {} as Record<QueueCountKey, number>;
    for (const [key] of QUEUE_COUNTERS) totals[key] = 0;
    this.queues.set(queue, totals);
  }

  /**
   * Stops keeping totals for `queue`: reads its counters a last time and adds its totals
   * to those of the queues freed before (so no drop of a freed queue goes uncounted).
   */
  endQueue(queue: number): void {
    const totals = this.queues.get(queue);
    if (totals === undefined) return;
    for (const [key, reg] of QUEUE_COUNTERS) {
      this.retired[key] += totals[key] + this.regs.readCounter(reg, queue);
    }
    this.queues.delete(queue);
  }

  /** The totals of every queue freed so far, added up. */
  retiredTotals(): Readonly<Record<QueueCountKey, number>> {
    return { ...this.retired };
  }

  /** Reads every counter and adds it to the totals. */
  collect(vectors: readonly number[]): void {
    for (const [key, reg] of DEVICE_COUNTERS) this.device[key] += this.regs.readCounter(reg, 0);
    for (const [queue, totals] of this.queues) {
      for (const [key, reg] of QUEUE_COUNTERS) totals[key] += this.regs.readCounter(reg, queue);
    }
    for (const v of vectors) this.messages[v]! += this.regs.readCounter32("VICNT", v);
  }

  deviceTotals(): DeviceStatistics {
    return { ...this.device };
  }

  queueTotals(queue: number): Readonly<Record<QueueCountKey, number>> | undefined {
    const totals = this.queues.get(queue);
    return totals === undefined ? undefined : { ...totals };
  }

  vectorMessages(vector: number): number {
    return this.messages[vector] ?? 0;
  }
}

import type { MmioPort } from "../bus/mmio-port.js";
import type { HostServices } from "../host/host-services.js";
import type { Scheduler } from "../kernel/scheduler.js";
import { RX_BUFFER_BYTES } from "./buffer-pool.js";
import { MAX_SEND_BYTES } from "./send-request.js";
import { TX_ARENA_BYTES } from "./tx-copy-arena.js";

/** How the adapter is built: its bus, its host, and the knobs a miniport reads from the registry. */
export interface AdapterOptions {
  /** The device's BAR: the only way the driver reaches the NIC's registers. */
  readonly mmio: MmioPort;
  readonly host: HostServices;
  /** For timed waits (bring-up, queue stops): continuations in simulated time. */
  readonly scheduler: Scheduler;
  /** Receive descriptors per queue (a multiple of 8); default 256. */
  readonly rxRingSize?: number;
  /** Transmit descriptors per queue (a multiple of 8); default 256. */
  readonly txRingSize?: number;
  /** Receive buffer bytes, a multiple of 1024 up to 16 KiB; default 2 KiB. */
  readonly rxBufferBytes?: number;
  /** Transmit copy area per queue; default 1 MiB (two largest sends). */
  readonly txArenaBytes?: number;
  /** Frames per queue per DPC run before it yields; default 64. */
  readonly rxBudget?: number;
  /** Interrupt moderation of every queue vector, in microseconds; default 10. */
  readonly moderationUs?: number;
  /** Queues reserved for RSS, queue 0 first; default 1 (the default queue alone). */
  readonly rssQueues?: number;
  /** The processor of RSS queue 0 (the default queue); RSS queue i runs on base + i. */
  readonly rssBaseProcessor?: number;
  /**
   * Model a driver that indicates its receive buffers in place, as an NDIS miniport does
   * (and, with VMQ, into buffers in the VM's memory): the copy this model makes out of each
   * DMA buffer to lend the frame costs no cycles. The layer above then charges the copies
   * it really makes (a virtual switch copying default-queue frames into a VM). Off by
   * default: receive costs `costs.copyByteCycles` per byte.
   */
  readonly indicateInPlace?: boolean;
  /**
   * Set SRRCTL.DROP_EN on every receive queue: a frame for a queue whose ring has no free
   * descriptor is dropped and counted (QPRDC) instead of waiting in the packet buffer,
   * where it would hold up every other queue's frames behind it. Linux's ixgbe does this
   * whenever several queues share the buffer without flow control (VMDq, SR-IOV); a host
   * with VMs wants it, so that one saturated VM cannot stall the others. Off by default.
   */
  readonly dropWhenRingFull?: boolean;
}

/** The options with their defaults filled in. */
export interface AdapterConfig {
  readonly rxRingSize: number;
  readonly txRingSize: number;
  readonly rxBufferBytes: number;
  readonly txArenaBytes: number;
  readonly rxBudget: number;
  readonly moderationUs: number;
  readonly rssQueues: number;
  readonly rssBaseProcessor: number;
  readonly indicateInPlace: boolean;
  readonly dropWhenRingFull: boolean;
}

/** Descriptors per ring when the options name none (the driver's registry default). */
export const DEFAULT_RING_SIZE = 256;
/** Queue vectors' moderation when the options name none, in microseconds. */
export const DEFAULT_MODERATION_US = 10;
/** Ring sizes the driver accepts: a multiple of `step` in min..max. */
export const RING_SIZE_LIMITS = { step: 8, min: 8, max: 4096 } as const;
/** Receive buffer sizes the driver accepts (SRRCTL.BSIZEPACKET's 1 KiB steps). */
export const RX_BUFFER_LIMITS = { step: 1024, min: 1024, max: 16 * 1024 } as const;

export function resolveConfig(options: AdapterOptions): AdapterConfig {
  return {
    rxRingSize: options.rxRingSize ?? DEFAULT_RING_SIZE,
    txRingSize: options.txRingSize ?? DEFAULT_RING_SIZE,
    rxBufferBytes: options.rxBufferBytes ?? RX_BUFFER_BYTES,
    txArenaBytes: options.txArenaBytes ?? TX_ARENA_BYTES,
    rxBudget: options.rxBudget ?? 64,
    moderationUs: options.moderationUs ?? DEFAULT_MODERATION_US,
    rssQueues: options.rssQueues ?? 1,
    rssBaseProcessor: options.rssBaseProcessor ?? 0,
    indicateInPlace: options.indicateInPlace ?? false,
    dropWhenRingFull: options.dropWhenRingFull ?? false,
  };
}

/**
 * What in `config` the device (`queues`) and host (`processors`) cannot honour, or null.
 * Checked at initialization, once the device has said what it has.
 */
export function configurationProblem(
  config: AdapterConfig,
  queues: number,
  processors: number,
): string | null {
  const c = config;
  const rings = RING_SIZE_LIMITS;
  const buffers = RX_BUFFER_LIMITS;
  if (!withinSteps(c.rxRingSize, rings)) {
    return `rxRingSize ${c.rxRingSize}: ${stepsText(rings)}`;
  }
  if (!withinSteps(c.txRingSize, rings)) {
    return `txRingSize ${c.txRingSize}: ${stepsText(rings)}`;
  }
  if (!withinSteps(c.rxBufferBytes, buffers)) {
    return `rxBufferBytes ${c.rxBufferBytes}: ${stepsText(buffers)}`;
  }
  if (!Number.isInteger(c.txArenaBytes) || c.txArenaBytes < 2 * MAX_SEND_BYTES) {
    return `txArenaBytes ${c.txArenaBytes}: at least ${2 * MAX_SEND_BYTES}`;
  }
  if (!Number.isInteger(c.rxBudget) || c.rxBudget < 1) return `rxBudget ${c.rxBudget}: >= 1`;
  if (!Number.isInteger(c.rssQueues) || c.rssQueues < 1 || c.rssQueues > queues) {
    return `rssQueues ${c.rssQueues}: 1..${queues}`;
  }
  const base = c.rssBaseProcessor;
  if (!Number.isInteger(base) || base < 0 || base >= processors) {
    return `rssBaseProcessor ${base}: 0..${processors - 1}`;
  }
  return null;
}

/** A limit of the form "a multiple of step in min..max". */
export interface StepLimits {
  readonly step: number;
  readonly min: number;
  readonly max: number;
}

/** True when `n` is an integer multiple of `l.step` in `l.min..l.max`. */
export function withinSteps(n: number, l: StepLimits): boolean {
  return Number.isSafeInteger(n) && n >= l.min && n <= l.max && n % l.step === 0;
}

/** How a step limit reads in an error message. */
export function stepsText(l: StepLimits): string {
  return `a multiple of ${l.step} in ${l.min}..${l.max}`;
}

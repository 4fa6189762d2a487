import type { Ticks } from "../kernel/ticks.js";
import { TICKS_PER_NS, TICKS_PER_US } from "../kernel/ticks.js";

/**
 * The NIC's construction parameters: what is fixed when the device is built, the way a
 * silicon variant fixes its queue count. Registers report them (DEVCAP) so that a driver
 * discovers them as it would on hardware.
 */
export interface DeviceParams {
  /** Receive/transmit queue pairs. The 82599 family has 128. */
  readonly queues: number;
  /** MSI-X vectors. The 82599 family has 64. */
  readonly vectors: number;
  /** The NIC core clock, in hertz. Every register change happens on one of its edges. */
  readonly coreClockHz: number;
  /** How long a device reset (CTRL.RST) takes before the device is usable again. */
  readonly resetDurationTicks: Ticks;
  /** The link speed, in Mb/s: 1000, 10000, 25000, 40000 or 100000. */
  readonly linkSpeedMbps: number;
  /** The receive packet buffer between the wire and DMA. The 82599 has 512 KiB. */
  readonly rxPacketBufferBytes: number;
  /** The transmit packet buffer between DMA and the wire. The 82599 has 160 KiB. */
  readonly txPacketBufferBytes: number;
  /** Round trip of a DMA read (descriptor fetch, transmit data) over PCIe. */
  readonly dmaReadLatencyTicks: Ticks;
  /** Time for a posted DMA write to land in host memory. */
  readonly dmaWriteLatencyTicks: Ticks;
  /** PCIe bandwidth per direction, in bytes per second, before packet overheads. */
  readonly pcieBytesPerSecond: number;
  /** DMA reads the device keeps outstanding at once. */
  readonly dmaMaxOutstandingReads: number;
}

/** Defaults modelled on the 82599 family; the core clock and reset time are our choice. */
export const DEFAULT_DEVICE_PARAMS: DeviceParams = {
  queues: 128,
  vectors: 64,
  coreClockHz: 250_000_000,
  resetDurationTicks: 1 * TICKS_PER_US,
  linkSpeedMbps: 10_000,
  rxPacketBufferBytes: 512 * 1024,
  txPacketBufferBytes: 160 * 1024,
  dmaReadLatencyTicks: 600 * TICKS_PER_NS,
  dmaWriteLatencyTicks: 250 * TICKS_PER_NS,
  // PCIe 2.0 x8: 5 GT/s x 8 lanes with 8b/10b coding is 4 GB/s per direction.
  pcieBytesPerSecond: 4_000_000_000,
  dmaMaxOutstandingReads: 16,
};

/** Link speeds the MAC supports, in Mb/s, in STATUS.LINK_SPEED encoding order. */
export const LINK_SPEEDS_MBPS = [1_000, 10_000, 25_000, 40_000, 100_000] as const;

/** Limits the register layout can hold. */
export const DEVICE_LIMITS = {
  queues: { min: 1, max: 128 },
  vectors: { min: 1, max: 64 },
  coreClockHz: { min: 1_000_000, max: 4_000_000_000 },
  resetDurationTicks: { min: 0, max: 1_000_000_000_000 },
  linkSpeedMbps: { min: 1_000, max: 100_000 },
  rxPacketBufferBytes: { min: 16 * 1024, max: 16 * 1024 * 1024 },
  txPacketBufferBytes: { min: 16 * 1024, max: 16 * 1024 * 1024 },
  dmaReadLatencyTicks: { min: 0, max: 1_000_000_000 },
  dmaWriteLatencyTicks: { min: 0, max: 1_000_000_000 },
  pcieBytesPerSecond: { min: 100_000_000, max: 1_000_000_000_000 },
  dmaMaxOutstandingReads: { min: 1, max: 256 },
} as const satisfies Record<keyof DeviceParams, { min: number; max: number }>;

/**
 * Fills defaults and checks every parameter; throws a RangeError naming the parameter,
 * the value found and the range expected (construction is control path, so it validates
 * early and loudly, as Firecracker's constructors do).
 */
export function resolveDeviceParams(overrides: Partial<DeviceParams> = {}): DeviceParams {
  const params: DeviceParams = { ...DEFAULT_DEVICE_PARAMS, ...overrides };
  for (const key of Object.keys(DEVICE_LIMITS) as (keyof DeviceParams)[]) {
    const value = params[key];
    const { min, max } = DEVICE_LIMITS[key];
    if (!Number.isSafeInteger(value) || value < min || value > max) {
      throw new RangeError(
        `device parameter ${key}: found ${value}, expected an integer in [${min}, ${max}]`,
      );
    }
  }
  return params;
}

import type { Ticks } from "../kernel/ticks.js";
import { TICKS_PER_US } from "../kernel/ticks.js";

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
}

/** Defaults modelled on the 82599 family; the core clock and reset time are our choice. */
export const DEFAULT_DEVICE_PARAMS: DeviceParams = {
  queues: 128,
  vectors: 64,
  coreClockHz: 250_000_000,
  resetDurationTicks: 1 * TICKS_PER_US,
};

/** Limits the register layout can hold. */
export const DEVICE_LIMITS = {
  queues: { min: 1, max: 128 },
  vectors: { min: 1, max: 64 },
  coreClockHz: { min: 1_000_000, max: 4_000_000_000 },
  resetDurationTicks: { min: 0, max: 1_000_000_000_000 },
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

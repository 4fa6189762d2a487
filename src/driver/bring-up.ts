import type { MmioPort } from "../bus/mmio-port.js";
import { DEFAULT_DEVICE_PARAMS, resolveDeviceParams } from "../hw/device-params.js";
import { MAP_VERSION } from "../hw/regs/map/device.js";
import { buildRegisterMap } from "../hw/regs/map/index.js";
import type { Scheduler } from "../kernel/scheduler.js";
import { DEVICE_POLL, pollUntil } from "./poll.js";
import { DriverRegisters } from "./registers.js";

/** What the device says about itself once reset. */
export interface DeviceIdentity {
  /** Receive/transmit queue pairs (DEVCAP.QUEUES). */
  readonly queues: number;
  /** MSI-X vectors (DEVCAP.VECTORS). */
  readonly vectors: number;
  /** Register access sized for this device's queue and vector counts. */
  readonly regs: DriverRegisters;
}

/** Why bring-up failed. */
export type BringUpError =
  | { readonly kind: "device-not-found"; readonly ident: number; readonly message: string }
  | { readonly kind: "unsupported-map-version"; readonly major: number; readonly message: string }
  | { readonly kind: "master-disable-timeout"; readonly message: string }
  | { readonly kind: "reset-timeout"; readonly message: string };

export type BringUpResult =
  | { readonly ok: true; readonly device: DeviceIdentity }
  | { readonly ok: false; readonly error: BringUpError };

/**
 * Finds and resets the device, in the order the register reference gives:
 *
 * 1. IDENT must read the signature and DEVVER a major version this driver knows: anything
 *    else is not our device (or a map we would misprogram).
 * 2. CTRL.PCIE_MASTER_DISABLE, then wait for STATUS.MASTER_ENABLED to clear, so that the
 *    reset cuts no DMA short (a half-written buffer in memory we are about to reuse).
 * 3. CTRL.RST, then wait for RST to read 0 and STATUS.INIT_DONE to set. The reset also
 *    clears PCIE_MASTER_DISABLE, so the device may master again afterwards.
 * 4. DEVCAP: how many queues and vectors there are; the register map is sized by them.
 *
 * The waits are continuations on the scheduler: `done` runs in simulated time, at the
 * tick the device became ready.
 */
export function bringUp(
  mmio: MmioPort,
  scheduler: Scheduler,
  done: (result: BringUpResult) => void,
): void {
  // The device block sits at the same offsets whatever the queue and vector counts, so a
  // map built for the default counts is enough to find DEVCAP.
  const probe = new DriverRegisters(mmio, buildRegisterMap(DEFAULT_DEVICE_PARAMS));
  const error = identify(probe);
  if (error !== null) {
    done({ ok: false, error });
    return;
  }
  probe.setField("CTRL", "PCIE_MASTER_DISABLE", 1);
  const masterIdle = () => probe.readField("STATUS", "MASTER_ENABLED") === 0;
  pollUntil(scheduler, "master-disable", masterIdle, DEVICE_POLL, (idle) => {
    if (!idle) {
      done(failure("master-disable-timeout", "STATUS.MASTER_ENABLED never cleared"));
      return;
    }
    probe.startAction("CTRL", "RST");
    const resetDone = () =>
      probe.readField("CTRL", "RST") === 0 && probe.readField("STATUS", "INIT_DONE") === 1;
    pollUntil(scheduler, "reset", resetDone, DEVICE_POLL, (ready) => {
      if (!ready) done(failure("reset-timeout", "CTRL.RST or STATUS.INIT_DONE never settled"));
      else done({ ok: true, device: describe(mmio, probe) });
    });
  });
}

/** Null when IDENT and DEVVER say this is a device we can drive. */
function identify(regs: DriverRegisters): BringUpError | null {
  const ident = regs.read("IDENT");
  const expected = regs.fieldReset("IDENT", "MAGIC");
  if (ident !== expected) {
    const message = `IDENT reads 0x${ident.toString(16)}, expected 0x${expected.toString(16)}`;
    return { kind: "device-not-found", ident, message };
  }
  const major = regs.readField("DEVVER", "MAJOR");
  if (major !== MAP_VERSION.major) {
    const message = `register map version ${major}.x; this driver knows ${MAP_VERSION.major}.x`;
    return { kind: "unsupported-map-version", major, message };
  }
  return null;
}

function describe(mmio: MmioPort, probe: DriverRegisters): DeviceIdentity {
  const queues = probe.readField("DEVCAP", "QUEUES");
  const vectors = probe.readField("DEVCAP", "VECTORS");
  const regs = new DriverRegisters(
    mmio,
    buildRegisterMap(resolveDeviceParams({ queues, vectors })),
  );
  return { queues, vectors, regs };
}

function failure(kind: "master-disable-timeout" | "reset-timeout", message: string): BringUpResult {
  return { ok: false, error: { kind, message } };
}

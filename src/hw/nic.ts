import type { MmioPort } from "../bus/mmio-port.js";
import { ClockDomain } from "../kernel/clock-domain.js";
import type { Scheduler } from "../kernel/scheduler.js";
import { DeviceControl } from "./device/device-control.js";
import { type DeviceParams, resolveDeviceParams } from "./device-params.js";
import { buildRegisterMap } from "./regs/map/index.js";
import { RegisterFile } from "./regs/register-file.js";

/**
 * The NIC: a device on the bus. The driver reaches it only through `mmio` (and, as the
 * model grows, host memory by DMA and MSI-X messages); tests and debuggers may also use
 * `regs.peek32`/`poke32`, which have no side effects.
 */
export class Nic {
  readonly params: DeviceParams;
  /** The NIC core clock: every change the device makes happens on one of its edges. */
  readonly clock: ClockDomain;
  readonly regs: RegisterFile;
  readonly control: DeviceControl;
  /** The device's memory BAR as the driver sees it. */
  readonly mmio: MmioPort;

  constructor(scheduler: Scheduler, params: Partial<DeviceParams> = {}) {
    this.params = resolveDeviceParams(params);
    this.clock = ClockDomain.fromHz("nic.core", this.params.coreClockHz);
    this.regs = new RegisterFile(buildRegisterMap(this.params), () => scheduler.nowTicks);
    this.control = new DeviceControl(scheduler, this.clock, this.regs, this.params);
    const regs = this.regs;
    this.mmio = {
      read32: (offset) => regs.read32(offset),
      write32: (offset, value) => regs.write32(offset, value),
    };
  }
}

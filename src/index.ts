/**
 * nicsim's package root: the pieces a tool or test builds a model from.
 */
export type { MmioPort } from "./bus/mmio-port.js";
export {
  DEFAULT_DEVICE_PARAMS,
  type DeviceParams,
  resolveDeviceParams,
} from "./hw/device-params.js";
export { Nic } from "./hw/nic.js";
export { buildRegisterMap } from "./hw/regs/map/index.js";
export { RegisterFile } from "./hw/regs/register-file.js";
export { RegisterMap } from "./hw/regs/register-map.js";
export type { FieldAccess, FieldDef, RegisterDef } from "./hw/regs/schema.js";
export { toeplitzHash } from "./hw/rss/toeplitz.js";
export { ClockDomain } from "./kernel/clock-domain.js";
export { Rng } from "./kernel/rng.js";
export { Scheduler } from "./kernel/scheduler.js";
export * from "./kernel/ticks.js";
export { Timer } from "./kernel/timer.js";

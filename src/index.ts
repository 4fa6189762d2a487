/**
 * nicsim's package root: the pieces a tool or test builds a model from.
 */

// The bus: what the driver sees of the device (the BAR) and of host memory.
export { HostMemory } from "./bus/host-memory.js";
export type { MmioPort } from "./bus/mmio-port.js";

// The driver (miniport-style): the adapter, its requests, and what crosses its upper edge.
export type {
  AdapterOptions,
  AdapterState,
  Capabilities,
  ChecksumResult,
  DriverError,
  DriverErrorKind,
  DriverRequest,
  FaultRecord,
  InitializeError,
  InitializeResult,
  MacAddress,
  QueueInfo,
  ReceivedFrame,
  ReceiveHandler,
  RequestKind,
  RequestOf,
  RequestOutcome,
  RequestResults,
  SendCompleteHandler,
  SendInvalidReason,
  SendOffload,
  SendRequest,
  SendStatus,
  Statistics,
} from "./driver/index.js";
export { Adapter, DEFAULT_RSS_KEY, RSS_HASH } from "./driver/index.js";

// The host: processors running ISRs and DPCs, the cost model, the interrupt controller.
export type { UtilizationWindow } from "./host/busy-windows.js";
export type { HostOptions } from "./host/host.js";
export { DEFAULT_COST_MODEL, Host } from "./host/host.js";
export type {
  CostModel,
  DeferredRoutine,
  HostServices,
  InterruptRoutine,
  WorkKind,
} from "./host/host-services.js";

// The device: parameters, the NIC, its register map and file, the RSS hash.
export type { DeviceParams } from "./hw/device-params.js";
export { DEFAULT_DEVICE_PARAMS, resolveDeviceParams } from "./hw/device-params.js";
export { Nic } from "./hw/nic.js";
export { buildRegisterMap } from "./hw/regs/map/index.js";
export { RegisterFile } from "./hw/regs/register-file.js";
export { RegisterMap } from "./hw/regs/register-map.js";
export type { FieldAccess, FieldDef, RegisterDef } from "./hw/regs/schema.js";
export { toeplitzHash } from "./hw/rss/toeplitz.js";

// Taps: the bus trace (MMIO accesses, MSI-X messages) and the pcap writer.
export type { TraceEntry } from "./hw/taps/nic-trace.js";
export { NicTrace } from "./hw/taps/nic-trace.js";
export type { PcapWriterOptions } from "./hw/taps/pcap-writer.js";
export { PcapWriter } from "./hw/taps/pcap-writer.js";

// Simulated time.
export { ClockDomain } from "./kernel/clock-domain.js";
export { Rng } from "./kernel/rng.js";
export { Scheduler } from "./kernel/scheduler.js";
export * from "./kernel/ticks.js";
export { Timer } from "./kernel/timer.js";

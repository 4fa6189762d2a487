export {
  Adapter,
  type AdapterState,
  type InitializeError,
  type InitializeResult,
  type ReceiveHandler,
  type SendCompleteHandler,
} from "./adapter.js";
export type { AdapterOptions } from "./adapter-config.js";
export type { BringUpError, DeviceIdentity } from "./bring-up.js";
export { BufferPool, RX_BUFFER_BYTES } from "./buffer-pool.js";
export type { FaultRecord } from "./faults.js";
export {
  formatMac,
  type MacAddress,
  macProblem,
  VLAN_MAX,
  VLAN_MIN,
  vlanProblem,
} from "./filters.js";
export type { QueueInfo } from "./queue-manager.js";
export type { ChecksumResult, ReceivedFrame } from "./received-frame.js";
export {
  type Counter32Register,
  type Counter64Pair,
  DriverRegisters,
  REGISTER_ROLES,
  type ReadableRegister,
  type RmwRegister,
  type StrobeRegister,
  type W1cRegister,
  type WritableRegister,
} from "./registers.js";
export type {
  Capabilities,
  DriverError,
  DriverErrorKind,
  DriverRequest,
  RequestKind,
  RequestOf,
  RequestOutcome,
  RequestResults,
} from "./requests.js";
export { DEFAULT_RSS_KEY, RSS_HASH } from "./rss.js";
export {
  MAX_LSO_PAYLOAD_BYTES,
  MAX_SEND_BYTES,
  type SendInvalidReason,
  type SendOffload,
  type SendRequest,
  type SendStatus,
} from "./send-request.js";
export type {
  DeviceStatistics,
  DriverStatistics,
  QueueStatistics,
  Statistics,
  VectorStatistics,
} from "./statistics.js";

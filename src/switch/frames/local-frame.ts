import type { ChecksumResult, ReceivedFrame } from "../../driver/received-frame.js";
import type { Ticks } from "../../kernel/ticks.js";

/**
 * A frame one VM sends to another on the same switch, presented to the receiver as a
 * received frame: it never met the NIC, so nothing was hashed, filtered or checked.
 * Reused from frame to frame (lent, like the driver's records).
 */
export class LocalFrameRecord implements ReceivedFrame {
  bytes: Uint8Array = new Uint8Array(0);
  length = 0;
  readonly queue = -1;
  readonly rssHash = 0;
  readonly rssType = 0;
  readonly filterIndex = -1;
  readonly packetType = 0;
  readonly ipChecksum: ChecksumResult = "not-checked";
  readonly l4Checksum: ChecksumResult = "not-checked";
  readonly l4IsUdp = false;
  vlanTci = -1;
  receivedAtTicks: Ticks = 0;
  readonly descriptors = 0;
}

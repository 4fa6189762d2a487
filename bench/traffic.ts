import type { Nic } from "../src/hw/nic.js";
import { ETHERNET_HEADER_BYTES, IPV4_MIN_HEADER_BYTES } from "../src/hw/parse/protocols.js";
import { writeHeaders } from "../src/sim/frames/frame-builder.js";

/** The UDP source port of `udpFrame`'s frames. */
const SRC_PORT_AT = ETHERNET_HEADER_BYTES + IPV4_MIN_HEADER_BYTES;

/**
 * A back-to-back stream at line rate: the peer sends `frame` over and over, each copy
 * with a new UDP source port (a new flow for RSS to spread). The frame is made as the
 * wire can take it (a pull source), so nothing is queued or copied ahead of the wire.
 */
export function startLineRateFeed(nic: Nic, frame: Uint8Array): void {
  let sent = 0;
  nic.wire.setPeerSource({
    pull() {
      // The wire is done with the previous frame: the same bytes can carry the next.
      frame[SRC_PORT_AT] = (sent >>> 8) & 0xff;
      frame[SRC_PORT_AT + 1] = sent & 0xff;
      sent++;
      return frame;
    },
  });
}
/**
 * An Ethernet/IPv4/UDP frame of `bytes` (without FCS), from port 12345 to 53, IPv4
 * checksum filled, UDP checksum 0 (none: the source port changes per frame).
 */
export function udpFrame(bytes: number): Uint8Array {
  const f = new Uint8Array(bytes);
  writeHeaders(
    {
      // Destination: a unicast address no filter claims (the default path: RSS or queue 0).
      dst: [0x02, 0, 0, 0, 0, 1],
      src: [0x02, 0, 0, 0, 0, 2],
      ip: 4,
      l4: "udp",
      srcIp: [10, 0, 0, 1],
      dstIp: [10, 0, 0, 2],
      srcPort: 12345,
      dstPort: 53,
    },
    bytes,
    f,
  );
  return f;
}

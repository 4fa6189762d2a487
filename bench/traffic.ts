import type { Nic } from "../src/hw/nic.js";

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
      frame[34] = (sent >>> 8) & 0xff;
      frame[35] = sent & 0xff;
      sent++;
      return frame;
    },
  });
}
/** An Ethernet/IPv4/UDP frame of `bytes` (without FCS), IPv4 checksum filled, UDP checksum 0. */
export function udpFrame(bytes: number): Uint8Array {
  const f = new Uint8Array(bytes);
  // Destination: a unicast address no filter claims (the default path: RSS or queue 0).
  f.set([0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 2, 0x08, 0x00]);
  const ipLength = bytes - 14;
  // Version/IHL, TOS, total length, ID, DF, TTL 64, UDP, checksum (below), 10.0.0.1 > 10.0.0.2.
  const ip = [0x45, 0, ipLength >>> 8, ipLength & 0xff, 0, 0, 0x40, 0, 64, 17, 0, 0];
  f.set([...ip, 10, 0, 0, 1, 10, 0, 0, 2], 14);
  let sum = 0;
  for (let i = 14; i < 34; i += 2) sum += (f[i]! << 8) | f[i + 1]!;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  const checksum = ~sum & 0xffff;
  f[24] = checksum >>> 8;
  f[25] = checksum & 0xff;
  const udpLength = ipLength - 20;
  f.set([0x30, 0x39, 0x00, 0x35, udpLength >>> 8, udpLength & 0xff, 0, 0], 34);
  return f;
}

import { readU16 } from "./bytes.js";
import type { ParsedFrame } from "./parsed-frame.js";
import { ParseError } from "./parsed-frame.js";
import {
  ETHERNET_HEADER_BYTES,
  ETHERTYPE_QINQ,
  ETHERTYPE_VLAN,
  VLAN_TAG_BYTES,
} from "./protocols.js";

/**
 * The Ethernet header at `at` and its VLAN tags: one 802.1Q tag (0x8100), or an 802.1ad
 * tag (0x88A8) optionally followed by an 802.1Q one (QinQ). Sets `etherType` and the
 * VLAN fields; returns where L3 starts, or -1 with `error` set when the frame (which
 * ends at `end`) is too short.
 */
export function parseEthernet(
  bytes: Uint8Array,
  at: number,
  end: number,
  out: ParsedFrame,
): number {
  let next = at + ETHERNET_HEADER_BYTES;
  if (next > end) return truncated(out);
  let etherType = readU16(bytes, next - 2);
  let tags = 0;
  let outerTci = -1;
  let tci = -1;
  if (etherType === ETHERTYPE_QINQ) {
    if (next + VLAN_TAG_BYTES > end) return truncated(out);
    tci = readU16(bytes, next);
    etherType = readU16(bytes, next + 2);
    next += VLAN_TAG_BYTES;
    tags = 1;
  }
  if (etherType === ETHERTYPE_VLAN) {
    if (next + VLAN_TAG_BYTES > end) return truncated(out);
    outerTci = tci;
    tci = readU16(bytes, next);
    etherType = readU16(bytes, next + 2);
    next += VLAN_TAG_BYTES;
    tags++;
  }
  out.etherType = etherType;
  out.vlanTagCount = tags;
  out.vlanTci = tci;
  out.outerVlanTci = outerTci;
  return next;
}

function truncated(out: ParsedFrame): number {
  out.error = ParseError.TruncatedL2;
  return -1;
}

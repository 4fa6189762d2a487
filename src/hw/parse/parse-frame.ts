import { parseEthernet } from "./ethernet.js";
import { parseIpv4 } from "./ipv4.js";
import { parseIpv6, parseIpv6ExtensionHeaders } from "./ipv6.js";
import type { ParsedFrame } from "./parsed-frame.js";
import { L3Kind, L4Kind, ParseError } from "./parsed-frame.js";
import { ETHERTYPE_IPV4, ETHERTYPE_IPV6, IP_PROTO_TCP, IP_PROTO_UDP } from "./protocols.js";
import { parseTcp } from "./tcp.js";
import { parseUdp } from "./udp.js";

/**
 * Parses the Ethernet frame `bytes[offset, offset + length)` (without FCS) into `out`,
 * which it resets first, and returns `out`. Reads no byte outside that window (nor past
 * the array's end), allocates nothing and never throws: a truncated or inconsistent
 * header sets `out.error` and ends the parse (see `ParsedFrame` for what is then set).
 */
export function parseFrame(
  bytes: Uint8Array,
  offset: number,
  length: number,
  out: ParsedFrame,
): ParsedFrame {
  out.reset();
  out.l2Offset = offset;
  if (offset < 0 || length < 0) {
    out.error = ParseError.TruncatedL2;
    return out;
  }
  const end = Math.min(offset + length, bytes.length);
  const l3 = parseEthernet(bytes, offset, end, out);
  if (l3 < 0) return out;
  out.l3Offset = l3;
  let l4: number;
  if (out.etherType === ETHERTYPE_IPV4) {
    out.l3Kind = L3Kind.Ipv4;
    l4 = parseIpv4(bytes, l3, end, out);
    if (l4 < 0) return out;
  } else if (out.etherType === ETHERTYPE_IPV6) {
    out.l3Kind = L3Kind.Ipv6;
    const first = parseIpv6(bytes, l3, end, out);
    if (first < 0) return out;
    l4 = parseIpv6ExtensionHeaders(bytes, l3, first, out);
    if (l4 < 0) return out;
  } else {
    out.l3Kind = L3Kind.Other;
    out.payloadOffset = l3;
    out.payloadLength = end - l3;
    return out;
  }
  parseL4(bytes, l4, out);
  return out;
}

/** The L4 header at `at`, once IP (and its extension headers) parsed without error. */
function parseL4(bytes: Uint8Array, at: number, out: ParsedFrame): void {
  const ipEnd = out.ipEnd;
  if (out.isFragment && !out.isFirstFragment) {
    out.payloadOffset = at;
    out.payloadLength = ipEnd - at;
    return;
  }
  out.l4Offset = at;
  const protocol = out.ipProtocol;
  if (protocol === IP_PROTO_TCP) {
    out.l4Kind = L4Kind.Tcp;
    const payload = parseTcp(bytes, at, ipEnd, out);
    if (payload < 0) return;
    out.payloadOffset = payload;
    out.payloadLength = ipEnd - payload;
  } else if (protocol === IP_PROTO_UDP) {
    out.l4Kind = L4Kind.Udp;
    const payload = parseUdp(bytes, at, ipEnd, out.isFragment, out);
    if (payload < 0) return;
    out.payloadOffset = payload;
    out.payloadLength = out.isFragment ? ipEnd - payload : at + out.udpLength - payload;
  } else {
    out.l4Kind = L4Kind.Other;
    out.payloadOffset = at;
    out.payloadLength = ipEnd - at;
  }
}

import { readU16 } from "./bytes.js";
import type { ParsedFrame } from "./parsed-frame.js";
import { ParseError } from "./parsed-frame.js";
import {
  IP_PROTO_AH,
  IP_PROTO_DEST_OPTS,
  IP_PROTO_FRAGMENT,
  IP_PROTO_HOP_BY_HOP,
  IP_PROTO_ROUTING,
  IPV6_HEADER_BYTES,
} from "./protocols.js";

const FRAGMENT_HEADER_BYTES = 8;
const FRAGMENT_OFFSET_MASK = 0xfff8;
const MORE_FRAGMENTS = 0x0001;
/** The segments-left byte of a routing header. */
const ROUTING_SEGMENTS_LEFT_AT = 3;

/**
 * The fixed IPv6 header at `at` (the frame ends at `end`). Sets the IPv6 fields and
 * `ipEnd`; returns where the first extension or L4 header starts, or -1 with `error` set.
 * The next header is left for `parseIpv6ExtensionHeaders`.
 */
export function parseIpv6(bytes: Uint8Array, at: number, end: number, out: ParsedFrame): number {
  if (at + IPV6_HEADER_BYTES > end) return fail(out, ParseError.TruncatedL3);
  if (bytes[at]! >>> 4 !== 6) return fail(out, ParseError.BadIpVersion);
  const payloadLength = readU16(bytes, at + 4);
  if (at + IPV6_HEADER_BYTES + payloadLength > end) {
    return fail(out, ParseError.IpLengthExceedsFrame);
  }
  out.ipv6PayloadLength = payloadLength;
  out.ipSrcOffset = at + 8;
  out.ipDstOffset = at + 24;
  out.ipEnd = at + IPV6_HEADER_BYTES + payloadLength;
  return at + IPV6_HEADER_BYTES;
}

/** True for the next-header values `parseIpv6ExtensionHeaders` walks over. */
export function isIpv6ExtensionHeader(nextHeader: number): boolean {
  return (
    nextHeader === IP_PROTO_HOP_BY_HOP ||
    nextHeader === IP_PROTO_ROUTING ||
    nextHeader === IP_PROTO_FRAGMENT ||
    nextHeader === IP_PROTO_DEST_OPTS ||
    nextHeader === IP_PROTO_AH
  );
}

/**
 * Walks the extension headers of the IPv6 header at `l3Offset`, starting with the one at
 * `at`, within the datagram (which ends at `out.ipEnd`): hop-by-hop, routing, destination
 * options ((len + 1) * 8 bytes), AH ((len + 2) * 4 bytes) and fragment (8 bytes). Sets
 * `ipProtocol` to the first other next-header value, the routing and fragment fields, and
 * returns where that header starts; a non-first fragment stops the walk after its
 * fragment header (what follows is fragment data). Returns -1 with `error` set when a
 * header runs past the datagram.
 */
export function parseIpv6ExtensionHeaders(
  bytes: Uint8Array,
  l3Offset: number,
  at: number,
  out: ParsedFrame,
): number {
  const end = out.ipEnd;
  let nextHeader = bytes[l3Offset + 6]!;
  let next = at;
  while (isIpv6ExtensionHeader(nextHeader)) {
    out.ipv6HasExtensionHeaders = true;
    if (next + 2 > end) return fail(out, ParseError.TruncatedExtensionHeader);
    const headerType = nextHeader;
    nextHeader = bytes[next]!;
    const lengthField = bytes[next + 1]!;
    let headerLength: number;
    if (headerType === IP_PROTO_FRAGMENT) headerLength = FRAGMENT_HEADER_BYTES;
    else if (headerType === IP_PROTO_AH) headerLength = (lengthField + 2) * 4;
    else headerLength = (lengthField + 1) * 8;
    if (next + headerLength > end) return fail(out, ParseError.TruncatedExtensionHeader);
    if (headerType === IP_PROTO_ROUTING) out.ipv6RoutingHeaderOffset = next;
    if (headerType === IP_PROTO_FRAGMENT) {
      const word = readU16(bytes, next + 2);
      const offset = word & FRAGMENT_OFFSET_MASK;
      out.isFragment = offset !== 0 || (word & MORE_FRAGMENTS) !== 0;
      out.isFirstFragment = out.isFragment && offset === 0;
      if (offset !== 0) {
        next += headerLength;
        break;
      }
    }
    next += headerLength;
  }
  out.ipProtocol = nextHeader;
  return next;
}

function fail(out: ParsedFrame, error: ParseError): number {
  out.error = error;
  return -1;
}

/**
 * Whether the parsed datagram has an IPv6 routing header with segments left: its final
 * destination is then another address than the header's, which the TCP/UDP checksum's
 * pseudo header would need.
 */
export function routingSegmentsLeft(bytes: Uint8Array, parsed: ParsedFrame): boolean {
  const at = parsed.ipv6RoutingHeaderOffset;
  return at >= 0 && bytes[at + ROUTING_SEGMENTS_LEFT_AT] !== 0;
}

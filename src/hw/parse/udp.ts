import { readU16 } from "./bytes.js";
import type { ParsedFrame } from "./parsed-frame.js";
import { ParseError } from "./parsed-frame.js";
import { UDP_HEADER_BYTES } from "./protocols.js";

/**
 * The UDP header at `at`, within a datagram ending at `end`. Sets the ports and
 * `udpLength`; returns where the payload starts, or -1 with `error` set. The UDP length
 * must lie in [8, end - at] unless `fragment` (a first fragment holds only part of the
 * UDP datagram its length describes).
 */
export function parseUdp(
  bytes: Uint8Array,
  at: number,
  end: number,
  fragment: boolean,
  out: ParsedFrame,
): number {
  if (at + UDP_HEADER_BYTES > end) return fail(out, ParseError.TruncatedL4);
  const length = readU16(bytes, at + 4);
  if (length < UDP_HEADER_BYTES || (!fragment && at + length > end)) {
    return fail(out, ParseError.BadUdpLength);
  }
  out.srcPort = readU16(bytes, at);
  out.dstPort = readU16(bytes, at + 2);
  out.udpLength = length;
  return at + UDP_HEADER_BYTES;
}

function fail(out: ParsedFrame, error: ParseError): number {
  out.error = error;
  return -1;
}

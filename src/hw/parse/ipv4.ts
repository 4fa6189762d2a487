import { readU16 } from "./bytes.js";
import type { ParsedFrame } from "./parsed-frame.js";
import { ParseError } from "./parsed-frame.js";
import { IPV4_MIN_HEADER_BYTES } from "./protocols.js";

/** MF in the flags/fragment offset word. */
const MORE_FRAGMENTS = 0x2000;
const FRAGMENT_OFFSET_MASK = 0x1fff;

/**
 * The IPv4 header at `at` (the frame ends at `end`). Sets the IPv4 fields, `ipProtocol`,
 * the fragment flags and `ipEnd`; returns where the IP payload starts, or -1 with
 * `error` set.
 */
export function parseIpv4(bytes: Uint8Array, at: number, end: number, out: ParsedFrame): number {
  if (at + IPV4_MIN_HEADER_BYTES > end) return fail(out, ParseError.TruncatedL3);
  const versionIhl = bytes[at]!;
  if (versionIhl >>> 4 !== 4) return fail(out, ParseError.BadIpVersion);
  const headerLength = (versionIhl & 0x0f) * 4;
  if (headerLength < IPV4_MIN_HEADER_BYTES) return fail(out, ParseError.BadIpHeaderLength);
  if (at + headerLength > end) return fail(out, ParseError.TruncatedL3);
  const totalLength = readU16(bytes, at + 2);
  if (totalLength < headerLength) return fail(out, ParseError.BadIpTotalLength);
  if (at + totalLength > end) return fail(out, ParseError.IpLengthExceedsFrame);
  const fragment = readU16(bytes, at + 6);
  const fragmentOffset = fragment & FRAGMENT_OFFSET_MASK;
  out.ipv4HeaderLength = headerLength;
  out.ipv4TotalLength = totalLength;
  out.ipProtocol = bytes[at + 9]!;
  out.ipSrcOffset = at + 12;
  out.ipDstOffset = at + 16;
  out.ipEnd = at + totalLength;
  out.isFragment = (fragment & MORE_FRAGMENTS) !== 0 || fragmentOffset !== 0;
  out.isFirstFragment = out.isFragment && fragmentOffset === 0;
  return at + headerLength;
}

function fail(out: ParsedFrame, error: ParseError): number {
  out.error = error;
  return -1;
}

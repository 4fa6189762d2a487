import { readU16, readU32 } from "./bytes.js";
import type { ParsedFrame } from "./parsed-frame.js";
import { ParseError } from "./parsed-frame.js";
import { TCP_MIN_HEADER_BYTES } from "./protocols.js";

/**
 * The TCP header at `at`, within a datagram ending at `end`. Sets the ports and TCP
 * fields; returns where the payload starts, or -1 with `error` set.
 */
export function parseTcp(bytes: Uint8Array, at: number, end: number, out: ParsedFrame): number {
  if (at + TCP_MIN_HEADER_BYTES > end) return fail(out, ParseError.TruncatedL4);
  const headerLength = (bytes[at + 12]! >>> 4) * 4;
  if (headerLength < TCP_MIN_HEADER_BYTES) return fail(out, ParseError.BadTcpHeaderLength);
  if (at + headerLength > end) return fail(out, ParseError.TruncatedL4);
  out.srcPort = readU16(bytes, at);
  out.dstPort = readU16(bytes, at + 2);
  out.tcpSeq = readU32(bytes, at + 4);
  out.tcpAck = readU32(bytes, at + 8);
  out.tcpHeaderLength = headerLength;
  out.tcpFlags = readU16(bytes, at + 12) & 0x0fff;
  return at + headerLength;
}

function fail(out: ParsedFrame, error: ParseError): number {
  out.error = error;
  return -1;
}

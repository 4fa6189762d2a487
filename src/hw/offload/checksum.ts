import { routingSegmentsLeft } from "../parse/ipv6.js";
import type { ParsedFrame } from "../parse/parsed-frame.js";
import { L3Kind, L4Kind, ParseError } from "../parse/parsed-frame.js";

/** What checking a checksum found. */
export enum ChecksumStatus {
  /** Not checked: no such header, a parse error, a fragment, or a UDP/IPv4 checksum of 0. */
  NotChecked = 0,
  Good = 1,
  Bad = 2,
}

/** Where the checksum field sits in each header. */
export const IPV4_CHECKSUM_AT = 10;
export const TCP_CHECKSUM_AT = 16;
const UDP_CHECKSUM_AT = 6;

/**
 * Folds a non-negative integer (below 2^53) to 16 bits with end-around carry: the
 * one's complement sum it stands for. 0 stays 0; any other value ends in [1, 0xFFFF].
 */
function fold(sum: number): number {
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return sum;
}

/**
 * The 16-bit one's complement sum of `bytes[offset, offset + length)` read as big-endian
 * 16-bit words (an odd last byte is the high half of a word whose low half is 0), added
 * to `initial` (a sum of earlier data, e.g. a pseudo header; when chaining, every earlier
 * piece must have had an even length). Folded to 16 bits; 0 only if everything was 0.
 */
export function onesComplementSum(
  bytes: Uint8Array,
  offset: number,
  length: number,
  initial = 0,
): number {
  // Words are at most 0xFFFF, so a plain number accumulates 2^37 bytes before it loses
  // precision; folding once at the end is enough.
  let sum = initial;
  let i = offset;
  const end = offset + length;
  const end8 = end - 7;
  for (; i < end8; i += 8) {
    sum +=
      ((bytes[i]! << 8) | bytes[i + 1]!) +
      ((bytes[i + 2]! << 8) | bytes[i + 3]!) +
      ((bytes[i + 4]! << 8) | bytes[i + 5]!) +
      ((bytes[i + 6]! << 8) | bytes[i + 7]!);
  }
  const end2 = end - 1;
  for (; i < end2; i += 2) sum += (bytes[i]! << 8) | bytes[i + 1]!;
  if (i < end) sum += bytes[i]! << 8;
  return fold(sum);
}

/** The checksum to put in a header: the complement of the folded sum, 16 bits. */
export function finishChecksum(sum: number): number {
  return ~fold(sum) & 0xffff;
}

/**
 * The one's complement sum of the pseudo header of the parsed IPv4 or IPv6 datagram:
 * source and destination addresses, `ipProtocol` and `l4Length` (the TCP/UDP length).
 * For IPv6 this is the address in the IPv6 header, not a routing header's final one.
 * 0 when the frame has no parsed IP header.
 */
export function pseudoHeaderSum(bytes: Uint8Array, parsed: ParsedFrame, l4Length: number): number {
  let addressBytes: number;
  if (parsed.l3Kind === L3Kind.Ipv4) addressBytes = 4;
  else if (parsed.l3Kind === L3Kind.Ipv6) addressBytes = 16;
  else return 0;
  if (parsed.ipSrcOffset < 0 || parsed.ipDstOffset < 0 || parsed.ipProtocol < 0) return 0;
  let sum = onesComplementSum(bytes, parsed.ipSrcOffset, addressBytes, 0);
  sum = onesComplementSum(bytes, parsed.ipDstOffset, addressBytes, sum);
  // The upper-layer length is 16 bits for IPv4 and 32 for IPv6; as words they add alike.
  return fold(sum + parsed.ipProtocol + Math.floor(l4Length / 0x10000) + (l4Length & 0xffff));
}

/**
 * Checks the IPv4 header checksum. NotChecked unless the frame has a fully parsed IPv4
 * header (one that `parseFrame` reported no error for).
 */
export function ipv4HeaderChecksumOk(bytes: Uint8Array, parsed: ParsedFrame): ChecksumStatus {
  if (parsed.l3Kind !== L3Kind.Ipv4 || parsed.ipv4HeaderLength < 0) {
    return ChecksumStatus.NotChecked;
  }
  const sum = onesComplementSum(bytes, parsed.l3Offset, parsed.ipv4HeaderLength, 0);
  return sum === 0xffff ? ChecksumStatus.Good : ChecksumStatus.Bad;
}

/**
 * Checks the TCP or UDP checksum over IPv4 or IPv6. NotChecked for other protocols,
 * frames with a parse error, fragments (the checksum covers the whole datagram), UDP
 * over IPv4 with checksum 0 (the sender computed none), and IPv6 with a routing header
 * that still has segments left (its pseudo header uses the final destination). UDP over
 * IPv6 with checksum 0 is Bad (RFC 8200 makes it mandatory).
 */
export function l4ChecksumOk(bytes: Uint8Array, parsed: ParsedFrame): ChecksumStatus {
  const l4Length = checksummedLength(bytes, parsed);
  if (l4Length < 0) return ChecksumStatus.NotChecked;
  if (parsed.l4Kind === L4Kind.Udp) {
    const at = parsed.l4Offset + UDP_CHECKSUM_AT;
    if (bytes[at] === 0 && bytes[at + 1] === 0) {
      return parsed.l3Kind === L3Kind.Ipv4 ? ChecksumStatus.NotChecked : ChecksumStatus.Bad;
    }
  }
  const sum = onesComplementSum(
    bytes,
    parsed.l4Offset,
    l4Length,
    pseudoHeaderSum(bytes, parsed, l4Length),
  );
  return sum === 0xffff ? ChecksumStatus.Good : ChecksumStatus.Bad;
}

/**
 * Computes and writes the IPv4 header checksum. Returns false (and writes nothing) unless
 * the frame has a fully parsed IPv4 header.
 */
export function insertIpv4HeaderChecksum(bytes: Uint8Array, parsed: ParsedFrame): boolean {
  if (parsed.l3Kind !== L3Kind.Ipv4 || parsed.ipv4HeaderLength < 0) return false;
  const at = parsed.l3Offset + IPV4_CHECKSUM_AT;
  bytes[at] = 0;
  bytes[at + 1] = 0;
  const checksum = finishChecksum(
    onesComplementSum(bytes, parsed.l3Offset, parsed.ipv4HeaderLength),
  );
  bytes[at] = checksum >>> 8;
  bytes[at + 1] = checksum & 0xff;
  return true;
}

/**
 * Computes and writes the TCP or UDP checksum (pseudo header included); a UDP checksum
 * that computes to 0 is sent as 0xFFFF. Returns false (and writes nothing) in the cases
 * where `l4ChecksumOk` would not check.
 */
export function insertL4Checksum(bytes: Uint8Array, parsed: ParsedFrame): boolean {
  const l4Length = checksummedLength(bytes, parsed);
  if (l4Length < 0) return false;
  const udp = parsed.l4Kind === L4Kind.Udp;
  const at = parsed.l4Offset + (udp ? UDP_CHECKSUM_AT : TCP_CHECKSUM_AT);
  bytes[at] = 0;
  bytes[at + 1] = 0;
  const sum = onesComplementSum(
    bytes,
    parsed.l4Offset,
    l4Length,
    pseudoHeaderSum(bytes, parsed, l4Length),
  );
  let checksum = finishChecksum(sum);
  if (udp && checksum === 0) checksum = 0xffff;
  bytes[at] = checksum >>> 8;
  bytes[at + 1] = checksum & 0xff;
  return true;
}

/**
 * The length the TCP/UDP checksum covers (the TCP segment to the end of the datagram,
 * or the UDP length), or -1 when the checksum cannot be computed from this frame alone.
 */
function checksummedLength(bytes: Uint8Array, parsed: ParsedFrame): number {
  if (parsed.error !== ParseError.None || parsed.isFragment) return -1;
  if (routingSegmentsLeft(bytes, parsed)) return -1;
  if (parsed.l4Kind === L4Kind.Tcp) return parsed.ipEnd - parsed.l4Offset;
  if (parsed.l4Kind === L4Kind.Udp) return parsed.udpLength;
  return -1;
}

import { copyBytes } from "../../bus/host-memory.js";
import { readU16, readU32 } from "../parse/bytes.js";
import { parseEthernet } from "../parse/ethernet.js";
import { routingSegmentsLeft } from "../parse/ipv6.js";
import { parseFrame } from "../parse/parse-frame.js";
import { L4Kind, ParsedFrame, ParseError } from "../parse/parsed-frame.js";
import {
  ETHERNET_HEADER_BYTES,
  ETHERTYPE_IPV4,
  ETHERTYPE_IPV6,
  IP_PROTO_TCP,
  IPV4_MAX_HEADER_BYTES,
  IPV4_MIN_HEADER_BYTES,
  IPV6_HEADER_BYTES,
  TCP_MAX_HEADER_BYTES,
  TCP_MIN_HEADER_BYTES,
  VLAN_TAG_BYTES,
} from "../parse/protocols.js";
import {
  finishChecksum,
  IPV4_CHECKSUM_AT,
  onesComplementSum,
  TCP_CHECKSUM_AT,
} from "./checksum.js";

/** The largest TCP payload one large send may carry: 256 KiB, as the 82599 family allows. */
export const LSO_MAX_PAYLOAD_BYTES = 262_144;

/**
 * The largest segment the engine emits, MAC header through payload (FCS excluded): the
 * 9216-byte jumbo frame limit. A request whose headers plus MSS exceed it is refused.
 */
export const LSO_MAX_SEGMENT_BYTES = 9216;

/**
 * The smallest MSS the engine segments at (ours): it bounds the segments of one send, so
 * the transmit path can stage them all (`LSO_MAX_SEGMENTS`). Smaller requests are refused.
 */
export const LSO_MIN_MSS = 64;

/** The most segments one large send can make: the largest payload at the smallest MSS. */
export const LSO_MAX_SEGMENTS = LSO_MAX_PAYLOAD_BYTES / LSO_MIN_MSS;

/**
 * What the engine needs to cut one large send, as the transmit context describes it. A
 * plain object the caller owns and reuses.
 */
export interface LsoRequest {
  /** Ethernet header bytes: 14, or 18 with one VLAN tag. */
  macHeaderBytes: number;
  /** IP header bytes: IPv4 with its options, or IPv6 with its extension headers. */
  ipHeaderBytes: number;
  /** TCP header bytes, options included. */
  tcpHeaderBytes: number;
  /** Maximum segment size: TCP payload bytes per segment. */
  mss: number;
  /** IPv4 (true) or IPv6 (false). */
  ipv4: boolean;
}

/** Where segments go: `bytes[offset, offset + length)` is one frame, valid during the call. */
export type LsoEmit = (bytes: Uint8Array, offset: number, length: number) => void;

/**
 * Why a large send was refused (nothing is emitted): the negative number `segmentTcp`
 * returns (a number, so that a send allocates no result).
 * - `FRAME_OUT_OF_BOUNDS`: `srcOffset`/`totalLength` are not integers >= 0 within `src`.
 * - `MSS_TOO_SMALL`: the MSS is not an integer of at least `LSO_MIN_MSS`.
 * - `BAD_HEADER_LENGTHS`: a header length is malformed (MAC not 14 or 18, IPv4 not 20..60
 *   in steps of 4, IPv6 under 40, TCP not 20..60 in steps of 4), or does not match the
 *   headers in the frame, or those headers are malformed.
 * - `HEADERS_EXCEED_FRAME`: the headers the request names are longer than the frame.
 * - `PAYLOAD_TOO_LARGE`: more than `LSO_MAX_PAYLOAD_BYTES` of TCP payload.
 * - `MSS_TOO_LARGE`: headers plus MSS exceed `LSO_MAX_SEGMENT_BYTES` (the jumbo limit),
 *   or the MSS exceeds `LSO_MAX_PAYLOAD_BYTES`; checked whatever the payload length.
 * - `SCRATCH_TOO_SMALL`: `scratch` cannot hold the largest segment of this send.
 * - `NOT_TCP`: the frame is not IPv4 or IPv6 (EtherType), or the IP datagram is not TCP.
 * - `IP_VERSION_MISMATCH`: the frame's IP version is not the one the request names.
 * - `IP_FRAGMENT`: the template is an IP fragment (MF or an offset set, or an IPv6
 *   fragment header saying so); a large send carries no fragmentation.
 * - `ROUTING_HEADER`: IPv6 with a routing header that has segments left (the checksum's
 *   pseudo header would need the final destination, which the engine does not derive).
 * - `SYN_OR_RST`: SYN or RST set on the template (the LSO contract has them clear).
 */
export const LsoRefusal = {
  FRAME_OUT_OF_BOUNDS: -1,
  MSS_TOO_SMALL: -2,
  BAD_HEADER_LENGTHS: -3,
  HEADERS_EXCEED_FRAME: -4,
  PAYLOAD_TOO_LARGE: -5,
  MSS_TOO_LARGE: -6,
  SCRATCH_TOO_SMALL: -7,
  NOT_TCP: -8,
  IP_VERSION_MISMATCH: -9,
  IP_FRAGMENT: -10,
  ROUTING_HEADER: -11,
  SYN_OR_RST: -12,
} as const;

export type LsoRefusal = (typeof LsoRefusal)[keyof typeof LsoRefusal];

/** What `checkRequest` answers for a request it can honour. */
const ACCEPTED = 0;

const ETHERNET_VLAN_BYTES = ETHERNET_HEADER_BYTES + VLAN_TAG_BYTES;

/** Field offsets within their headers. */
const IPV4_TOTAL_LENGTH_AT = 2;
const IPV4_ID_AT = 4;
const IPV4_SRC_AT = 12;
const IPV6_PAYLOAD_LENGTH_AT = 4;
const IPV6_SRC_AT = 8;
const TCP_SEQ_AT = 4;
const TCP_FLAGS_AT = 13;

/** TCP flag bits in byte 13 of the header. */
const TCP_FIN = 0x01;
const TCP_SYN = 0x02;
const TCP_RST = 0x04;
const TCP_PSH = 0x08;
const TCP_CWR = 0x80;

/** IPv4 identification: the low 15 bits count segments; bit 15 is kept from the template. */
const IPV4_ID_COUNTER_MASK = 0x7fff;
const IPV4_ID_KEPT_MASK = 0x8000;

/**
 * The template's parse. Module state, but only used inside `checkTemplate`, which never
 * calls out: a nested call from `emit` cannot disturb a send in progress.
 */
const template = new ParsedFrame();

/**
 * TCP segmentation (LSO/TSO) of the large frame `src[srcOffset, srcOffset + totalLength)`:
 * MAC, IP and TCP headers (lengths as `request` says) followed by up to
 * `LSO_MAX_PAYLOAD_BYTES` of TCP payload, cut per the NDIS LSO v2 rules.
 *
 * The template's IP length field (IPv4 total length, IPv6 payload length) and TCP checksum
 * field are ignored; its sequence number is that of the first payload byte. Each segment
 * carries at most `mss` payload bytes (only the last may carry fewer; a send without
 * payload makes one segment of headers alone) and a copy of every header byte (IP options,
 * IPv6 extension headers and TCP options included) except these, which are set per
 * segment: IPv4 total length, identification (template value plus the segment index, the
 * low 15 bits wrapping 0x7FFF -> 0x0000, bit 15 kept), header checksum; IPv6 payload
 * length; TCP sequence number (plus the payload sent before), flags (FIN and PSH kept only
 * on the last segment, CWR only on the first), and the TCP checksum, computed over the
 * pseudo header and the whole segment.
 *
 * Each segment is built in `scratch` (which must not overlap the frame) and passed to
 * `emit(scratch, 0, length)` before the next is built; `scratch` holds nothing useful
 * after the call. `src` is not written. Per segment the work is byte copies and checksum
 * loops. Returns the number of segments emitted (at least 1), or a negative `LsoRefusal`.
 * Never throws (unless `emit` does): a request it cannot honour is refused and nothing
 * is emitted.
 */
export function segmentTcp(
  src: Uint8Array,
  srcOffset: number,
  totalLength: number,
  request: LsoRequest,
  scratch: Uint8Array,
  emit: LsoEmit,
): number {
  const refusal = checkRequest(src, srcOffset, totalLength, request, scratch);
  if (refusal !== ACCEPTED) return refusal;

  const ipv4 = request.ipv4;
  const mss = request.mss;
  const ipBytes = request.ipHeaderBytes;
  const tcpBytes = request.tcpHeaderBytes;
  const l3 = request.macHeaderBytes;
  const l4 = l3 + ipBytes;
  const headers = l4 + tcpBytes;
  const payload = totalLength - headers;
  const payloadAt = srcOffset + headers;

  const id0 = ipv4 ? readU16(src, srcOffset + l3 + IPV4_ID_AT) : 0;
  const seq0 = readU32(src, srcOffset + l4 + TCP_SEQ_AT);
  const flags0 = src[srcOffset + l4 + TCP_FLAGS_AT]!;
  // Source and destination addresses are adjacent in both IP versions.
  const pseudo = onesComplementSum(
    src,
    srcOffset + l3 + (ipv4 ? IPV4_SRC_AT : IPV6_SRC_AT),
    ipv4 ? 8 : 32,
    IP_PROTO_TCP,
  );

  let sent = 0;
  let segments = 0;
  do {
    const length = Math.min(mss, payload - sent);
    const tcpLength = tcpBytes + length;
    // Headers are copied afresh each time: `emit` may have written to `scratch`.
    copyBytes(src, srcOffset, scratch, 0, headers);
    if (ipv4) {
      writeU16(scratch, l3 + IPV4_TOTAL_LENGTH_AT, ipBytes + tcpLength);
      const id = (id0 & IPV4_ID_KEPT_MASK) | ((id0 + segments) & IPV4_ID_COUNTER_MASK);
      writeU16(scratch, l3 + IPV4_ID_AT, id);
      writeU16(scratch, l3 + IPV4_CHECKSUM_AT, 0);
      writeU16(
        scratch,
        l3 + IPV4_CHECKSUM_AT,
        finishChecksum(onesComplementSum(scratch, l3, ipBytes)),
      );
    } else {
      writeU16(scratch, l3 + IPV6_PAYLOAD_LENGTH_AT, ipBytes - IPV6_HEADER_BYTES + tcpLength);
    }
    writeU32(scratch, l4 + TCP_SEQ_AT, seq0 + sent);
    let flags = flags0;
    if (segments !== 0) flags &= ~TCP_CWR;
    if (sent + length < payload) flags &= ~(TCP_FIN | TCP_PSH);
    scratch[l4 + TCP_FLAGS_AT] = flags;
    writeU16(scratch, l4 + TCP_CHECKSUM_AT, 0);
    // The TCP header is a multiple of 4 bytes, so the payload's words start even.
    const sum =
      pseudo +
      tcpLength +
      onesComplementSum(scratch, l4, tcpBytes) +
      copyAndSum(src, payloadAt + sent, scratch, headers, length);
    writeU16(scratch, l4 + TCP_CHECKSUM_AT, finishChecksum(sum));
    emit(scratch, 0, headers + length);
    sent += length;
    segments++;
  } while (sent < payload);
  return segments;
}

/**
 * Why the request cannot be honoured (an `LsoRefusal`), or ACCEPTED. Writes only
 * `scratch`.
 */
function checkRequest(
  src: Uint8Array,
  srcOffset: number,
  totalLength: number,
  request: LsoRequest,
  scratch: Uint8Array,
): number {
  if (
    !Number.isInteger(srcOffset) ||
    !Number.isInteger(totalLength) ||
    srcOffset < 0 ||
    totalLength < 0 ||
    srcOffset + totalLength > src.length
  ) {
    return LsoRefusal.FRAME_OUT_OF_BOUNDS;
  }
  const mss = request.mss;
  if (!Number.isInteger(mss) || mss < LSO_MIN_MSS) return LsoRefusal.MSS_TOO_SMALL;
  const mac = request.macHeaderBytes;
  const ip = request.ipHeaderBytes;
  const tcp = request.tcpHeaderBytes;
  if (mac !== ETHERNET_HEADER_BYTES && mac !== ETHERNET_VLAN_BYTES) {
    return LsoRefusal.BAD_HEADER_LENGTHS;
  }
  // The IP length is checked against the version once the template's version is known.
  if (!isWordLength(ip, IPV4_MIN_HEADER_BYTES, Number.MAX_SAFE_INTEGER)) {
    return LsoRefusal.BAD_HEADER_LENGTHS;
  }
  if (!isWordLength(tcp, TCP_MIN_HEADER_BYTES, TCP_MAX_HEADER_BYTES)) {
    return LsoRefusal.BAD_HEADER_LENGTHS;
  }
  const headers = mac + ip + tcp;
  if (headers > totalLength) return LsoRefusal.HEADERS_EXCEED_FRAME;
  const payload = totalLength - headers;
  if (payload > LSO_MAX_PAYLOAD_BYTES) return LsoRefusal.PAYLOAD_TOO_LARGE;
  if (mss > LSO_MAX_PAYLOAD_BYTES || headers + mss > LSO_MAX_SEGMENT_BYTES) {
    return LsoRefusal.MSS_TOO_LARGE;
  }
  if (scratch.length < headers + Math.min(mss, payload)) return LsoRefusal.SCRATCH_TOO_SMALL;
  return checkTemplate(src, srcOffset, request, scratch);
}

/**
 * `checkRequest` for the template's headers, once their lengths are known to be sane:
 * parses a copy of them in `scratch` against the request.
 */
function checkTemplate(
  src: Uint8Array,
  srcOffset: number,
  request: LsoRequest,
  scratch: Uint8Array,
): number {
  const mac = request.macHeaderBytes;
  const ip = request.ipHeaderBytes;
  const tcp = request.tcpHeaderBytes;
  const ipv4 = request.ipv4;
  const headers = mac + ip + tcp;
  // The Ethernet header first: the IP length field patched below must be where the
  // request says, and of the version the frame has.
  copyBytes(src, srcOffset, scratch, 0, headers);
  template.reset();
  const l3 = parseEthernet(scratch, 0, headers, template);
  if (l3 < 0) return LsoRefusal.BAD_HEADER_LENGTHS;
  const etherType = template.etherType;
  if (etherType !== ETHERTYPE_IPV4 && etherType !== ETHERTYPE_IPV6) return LsoRefusal.NOT_TCP;
  if (l3 !== mac) return LsoRefusal.BAD_HEADER_LENGTHS;
  if ((etherType === ETHERTYPE_IPV4) !== ipv4) return LsoRefusal.IP_VERSION_MISMATCH;
  if (ipv4 ? ip > IPV4_MAX_HEADER_BYTES : ip < IPV6_HEADER_BYTES) {
    return LsoRefusal.BAD_HEADER_LENGTHS;
  }
  // Then the whole, with an IP length covering exactly the headers: the template's own
  // may cover the whole large send, or nothing.
  if (ipv4) writeU16(scratch, mac + IPV4_TOTAL_LENGTH_AT, ip + tcp);
  else writeU16(scratch, mac + IPV6_PAYLOAD_LENGTH_AT, ip - IPV6_HEADER_BYTES + tcp);
  const t = parseFrame(scratch, 0, headers, template);
  if (t.error === ParseError.BadIpVersion) return LsoRefusal.IP_VERSION_MISMATCH;
  if (t.isFragment) return LsoRefusal.IP_FRAGMENT;
  // An error before the L4 header: IP or extension headers malformed or mis-sized.
  if (t.error !== ParseError.None && t.l4Offset < 0) return LsoRefusal.BAD_HEADER_LENGTHS;
  if (t.l4Kind !== L4Kind.Tcp) return LsoRefusal.NOT_TCP;
  if (t.error !== ParseError.None) return LsoRefusal.BAD_HEADER_LENGTHS;
  if (t.l4Offset !== mac + ip || t.tcpHeaderLength !== tcp) return LsoRefusal.BAD_HEADER_LENGTHS;
  if (routingSegmentsLeft(scratch, t)) return LsoRefusal.ROUTING_HEADER;
  if ((t.tcpFlags & (TCP_SYN | TCP_RST)) !== 0) return LsoRefusal.SYN_OR_RST;
  return ACCEPTED;
}

/** An integer in [min, max] that is a multiple of 4. */
function isWordLength(n: number, min: number, max: number): boolean {
  return Number.isInteger(n) && n >= min && n <= max && n % 4 === 0;
}

/**
 * Copies `length` bytes and returns their one's complement sum as big-endian words
 * (an odd last byte is a high half), unfolded: at most 0xFFFF per word, so exact for
 * any length that fits in memory.
 */
function copyAndSum(
  from: Uint8Array,
  fromAt: number,
  to: Uint8Array,
  toAt: number,
  length: number,
): number {
  let sum = 0;
  let i = 0;
  const even = length - 1;
  for (; i < even; i += 2) {
    const hi = from[fromAt + i]!;
    const lo = from[fromAt + i + 1]!;
    to[toAt + i] = hi;
    to[toAt + i + 1] = lo;
    sum += (hi << 8) | lo;
  }
  if (i < length) {
    const hi = from[fromAt + i]!;
    to[toAt + i] = hi;
    sum += hi << 8;
  }
  return sum;
}

function writeU16(bytes: Uint8Array, at: number, value: number): void {
  bytes[at] = (value >>> 8) & 0xff;
  bytes[at + 1] = value & 0xff;
}

/** Writes `value` modulo 2^32, big-endian. */
function writeU32(bytes: Uint8Array, at: number, value: number): void {
  const v = value >>> 0;
  bytes[at] = v >>> 24;
  bytes[at + 1] = (v >>> 16) & 0xff;
  bytes[at + 2] = (v >>> 8) & 0xff;
  bytes[at + 3] = v & 0xff;
}

import { readU16, readU32 } from "../parse/bytes.js";
import { parseEthernet } from "../parse/ethernet.js";
import { parseFrame } from "../parse/parse-frame.js";
import { L4Kind, ParsedFrame, ParseError } from "../parse/parsed-frame.js";
import {
  ETHERTYPE_IPV4,
  ETHERTYPE_IPV6,
  IP_PROTO_TCP,
  IPV6_HEADER_BYTES,
} from "../parse/protocols.js";
import { finishChecksum, onesComplementSum } from "./checksum.js";

/** The largest TCP payload one large send may carry: 256 KiB, as the 82599 family allows. */
export const LSO_MAX_PAYLOAD_BYTES = 262_144;

/**
 * The largest segment the engine emits, MAC header through payload (FCS excluded): the
 * 9216-byte jumbo frame limit. A request whose headers plus MSS exceed it is refused.
 */
export const LSO_MAX_SEGMENT_BYTES = 9216;

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
 * Why a large send was refused (nothing is emitted):
 * - `frame-out-of-bounds`: `srcOffset`/`totalLength` are not integers >= 0 within `src`.
 * - `mss-zero`: the MSS is 0 (or not a positive integer).
 * - `bad-header-lengths`: a header length is malformed (MAC not 14 or 18, IPv4 not 20..60
 *   in steps of 4, IPv6 under 40, TCP not 20..60 in steps of 4), or does not match the
 *   headers in the frame, or those headers are malformed.
 * - `headers-exceed-frame`: the headers the request names are longer than the frame.
 * - `payload-too-large`: more than `LSO_MAX_PAYLOAD_BYTES` of TCP payload.
 * - `mss-too-large`: headers plus MSS exceed `LSO_MAX_SEGMENT_BYTES` (the jumbo limit),
 *   or the MSS exceeds `LSO_MAX_PAYLOAD_BYTES`; checked whatever the payload length.
 * - `scratch-too-small`: `scratch` cannot hold the largest segment of this send.
 * - `not-tcp`: the frame is not IPv4 or IPv6 (EtherType), or the IP datagram is not TCP.
 * - `ip-version-mismatch`: the frame's IP version is not the one the request names.
 * - `ip-fragment`: the template is an IP fragment (MF or an offset set, or an IPv6
 *   fragment header saying so); a large send carries no fragmentation.
 * - `routing-header`: IPv6 with a routing header that has segments left (the checksum's
 *   pseudo header would need the final destination, which the engine does not derive).
 * - `syn-or-rst`: SYN or RST set on the template (the LSO contract has them clear).
 */
export type LsoRefusal =
  | "frame-out-of-bounds"
  | "mss-zero"
  | "bad-header-lengths"
  | "headers-exceed-frame"
  | "payload-too-large"
  | "mss-too-large"
  | "scratch-too-small"
  | "not-tcp"
  | "ip-version-mismatch"
  | "ip-fragment"
  | "routing-header"
  | "syn-or-rst";

export interface LsoDone {
  readonly ok: true;
  /** Segments emitted (at least 1). */
  readonly segments: number;
  /** Bytes emitted over all segments, headers included (FCS excluded). */
  readonly bytesOut: number;
}

export interface LsoRefused {
  readonly ok: false;
  readonly reason: LsoRefusal;
}

export type LsoResult = LsoDone | LsoRefused;

/** One shared, frozen result per refusal reason, so refusing allocates nothing. */
const REFUSED: { readonly [R in LsoRefusal]: LsoRefused } = {
  "frame-out-of-bounds": refused("frame-out-of-bounds"),
  "mss-zero": refused("mss-zero"),
  "bad-header-lengths": refused("bad-header-lengths"),
  "headers-exceed-frame": refused("headers-exceed-frame"),
  "payload-too-large": refused("payload-too-large"),
  "mss-too-large": refused("mss-too-large"),
  "scratch-too-small": refused("scratch-too-small"),
  "not-tcp": refused("not-tcp"),
  "ip-version-mismatch": refused("ip-version-mismatch"),
  "ip-fragment": refused("ip-fragment"),
  "routing-header": refused("routing-header"),
  "syn-or-rst": refused("syn-or-rst"),
};

function refused(reason: LsoRefusal): LsoRefused {
  return Object.freeze({ ok: false, reason });
}

const ETHERNET_BYTES = 14;
const ETHERNET_VLAN_BYTES = 18;
const IPV4_MIN_BYTES = 20;
const IPV4_MAX_BYTES = 60;
const TCP_MIN_BYTES = 20;
const TCP_MAX_BYTES = 60;

/** Field offsets within their headers. */
const IPV4_TOTAL_LENGTH_AT = 2;
const IPV4_ID_AT = 4;
const IPV4_CHECKSUM_AT = 10;
const IPV4_SRC_AT = 12;
const IPV6_PAYLOAD_LENGTH_AT = 4;
const IPV6_SRC_AT = 8;
const TCP_SEQ_AT = 4;
const TCP_FLAGS_AT = 13;
const TCP_CHECKSUM_AT = 16;
/** Segments-left byte of an IPv6 routing header. */
const ROUTING_SEGMENTS_LEFT_AT = 3;

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
 * The template's parse. Module state, but only used inside `checkRequest`, which never
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
 * loops; nothing is allocated but the returned result of an accepted send. Never throws
 * (unless `emit` does): a request it cannot honour is refused and nothing is emitted.
 */
export function segmentTcp(
  src: Uint8Array,
  srcOffset: number,
  totalLength: number,
  request: LsoRequest,
  scratch: Uint8Array,
  emit: LsoEmit,
): LsoResult {
  const refusal = checkRequest(src, srcOffset, totalLength, request, scratch);
  if (refusal !== null) return REFUSED[refusal];

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
  let bytesOut = 0;
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
    bytesOut += headers + length;
  } while (sent < payload);
  return { ok: true, segments, bytesOut };
}

/** Why the request cannot be honoured, or null when it can. Writes only `scratch`. */
function checkRequest(
  src: Uint8Array,
  srcOffset: number,
  totalLength: number,
  request: LsoRequest,
  scratch: Uint8Array,
): LsoRefusal | null {
  if (
    !Number.isInteger(srcOffset) ||
    !Number.isInteger(totalLength) ||
    srcOffset < 0 ||
    totalLength < 0 ||
    srcOffset + totalLength > src.length
  ) {
    return "frame-out-of-bounds";
  }
  const mss = request.mss;
  if (!Number.isInteger(mss) || mss < 1) return "mss-zero";
  const mac = request.macHeaderBytes;
  const ip = request.ipHeaderBytes;
  const tcp = request.tcpHeaderBytes;
  const ipv4 = request.ipv4;
  if (mac !== ETHERNET_BYTES && mac !== ETHERNET_VLAN_BYTES) return "bad-header-lengths";
  // The IP length is checked against the version once the template's version is known.
  if (!isWordLength(ip, IPV4_MIN_BYTES, Number.MAX_SAFE_INTEGER)) return "bad-header-lengths";
  if (!isWordLength(tcp, TCP_MIN_BYTES, TCP_MAX_BYTES)) return "bad-header-lengths";
  const headers = mac + ip + tcp;
  if (headers > totalLength) return "headers-exceed-frame";
  const payload = totalLength - headers;
  if (payload > LSO_MAX_PAYLOAD_BYTES) return "payload-too-large";
  if (mss > LSO_MAX_PAYLOAD_BYTES || headers + mss > LSO_MAX_SEGMENT_BYTES) {
    return "mss-too-large";
  }
  if (scratch.length < headers + Math.min(mss, payload)) return "scratch-too-small";

  // Parse a copy of the headers. The Ethernet header first: the IP length field patched
  // below must be where the request says, and of the version the frame has.
  copyBytes(src, srcOffset, scratch, 0, headers);
  template.reset();
  const l3 = parseEthernet(scratch, 0, headers, template);
  if (l3 < 0) return "bad-header-lengths";
  const etherType = template.etherType;
  if (etherType !== ETHERTYPE_IPV4 && etherType !== ETHERTYPE_IPV6) return "not-tcp";
  if (l3 !== mac) return "bad-header-lengths";
  if ((etherType === ETHERTYPE_IPV4) !== ipv4) return "ip-version-mismatch";
  if (ipv4 ? ip > IPV4_MAX_BYTES : ip < IPV6_HEADER_BYTES) return "bad-header-lengths";
  // Then the whole, with an IP length covering exactly the headers: the template's own
  // may cover the whole large send, or nothing.
  if (ipv4) writeU16(scratch, mac + IPV4_TOTAL_LENGTH_AT, ip + tcp);
  else writeU16(scratch, mac + IPV6_PAYLOAD_LENGTH_AT, ip - IPV6_HEADER_BYTES + tcp);
  const t = parseFrame(scratch, 0, headers, template);
  if (t.error === ParseError.BadIpVersion) return "ip-version-mismatch";
  if (t.isFragment) return "ip-fragment";
  // An error before the L4 header: IP or extension headers malformed or mis-sized.
  if (t.error !== ParseError.None && t.l4Offset < 0) return "bad-header-lengths";
  if (t.l4Kind !== L4Kind.Tcp) return "not-tcp";
  if (t.error !== ParseError.None) return "bad-header-lengths";
  if (t.l4Offset !== mac + ip || t.tcpHeaderLength !== tcp) return "bad-header-lengths";
  if (
    t.ipv6RoutingHeaderOffset >= 0 &&
    scratch[t.ipv6RoutingHeaderOffset + ROUTING_SEGMENTS_LEFT_AT] !== 0
  ) {
    return "routing-header";
  }
  if ((t.tcpFlags & (TCP_SYN | TCP_RST)) !== 0) return "syn-or-rst";
  return null;
}

/** An integer in [min, max] that is a multiple of 4. */
function isWordLength(n: number, min: number, max: number): boolean {
  return Number.isInteger(n) && n >= min && n <= max && n % 4 === 0;
}

/** Copies `length` bytes without creating a subarray view (`set` would need one). */
function copyBytes(
  from: Uint8Array,
  fromAt: number,
  to: Uint8Array,
  toAt: number,
  length: number,
): void {
  for (let i = 0; i < length; i++) to[toAt + i] = from[fromAt + i]!;
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

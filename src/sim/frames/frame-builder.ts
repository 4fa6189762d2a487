import type { MacAddress } from "../../driver/filters.js";
import { finishChecksum, onesComplementSum, TCP_CHECKSUM_AT } from "../../hw/offload/checksum.js";
import {
  ETHERNET_HEADER_BYTES,
  ETHERTYPE_IPV4,
  ETHERTYPE_IPV6,
  ETHERTYPE_VLAN,
  IP_PROTO_TCP,
  IP_PROTO_UDP,
  IPV4_MIN_HEADER_BYTES,
  IPV6_HEADER_BYTES,
  TCP_MIN_HEADER_BYTES,
  UDP_HEADER_BYTES,
  VLAN_TAG_BYTES,
} from "../../hw/parse/protocols.js";
import { SIGNATURE_BYTES } from "./signature.js";

/** The headers of a generated frame. */
export interface FrameTemplate {
  readonly dst: MacAddress;
  readonly src: MacAddress;
  /** 802.1Q VLAN ID, or undefined for an untagged frame. */
  readonly vlan?: number | undefined;
  readonly ip: 4 | 6;
  readonly l4: "tcp" | "udp";
  /** Source and destination addresses: 4 bytes for IPv4, 16 for IPv6. */
  readonly srcIp: readonly number[];
  readonly dstIp: readonly number[];
  readonly srcPort: number;
  readonly dstPort: number;
}

/** Where the addresses are in each IP header, and the checksum in each L4 header. */
const IPV4_ADDRESSES_AT = 12;
const IPV6_ADDRESSES_AT = 8;
const UDP_CHECKSUM_AT = 6;

/** The shortest frame (FCS excluded) holding `t`'s headers and a signature. */
export function minimumFrameBytes(t: Pick<FrameTemplate, "vlan" | "ip" | "l4">): number {
  return headerBytes(t) + SIGNATURE_BYTES;
}

/** Bytes of `t`'s headers. */
export function headerBytes(t: Pick<FrameTemplate, "vlan" | "ip" | "l4">): number {
  return l4Offset(t) + l4HeaderBytes(t);
}

/** Where `t`'s IP header starts. */
function l3Offset(t: Pick<FrameTemplate, "vlan">): number {
  return ETHERNET_HEADER_BYTES + (t.vlan !== undefined ? VLAN_TAG_BYTES : 0);
}

/** Where `t`'s TCP or UDP header starts. */
export function l4Offset(t: Pick<FrameTemplate, "vlan" | "ip">): number {
  return l3Offset(t) + ipHeaderBytes(t);
}

/** Where the TCP or UDP checksum of a frame with `t`'s headers is. */
export function l4ChecksumOffset(t: Pick<FrameTemplate, "vlan" | "ip" | "l4">): number {
  return l4Offset(t) + (t.l4 === "tcp" ? TCP_CHECKSUM_AT : UDP_CHECKSUM_AT);
}

/**
 * The ones'-complement sum of `t`'s pseudo header for a TCP or UDP segment of `l4Length`
 * bytes in `frame` (its addresses written).
 */
export function pseudoHeaderSum(t: FrameTemplate, frame: Uint8Array, l4Length: number): number {
  const l3 = l3Offset(t);
  // Source and destination addresses are adjacent in both IP versions.
  const s =
    t.ip === 4
      ? onesComplementSum(frame, l3 + IPV4_ADDRESSES_AT, 8)
      : onesComplementSum(frame, l3 + IPV6_ADDRESSES_AT, 32);
  return s + ipProtocol(t) + l4Length;
}

/**
 * Writes a frame of `length` bytes (FCS excluded) with `t`'s headers into `out`, lengths
 * and checksums filled in (IPv4 header, TCP or UDP over the pseudo-header), the payload
 * zero; returns the offset of the payload. The caller writes the signature, then calls
 * `finishL4Checksum` (the checksum covers the payload).
 */
export function writeHeaders(t: FrameTemplate, length: number, out: Uint8Array): number {
  out.fill(0, 0, length);
  out.set(t.dst, 0);
  out.set(t.src, 6);
  let at = 12;
  if (t.vlan !== undefined) {
    put16(out, at, ETHERTYPE_VLAN);
    put16(out, at + 2, t.vlan & 0x0fff);
    at += VLAN_TAG_BYTES;
  }
  put16(out, at, t.ip === 4 ? ETHERTYPE_IPV4 : ETHERTYPE_IPV6);
  at += 2;
  const l4Length = length - at - ipHeaderBytes(t);
  if (t.ip === 4) {
    out[at] = 0x45;
    put16(out, at + 2, l4Length + IPV4_MIN_HEADER_BYTES);
    out[at + 6] = 0x40; // don't fragment
    out[at + 8] = 64;
    out[at + 9] = ipProtocol(t);
    out.set(t.srcIp, at + IPV4_ADDRESSES_AT);
    out.set(t.dstIp, at + IPV4_ADDRESSES_AT + 4);
    put16(out, at + 10, finishChecksum(onesComplementSum(out, at, IPV4_MIN_HEADER_BYTES)));
  } else {
    out[at] = 0x60;
    put16(out, at + 4, l4Length);
    out[at + 6] = ipProtocol(t);
    out[at + 7] = 64;
    out.set(t.srcIp, at + IPV6_ADDRESSES_AT);
    out.set(t.dstIp, at + IPV6_ADDRESSES_AT + 16);
  }
  at += ipHeaderBytes(t);
  put16(out, at, t.srcPort);
  put16(out, at + 2, t.dstPort);
  if (t.l4 === "tcp") {
    out[at + 12] = 0x50; // 20-byte header
    out[at + 13] = 0x18; // PSH, ACK
    put16(out, at + 14, 0xffff);
  } else {
    put16(out, at + 4, l4Length);
  }
  return at + l4HeaderBytes(t);
}

/** Fills the TCP or UDP checksum of a frame `writeHeaders` built (payload final). */
export function finishL4Checksum(t: FrameTemplate, frame: Uint8Array, length: number): void {
  const l4 = l4Offset(t);
  const l4Length = length - l4;
  const at = l4ChecksumOffset(t);
  put16(frame, at, 0);
  const s = onesComplementSum(frame, l4, l4Length, pseudoHeaderSum(t, frame, l4Length));
  put16(frame, at, l4Checksum(t, s));
}

/** The TCP or UDP checksum field for the ones'-complement sum `s` of what it covers. */
export function l4Checksum(t: Pick<FrameTemplate, "l4">, s: number): number {
  const checksum = finishChecksum(s);
  // UDP sends a computed zero as all ones (zero means "no checksum").
  return t.l4 === "udp" && checksum === 0 ? 0xffff : checksum;
}

function ipHeaderBytes(t: Pick<FrameTemplate, "ip">): number {
  return t.ip === 4 ? IPV4_MIN_HEADER_BYTES : IPV6_HEADER_BYTES;
}

function l4HeaderBytes(t: Pick<FrameTemplate, "l4">): number {
  return t.l4 === "tcp" ? TCP_MIN_HEADER_BYTES : UDP_HEADER_BYTES;
}

function ipProtocol(t: Pick<FrameTemplate, "l4">): number {
  return t.l4 === "tcp" ? IP_PROTO_TCP : IP_PROTO_UDP;
}

function put16(out: Uint8Array, at: number, value: number): void {
  out[at] = (value >>> 8) & 0xff;
  out[at + 1] = value & 0xff;
}

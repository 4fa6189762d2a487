import type { MacAddress } from "../../driver/filters.js";
import { VLAN_TAG_BYTES } from "../../switch/frames/vlan-tag.js";
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

const ETH = 14;
const IPV4 = 20;
const IPV6 = 40;
const TCP = 20;
const UDP = 8;

/** The shortest frame (FCS excluded) holding `t`'s headers and a signature. */
export function minimumFrameBytes(t: Pick<FrameTemplate, "vlan" | "ip" | "l4">): number {
  return headerBytes(t) + SIGNATURE_BYTES;
}

/** Bytes of `t`'s headers. */
export function headerBytes(t: Pick<FrameTemplate, "vlan" | "ip" | "l4">): number {
  return (
    ETH +
    (t.vlan !== undefined ? VLAN_TAG_BYTES : 0) +
    (t.ip === 4 ? IPV4 : IPV6) +
    (t.l4 === "tcp" ? TCP : UDP)
  );
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
    put16(out, at, 0x8100);
    put16(out, at + 2, t.vlan & 0x0fff);
    at += VLAN_TAG_BYTES;
  }
  put16(out, at, t.ip === 4 ? 0x0800 : 0x86dd);
  at += 2;
  const l4Length = length - at - (t.ip === 4 ? IPV4 : IPV6);
  const protocol = t.l4 === "tcp" ? 6 : 17;
  if (t.ip === 4) {
    out[at] = 0x45;
    put16(out, at + 2, l4Length + IPV4);
    out[at + 6] = 0x40; // don't fragment
    out[at + 8] = 64;
    out[at + 9] = protocol;
    out.set(t.srcIp, at + 12);
    out.set(t.dstIp, at + 16);
    put16(out, at + 10, finish(sum(out, at, IPV4, 0)));
    at += IPV4;
  } else {
    out[at] = 0x60;
    put16(out, at + 4, l4Length);
    out[at + 6] = protocol;
    out[at + 7] = 64;
    out.set(t.srcIp, at + 8);
    out.set(t.dstIp, at + 24);
    at += IPV6;
  }
  put16(out, at, t.srcPort);
  put16(out, at + 2, t.dstPort);
  if (t.l4 === "tcp") {
    out[at + 12] = 0x50; // 20-byte header
    out[at + 13] = 0x18; // PSH, ACK
    put16(out, at + 14, 0xffff);
    return at + TCP;
  }
  put16(out, at + 4, l4Length);
  return at + UDP;
}

/** Fills the TCP or UDP checksum of a frame `writeHeaders` built (payload final). */
export function finishL4Checksum(t: FrameTemplate, frame: Uint8Array, length: number): void {
  const l3 = ETH + (t.vlan !== undefined ? VLAN_TAG_BYTES : 0);
  const l4 = l3 + (t.ip === 4 ? IPV4 : IPV6);
  const l4Length = length - l4;
  const at = l4 + (t.l4 === "tcp" ? 16 : 6);
  put16(frame, at, 0);
  let s = t.ip === 4 ? sum(frame, l3 + 12, 8, 0) : sum(frame, l3 + 8, 32, 0);
  s += (t.l4 === "tcp" ? 6 : 17) + l4Length;
  let checksum = finish(sum(frame, l4, l4Length, s));
  // UDP sends a computed zero as all ones (zero means "no checksum").
  if (t.l4 === "udp" && checksum === 0) checksum = 0xffff;
  put16(frame, at, checksum);
}

function put16(out: Uint8Array, at: number, value: number): void {
  out[at] = (value >>> 8) & 0xff;
  out[at + 1] = value & 0xff;
}

/** The ones'-complement sum of `length` bytes from `at`, added to `initial`. */
function sum(bytes: Uint8Array, at: number, length: number, initial: number): number {
  let s = initial;
  const end = at + length;
  let i = at;
  for (; i + 1 < end; i += 2) {
    s += (bytes[i]! << 8) | bytes[i + 1]!;
    // Fold before the sum outgrows 32 bits (large sends are hundreds of KiB).
    if (s > 0x3fff_ffff) s = (s & 0xffff) + (s >>> 16);
  }
  if (i < end) s += bytes[i]! << 8;
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return s;
}

function finish(s: number): number {
  return ~s & 0xffff;
}

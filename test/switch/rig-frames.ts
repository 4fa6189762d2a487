/**
 * The switch tests' own frames: a builder for the frames VMs and the peer send, a parser
 * for what comes off the wire, and a ones'-complement checksum, all written here so that
 * the tests judge the switch, the driver and the NIC by code none of them share.
 */

export type Mac = readonly number[];

export const BROADCAST: Mac = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff];
/** An IPv4 multicast group's address (01:00:5e...). */
export const MULTICAST: Mac = [0x01, 0x00, 0x5e, 0x00, 0x00, 0x07];

/** What a test frame holds. */
export interface TestFrame {
  readonly dst: Mac;
  readonly src: Mac;
  /** An 802.1Q tag with this VLAN ID, or none. */
  readonly vlan?: number | undefined;
  readonly ip: 4 | 6;
  readonly l4: "tcp" | "udp";
  readonly payload: Uint8Array;
  /** TCP sequence number of the first payload byte. */
  readonly seq?: number;
  /**
   * `filled`: every checksum right, as a stack without offloads sends it. `offload`: the
   * IPv4 header checksum zero and the L4 field holding the pseudo-header sum (with the
   * length), as NDIS asks of a send that wants checksum offload. `lso`: the same without
   * the length in the pseudo-header sum, as LSO v2 asks.
   */
  readonly checksums: "filled" | "offload" | "lso";
}

const TPID = 0x8100;

/** Bytes before the payload. */
export function headerBytes(f: Pick<TestFrame, "vlan" | "ip" | "l4">): number {
  return 14 + (f.vlan !== undefined ? 4 : 0) + (f.ip === 4 ? 20 : 40) + (f.l4 === "tcp" ? 20 : 8);
}

/** The frame's bytes. */
export function buildFrame(f: TestFrame): Uint8Array {
  const out = new Uint8Array(headerBytes(f) + f.payload.length);
  out.set(f.dst, 0);
  out.set(f.src, 6);
  let at = 12;
  if (f.vlan !== undefined) {
    put16(out, at, TPID);
    put16(out, at + 2, f.vlan);
    at += 4;
  }
  put16(out, at, f.ip === 4 ? 0x0800 : 0x86dd);
  const l3 = at + 2;
  const l4 = l3 + (f.ip === 4 ? 20 : 40);
  const l4Bytes = out.length - l4;
  const protocol = f.l4 === "tcp" ? 6 : 17;
  if (f.ip === 4) {
    out[l3] = 0x45;
    put16(out, l3 + 2, Math.min(0xffff, 20 + l4Bytes));
    put16(out, l3 + 4, 0x1234);
    out[l3 + 8] = 64;
    out[l3 + 9] = protocol;
    out.set([192, 168, 1, 10], l3 + 12);
    out.set([192, 168, 1, 20], l3 + 16);
    if (f.checksums === "filled") put16(out, l3 + 10, ~sum16(out, l3, l3 + 20) & 0xffff);
  } else {
    out[l3] = 0x60;
    put16(out, l3 + 4, Math.min(0xffff, l4Bytes));
    out[l3 + 6] = protocol;
    out[l3 + 7] = 64;
    out.set([0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10], l3 + 8);
    out.set([0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x20], l3 + 24);
  }
  put16(out, l4, 40_000);
  put16(out, l4 + 2, 5001);
  const checksumAt = l4 + (f.l4 === "tcp" ? 16 : 6);
  if (f.l4 === "tcp") {
    put32(out, l4 + 4, f.seq ?? 1000);
    out[l4 + 12] = 0x50;
    out[l4 + 13] = 0x18; // PSH, ACK
    put16(out, l4 + 14, 0xffff);
  } else {
    put16(out, l4 + 4, l4Bytes);
  }
  out.set(f.payload, headerBytes(f));
  const pseudo = pseudoSum(out, l3, f.ip, protocol, f.checksums === "lso" ? 0 : l4Bytes);
  if (f.checksums === "filled") {
    let c = ~sum16(out, l4, out.length, pseudo) & 0xffff;
    if (f.l4 === "udp" && c === 0) c = 0xffff;
    put16(out, checksumAt, c);
  } else {
    put16(out, checksumAt, pseudo);
  }
  return out;
}

/** A frame as read back from the wire. */
export interface ParsedTestFrame {
  readonly dst: number[];
  readonly src: number[];
  /** The 802.1Q tag's VLAN ID, or null when untagged. */
  readonly vlan: number | null;
  readonly ip: 4 | 6;
  readonly l3: number;
  readonly l4: number;
  readonly protocol: number;
  /** Bytes of L4 header and payload, from the IP length (not the frame: padding is not ours). */
  readonly l4Bytes: number;
  readonly payloadStart: number;
  readonly payloadEnd: number;
  readonly tcpSeq: number;
  readonly tcpFlags: number;
  readonly ipId: number;
}

/** Parses an Ethernet (optionally tagged) IPv4/IPv6 TCP/UDP frame; throws on anything else. */
export function parseTestFrame(b: Uint8Array): ParsedTestFrame {
  let at = 12;
  let vlan: number | null = null;
  if (get16(b, at) === TPID) {
    vlan = get16(b, at + 2) & 0x0fff;
    at += 4;
  }
  const type = get16(b, at);
  const l3 = at + 2;
  let ip: 4 | 6;
  let l4: number;
  let protocol: number;
  let l4Bytes: number;
  if (type === 0x0800) {
    ip = 4;
    l4 = l3 + (b[l3]! & 0x0f) * 4;
    protocol = b[l3 + 9]!;
    l4Bytes = get16(b, l3 + 2) - (l4 - l3);
  } else if (type === 0x86dd) {
    ip = 6;
    l4 = l3 + 40;
    protocol = b[l3 + 6]!;
    l4Bytes = get16(b, l3 + 4);
  } else {
    throw new Error(`not IP: EtherType 0x${type.toString(16)}`);
  }
  const tcp = protocol === 6;
  const payloadStart = l4 + (tcp ? (b[l4 + 12]! >> 4) * 4 : 8);
  return {
    dst: [...b.subarray(0, 6)],
    src: [...b.subarray(6, 12)],
    vlan,
    ip,
    l3,
    l4,
    protocol,
    l4Bytes,
    payloadStart,
    payloadEnd: l4 + l4Bytes,
    tcpSeq: tcp ? get32(b, l4 + 4) : 0,
    tcpFlags: tcp ? b[l4 + 13]! : 0,
    ipId: ip === 4 ? get16(b, l3 + 4) : 0,
  };
}

/** True when the IPv4 header checksum verifies (always true for IPv6: it has none). */
export function ipHeaderChecksumOk(b: Uint8Array, p: ParsedTestFrame): boolean {
  return p.ip === 6 || sum16(b, p.l3, p.l4) === 0xffff;
}

/** True when the TCP or UDP checksum verifies over the pseudo header. */
export function l4ChecksumOk(b: Uint8Array, p: ParsedTestFrame): boolean {
  const pseudo = pseudoSum(b, p.l3, p.ip, p.protocol, p.l4Bytes);
  return sum16(b, p.l4, p.l4 + p.l4Bytes, pseudo) === 0xffff;
}

/** The pseudo-header sum: addresses, protocol and `length` (0 leaves the length out). */
function pseudoSum(b: Uint8Array, l3: number, ip: 4 | 6, protocol: number, length: number): number {
  const addresses = ip === 4 ? sum16(b, l3 + 12, l3 + 20) : sum16(b, l3 + 8, l3 + 40);
  return fold(addresses + protocol + length);
}

/** Ones'-complement sum of big-endian words in `b[from, to)`, plus `initial`, folded. */
export function sum16(b: Uint8Array, from: number, to: number, initial = 0): number {
  let s = initial;
  for (let i = from; i < to; i += 2) s += (b[i]! << 8) | (i + 1 < to ? b[i + 1]! : 0);
  return fold(s);
}

function fold(s: number): number {
  let v = s;
  while (v > 0xffff) v = (v & 0xffff) + Math.floor(v / 0x10000);
  return v;
}

function put16(b: Uint8Array, at: number, v: number): void {
  b[at] = (v >>> 8) & 0xff;
  b[at + 1] = v & 0xff;
}

function put32(b: Uint8Array, at: number, v: number): void {
  put16(b, at, (v >>> 16) & 0xffff);
  put16(b, at + 2, v & 0xffff);
}

function get16(b: Uint8Array, at: number): number {
  return (b[at]! << 8) | b[at + 1]!;
}

function get32(b: Uint8Array, at: number): number {
  return ((get16(b, at) << 16) | get16(b, at + 2)) >>> 0;
}

/** A payload of `length` bytes whose last four hold `id` (to tell frames apart). */
export function taggedPayload(length: number, id: number): Uint8Array {
  const p = new Uint8Array(Math.max(4, length));
  for (let i = 0; i < p.length - 4; i++) p[i] = (i * 7 + id) & 0xff;
  put32(p, p.length - 4, id);
  return p;
}

/** The id `taggedPayload` put at the end of a frame of `length` bytes. */
export function frameId(b: Uint8Array, length: number): number {
  return get32(b, length - 4);
}

/** Byte equality (cheaper than a deep `toEqual` over typed arrays). */
export function sameBytes(a: Uint8Array, b: Uint8Array | undefined): boolean {
  if (b === undefined || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Frame builders and checksum oracles for the driver tests (written here, not taken from src). */

export type Mac = readonly number[];

export const PEER_MAC: Mac = [0x02, 0, 0, 0, 0, 0xfe];
export const HOST_MAC: Mac = [0x02, 0, 0, 0, 0, 0x01];

/**
 * A frame of `length` bytes (at least 60) to `dst`, EtherType 0x88B5 (local
 * experimental), carrying `seq` in bytes 14-17 and a pattern derived from it after.
 */
export function seqFrame(dst: Mac, seq: number, length: number): Uint8Array {
  const f = new Uint8Array(length);
  f.set(dst, 0);
  f.set(PEER_MAC, 6);
  f[12] = 0x88;
  f[13] = 0xb5;
  new DataView(f.buffer).setUint32(14, seq >>> 0);
  for (let i = 18; i < length; i++) f[i] = (seq * 7 + i) & 0xff;
  return f;
}

/** The sequence number `seqFrame` put in `frame`. */
export function seqOf(frame: Uint8Array): number {
  return new DataView(frame.buffer, frame.byteOffset, frame.byteLength).getUint32(14);
}

const IPV4_SRC = [10, 0, 0, 1];
const IPV4_DST = [10, 0, 0, 2];

/** Ethernet + IPv4 (20 bytes) + `l4` header and payload, protocol `proto`. */
function ipv4Frame(dst: Mac, proto: number, l4: Uint8Array, ipId = 0x1234): Uint8Array {
  const f = new Uint8Array(14 + 20 + l4.length);
  f.set(dst, 0);
  f.set(PEER_MAC, 6);
  f.set([0x08, 0x00], 12);
  const total = Math.min(0xffff, 20 + l4.length);
  f.set(
    [0x45, 0, total >>> 8, total & 0xff, ipId >>> 8, ipId & 0xff, 0x40, 0, 64, proto, 0, 0],
    14,
  );
  f.set(IPV4_SRC, 26);
  f.set(IPV4_DST, 30);
  f.set(l4, 34);
  return f;
}

/** A TCP/IPv4 frame with zeroed checksums (offload fills them). */
export function tcpFrame(dst: Mac, payload: Uint8Array, seq: number, flags = 0x18): Uint8Array {
  const tcp = new Uint8Array(20 + payload.length);
  tcp.set([0x30, 0x39, 0x00, 0x50], 0);
  new DataView(tcp.buffer).setUint32(4, seq >>> 0);
  tcp[12] = 0x50;
  tcp[13] = flags;
  tcp[14] = 0xff;
  tcp[15] = 0xff;
  tcp.set(payload, 20);
  return ipv4Frame(dst, 6, tcp);
}

/** A UDP/IPv4 frame with zeroed checksums. */
export function udpFrame(dst: Mac, payload: Uint8Array): Uint8Array {
  const udp = new Uint8Array(8 + payload.length);
  udp.set([0x13, 0x88, 0x13, 0x89, (udp.length >>> 8) & 0xff, udp.length & 0xff], 0);
  udp.set(payload, 8);
  return ipv4Frame(dst, 17, udp);
}

// --- Checksums (one copy: the system tests use these too) -------------------------

const PROTO_TCP = 6;
const PROTO_UDP = 17;

/** One's complement sum of big-endian 16-bit words over bytes[from, to). */
export function sum16(bytes: Uint8Array, from: number, to: number, initial = 0): number {
  let s = initial;
  for (let i = from; i < to; i += 2) s += (bytes[i]! << 8) | (i + 1 < to ? bytes[i + 1]! : 0);
  while (s > 0xffff) s = (s & 0xffff) + Math.floor(s / 0x10000);
  return s;
}

/** Where the L4 checksum of the IPv4 packet at `ip` is (TCP, else UDP). */
function l4ChecksumAt(f: Uint8Array, ip: number): number {
  return ip + 20 + (f[ip + 9] === PROTO_TCP ? 16 : 6);
}

/** The one's complement sum of the pseudo header and the L4 bytes of the packet at `ip`. */
function l4Sum(f: Uint8Array, ip: number): number {
  const l4Length = ((f[ip + 2]! << 8) | f[ip + 3]!) - 20;
  const pseudo = sum16(f, ip + 12, ip + 20) + f[ip + 9]! + l4Length;
  return sum16(f, ip + 20, ip + 20 + l4Length, pseudo);
}

/** Fills the IPv4 header checksum and/or the TCP/UDP checksum of the packet at `ip`. */
export function fillIpv4Checksums(f: Uint8Array, ip: number, ipv4: boolean, l4: boolean): void {
  if (ipv4) {
    f[ip + 10] = 0;
    f[ip + 11] = 0;
    const sum = 0xffff - sum16(f, ip, ip + 20);
    f[ip + 10] = sum >>> 8;
    f[ip + 11] = sum & 0xff;
  }
  if (l4) {
    const at = l4ChecksumAt(f, ip);
    f[at] = 0;
    f[at + 1] = 0;
    let sum = 0xffff - l4Sum(f, ip);
    if (f[ip + 9] === PROTO_UDP && sum === 0) sum = 0xffff;
    f[at] = sum >>> 8;
    f[at + 1] = sum & 0xff;
  }
}

/** Fills both checksums of an untagged IPv4 frame (software); returns it. */
export function fillChecksums(f: Uint8Array): Uint8Array {
  fillIpv4Checksums(f, 14, true, true);
  return f;
}

/** True when the IPv4 header checksum of the packet at `ip` (14 unless tagged) verifies. */
export function ipv4ChecksumOk(f: Uint8Array, ip = 14): boolean {
  return sum16(f, ip, ip + 20) === 0xffff;
}

/** True when the TCP or UDP checksum of the IPv4 packet at `ip` verifies. */
export function l4ChecksumOk(f: Uint8Array, ip = 14): boolean {
  return l4Sum(f, ip) === 0xffff;
}

/** The offsets of the checksum fields of an untagged IPv4 frame. */
export function checksumFields(f: Uint8Array): { readonly ip: number; readonly l4: number } {
  return { ip: 24, l4: l4ChecksumAt(f, 14) };
}

/** Byte-wise equality (much faster than a deep `toEqual` on thousands of frames). */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

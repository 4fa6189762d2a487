/**
 * Frames for the system tests, written here (not taken from src): what the peer injects
 * toward the NIC (flows with a per-flow sequence number) and what the host sends (each
 * send named by a unique id in its source MAC), with the checksum oracles to verify them
 * (the driver tests' own).
 */

import { fillIpv4Checksums } from "../driver/frames.js";

export {
  bytesEqual,
  checksumFields,
  ipv4ChecksumOk,
  l4ChecksumOk,
} from "../driver/frames.js";

/** Marks the payload of every frame these tests build ("NSIM"). */
export const MAGIC = 0x4e53494d;
/** Bytes of the payload header: magic, uid, flow key, sequence number. */
const PAYLOAD_HEADER_BYTES = 16;
const ETHERTYPE_EXPERIMENTAL = 0x88b5;
const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_VLAN = 0x8100;
const PROTO_TCP = 6;
const PROTO_UDP = 17;
/** The longest well-formed frame without FCS the tests build (1518 with FCS, untagged). */
/**
 * The longest frame without FCS the device accepts once the driver is up: it programs
 * MAXFRS.MFS to 1522 with FCS (a full-size frame plus an 802.1Q tag, as ixgbe does).
 */
export const MAX_ACCEPTED_BYTES = 1518;
export const MAX_FRAME_BYTES = 1514;
/** The smallest frame without FCS that is not a runt. */
export const MIN_FRAME_BYTES = 60;

export const PEER_MAC: readonly number[] = [0x02, 0, 0, 0, 0, 0xfe];
/** Station addresses the tests steer with filters. */
export const VM_MACS: readonly (readonly number[])[] = [1, 2, 3, 4].map((i) => [
  0x02,
  0x15,
  0x5d,
  0,
  0,
  i,
]);
/** A unicast address no filter ever names (the default path). */
export const UNKNOWN_MAC: readonly number[] = [0x02, 0x33, 0, 0, 0, 0x77];
export const BROADCAST_MAC: readonly number[] = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff];

export type L4 = "tcp" | "udp" | "raw";
/** Where an injected frame is addressed: a VM MAC (by index), an unknown MAC, broadcast. */
export type Destination = number | "unknown" | "broadcast";
/** How a frame is broken, if it is: the MAC must count and drop it. */
export type Breakage = "none" | "fcs" | "runt" | "oversize";

/** One frame the peer injects. */
export interface RxFrameSpec {
  readonly dst: Destination;
  /** The 802.1Q VLAN ID it is tagged with, or none. */
  readonly vlan: number | undefined;
  readonly l4: L4;
  /** Which of a few flows (addresses and ports) of this destination it belongs to. */
  readonly flow: number;
  /** Total length, FCS excluded (clamped to what the headers need, and to the breakage). */
  readonly length: number;
  readonly breakage: Breakage;
}

/** `spec` as it is built: a runt is an untagged raw frame (IP headers alone are no runt). */
export function normalizeRxSpec(spec: RxFrameSpec): RxFrameSpec {
  return spec.breakage === "runt" ? { ...spec, vlan: undefined, l4: "raw" } : spec;
}

/** The addresses and ports of a flow, as RSS hashes them (IPv4, network byte order). */
export interface FlowTuple {
  readonly srcIp: readonly number[];
  readonly dstIp: readonly number[];
  readonly srcPort: number;
  readonly dstPort: number;
}

export function destinationMac(dst: Destination): readonly number[] {
  if (dst === "unknown") return UNKNOWN_MAC;
  if (dst === "broadcast") return BROADCAST_MAC;
  return VM_MACS[dst]!;
}

export function flowTuple(spec: Pick<RxFrameSpec, "dst" | "flow">): FlowTuple {
  const d = spec.dst === "unknown" ? 200 : spec.dst === "broadcast" ? 255 : spec.dst + 1;
  return {
    srcIp: [10, 1 + spec.flow, (spec.flow * 37) & 0xff, 9],
    dstIp: [192, 168, 7, d],
    srcPort: 10_000 + spec.flow * 1237,
    dstPort: 443 + d,
  };
}

/** A number naming the flow a frame belongs to (destination, VLAN, L4 type, flow). */
export function flowKey(spec: RxFrameSpec): number {
  const d = spec.dst === "unknown" ? 4 : spec.dst === "broadcast" ? 5 : spec.dst;
  const v = spec.vlan === undefined ? 0 : spec.vlan;
  const l = spec.l4 === "tcp" ? 0 : spec.l4 === "udp" ? 1 : 2;
  return ((d * 4096 + v) * 4 + l) * 16 + spec.flow;
}

/** Bytes of headers before the payload header (Ethernet, tag, IPv4, TCP/UDP). */
function headerBytes(vlan: number | undefined, l4: L4): number {
  const l2 = vlan === undefined ? 14 : 18;
  if (l4 === "raw") return l2;
  return l2 + 20 + (l4 === "tcp" ? 20 : 8);
}

/** The frame length `spec` really gets. */
export function rxFrameLength(spec: RxFrameSpec): number {
  const least = headerBytes(spec.vlan, spec.l4) + PAYLOAD_HEADER_BYTES;
  if (spec.breakage === "runt") return Math.max(least, Math.min(spec.length, MIN_FRAME_BYTES - 1));
  if (spec.breakage === "oversize") return MAX_ACCEPTED_BYTES + 1 + (spec.length % 64);
  return Math.min(MAX_FRAME_BYTES, Math.max(spec.length, least, MIN_FRAME_BYTES));
}

/** Builds the frame of `spec`, carrying `uid` and the flow's sequence number `seq`. */
export function buildRxFrame(spec: RxFrameSpec, uid: number, seq: number): Uint8Array {
  const length = rxFrameLength(spec);
  const f = new Uint8Array(length);
  const view = new DataView(f.buffer);
  f.set(destinationMac(spec.dst), 0);
  f.set(PEER_MAC, 6);
  let at = 12;
  if (spec.vlan !== undefined) {
    view.setUint16(at, ETHERTYPE_VLAN);
    view.setUint16(at + 2, spec.vlan);
    at += 4;
  }
  const payloadAt = headerBytes(spec.vlan, spec.l4);
  view.setUint32(payloadAt, MAGIC);
  view.setUint32(payloadAt + 4, uid >>> 0);
  view.setUint32(payloadAt + 8, flowKey(spec));
  view.setUint32(payloadAt + 12, seq >>> 0);
  for (let i = payloadAt + PAYLOAD_HEADER_BYTES; i < length; i++) f[i] = (uid * 13 + i) & 0xff;
  if (spec.l4 === "raw") {
    view.setUint16(at, ETHERTYPE_EXPERIMENTAL);
    return f;
  }
  view.setUint16(at, ETHERTYPE_IPV4);
  const ip = at + 2;
  const t = flowTuple(spec);
  writeIpv4(f, ip, length - ip, spec.l4 === "tcp" ? PROTO_TCP : PROTO_UDP, seq & 0xffff, t);
  const l4 = ip + 20;
  view.setUint16(l4, t.srcPort);
  view.setUint16(l4 + 2, t.dstPort);
  if (spec.l4 === "tcp") {
    view.setUint32(l4 + 4, (seq * 1000) >>> 0);
    f[l4 + 12] = 0x50;
    f[l4 + 13] = 0x18;
    view.setUint16(l4 + 14, 0xffff);
  } else {
    view.setUint16(l4 + 4, length - l4);
  }
  fillIpv4Checksums(f, ip, true, true);
  return f;
}

/** The uid in an injected or sent frame's payload header, or -1 when there is none. */
export function rxUidOf(frame: Uint8Array): number {
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  if (frame.length < 14) return -1;
  const tagged = view.getUint16(12) === ETHERTYPE_VLAN;
  const l2 = tagged ? 18 : 14;
  if (frame.length < l2) return -1;
  const type = view.getUint16(l2 - 2);
  let at = l2;
  if (type === ETHERTYPE_IPV4) {
    if (frame.length < l2 + 20) return -1;
    at += 20 + (frame[l2 + 9] === PROTO_TCP ? 20 : 8);
  }
  if (frame.length < at + PAYLOAD_HEADER_BYTES || view.getUint32(at) !== MAGIC) return -1;
  return view.getUint32(at + 4);
}

/** Writes a 20-byte IPv4 header at `ip` (checksum zero). */
function writeIpv4(
  f: Uint8Array,
  ip: number,
  totalLength: number,
  proto: number,
  id: number,
  t: Pick<FlowTuple, "srcIp" | "dstIp">,
): void {
  const view = new DataView(f.buffer, f.byteOffset, f.byteLength);
  f[ip] = 0x45;
  view.setUint16(ip + 2, Math.min(0xffff, totalLength));
  view.setUint16(ip + 4, id);
  f[ip + 6] = 0x40;
  f[ip + 8] = 64;
  f[ip + 9] = proto;
  f.set(t.srcIp, ip + 12);
  f.set(t.dstIp, ip + 16);
}

// --- Sends ---------------------------------------------------------------------------

/** What a send asks for. */
export type SendKind = "raw" | "tcp" | "checksum" | "lso" | "invalid";

/** One frame the host sends. */
export interface TxSendSpec {
  readonly kind: SendKind;
  /** Frame length (raw, tcp, checksum) or TCP payload bytes (lso). */
  readonly size: number;
  readonly mss: number;
  /** Checksum sends: TCP or UDP. */
  readonly udp: boolean;
  /** Checksum sends: which to fill (bit 0 IPv4, bit 1 L4; 0 means both). */
  readonly which: number;
}

/** Bytes of Ethernet + IPv4 + TCP headers of the sends. */
export const TCP_HEADERS = 54;
const TX_SRC_IP = [10, 9, 9, 1];
const TX_DST_IP = [10, 9, 9, 2];

/** The source MAC naming send `uid` (0x06: locally administered unicast). */
function senderMac(uid: number): number[] {
  return [0x06, 0x00, (uid >>> 24) & 0xff, (uid >>> 16) & 0xff, (uid >>> 8) & 0xff, uid & 0xff];
}

/** The send uid of a frame seen on the wire, or -1 when the frame is not one of ours. */
export function txUidOf(frame: Uint8Array): number {
  if (frame.length < 12 || frame[6] !== 0x06 || frame[7] !== 0x00) return -1;
  return ((frame[8]! << 24) | (frame[9]! << 16) | (frame[10]! << 8) | frame[11]!) >>> 0;
}

/** The TCP sequence number a send starts at. */
export function tcpSeqOf(uid: number): number {
  return (uid * 7919 + 12345) >>> 0;
}

/** Builds send `uid` (flow `flow`, sequence `seq` in its payload). */
export function buildSend(spec: TxSendSpec, uid: number, flow: number, seq: number): Uint8Array {
  const l4: L4 =
    spec.kind === "raw"
      ? "raw"
      : spec.kind === "invalid" || (spec.kind === "checksum" && spec.udp)
        ? "udp"
        : "tcp";
  const headers = l4 === "raw" ? 14 : l4 === "udp" ? 42 : TCP_HEADERS;
  const least = headers + PAYLOAD_HEADER_BYTES;
  const length =
    spec.kind === "lso"
      ? TCP_HEADERS + Math.max(PAYLOAD_HEADER_BYTES, spec.size)
      : Math.min(MAX_FRAME_BYTES, Math.max(spec.size, least, MIN_FRAME_BYTES));
  const f = new Uint8Array(length);
  const view = new DataView(f.buffer);
  f.set(PEER_MAC, 0);
  f.set(senderMac(uid), 6);
  view.setUint32(headers, MAGIC);
  view.setUint32(headers + 4, uid >>> 0);
  view.setUint32(headers + 8, flow >>> 0);
  view.setUint32(headers + 12, seq >>> 0);
  for (let i = headers + PAYLOAD_HEADER_BYTES; i < length; i++) f[i] = (uid * 31 + i * 7) & 0xff;
  if (l4 === "raw") {
    view.setUint16(12, ETHERTYPE_EXPERIMENTAL);
    return f;
  }
  view.setUint16(12, ETHERTYPE_IPV4);
  writeIpv4(f, 14, length - 14, l4 === "tcp" ? PROTO_TCP : PROTO_UDP, uid & 0xffff, {
    srcIp: TX_SRC_IP,
    dstIp: TX_DST_IP,
  });
  view.setUint16(34, 40_000 + (uid % 1000));
  view.setUint16(36, 80);
  if (l4 === "tcp") {
    view.setUint32(38, tcpSeqOf(uid));
    f[46] = 0x50;
    f[47] = 0x18;
    view.setUint16(48, 0xffff);
  } else {
    view.setUint16(38, length - 34);
  }
  // A plain TCP send carries correct checksums of its own; offloaded ones leave them zero.
  if (spec.kind === "tcp") fillIpv4Checksums(f, 14, true, true);
  return f;
}

/** Segments the wire should carry for a send that completed as sent. */
export function segmentsOf(spec: TxSendSpec, frame: Uint8Array): number {
  if (spec.kind !== "lso") return 1;
  return Math.ceil((frame.length - TCP_HEADERS) / spec.mss);
}

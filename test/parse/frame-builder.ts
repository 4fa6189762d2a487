import fc from "fast-check";
import { L3Kind, L4Kind, ParseError } from "../../src/hw/parse/parsed-frame.js";

/**
 * A tiny frame builder for the parser and checksum tests, independent of the code under
 * test: it writes every header byte by hand from a spec and records, as it goes, where it
 * put each thing. Those records are the expected parse (the oracle).
 */

export type VlanSpec =
  | { kind: "none" }
  | { kind: "dot1q"; tci: number }
  | { kind: "qinq"; outerTci: number; tci: number }
  /** A lone 802.1ad tag followed by the EtherType. */
  | { kind: "sTag"; tci: number };

export type ExtSpec =
  /** Hop-by-hop (0), routing (43) or destination options (60): (lenField + 1) * 8 bytes. */
  | { type: 0 | 43 | 60; lenField: number; segmentsLeft: number; fill: number }
  | { type: 44; fragOffset: number; more: boolean; id: number }
  /** AH: (lenField + 2) * 4 bytes. */
  | { type: 51; lenField: number; fill: number };

export type L3Spec =
  | {
      kind: "ipv4";
      optionWords: number;
      tos: number;
      id: number;
      ttl: number;
      df: boolean;
      mf: boolean;
      fragOffset: number;
      src: number[];
      dst: number[];
    }
  | {
      kind: "ipv6";
      trafficClass: number;
      flowLabel: number;
      hopLimit: number;
      ext: ExtSpec[];
      src: number[];
      dst: number[];
    }
  | { kind: "other"; etherType: number };

export type L4Spec =
  | {
      kind: "tcp";
      srcPort: number;
      dstPort: number;
      seq: number;
      ack: number;
      flags: number;
      window: number;
      urgent: number;
      optionWords: number;
    }
  /** `trailer`: bytes in the IP datagram after the UDP datagram (unfragmented only);
   * `fragmentExtra`: how much longer the UDP length says the datagram is (first fragments). */
  | { kind: "udp"; srcPort: number; dstPort: number; trailer: number; fragmentExtra: number }
  | { kind: "raw"; protocol: number };

export interface FrameSpec {
  dstMac: number[];
  srcMac: number[];
  vlan: VlanSpec;
  l3: L3Spec;
  l4: L4Spec;
  payload: number[];
  /** Bytes added after the frame beyond the padding to 60 (junk after the datagram). */
  junk: number;
  /** Seed of the padding/junk/option bytes. */
  filler: number;
}

/** Every field of a ParsedFrame, as the builder expects it (offsets from the frame start). */
export interface ExpectedParse {
  l2Offset: number;
  etherType: number;
  vlanTagCount: number;
  vlanTci: number;
  outerVlanTci: number;
  l3Offset: number;
  l3Kind: L3Kind;
  ipSrcOffset: number;
  ipDstOffset: number;
  ipProtocol: number;
  ipEnd: number;
  ipv4HeaderLength: number;
  ipv4TotalLength: number;
  ipv6PayloadLength: number;
  ipv6HasExtensionHeaders: boolean;
  ipv6RoutingHeaderOffset: number;
  isFragment: boolean;
  isFirstFragment: boolean;
  l4Offset: number;
  l4Kind: L4Kind;
  srcPort: number;
  dstPort: number;
  tcpHeaderLength: number;
  tcpFlags: number;
  tcpSeq: number;
  tcpAck: number;
  udpLength: number;
  payloadOffset: number;
  payloadLength: number;
  error: ParseError;
}

/** Where the checksummed parts are, for frames whose L4 checksum can be computed. */
export interface ChecksumLayout {
  ipVersion: 4 | 6;
  srcAt: number;
  dstAt: number;
  protocol: number;
  l4At: number;
  l4Length: number;
  checksumAt: number;
  udp: boolean;
}

export interface BuiltFrame {
  bytes: Uint8Array;
  expected: ExpectedParse;
  /** End of the Ethernet header and VLAN tags. */
  l2End: number;
  /** End of the fixed IP header and IPv4 options; -1 for non-IP. */
  ipHeaderEnd: number;
  /** End of the IP datagram (where padding starts); -1 for non-IP. */
  ipEnd: number;
  /** The IPv6 extension headers the parser walks, in order. */
  extHeaders: { start: number; end: number }[];
  /** End of the TCP/UDP header the parser reads, or -1 when it reads none. */
  l4HeaderEnd: number;
  checksum: ChecksumLayout | null;
}

const ABSENT: ExpectedParse = {
  l2Offset: -1,
  etherType: -1,
  vlanTagCount: 0,
  vlanTci: -1,
  outerVlanTci: -1,
  l3Offset: -1,
  l3Kind: L3Kind.None,
  ipSrcOffset: -1,
  ipDstOffset: -1,
  ipProtocol: -1,
  ipEnd: -1,
  ipv4HeaderLength: -1,
  ipv4TotalLength: -1,
  ipv6PayloadLength: -1,
  ipv6HasExtensionHeaders: false,
  ipv6RoutingHeaderOffset: -1,
  isFragment: false,
  isFirstFragment: false,
  l4Offset: -1,
  l4Kind: L4Kind.None,
  srcPort: -1,
  dstPort: -1,
  tcpHeaderLength: -1,
  tcpFlags: -1,
  tcpSeq: -1,
  tcpAck: -1,
  udpLength: -1,
  payloadOffset: -1,
  payloadLength: -1,
  error: ParseError.None,
};

export function absentParse(): ExpectedParse {
  return { ...ABSENT };
}

const OFFSET_FIELDS = [
  "l2Offset",
  "l3Offset",
  "ipSrcOffset",
  "ipDstOffset",
  "ipEnd",
  "ipv6RoutingHeaderOffset",
  "l4Offset",
  "payloadOffset",
] as const;

/** The expectation for the frame placed at `base` in a larger array. */
export function shiftExpected(e: ExpectedParse, base: number): ExpectedParse {
  const out = { ...e };
  for (const k of OFFSET_FIELDS) if (out[k] >= 0) out[k] += base;
  return out;
}

function u16(a: number[], v: number): void {
  a.push((v >>> 8) & 0xff, v & 0xff);
}

function u32(a: number[], v: number): void {
  a.push((v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
}

function setU16(a: number[], at: number, v: number): void {
  a[at] = (v >>> 8) & 0xff;
  a[at + 1] = v & 0xff;
}

function fillBytes(a: number[], n: number, seed: number): void {
  for (let i = 0; i < n; i++) a.push((seed + i * 37 + 11) & 0xff);
}

function l4Protocol(l4: L4Spec): number {
  if (l4.kind === "tcp") return 6;
  if (l4.kind === "udp") return 17;
  return l4.protocol;
}

export function buildFrame(spec: FrameSpec): BuiltFrame {
  const a: number[] = [];
  const e = absentParse();
  const extHeaders: { start: number; end: number }[] = [];
  e.l2Offset = 0;
  a.push(...spec.dstMac, ...spec.srcMac);
  const v = spec.vlan;
  if (v.kind === "dot1q") {
    u16(a, 0x8100);
    u16(a, v.tci);
    e.vlanTagCount = 1;
    e.vlanTci = v.tci;
  } else if (v.kind === "qinq") {
    u16(a, 0x88a8);
    u16(a, v.outerTci);
    u16(a, 0x8100);
    u16(a, v.tci);
    e.vlanTagCount = 2;
    e.vlanTci = v.tci;
    e.outerVlanTci = v.outerTci;
  } else if (v.kind === "sTag") {
    u16(a, 0x88a8);
    u16(a, v.tci);
    e.vlanTagCount = 1;
    e.vlanTci = v.tci;
  }
  const l3 = spec.l3;
  const etherType = l3.kind === "ipv4" ? 0x0800 : l3.kind === "ipv6" ? 0x86dd : l3.etherType;
  u16(a, etherType);
  e.etherType = etherType;
  const l2End = a.length;
  e.l3Offset = l2End;

  if (l3.kind === "other") {
    e.l3Kind = L3Kind.Other;
    a.push(...spec.payload);
    pad(a, spec);
    e.payloadOffset = l2End;
    e.payloadLength = a.length - l2End;
    return {
      bytes: Uint8Array.from(a),
      expected: e,
      l2End,
      ipHeaderEnd: -1,
      ipEnd: -1,
      extHeaders,
      l4HeaderEnd: -1,
      checksum: null,
    };
  }

  const l3At = l2End;
  const protocol = l4Protocol(spec.l4);
  let ipHeaderEnd: number;
  let fragment = false;
  let firstFragment = false;
  /** Where the bytes the parser reads as L4 start; -1 after a non-first fragment. */
  let l4At: number;
  /** Where the fragment data starts when the frame is a non-first fragment. */
  let fragmentDataAt = -1;
  let finalProtocol = protocol;

  if (l3.kind === "ipv4") {
    e.l3Kind = L3Kind.Ipv4;
    const ihl = 5 + l3.optionWords;
    a.push(0x40 | ihl, l3.tos);
    u16(a, 0); // total length, set below
    u16(a, l3.id);
    u16(a, (l3.df ? 0x4000 : 0) | (l3.mf ? 0x2000 : 0) | l3.fragOffset);
    a.push(l3.ttl, protocol);
    u16(a, 0); // header checksum
    a.push(...l3.src, ...l3.dst);
    fillBytes(a, l3.optionWords * 4, spec.filler);
    ipHeaderEnd = a.length;
    e.ipv4HeaderLength = ihl * 4;
    e.ipSrcOffset = l3At + 12;
    e.ipDstOffset = l3At + 16;
    fragment = l3.mf || l3.fragOffset !== 0;
    firstFragment = fragment && l3.fragOffset === 0;
    l4At = fragment && !firstFragment ? -1 : ipHeaderEnd;
    if (l4At < 0) fragmentDataAt = ipHeaderEnd;
  } else {
    e.l3Kind = L3Kind.Ipv6;
    const chain = l3.ext;
    const nextOf = (i: number): number => (i < chain.length ? chain[i]!.type : protocol);
    u32(a, (6 << 28) | (l3.trafficClass << 20) | l3.flowLabel);
    u16(a, 0); // payload length, set below
    a.push(nextOf(0), l3.hopLimit);
    a.push(...l3.src, ...l3.dst);
    ipHeaderEnd = a.length;
    e.ipSrcOffset = l3At + 8;
    e.ipDstOffset = l3At + 24;
    e.ipv6HasExtensionHeaders = chain.length > 0;
    let walking = true;
    for (const [i, x] of chain.entries()) {
      const start = a.length;
      if (x.type === 44) {
        a.push(nextOf(i + 1), 0);
        u16(a, (x.fragOffset << 3) | (x.more ? 1 : 0));
        u32(a, x.id);
      } else if (x.type === 51) {
        a.push(nextOf(i + 1), x.lenField);
        fillBytes(a, (x.lenField + 2) * 4 - 2, x.fill);
      } else {
        a.push(nextOf(i + 1), x.lenField);
        if (x.type === 43) a.push(4, x.segmentsLeft);
        fillBytes(a, (x.lenField + 1) * 8 - (x.type === 43 ? 4 : 2), x.fill);
      }
      if (!walking) continue;
      extHeaders.push({ start, end: a.length });
      if (x.type === 43) e.ipv6RoutingHeaderOffset = start;
      if (x.type === 44) {
        fragment = x.more || x.fragOffset !== 0;
        firstFragment = fragment && x.fragOffset === 0;
        if (x.fragOffset !== 0) {
          walking = false;
          fragmentDataAt = a.length;
          finalProtocol = nextOf(i + 1);
        }
      }
    }
    l4At = walking ? a.length : -1;
  }
  e.ipProtocol = finalProtocol;
  e.isFragment = fragment;
  e.isFirstFragment = firstFragment;

  // The L4 part: written the same way whether or not the parser will read it.
  const l4Start = a.length;
  let l4HeaderEnd = -1;
  let checksumAt = -1;
  let udpLength = -1;
  const l4 = spec.l4;
  if (l4.kind === "tcp") {
    const dataOffset = 5 + l4.optionWords;
    u16(a, l4.srcPort);
    u16(a, l4.dstPort);
    u32(a, l4.seq);
    u32(a, l4.ack);
    a.push((dataOffset << 4) | ((l4.flags >>> 8) & 0x0f), l4.flags & 0xff);
    u16(a, l4.window);
    checksumAt = a.length;
    u16(a, 0);
    u16(a, l4.urgent);
    fillBytes(a, l4.optionWords * 4, spec.filler + 3);
    l4HeaderEnd = a.length;
    a.push(...spec.payload);
  } else if (l4.kind === "udp") {
    udpLength = 8 + spec.payload.length + (fragment ? l4.fragmentExtra : 0);
    u16(a, l4.srcPort);
    u16(a, l4.dstPort);
    u16(a, udpLength);
    checksumAt = a.length;
    u16(a, 0);
    l4HeaderEnd = a.length;
    a.push(...spec.payload);
    if (!fragment) fillBytes(a, l4.trailer, spec.filler + 5);
  } else {
    a.push(...spec.payload);
  }
  const ipEnd = a.length;
  if (l3.kind === "ipv4") setU16(a, l3At + 2, ipEnd - l3At);
  else setU16(a, l3At + 4, ipEnd - ipHeaderEnd);
  e.ipEnd = ipEnd;
  if (l3.kind === "ipv4") e.ipv4TotalLength = ipEnd - l3At;
  else e.ipv6PayloadLength = ipEnd - ipHeaderEnd;
  pad(a, spec);

  let checksum: ChecksumLayout | null = null;
  if (l4At < 0) {
    e.payloadOffset = fragmentDataAt;
    e.payloadLength = ipEnd - fragmentDataAt;
    l4HeaderEnd = -1;
  } else {
    e.l4Offset = l4At;
    if (l4.kind === "tcp") {
      e.l4Kind = L4Kind.Tcp;
      e.srcPort = l4.srcPort;
      e.dstPort = l4.dstPort;
      e.tcpSeq = l4.seq;
      e.tcpAck = l4.ack;
      e.tcpFlags = l4.flags;
      e.tcpHeaderLength = l4HeaderEnd - l4Start;
      e.payloadOffset = l4HeaderEnd;
      e.payloadLength = spec.payload.length;
    } else if (l4.kind === "udp") {
      e.l4Kind = L4Kind.Udp;
      e.srcPort = l4.srcPort;
      e.dstPort = l4.dstPort;
      e.udpLength = udpLength;
      e.payloadOffset = l4HeaderEnd;
      e.payloadLength = spec.payload.length;
    } else {
      e.l4Kind = L4Kind.Other;
      e.payloadOffset = l4Start;
      e.payloadLength = ipEnd - l4Start;
      l4HeaderEnd = -1;
    }
    if (!fragment && l4.kind !== "raw") {
      checksum = {
        ipVersion: l3.kind === "ipv4" ? 4 : 6,
        srcAt: e.ipSrcOffset,
        dstAt: e.ipDstOffset,
        protocol,
        l4At: l4Start,
        l4Length: l4.kind === "tcp" ? ipEnd - l4Start : udpLength,
        checksumAt,
        udp: l4.kind === "udp",
      };
    }
  }
  return {
    bytes: Uint8Array.from(a),
    expected: e,
    l2End,
    ipHeaderEnd,
    ipEnd,
    extHeaders,
    l4HeaderEnd,
    checksum,
  };
}

function pad(a: number[], spec: FrameSpec): void {
  const padding = Math.max(0, 60 - a.length) + spec.junk;
  fillBytes(a, padding, spec.filler + 101);
}

// ---- fast-check arbitraries ----

const byte = fc.integer({ min: 0, max: 255 });
const u16Arb = fc.integer({ min: 0, max: 0xffff });
const u32Arb = fc.integer({ min: 0, max: 0xffff_ffff });
const mac = fc.array(byte, { minLength: 6, maxLength: 6 });

export const vlanArb: fc.Arbitrary<VlanSpec> = fc.oneof(
  fc.constant<VlanSpec>({ kind: "none" }),
  u16Arb.map((tci): VlanSpec => ({ kind: "dot1q", tci })),
  fc.record({ kind: fc.constant("qinq" as const), outerTci: u16Arb, tci: u16Arb }),
  // A lone S-tag must not be followed by the C-tag EtherType (that would be QinQ).
  u16Arb.map((tci): VlanSpec => ({ kind: "sTag", tci })),
);

const routingLike = fc.record({
  type: fc.constantFrom(0 as const, 43 as const, 60 as const),
  lenField: fc.integer({ min: 0, max: 3 }),
  segmentsLeft: byte,
  fill: byte,
});

const ahArb = fc.record({
  type: fc.constant(51 as const),
  lenField: fc.integer({ min: 1, max: 6 }),
  fill: byte,
});

export const fragmentExtArb = fc.record({
  type: fc.constant(44 as const),
  fragOffset: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 0x1fff })),
  more: fc.boolean(),
  id: u32Arb,
});

/** A chain of extension headers with at most one fragment header, anywhere in it. */
export function extChainArb(opts: { fragment: boolean; zeroSegmentsLeft: boolean }) {
  const plain = fc.array(fc.oneof(routingLike, ahArb), { maxLength: 4 });
  return fc
    .tuple(
      plain,
      opts.fragment
        ? fc.oneof(
            { weight: 3, arbitrary: fc.constant(null) },
            { weight: 1, arbitrary: fragmentExtArb },
          )
        : fc.constant(null),
      fc.nat(),
    )
    .map(([list, frag, where]) => {
      const chain: ExtSpec[] = list.map((x) =>
        opts.zeroSegmentsLeft && x.type === 43 ? { ...x, segmentsLeft: 0 } : x,
      );
      if (frag !== null) chain.splice(where % (chain.length + 1), 0, frag);
      return chain;
    });
}

const ipv4Addr = fc.array(byte, { minLength: 4, maxLength: 4 });
const ipv6Addr = fc.array(byte, { minLength: 16, maxLength: 16 });

export function ipv4Arb(opts: { fragment: boolean }): fc.Arbitrary<L3Spec> {
  return fc
    .record({
      optionWords: fc.integer({ min: 0, max: 10 }),
      tos: byte,
      id: u16Arb,
      ttl: byte,
      df: fc.boolean(),
      mf: opts.fragment
        ? fc.oneof(
            { weight: 3, arbitrary: fc.constant(false) },
            { weight: 1, arbitrary: fc.constant(true) },
          )
        : fc.constant(false),
      fragOffset: opts.fragment
        ? fc.oneof(
            { weight: 3, arbitrary: fc.constant(0) },
            { weight: 1, arbitrary: fc.integer({ min: 1, max: 0x1fff }) },
          )
        : fc.constant(0),
      src: ipv4Addr,
      dst: ipv4Addr,
    })
    .map((r): L3Spec => ({ kind: "ipv4", ...r }));
}

export function ipv6Arb(opts: { fragment: boolean; zeroSegmentsLeft: boolean }) {
  return fc
    .record({
      trafficClass: byte,
      flowLabel: fc.integer({ min: 0, max: 0xfffff }),
      hopLimit: byte,
      ext: extChainArb(opts),
      src: ipv6Addr,
      dst: ipv6Addr,
    })
    .map((r): L3Spec => ({ kind: "ipv6", ...r }));
}

const otherEtherType = u16Arb.filter(
  (t) => t !== 0x0800 && t !== 0x86dd && t !== 0x8100 && t !== 0x88a8,
);

export const tcpArb: fc.Arbitrary<L4Spec> = fc
  .record({
    srcPort: u16Arb,
    dstPort: u16Arb,
    seq: u32Arb,
    ack: u32Arb,
    flags: fc.integer({ min: 0, max: 0xfff }),
    window: u16Arb,
    urgent: u16Arb,
    optionWords: fc.integer({ min: 0, max: 10 }),
  })
  .map((r): L4Spec => ({ kind: "tcp", ...r }));

export function udpArb(opts: { trailer: boolean }): fc.Arbitrary<L4Spec> {
  return fc
    .record({
      srcPort: u16Arb,
      dstPort: u16Arb,
      trailer: opts.trailer
        ? fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 12 }))
        : fc.constant(0),
      fragmentExtra: fc.integer({ min: 0, max: 3000 }),
    })
    .map((r): L4Spec => ({ kind: "udp", ...r }));
}

/** Protocols that are neither TCP, UDP nor an IPv6 extension header the parser walks. */
const rawProtocol = fc.oneof(
  fc.constantFrom(1, 2, 4, 41, 47, 50, 58, 59, 132, 255),
  fc.integer({ min: 0, max: 255 }).filter((p) => ![0, 6, 17, 43, 44, 51, 60].includes(p)),
);

export const l4Arb: fc.Arbitrary<L4Spec> = fc.oneof(
  tcpArb,
  udpArb({ trailer: true }),
  rawProtocol.map((protocol): L4Spec => ({ kind: "raw", protocol })),
);

const payloadArb = fc.oneof(fc.array(byte, { maxLength: 8 }), fc.array(byte, { maxLength: 300 }));

export function frameSpecArb(
  opts: { l3?: fc.Arbitrary<L3Spec>; l4?: fc.Arbitrary<L4Spec> } = {},
): fc.Arbitrary<FrameSpec> {
  return fc.record({
    dstMac: mac,
    srcMac: mac,
    vlan: vlanArb,
    l3:
      opts.l3 ??
      fc.oneof(
        { weight: 4, arbitrary: ipv4Arb({ fragment: true }) },
        { weight: 4, arbitrary: ipv6Arb({ fragment: true, zeroSegmentsLeft: false }) },
        {
          weight: 1,
          arbitrary: otherEtherType.map((t): L3Spec => ({ kind: "other", etherType: t })),
        },
      ),
    l4: opts.l4 ?? l4Arb,
    payload: payloadArb,
    junk: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 8 })),
    filler: byte,
  });
}

/** Frames whose TCP/UDP checksum can be computed: unfragmented, no pending routing. */
export const checksummableSpecArb: fc.Arbitrary<FrameSpec> = frameSpecArb({
  l3: fc.oneof(ipv4Arb({ fragment: false }), ipv6Arb({ fragment: false, zeroSegmentsLeft: true })),
  l4: fc.oneof(tcpArb, udpArb({ trailer: true })),
});

/** Bytes from a hex string; whitespace is ignored. */
export function hex(s: string): Uint8Array {
  const clean = s.replace(/\s+/g, "");
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return out;
}

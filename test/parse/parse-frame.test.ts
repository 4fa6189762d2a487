import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseFrame } from "../../src/hw/parse/parse-frame.js";
import { L3Kind, L4Kind, ParsedFrame, ParseError } from "../../src/hw/parse/parsed-frame.js";
import {
  absentParse,
  type BuiltFrame,
  buildFrame,
  type ExpectedParse,
  frameSpecArb,
  hex,
  shiftExpected,
} from "./frame-builder.js";

/**
 * A view of `bytes` that records every element index read outside [lo, hi). The parser
 * indexes its byte array and nothing else, so a proxy sees every read it makes.
 */
function guarded(bytes: Uint8Array, lo: number, hi: number, strays: number[]): Uint8Array {
  return new Proxy(bytes, {
    get(target, prop) {
      if (typeof prop === "string" && prop !== "" && /^-?\d+$/.test(prop)) {
        const i = Number(prop);
        if (i < lo || i >= hi) strays.push(i);
      }
      const value: unknown = Reflect.get(target, prop);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** The parse as a plain record of its fields. */
function fieldsOf(p: ParsedFrame): ExpectedParse {
  return { ...p };
}

interface Placement {
  /** Where the frame starts in the larger array. */
  base: number;
  /** Bytes after the window. */
  after: number;
  /** How the bytes around the window are filled: a constant, or -1 for a pattern. */
  fill: number;
}

/**
 * Parses `frame[0, length)` placed at `at.base` in an array whose other bytes are
 * filler, through a guard; returns the parse (offsets made relative to the frame) and
 * the indices read outside the window.
 */
function parsePlaced(
  frame: Uint8Array,
  length: number,
  at: Placement,
  out: ParsedFrame = new ParsedFrame(),
): { parsed: ExpectedParse; strays: number[] } {
  const whole = new Uint8Array(at.base + frame.length + at.after);
  for (let i = 0; i < whole.length; i++) whole[i] = at.fill >= 0 ? at.fill : (i * 151 + 7) & 0xff;
  whole.set(frame, at.base);
  // Bytes of the frame beyond `length` are outside the window too: scramble them.
  for (let i = at.base + length; i < at.base + frame.length; i++)
    whole[i] = (whole[i]! ^ 0x5a) & 0xff;
  const strays: number[] = [];
  const bytes = guarded(whole, at.base, at.base + length, strays);
  const result = parseFrame(bytes, at.base, length, out);
  expect(result).toBe(out);
  return { parsed: shiftExpected(fieldsOf(out), -at.base), strays };
}

const NEAR: Placement = { base: 0, after: 0, fill: 0 };
const placementArb = fc.record({
  base: fc.integer({ min: 1, max: 64 }),
  after: fc.integer({ min: 0, max: 64 }),
  fill: fc.oneof(
    fc.constant(0xff),
    fc.constant(0),
    fc.constant(-1),
    fc.integer({ min: 0, max: 255 }),
  ),
});

/**
 * Parses the frame in two places (at the start of an array of exactly its size, and
 * inside a larger one with other surroundings); checks neither parse reads outside the
 * window and both agree. Returns the parse.
 */
function parseTwice(frame: Uint8Array, length: number, other: Placement): ExpectedParse {
  const a = parsePlaced(frame.subarray(0, length), length, NEAR);
  const b = parsePlaced(frame, length, other);
  expect(a.strays).toEqual([]);
  expect(b.strays).toEqual([]);
  expect(b.parsed).toEqual(a.parsed);
  return a.parsed;
}

/** The L2 fields of `e`, the header at fault's kind and offset, everything else absent. */
function stoppedAtL3(e: ExpectedParse, error: ParseError): ExpectedParse {
  return {
    ...absentParse(),
    l2Offset: e.l2Offset,
    etherType: e.etherType,
    vlanTagCount: e.vlanTagCount,
    vlanTci: e.vlanTci,
    outerVlanTci: e.outerVlanTci,
    l3Offset: e.l3Offset,
    l3Kind: e.l3Kind,
    error,
  };
}

/** `e` with every L4 field but the kind and offset absent. */
function stoppedAtL4(e: ExpectedParse, error: ParseError): ExpectedParse {
  const a = absentParse();
  return {
    ...e,
    srcPort: a.srcPort,
    dstPort: a.dstPort,
    tcpHeaderLength: a.tcpHeaderLength,
    tcpFlags: a.tcpFlags,
    tcpSeq: a.tcpSeq,
    tcpAck: a.tcpAck,
    udpLength: a.udpLength,
    payloadOffset: a.payloadOffset,
    payloadLength: a.payloadLength,
    error,
  };
}

/** What parsing the first `n` bytes of `built` must give. */
function expectedForCut(built: BuiltFrame, n: number): ExpectedParse {
  const e = built.expected;
  if (n < built.l2End) return { ...absentParse(), l2Offset: 0, error: ParseError.TruncatedL2 };
  if (built.ipEnd < 0) return { ...e, payloadLength: n - built.l2End };
  if (n < built.ipHeaderEnd) return stoppedAtL3(e, ParseError.TruncatedL3);
  if (n < built.ipEnd) return stoppedAtL3(e, ParseError.IpLengthExceedsFrame);
  return e;
}

/** The error parsing `built` must report once its IP length field says the datagram ends at `c`. */
function errorForDatagramEnd(built: BuiltFrame, c: number): ParseError {
  const e = built.expected;
  if (e.l3Kind === L3Kind.Ipv4 && c - e.l3Offset < e.ipv4HeaderLength) {
    return ParseError.BadIpTotalLength;
  }
  for (const x of built.extHeaders) if (c < x.end) return ParseError.TruncatedExtensionHeader;
  if (built.l4HeaderEnd >= 0 && c < built.l4HeaderEnd) return ParseError.TruncatedL4;
  if (e.l4Kind === L4Kind.Udp && !e.isFragment && c < e.l4Offset + e.udpLength) {
    return ParseError.BadUdpLength;
  }
  return ParseError.None;
}

/** Rewrites the IP length field of a copy of `built` so the datagram ends at `c`. */
function withDatagramEnd(built: BuiltFrame, c: number): Uint8Array {
  const bytes = built.bytes.slice();
  const l3 = built.expected.l3Offset;
  const [at, value] =
    built.expected.l3Kind === L3Kind.Ipv4 ? [l3 + 2, c - l3] : [l3 + 4, c - built.ipHeaderEnd];
  bytes[at] = value >>> 8;
  bytes[at + 1] = value & 0xff;
  return bytes;
}

/** Facts that hold for any parse of a window of `length` bytes, whatever they contain. */
function checkInvariants(p: ExpectedParse, length: number): void {
  for (const v of [p.l3Offset, p.ipSrcOffset, p.ipDstOffset, p.l4Offset, p.payloadOffset]) {
    expect(v === -1 || (v >= 0 && v <= length)).toBe(true);
  }
  expect(p.ipEnd).toBeLessThanOrEqual(length);
  if (p.payloadOffset >= 0) {
    expect(p.payloadLength).toBeGreaterThanOrEqual(0);
    expect(p.payloadOffset + p.payloadLength).toBeLessThanOrEqual(length);
  } else {
    expect(p.payloadLength).toBe(-1);
  }
  if (p.ipSrcOffset >= 0) {
    const size = p.l3Kind === L3Kind.Ipv4 ? 4 : 16;
    expect(p.ipDstOffset + size).toBeLessThanOrEqual(p.ipEnd);
  }
  if (p.error === ParseError.None) {
    expect(p.l3Kind).not.toBe(L3Kind.None);
    expect(p.payloadOffset).toBeGreaterThanOrEqual(0);
    if (p.l4Kind === L4Kind.Tcp || p.l4Kind === L4Kind.Udp) {
      expect(p.srcPort).toBeGreaterThanOrEqual(0);
      expect(p.payloadOffset).toBeGreaterThanOrEqual(p.l4Offset + 8);
      expect(p.payloadOffset + p.payloadLength).toBeLessThanOrEqual(p.ipEnd);
    }
  } else {
    expect(p.payloadOffset).toBe(-1);
  }
  if (p.isFirstFragment) expect(p.isFragment).toBe(true);
}

describe("parseFrame on frames built by an independent builder", () => {
  it("finds every field the builder wrote, wherever the frame sits", () => {
    fc.assert(
      fc.property(frameSpecArb(), placementArb, (spec, placement) => {
        const built = buildFrame(spec);
        const parsed = parseTwice(built.bytes, built.bytes.length, placement);
        expect(parsed).toEqual(built.expected);
      }),
      { numRuns: 600 },
    );
  });

  it("generates the variety it claims (QinQ, extension headers, fragments, each L4)", () => {
    const seen = new Set<string>();
    for (const spec of fc.sample(frameSpecArb(), { numRuns: 1000, seed: 7 })) {
      const e = buildFrame(spec).expected;
      seen.add(`vlan${e.vlanTagCount}`);
      seen.add(`l3:${e.l3Kind}`);
      seen.add(`l4:${e.l4Kind}`);
      if (e.ipv6HasExtensionHeaders) seen.add("ext");
      if (e.ipv6RoutingHeaderOffset >= 0) seen.add("routing");
      if (e.isFragment) seen.add(e.isFirstFragment ? "first" : "later");
      if (e.isFragment && e.l3Kind === L3Kind.Ipv6) seen.add(`v6frag:${e.isFirstFragment}`);
      if (e.l4Kind === L4Kind.Udp && e.payloadOffset + e.payloadLength < e.ipEnd) seen.add("trail");
      if (e.ipv4HeaderLength > 20) seen.add("ipopts");
      if (e.tcpHeaderLength > 20) seen.add("tcpopts");
      if (spec.l3.kind === "ipv6" && spec.l3.ext.some((x) => x.type === 51)) seen.add("ah");
    }
    for (const k of [
      "vlan0",
      "vlan1",
      "vlan2",
      `l3:${L3Kind.Ipv4}`,
      `l3:${L3Kind.Ipv6}`,
      `l3:${L3Kind.Other}`,
      `l4:${L4Kind.Tcp}`,
      `l4:${L4Kind.Udp}`,
      `l4:${L4Kind.Other}`,
      `l4:${L4Kind.None}`,
      "ext",
      "routing",
      "first",
      "later",
      "v6frag:true",
      "v6frag:false",
      "trail",
      "ipopts",
      "tcpopts",
      "ah",
    ]) {
      expect(seen.has(k), k).toBe(true);
    }
  });

  it("reports the right error for every truncation, and reads nothing past the cut", () => {
    fc.assert(
      fc.property(frameSpecArb(), placementArb, (spec, placement) => {
        const built = buildFrame(spec);
        for (let n = 0; n <= built.bytes.length; n++) {
          const parsed = parseTwice(built.bytes, n, placement);
          expect(parsed, `cut at ${n}`).toEqual(expectedForCut(built, n));
        }
      }),
      { numRuns: 60 },
    );
  });

  it("bounds every header by the IP length field, not by the frame", () => {
    fc.assert(
      fc.property(frameSpecArb(), (spec) => {
        const built = buildFrame(spec);
        const e = built.expected;
        if (e.l3Kind !== L3Kind.Ipv4 && e.l3Kind !== L3Kind.Ipv6) return;
        const from = e.l3Kind === L3Kind.Ipv4 ? e.l3Offset : built.ipHeaderEnd;
        for (let c = from; c <= built.ipEnd; c++) {
          const bytes = withDatagramEnd(built, c);
          const parsed = parseTwice(bytes, bytes.length, { base: 3, after: 5, fill: 0xee });
          const error = errorForDatagramEnd(built, c);
          expect(parsed.error, `datagram ends at ${c}`).toBe(error);
          if (error === ParseError.BadIpTotalLength) {
            expect(parsed).toEqual(stoppedAtL3(e, error));
            continue;
          }
          // With the window ending where the datagram does, nothing may change (and the
          // guard sees any read past the datagram's end).
          expect(parseTwice(bytes, c, { base: 7, after: 0, fill: -1 })).toEqual(parsed);
          expect(parsed.ipEnd).toBe(c);
          const cut: ExpectedParse =
            e.l3Kind === L3Kind.Ipv4
              ? { ...e, ipEnd: c, ipv4TotalLength: c - e.l3Offset }
              : { ...e, ipEnd: c, ipv6PayloadLength: c - built.ipHeaderEnd };
          if (error === ParseError.None) {
            const udpWhole = e.l4Kind === L4Kind.Udp && !e.isFragment;
            expect(parsed).toEqual({
              ...cut,
              payloadLength: udpWhole ? e.payloadLength : c - e.payloadOffset,
            });
          } else if (error === ParseError.TruncatedL4 || error === ParseError.BadUdpLength) {
            expect(parsed).toEqual(stoppedAtL4(cut, error));
          } else {
            expect(parsed.ipProtocol).toBe(-1);
            expect(parsed.ipv6HasExtensionHeaders).toBe(true);
            expect(parsed.l4Kind).toBe(L4Kind.None);
            expect(parsed.payloadOffset).toBe(-1);
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it("gives the same answer in a reused result object as in a fresh one", () => {
    fc.assert(
      fc.property(frameSpecArb(), frameSpecArb(), (specA, specB) => {
        const a = buildFrame(specA).bytes;
        const b = buildFrame(specB).bytes;
        const reused = new ParsedFrame();
        parseFrame(a, 0, a.length, reused);
        parseFrame(b, 0, b.length, reused);
        expect(fieldsOf(reused)).toEqual(fieldsOf(parseFrame(b, 0, b.length, new ParsedFrame())));
        reused.reset();
        expect(fieldsOf(reused)).toEqual(absentParse());
      }),
      { numRuns: 200 },
    );
  });
});

describe("parseFrame on malformed input", () => {
  const interesting = {
    etherType: fc.constantFrom(0x0800, 0x86dd, 0x8100, 0x88a8, 0x0806),
    versionByte: fc.constantFrom(0x45, 0x46, 0x4f, 0x44, 0x40, 0x60, 0x65, 0x00),
    protocol: fc.constantFrom(0, 6, 17, 43, 44, 50, 51, 59, 60, 58),
  };

  /** Random bytes steered towards deep parses: a known EtherType, IP version, protocol. */
  const ipLike = fc
    .tuple(
      fc.uint8Array({ minLength: 0, maxLength: 160 }),
      interesting.etherType,
      interesting.versionByte,
      interesting.protocol,
    )
    .map(([raw, etherType, versionByte, protocol]) => {
      const bytes = Uint8Array.from({ length: Math.max(raw.length, 60) }, (_, i) => raw[i] ?? 0);
      bytes[12] = etherType >>> 8;
      bytes[13] = etherType & 0xff;
      bytes[14] = versionByte;
      bytes[14 + 9] = protocol; // IPv4 protocol
      bytes[14 + 6] = protocol; // IPv6 next header
      bytes[14 + 2] = 0; // small IPv4 total length
      bytes[14 + 4] = 0; // small IPv6 payload length
      return bytes;
    });

  /** Built frames with a few bytes overwritten. */
  const mutated = fc
    .tuple(
      frameSpecArb(),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), {
        minLength: 1,
        maxLength: 4,
      }),
    )
    .map(([spec, edits]) => {
      const bytes = buildFrame(spec).bytes;
      for (const [at, value] of edits) bytes[at % bytes.length] = value;
      return bytes;
    });

  const anyBytes = fc.oneof(fc.uint8Array({ maxLength: 120 }), ipLike, mutated);

  it("never throws, never reads outside the window, and does not depend on its surroundings", () => {
    fc.assert(
      fc.property(anyBytes, fc.nat(), placementArb, (bytes, cut, placement) => {
        const length = bytes.length === 0 ? 0 : cut % (bytes.length + 1);
        const parsed = parseTwice(bytes, length, placement);
        checkInvariants(parsed, length);
        if (length < 14) expect(parsed.error).toBe(ParseError.TruncatedL2);
      }),
      { numRuns: 1500 },
    );
  });

  it("treats a negative offset or length as nothing to parse", () => {
    const bytes = new Uint8Array(64);
    const out = new ParsedFrame();
    expect(parseFrame(bytes, -1, 64, out).error).toBe(ParseError.TruncatedL2);
    expect(parseFrame(bytes, 0, -5, out).error).toBe(ParseError.TruncatedL2);
  });

  it("stops at the end of the array when offset + length runs past it", () => {
    const frame = hex("ffffffffffff 020000000001 0806");
    const strays: number[] = [];
    const out = parseFrame(guarded(frame, 0, frame.length, strays), 0, 1000, new ParsedFrame());
    expect(strays).toEqual([]);
    expect(out.l3Kind).toBe(L3Kind.Other);
    expect(out.payloadLength).toBe(0);
    const short = frame.subarray(0, 13);
    expect(parseFrame(short, 0, 1000, out).error).toBe(ParseError.TruncatedL2);
    expect(parseFrame(frame, 20, 10, out).error).toBe(ParseError.TruncatedL2);
  });
});

const MACS = "020000000002 020000000001";

/** An Ethernet + IPv4 frame with a 20-byte header, checksum not filled in, given its L4 hex. */
function ipv4Frame(protocol: number, l4: string, header = "45"): Uint8Array {
  const body = hex(l4);
  const total = 20 + body.length;
  const h =
    (total >>> 8).toString(16).padStart(2, "0") + (total & 0xff).toString(16).padStart(2, "0");
  const p = protocol.toString(16).padStart(2, "0");
  return hex(`${MACS} 0800 ${header}00 ${h} 0000 0000 40${p} 0000 c0a80001 c0a80002 ${l4}`);
}

describe("parseFrame on hand-written vectors", () => {
  it("a TCP SYN over IPv4 from a capture (Wireshark's http.cap, frame 1)", () => {
    const frame = hex(`
      fe ff 20 00 01 00 00 00 01 00 00 00 08 00 45 00
      00 30 0f 41 40 00 80 06 91 eb 91 fe a0 ed 41 d0
      e4 df 0d 2c 00 50 38 af fe 13 00 00 00 00 70 02
      22 38 c3 0c 00 00 02 04 05 b4 01 01 04 02`);
    const p = parseTwice(frame, frame.length, { base: 9, after: 9, fill: 0x45 });
    expect(p).toEqual({
      ...absentParse(),
      l2Offset: 0,
      etherType: 0x0800,
      l3Offset: 14,
      l3Kind: L3Kind.Ipv4,
      ipv4HeaderLength: 20,
      ipv4TotalLength: 48,
      ipProtocol: 6,
      ipSrcOffset: 26,
      ipDstOffset: 30,
      ipEnd: 62,
      l4Offset: 34,
      l4Kind: L4Kind.Tcp,
      srcPort: 3372,
      dstPort: 80,
      tcpSeq: 0x38affe13,
      tcpAck: 0,
      tcpHeaderLength: 28,
      tcpFlags: 0x002,
      payloadOffset: 62,
      payloadLength: 0,
    });
  });

  it("a TCP SYN over IPv6 (quiche's reference packet) in an Ethernet frame", () => {
    const frame = hex(`
      ${MACS} 86dd
      60 00 00 00 00 28 06 40
      00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 01
      00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 01
      ac 1e 27 0f 4b 01 e8 99 00 00 00 00 a0 02 aa aa 2e 21 00 00
      02 04 ff c4 04 02 08 0a 1b b8 52 a1 00 00 00 00 01 03 03 07`);
    const p = parseTwice(frame, frame.length, { base: 2, after: 0, fill: 0x60 });
    expect(p).toEqual({
      ...absentParse(),
      l2Offset: 0,
      etherType: 0x86dd,
      l3Offset: 14,
      l3Kind: L3Kind.Ipv6,
      ipv6PayloadLength: 40,
      ipProtocol: 6,
      ipSrcOffset: 22,
      ipDstOffset: 38,
      ipEnd: 94,
      l4Offset: 54,
      l4Kind: L4Kind.Tcp,
      srcPort: 0xac1e,
      dstPort: 9999,
      tcpSeq: 0x4b01e899,
      tcpAck: 0,
      tcpHeaderLength: 40,
      tcpFlags: 0x002,
      payloadOffset: 94,
      payloadLength: 0,
    });
  });

  it("an MLDv2 report: IPv6 with a hop-by-hop router alert, then ICMPv6", () => {
    const frame = hex(`
      3333 00000016 020000000001 86dd
      60000000 0024 00 01
      fe800000000000000000000000000001 ff020000000000000000000000000016
      3a 00 05 02 0000 01 00
      8f 00 0000 0000 0001 04 00 0000 ff020000000000000000000000000001`);
    const p = parseTwice(frame, frame.length, { base: 1, after: 1, fill: 0 });
    expect(p).toEqual({
      ...absentParse(),
      l2Offset: 0,
      etherType: 0x86dd,
      l3Offset: 14,
      l3Kind: L3Kind.Ipv6,
      ipv6PayloadLength: 36,
      ipv6HasExtensionHeaders: true,
      ipProtocol: 58,
      ipSrcOffset: 22,
      ipDstOffset: 38,
      ipEnd: 90,
      l4Offset: 62,
      l4Kind: L4Kind.Other,
      payloadOffset: 62,
      payloadLength: 28,
    });
  });

  it("an 802.1Q-tagged ARP request padded to 60 bytes", () => {
    const frame = hex(`
      ffffffffffff 020000000001 8100 a07b 0806
      0001 0800 06 04 0001 020000000001 c0a80001 000000000000 c0a80002
      0000 0000 0000 0000 0000 0000 0000`);
    const p = parseTwice(frame, frame.length, { base: 4, after: 4, fill: 0x81 });
    expect(p).toEqual({
      ...absentParse(),
      l2Offset: 0,
      etherType: 0x0806,
      vlanTagCount: 1,
      vlanTci: 0xa07b,
      l3Offset: 18,
      l3Kind: L3Kind.Other,
      payloadOffset: 18,
      payloadLength: frame.length - 18,
    });
  });

  it("QinQ: records the inner (customer) TCI and the outer one apart", () => {
    const frame = hex(`${MACS} 88a8 0064 8100 200a 86dd`);
    const p = parseTwice(frame, frame.length, { base: 4, after: 4, fill: 0x81 });
    expect(p.vlanTagCount).toBe(2);
    expect(p.vlanTci).toBe(0x200a);
    expect(p.outerVlanTci).toBe(0x0064);
    expect(p.etherType).toBe(0x86dd);
    expect(p.l3Offset).toBe(22);
    expect(p.error).toBe(ParseError.TruncatedL3);
  });

  it("stops after one 802.1Q tag (a second 0x8100 is the EtherType)", () => {
    const frame = hex(`${MACS} 8100 0005 8100 0006 0800 4500`);
    const p = parseTwice(frame, frame.length, NEAR);
    expect(p.vlanTagCount).toBe(1);
    expect(p.vlanTci).toBe(5);
    expect(p.etherType).toBe(0x8100);
    expect(p.l3Kind).toBe(L3Kind.Other);
    expect(p.error).toBe(ParseError.None);
  });

  it("a UDP datagram shorter than its IP datagram: the payload ends with the UDP length", () => {
    const frame = ipv4Frame(17, "0035 d431 000c 0000 aabbccdd eeff0011");
    const p = parseTwice(frame, frame.length, NEAR);
    expect(p.udpLength).toBe(12);
    expect(p.payloadOffset).toBe(42);
    expect(p.payloadLength).toBe(4);
    expect(p.ipEnd).toBe(frame.length);
  });

  const errors: [string, Uint8Array, ParseError][] = [
    ["IPv4 EtherType, version 6", ipv4Frame(6, "", "65"), ParseError.BadIpVersion],
    ["IPv4 IHL 4", ipv4Frame(6, "", "44"), ParseError.BadIpHeaderLength],
    ["IPv4 IHL 6 without room for it", ipv4Frame(6, "", "46"), ParseError.TruncatedL3],
    [
      "IPv6 EtherType, version 4",
      hex(`${MACS} 86dd 45000000 0000 3b40 ${"00".repeat(32)}`),
      ParseError.BadIpVersion,
    ],
    [
      "IPv4 total length below the header length",
      hex(`${MACS} 0800 4600 0014 0000 0000 4006 0000 c0a80001 c0a80002 01010101`),
      ParseError.BadIpTotalLength,
    ],
    [
      "IPv4 total length past the frame",
      hex(`${MACS} 0800 4500 0064 0000 0000 4006 0000 c0a80001 c0a80002`),
      ParseError.IpLengthExceedsFrame,
    ],
    [
      "IPv6 hop-by-hop header longer than the payload",
      hex(`${MACS} 86dd 60000000 0008 00 40 ${"00".repeat(32)} 0601 000000000000`),
      ParseError.TruncatedExtensionHeader,
    ],
    [
      "TCP data offset 4",
      ipv4Frame(6, "0001 0002 00000000 00000000 4002 0000 0000 0000"),
      ParseError.BadTcpHeaderLength,
    ],
    [
      "TCP data offset 6 with a 20-byte segment",
      ipv4Frame(6, "0001 0002 00000000 00000000 6002 0000 0000 0000"),
      ParseError.TruncatedL4,
    ],
    ["UDP header cut by the IP length", ipv4Frame(17, "0001 0002 0008"), ParseError.TruncatedL4],
    ["UDP length 7", ipv4Frame(17, "0001 0002 0007 0000"), ParseError.BadUdpLength],
    ["UDP length past the datagram", ipv4Frame(17, "0001 0002 0010 0000"), ParseError.BadUdpLength],
  ];

  it.each(errors)("reports %s", (_name, frame, error) => {
    expect(parseTwice(frame, frame.length, { base: 5, after: 5, fill: 0 }).error).toBe(error);
  });

  it("IPv6 ESP and no-next-header end the chain as L4 'other'", () => {
    for (const nh of ["32", "3b"]) {
      const frame = hex(`${MACS} 86dd 60000000 0008 3c 40 ${"00".repeat(32)} ${nh}00 000000000000`);
      const p = parseTwice(frame, frame.length, NEAR);
      expect(p.error).toBe(ParseError.None);
      expect(p.ipProtocol).toBe(Number.parseInt(nh, 16));
      expect(p.l4Kind).toBe(L4Kind.Other);
      expect(p.l4Offset).toBe(62);
      expect(p.payloadLength).toBe(0);
    }
  });

  it("IPv6 AH length is (len + 2) * 4 bytes", () => {
    // AH with len 4: 24 bytes, then UDP.
    const frame = hex(
      `${MACS} 86dd 60000000 0020 33 40 ${"00".repeat(32)} 1104 0000 ${"11".repeat(20)} 0001 0002 0008 0000`,
    );
    const p = parseTwice(frame, frame.length, NEAR);
    expect(p.error).toBe(ParseError.None);
    expect(p.l4Kind).toBe(L4Kind.Udp);
    expect(p.l4Offset).toBe(54 + 24);
  });
});

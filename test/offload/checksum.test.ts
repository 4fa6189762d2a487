import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  ChecksumStatus,
  finishChecksum,
  insertIpv4HeaderChecksum,
  insertL4Checksum,
  ipv4HeaderChecksumOk,
  l4ChecksumOk,
  onesComplementSum,
  pseudoHeaderSum,
} from "../../src/hw/offload/checksum.js";
import { parseFrame } from "../../src/hw/parse/parse-frame.js";
import { ParsedFrame } from "../../src/hw/parse/parsed-frame.js";
import {
  type BuiltFrame,
  buildFrame,
  type ChecksumLayout,
  checksummableSpecArb,
  frameSpecArb,
  hex,
  ipv4Arb,
  ipv6Arb,
  type L4Spec,
  tcpArb,
  udpArb,
} from "../parse/frame-builder.js";

// ---- The reference: written apart from the code under test ----

/**
 * One's complement addition of integers is addition modulo 0xFFFF in which 0xFFFF (not
 * 0) stands for a non-zero total that is a multiple of 0xFFFF. `refFold` applies that to
 * an exact (BigInt) total.
 */
function refFold(total: bigint): number {
  return total === 0n ? 0 : Number((total - 1n) % 0xffffn) + 1;
}

/** The one's complement sum of `data` as big-endian 16-bit words (zero-padded to even). */
function refSum(data: Uint8Array, initial = 0n): number {
  const even = new Uint8Array(data.length + (data.length % 2));
  even.set(data);
  const view = new DataView(even.buffer);
  let total = initial;
  for (let i = 0; i < even.length; i += 2) total += BigInt(view.getUint16(i, false));
  return refFold(total);
}

/** The pseudo header, built byte by byte from RFC 793/768 (IPv4) and RFC 8200 (IPv6). */
function refPseudoHeader(bytes: Uint8Array, c: ChecksumLayout): Uint8Array {
  const size = c.ipVersion === 4 ? 4 : 16;
  const out = new Uint8Array(c.ipVersion === 4 ? 12 : 40);
  out.set(bytes.subarray(c.srcAt, c.srcAt + size), 0);
  out.set(bytes.subarray(c.dstAt, c.dstAt + size), size);
  const view = new DataView(out.buffer);
  if (c.ipVersion === 4) {
    out[8] = 0;
    out[9] = c.protocol;
    view.setUint16(10, c.l4Length, false);
  } else {
    view.setUint32(32, c.l4Length, false);
    out[39] = c.protocol;
  }
  return out;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** The reference sum over pseudo header and L4 segment: 0xFFFF when the checksum is right. */
function refL4Sum(bytes: Uint8Array, c: ChecksumLayout): number {
  return refSum(concat(refPseudoHeader(bytes, c), bytes.subarray(c.l4At, c.l4At + c.l4Length)));
}

function refIpv4HeaderSum(built: BuiltFrame, bytes: Uint8Array): number {
  const at = built.expected.l3Offset;
  return refSum(bytes.subarray(at, at + built.expected.ipv4HeaderLength));
}

function checksumField(bytes: Uint8Array, at: number): number {
  return (bytes[at]! << 8) | bytes[at + 1]!;
}

function parse(bytes: Uint8Array): ParsedFrame {
  return parseFrame(bytes, 0, bytes.length, new ParsedFrame());
}

/** Builds `spec`, inserts both checksums through the code under test, returns the frame. */
function checksummed(built: BuiltFrame): Uint8Array {
  const bytes = built.bytes.slice();
  const parsed = parse(bytes);
  if (built.expected.ipv4HeaderLength > 0)
    expect(insertIpv4HeaderChecksum(bytes, parsed)).toBe(true);
  expect(insertL4Checksum(bytes, parsed)).toBe(built.checksum !== null);
  return bytes;
}

// ---- Tests ----

describe("onesComplementSum", () => {
  it("sums RFC 1071's worked example to 0xDDF2 (checksum 0x220D)", () => {
    const bytes = hex("00 01 f2 03 f4 f5 f6 f7");
    expect(onesComplementSum(bytes, 0, bytes.length)).toBe(0xddf2);
    expect(finishChecksum(onesComplementSum(bytes, 0, bytes.length))).toBe(0x220d);
    expect(refSum(bytes)).toBe(0xddf2);
  });

  it("matches the reference on any window, odd lengths and initial sums included", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 600 }),
        fc.nat(),
        fc.nat(),
        fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 0xffff }), fc.nat({ max: 2 ** 40 })),
        (data, a, b, initial) => {
          const from = data.length === 0 ? 0 : a % (data.length + 1);
          const length = data.length - from === 0 ? 0 : b % (data.length - from + 1);
          const got = onesComplementSum(data, from, length, initial);
          expect(got).toBe(refSum(data.subarray(from, from + length), BigInt(initial)));
          expect(got).toBeLessThanOrEqual(0xffff);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("sums long runs of 0xFF without losing carries", () => {
    const data = new Uint8Array(70_001).fill(0xff);
    expect(onesComplementSum(data, 0, data.length)).toBe(refSum(data));
    expect(onesComplementSum(data, 1, 0, 0)).toBe(0);
  });

  it("chains: the sum of two even-length pieces equals the sum of the whole", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.nat(), (data, split) => {
        const cut = (split % (Math.floor(data.length / 2) + 1)) * 2;
        const first = onesComplementSum(data, 0, cut);
        expect(onesComplementSum(data, cut, data.length - cut, first)).toBe(refSum(data));
      }),
    );
  });
});

describe("finishChecksum", () => {
  it("is the 16-bit complement of the folded sum", () => {
    fc.assert(
      fc.property(fc.nat({ max: 2 ** 48 }), (sum) => {
        expect(finishChecksum(sum)).toBe(0xffff - refFold(BigInt(sum)));
      }),
    );
    expect(finishChecksum(0)).toBe(0xffff);
    expect(finishChecksum(0xffff)).toBe(0);
  });
});

describe("IPv4 header checksum", () => {
  it("computes 0xB861 for the well-known example header (c0a8:0001 -> c0a8:00c7, UDP)", () => {
    const frame = hex(
      `020000000002 020000000001 0800 4500 0073 0000 4000 4011 0000 c0a80001 c0a800c7 ${"00".repeat(95)}`,
    );
    const parsed = parse(frame);
    expect(ipv4HeaderChecksumOk(frame, parsed)).toBe(ChecksumStatus.Bad);
    expect(insertIpv4HeaderChecksum(frame, parsed)).toBe(true);
    expect(checksumField(frame, 24)).toBe(0xb861);
    expect(ipv4HeaderChecksumOk(frame, parsed)).toBe(ChecksumStatus.Good);
  });

  it("is not checked without a parsed IPv4 header", () => {
    const v6 = hex(`${"00".repeat(12)} 86dd 60000000 0000 3b40 ${"00".repeat(32)}`);
    expect(ipv4HeaderChecksumOk(v6, parse(v6))).toBe(ChecksumStatus.NotChecked);
    const cut = hex(`${"00".repeat(12)} 0800 4500 0073`);
    expect(ipv4HeaderChecksumOk(cut, parse(cut))).toBe(ChecksumStatus.NotChecked);
    const copy = cut.slice();
    expect(insertIpv4HeaderChecksum(copy, parse(copy))).toBe(false);
    expect(copy).toEqual(cut);
  });
});

describe("captured packets", () => {
  const httpSyn = hex(`
    fe ff 20 00 01 00 00 00 01 00 00 00 08 00 45 00
    00 30 0f 41 40 00 80 06 91 eb 91 fe a0 ed 41 d0
    e4 df 0d 2c 00 50 38 af fe 13 00 00 00 00 70 02
    22 38 c3 0c 00 00 02 04 05 b4 01 01 04 02`);
  const v6Syn = hex(`
    020000000002 020000000001 86dd
    60 00 00 00 00 28 06 40
    00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 01
    00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 01
    ac 1e 27 0f 4b 01 e8 99 00 00 00 00 a0 02 aa aa 2e 21 00 00
    02 04 ff c4 04 02 08 0a 1b b8 52 a1 00 00 00 00 01 03 03 07`);

  it("verifies the checksums of a captured IPv4 TCP SYN and re-creates them", () => {
    const parsed = parse(httpSyn);
    expect(ipv4HeaderChecksumOk(httpSyn, parsed)).toBe(ChecksumStatus.Good);
    expect(l4ChecksumOk(httpSyn, parsed)).toBe(ChecksumStatus.Good);
    const copy = httpSyn.slice();
    copy.fill(0, 24, 26);
    copy.fill(0, 50, 52);
    expect(insertIpv4HeaderChecksum(copy, parsed)).toBe(true);
    expect(insertL4Checksum(copy, parsed)).toBe(true);
    expect(copy).toEqual(httpSyn);
  });

  it("verifies the checksum of an IPv6 TCP SYN and re-creates it", () => {
    const parsed = parse(v6Syn);
    expect(ipv4HeaderChecksumOk(v6Syn, parsed)).toBe(ChecksumStatus.NotChecked);
    expect(l4ChecksumOk(v6Syn, parsed)).toBe(ChecksumStatus.Good);
    const copy = v6Syn.slice();
    copy.fill(0x77, 70, 72);
    expect(l4ChecksumOk(copy, parsed)).toBe(ChecksumStatus.Bad);
    expect(insertL4Checksum(copy, parsed)).toBe(true);
    expect(checksumField(copy, 70)).toBe(0x2e21);
    expect(copy).toEqual(v6Syn);
  });
});

describe("TCP/UDP checksums on random packets", () => {
  it("inserted checksums verify with the reference, and l4ChecksumOk agrees", () => {
    fc.assert(
      fc.property(checksummableSpecArb, (spec) => {
        const built = buildFrame(spec);
        const layout = built.checksum!;
        expect(layout).not.toBeNull();
        const bytes = checksummed(built);
        expect(refL4Sum(bytes, layout)).toBe(0xffff);
        if (layout.ipVersion === 4) expect(refIpv4HeaderSum(built, bytes)).toBe(0xffff);
        if (layout.udp) expect(checksumField(bytes, layout.checksumAt)).not.toBe(0);
        const parsed = parse(bytes);
        expect(l4ChecksumOk(bytes, parsed)).toBe(ChecksumStatus.Good);
        expect(ipv4HeaderChecksumOk(bytes, parsed)).toBe(
          layout.ipVersion === 4 ? ChecksumStatus.Good : ChecksumStatus.NotChecked,
        );
        expect(pseudoHeaderSum(bytes, parsed, layout.l4Length)).toBe(
          refSum(refPseudoHeader(bytes, layout)),
        );
      }),
      { numRuns: 400 },
    );
  });

  it("flipping a bit in the covered bytes fails verification", () => {
    fc.assert(
      fc.property(
        checksummableSpecArb,
        fc.nat(),
        fc.integer({ min: 0, max: 7 }),
        (spec, pick, bit) => {
          const built = buildFrame(spec);
          const c = built.checksum!;
          const bytes = checksummed(built);
          // Bytes whose change leaves the parse alone: addresses, and the L4 segment but
          // for the TCP data offset and the UDP length.
          const covered: number[] = [];
          const addressBytes = c.ipVersion === 4 ? 4 : 16;
          for (let i = 0; i < addressBytes; i++) covered.push(c.srcAt + i, c.dstAt + i);
          for (let i = c.l4At; i < c.l4At + c.l4Length; i++) {
            const rel = i - c.l4At;
            if (c.udp ? rel === 4 || rel === 5 : rel === 12) continue;
            covered.push(i);
          }
          const at = covered[pick % covered.length]!;
          bytes[at]! ^= 1 << bit;
          const status = l4ChecksumOk(bytes, parse(bytes));
          const zeroUdpV4 = c.udp && c.ipVersion === 4 && checksumField(bytes, c.checksumAt) === 0;
          expect(status).toBe(zeroUdpV4 ? ChecksumStatus.NotChecked : ChecksumStatus.Bad);
          expect(refL4Sum(bytes, c)).not.toBe(0xffff);
        },
      ),
      { numRuns: 400 },
    );
  });

  it("flipping a bit in the IPv4 header fails its verification", () => {
    const v4 = frameSpecArb({ l3: ipv4Arb({ fragment: true }) });
    fc.assert(
      fc.property(v4, fc.nat(), fc.integer({ min: 0, max: 7 }), (spec, pick, bit) => {
        const built = buildFrame(spec);
        const bytes = checksummed(built);
        const l3 = built.expected.l3Offset;
        // Not byte 0: a new version or header length changes what the header is.
        const offsets: number[] = [];
        for (let i = 1; i < built.expected.ipv4HeaderLength; i++) offsets.push(i);
        const rel = offsets[pick % offsets.length]!;
        bytes[l3 + rel]! ^= 1 << bit;
        const status = ipv4HeaderChecksumOk(bytes, parse(bytes));
        // A changed total length may no longer fit the frame: the header is then not parsed.
        if (rel === 2 || rel === 3) expect(status).not.toBe(ChecksumStatus.Good);
        else expect(status).toBe(ChecksumStatus.Bad);
      }),
      { numRuns: 300 },
    );
  });
});

describe("the UDP zero rule", () => {
  const udpV4 = frameSpecArb({ l3: ipv4Arb({ fragment: false }), l4: udpArb({ trailer: false }) });
  const udpV6 = frameSpecArb({
    l3: ipv6Arb({ fragment: false, zeroSegmentsLeft: true }),
    l4: udpArb({ trailer: false }),
  });

  it("UDP over IPv4 with checksum 0 is not checked; over IPv6 it is bad", () => {
    fc.assert(
      fc.property(udpV4, udpV6, (s4, s6) => {
        const v4 = buildFrame(s4).bytes; // the builder leaves checksums 0
        const v6 = buildFrame(s6).bytes;
        expect(l4ChecksumOk(v4, parse(v4))).toBe(ChecksumStatus.NotChecked);
        expect(l4ChecksumOk(v6, parse(v6))).toBe(ChecksumStatus.Bad);
      }),
      { numRuns: 100 },
    );
  });

  /**
   * Adjusts the first payload word so the checksum computes to 0: with the checksum field
   * 0 the sum must be 0xFFFF (negative zero), so add the missing complement to a word.
   */
  function forceZeroChecksum(built: BuiltFrame): Uint8Array {
    const bytes = built.bytes.slice();
    const c = built.checksum!;
    const wordAt = built.l4HeaderEnd; // even distance from the L4 start
    const missing = 0xffff - refL4Sum(bytes, c);
    const word = checksumField(bytes, wordAt);
    const adjusted = refFold(BigInt(word + missing));
    bytes[wordAt] = adjusted >>> 8;
    bytes[wordAt + 1] = adjusted & 0xff;
    expect(0xffff - refL4Sum(bytes, c)).toBe(0);
    return bytes;
  }

  const withPayload = (l4: fc.Arbitrary<L4Spec>) =>
    frameSpecArb({
      l3: fc.oneof(
        ipv4Arb({ fragment: false }),
        ipv6Arb({ fragment: false, zeroSegmentsLeft: true }),
      ),
      l4,
    }).filter((s) => s.payload.length >= 2);

  it("a UDP checksum that computes to 0 is sent as 0xFFFF, and verifies", () => {
    fc.assert(
      fc.property(withPayload(udpArb({ trailer: true })), (spec) => {
        const built = buildFrame(spec);
        const bytes = forceZeroChecksum(built);
        const parsed = parse(bytes);
        expect(insertL4Checksum(bytes, parsed)).toBe(true);
        expect(checksumField(bytes, built.checksum!.checksumAt)).toBe(0xffff);
        expect(refL4Sum(bytes, built.checksum!)).toBe(0xffff);
        expect(l4ChecksumOk(bytes, parsed)).toBe(ChecksumStatus.Good);
      }),
      { numRuns: 100 },
    );
  });

  it("a TCP checksum that computes to 0 is sent as 0", () => {
    fc.assert(
      fc.property(withPayload(tcpArb), (spec) => {
        const built = buildFrame(spec);
        const bytes = forceZeroChecksum(built);
        const parsed = parse(bytes);
        bytes[built.checksum!.checksumAt] = 0x12; // insertion must overwrite the field
        expect(insertL4Checksum(bytes, parsed)).toBe(true);
        expect(checksumField(bytes, built.checksum!.checksumAt)).toBe(0);
        expect(l4ChecksumOk(bytes, parsed)).toBe(ChecksumStatus.Good);
      }),
      { numRuns: 100 },
    );
  });
});

describe("when the L4 checksum cannot be computed from the frame", () => {
  it("fragments, other protocols and non-IP frames are not checked and not touched", () => {
    fc.assert(
      fc.property(frameSpecArb(), (spec) => {
        const built = buildFrame(spec);
        if (built.checksum !== null) return;
        const e = built.expected;
        if (e.ipv6RoutingHeaderOffset >= 0) return; // covered below
        const bytes = built.bytes.slice();
        const parsed = parse(bytes);
        expect(l4ChecksumOk(bytes, parsed)).toBe(ChecksumStatus.NotChecked);
        expect(insertL4Checksum(bytes, parsed)).toBe(false);
        expect(bytes).toEqual(built.bytes);
      }),
      { numRuns: 300 },
    );
  });

  it("IPv6 with a routing header that has segments left is not checked", () => {
    const frame = hex(`
      020000000002 020000000001 86dd
      60000000 0018 2b 40 ${"20010db8000000000000000000000001"} ${"20010db8000000000000000000000002"}
      11 00 04 01 00000000
      1234 0035 0010 0000 01020304 05060708`);
    const parsed = parse(frame);
    expect(parsed.ipv6RoutingHeaderOffset).toBe(54);
    expect(l4ChecksumOk(frame, parsed)).toBe(ChecksumStatus.NotChecked);
    expect(insertL4Checksum(frame.slice(), parsed)).toBe(false);
    frame[57] = 0; // segments left 0: the destination is final
    expect(insertL4Checksum(frame, parsed)).toBe(true);
    expect(l4ChecksumOk(frame, parsed)).toBe(ChecksumStatus.Good);
  });

  it("pseudoHeaderSum is 0 without an IP header", () => {
    const frame = hex(`${"00".repeat(12)} 0806 ${"00".repeat(28)}`);
    expect(pseudoHeaderSum(frame, parse(frame), 20)).toBe(0);
  });
});

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type BuiltFrame,
  buildFrame,
  type FrameSpec,
  frameSpecArb,
  ipv4Arb,
  ipv6Arb,
  type L3Spec,
  type L4Spec,
  tcpArb,
  udpArb,
  type VlanSpec,
} from "../parse/frame-builder.js";
import { hex, REG, RxDriver, runs, WB } from "./rx-driver.js";

/**
 * Receive checksum validation, end to end. Frames are built with test/parse/frame-builder.ts
 * and given correct checksums by a one's complement sum written here; some are then
 * corrupted. What the write-back must say is worked out here from the bytes sent, by
 * verifying the checksums again with the same independent sum (docs/registers.md,
 * RXCSUM and RX_WRITEBACK):
 *
 * - IPv4 (IPOFLD): STAT_IPCS; ERR_IPE and IPCSERR when the header does not sum to 0xFFFF.
 *   Fragments' headers are checked too.
 * - TCP/UDP (TUOFLD), not for fragments: STAT_L4CS (and STAT_UDPCS for UDP); ERR_L4E and
 *   L4CSERR when segment and pseudo header do not sum to 0xFFFF. UDP over IPv4 with
 *   checksum 0 is not checked (none was sent); over IPv6 a zero checksum is an error
 *   (RFC 8200: mandatory).
 * - PKT_TYPE: bit 0 IPv4, bit 1 IPv4 with options, bit 2 IPv6, bit 3 IPv6 with extension
 *   headers, bit 4 TCP, bit 5 UDP (when the frame carries the TCP/UDP header).
 * - An 802.1Q tag: STAT_VP and the (inner) TCI in VLAN.
 */

const QUEUES = 2;

// ---- an independent one's complement sum ----

/** The 16-bit one's complement sum of big-endian words over `parts`, end-around carry. */
function onesSum(parts: readonly (readonly number[])[]): number {
  let sum = 0;
  for (const part of parts) {
    for (let i = 0; i < part.length; i += 2) {
      sum += ((part[i] ?? 0) << 8) + (part[i + 1] ?? 0);
      sum = (sum & 0xffff) + (sum >>> 16);
    }
  }
  return sum;
}

function slice(bytes: Uint8Array, from: number, length: number): number[] {
  return Array.from(bytes.subarray(from, from + length));
}

function u16At(bytes: Uint8Array, at: number): number {
  return (bytes[at]! << 8) | bytes[at + 1]!;
}

function setU16(bytes: Uint8Array, at: number, v: number): void {
  bytes[at] = (v >>> 8) & 0xff;
  bytes[at + 1] = v & 0xff;
}

/** The parts the TCP/UDP checksum covers: pseudo header, then the segment. */
function l4Parts(b: Uint8Array, built: BuiltFrame): number[][] {
  const c = built.checksum!;
  const addr = c.ipVersion === 4 ? 4 : 16;
  const length = c.l4Length;
  const pseudo = [
    ...slice(b, c.srcAt, addr),
    ...slice(b, c.dstAt, addr),
    ...(c.ipVersion === 4
      ? [0, c.protocol, length >>> 8, length & 0xff]
      : [
          length >>> 24,
          (length >>> 16) & 0xff,
          (length >>> 8) & 0xff,
          length & 0xff,
          0,
          0,
          0,
          c.protocol,
        ]),
  ];
  return [pseudo, slice(b, c.l4At, length)];
}

/** Writes a correct IPv4 header checksum and a correct TCP/UDP checksum where there is one. */
function fillChecksums(spec: FrameSpec, built: BuiltFrame): void {
  const b = built.bytes;
  if (spec.l3.kind === "ipv4") {
    const at = built.l2End;
    const length = built.ipHeaderEnd - at;
    setU16(b, at + 10, 0);
    setU16(b, at + 10, ~onesSum([slice(b, at, length)]) & 0xffff);
  }
  const c = built.checksum;
  if (c === null) return;
  setU16(b, c.checksumAt, 0);
  let sum = ~onesSum(l4Parts(b, built)) & 0xffff;
  if (c.udp && sum === 0) sum = 0xffff;
  setU16(b, c.checksumAt, sum);
}

type Damage =
  | { readonly kind: "none" }
  | { readonly kind: "ipChecksum"; readonly xor: number }
  | { readonly kind: "l4Checksum"; readonly xor: number }
  | { readonly kind: "l4Byte"; readonly at: number; readonly xor: number }
  | { readonly kind: "udpZero" };

function applyDamage(built: BuiltFrame, spec: FrameSpec, damage: Damage): void {
  const b = built.bytes;
  const c = built.checksum;
  switch (damage.kind) {
    case "none":
      return;
    case "ipChecksum":
      if (spec.l3.kind === "ipv4") {
        const at = built.l2End + 10;
        setU16(b, at, u16At(b, at) ^ damage.xor);
      }
      return;
    case "l4Checksum":
      if (c !== null) setU16(b, c.checksumAt, u16At(b, c.checksumAt) ^ damage.xor);
      return;
    case "l4Byte":
      // A byte of the segment after the ports and lengths (so the parse stays the same).
      if (c !== null && c.l4Length > 8) {
        const from = c.l4At + (c.udp ? 8 : 20);
        const span = c.l4At + c.l4Length - from;
        if (span > 0) b[from + (damage.at % span)]! ^= damage.xor;
      }
      return;
    case "udpZero":
      if (c?.udp) setU16(b, c.checksumAt, 0);
      return;
  }
}

// ---- the expected write-back ----

interface Expect {
  word2: number;
  pktType: number;
  vlan: number;
  ipError: boolean;
  l4Error: boolean;
}

function isFragment(l3: L3Spec): boolean {
  if (l3.kind === "ipv4") return l3.mf || l3.fragOffset !== 0;
  if (l3.kind === "ipv6")
    return l3.ext.some((x) => x.type === 44 && (x.more || x.fragOffset !== 0));
  return false;
}

/** True when the frame carries its TCP/UDP header (not a fragment after the first). */
function carriesL4Header(l3: L3Spec): boolean {
  if (l3.kind === "ipv4") return l3.fragOffset === 0;
  if (l3.kind === "ipv6") {
    // The header is in the frame unless a fragment header with a non-zero offset comes first.
    return !l3.ext.some((x) => x.type === 44 && x.fragOffset !== 0);
  }
  return false;
}

function expectFor(spec: FrameSpec, built: BuiltFrame, rxcsum: number): Expect {
  const b = built.bytes;
  const l3 = spec.l3;
  const l4: L4Spec = spec.l4;
  let word2 = WB.DD | WB.EOP;
  let ipError = false;
  let l4Error = false;
  if (l3.kind === "ipv4" && (rxcsum & REG.RXCSUM_IPOFLD) !== 0) {
    word2 |= WB.IPCS;
    const at = built.l2End;
    ipError = onesSum([slice(b, at, built.ipHeaderEnd - at)]) !== 0xffff;
    if (ipError) word2 |= WB.IPE;
  }
  const c = built.checksum;
  if (c !== null && (rxcsum & REG.RXCSUM_TUOFLD) !== 0 && !isFragment(l3)) {
    const field = u16At(b, c.checksumAt);
    const noneSent = c.udp && c.ipVersion === 4 && field === 0;
    if (!noneSent) {
      word2 |= WB.L4CS | (c.udp ? WB.UDPCS : 0);
      l4Error =
        c.udp && c.ipVersion === 6 && field === 0 ? true : onesSum(l4Parts(b, built)) !== 0xffff;
      if (l4Error) word2 |= WB.L4E;
    }
  }
  let pktType = 0;
  if (l3.kind === "ipv4") pktType |= 0b1 | (l3.optionWords > 0 ? 0b10 : 0);
  if (l3.kind === "ipv6") pktType |= 0b100 | (l3.ext.length > 0 ? 0b1000 : 0);
  if (carriesL4Header(l3)) {
    if (l4.kind === "tcp") pktType |= 0b1_0000;
    if (l4.kind === "udp") pktType |= 0b10_0000;
  }
  // The 802.1Q (for QinQ, the inner) tag's TCI.
  const vlan = spec.vlan.kind === "dot1q" || spec.vlan.kind === "qinq" ? spec.vlan.tci : -1;
  if (vlan >= 0) word2 |= WB.VP;
  return { word2: word2 >>> 0, pktType, vlan: Math.max(vlan, 0), ipError, l4Error };
}

// ---- arbitraries ----

const u16 = fc.integer({ min: 0, max: 0xffff });
const nonZero16 = fc.integer({ min: 1, max: 0xffff });

const vlanArb: fc.Arbitrary<VlanSpec> = fc.oneof(
  { weight: 2, arbitrary: fc.constant<VlanSpec>({ kind: "none" }) },
  { weight: 1, arbitrary: u16.map((tci): VlanSpec => ({ kind: "dot1q", tci })) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant("qinq" as const), outerTci: u16, tci: u16 }),
  },
);

const specArb: fc.Arbitrary<FrameSpec> = fc
  .tuple(
    frameSpecArb({
      l3: fc.oneof(
        { weight: 3, arbitrary: ipv4Arb({ fragment: false }) },
        { weight: 3, arbitrary: ipv6Arb({ fragment: false, zeroSegmentsLeft: true }) },
        { weight: 1, arbitrary: ipv4Arb({ fragment: true }) },
        { weight: 1, arbitrary: ipv6Arb({ fragment: true, zeroSegmentsLeft: true }) },
        {
          weight: 1,
          arbitrary: fc
            .integer({ min: 0x0600, max: 0xffff })
            .filter((t) => t !== 0x0800 && t !== 0x86dd && t !== 0x8100 && t !== 0x88a8)
            .map((etherType): L3Spec => ({ kind: "other", etherType })),
        },
      ),
      l4: fc.oneof(
        { weight: 4, arbitrary: tcpArb },
        { weight: 4, arbitrary: udpArb({ trailer: true }) },
        {
          weight: 1,
          arbitrary: fc
            .constantFrom(1, 47, 132)
            .map((protocol): L4Spec => ({ kind: "raw", protocol })),
        },
      ),
    }),
    vlanArb,
  )
  .map(([s, vlan]) => ({ ...s, vlan }));

const damageArb: fc.Arbitrary<Damage> = fc.oneof(
  { weight: 5, arbitrary: fc.constant<Damage>({ kind: "none" }) },
  {
    weight: 1,
    arbitrary: nonZero16.map((xor): Damage => ({ kind: "ipChecksum", xor })),
  },
  {
    weight: 1,
    arbitrary: nonZero16.map((xor): Damage => ({ kind: "l4Checksum", xor })),
  },
  {
    weight: 1,
    arbitrary: fc
      .record({ at: fc.nat(), xor: fc.integer({ min: 1, max: 255 }) })
      .map((r): Damage => ({ kind: "l4Byte", ...r })),
  },
  { weight: 1, arbitrary: fc.constant<Damage>({ kind: "udpZero" }) },
);

const RXCSUM_BOTH = REG.RXCSUM_IPOFLD | REG.RXCSUM_TUOFLD;
const rxcsumArb = fc.oneof(
  { weight: 4, arbitrary: fc.constant(RXCSUM_BOTH) },
  { weight: 1, arbitrary: fc.constantFrom(0, REG.RXCSUM_IPOFLD, REG.RXCSUM_TUOFLD) },
);

function describeFrame(spec: FrameSpec, damage: Damage, rxcsum: number): string {
  const l3 = spec.l3;
  const what =
    l3.kind === "other"
      ? `ethertype ${hex(l3.etherType, 4)}`
      : `${l3.kind}${isFragment(l3) ? " fragment" : ""} ${spec.l4.kind}`;
  return `${what}, vlan ${spec.vlan.kind}, damage ${damage.kind}, rxcsum ${hex(rxcsum, 3)}`;
}

function checkFrames(frames: readonly { spec: FrameSpec; damage: Damage }[], rxcsum: number) {
  const d = new RxDriver({ queues: QUEUES });
  const h = d.h;
  h.write("RXCSUM", rxcsum);
  let ipErrors = 0;
  let l4Errors = 0;
  for (const [i, f] of frames.entries()) {
    const built = buildFrame(f.spec);
    fillChecksums(f.spec, built);
    applyDamage(built, f.spec, f.damage);
    const want = expectFor(f.spec, built, rxcsum);
    if (want.ipError) ipErrors++;
    if (want.l4Error) l4Errors++;
    const label = `frame ${i}: ${describeFrame(f.spec, f.damage, rxcsum)}`;
    const got = d.receiveOne(built.bytes);
    expect(got, label).not.toBeNull();
    const c = got!;
    expect(
      {
        word2: hex(c.word2),
        pktType: hex((c.word0 >>> WB.PKT_TYPE_SHIFT) & WB.PKT_TYPE_MASK, 3),
        vlan: hex(c.word3 >>> WB.VLAN_SHIFT, 4),
      },
      label,
    ).toEqual({ word2: hex(want.word2), pktType: hex(want.pktType, 3), vlan: hex(want.vlan, 4) });
    expect(c.data, label).toEqual(built.bytes);
  }
  expect(h.read("IPCSERR"), "IPCSERR").toBe(ipErrors);
  expect(h.read("L4CSERR"), "L4CSERR").toBe(l4Errors);
}

describe("receive checksum validation through the registers", () => {
  it("status, errors, packet type and VLAN in the write-back, and the error counters", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ spec: specArb, damage: damageArb }), {
          minLength: 1,
          maxLength: 20,
          size: "max",
        }),
        rxcsumArb,
        (frames, rxcsum) => checkFrames(frames, rxcsum),
      ),
      { numRuns: runs(120) },
    );
  });

  it("the oracle's sum agrees with RFC 1071's worked example", () => {
    // RFC 1071 section 3: 00 01 f2 03 f4 f5 f6 f7 sums to 0xddf2.
    expect(onesSum([[0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7]])).toBe(0xddf2);
  });

  const tcp: L4Spec = {
    kind: "tcp",
    srcPort: 1234,
    dstPort: 80,
    seq: 7,
    ack: 9,
    flags: 0x18,
    window: 1000,
    urgent: 0,
    optionWords: 0,
  };
  const udp: L4Spec = { kind: "udp", srcPort: 53, dstPort: 5353, trailer: 0, fragmentExtra: 0 };
  const v4 = (over: Partial<Extract<L3Spec, { kind: "ipv4" }>> = {}): L3Spec => ({
    kind: "ipv4",
    optionWords: 0,
    tos: 0,
    id: 1,
    ttl: 64,
    df: false,
    mf: false,
    fragOffset: 0,
    src: [10, 0, 0, 1],
    dst: [10, 0, 0, 2],
    ...over,
  });
  const v6: L3Spec = {
    kind: "ipv6",
    trafficClass: 0,
    flowLabel: 0,
    hopLimit: 64,
    ext: [],
    src: [0xfe, 0x80, ...new Array<number>(13).fill(0), 1],
    dst: [0xfe, 0x80, ...new Array<number>(13).fill(0), 2],
  };
  const spec = (l3: L3Spec, l4: L4Spec, vlan: VlanSpec = { kind: "none" }): FrameSpec => ({
    dstMac: [0x02, 0, 0, 0, 0, 1],
    srcMac: [0x02, 0, 0, 0, 0, 2],
    vlan,
    l3,
    l4,
    payload: [1, 2, 3, 4, 5, 6, 7, 8, 9],
    junk: 0,
    filler: 3,
  });
  const none: Damage = { kind: "none" };

  it("named cases: good, bad, fragments, UDP checksum 0, non-IP, RXCSUM off", () => {
    const both = RXCSUM_BOTH;
    const cases: {
      name: string;
      spec: FrameSpec;
      damage: Damage;
      rxcsum: number;
      word2: number;
    }[] = [
      {
        name: "tcp/ipv4 good",
        spec: spec(v4(), tcp),
        damage: none,
        rxcsum: both,
        word2: WB.IPCS | WB.L4CS,
      },
      {
        name: "udp/ipv4 good",
        spec: spec(v4(), udp),
        damage: none,
        rxcsum: both,
        word2: WB.IPCS | WB.L4CS | WB.UDPCS,
      },
      {
        name: "udp/ipv6 good",
        spec: spec(v6, udp),
        damage: none,
        rxcsum: both,
        word2: WB.L4CS | WB.UDPCS,
      },
      {
        name: "tcp/ipv4 bad header",
        spec: spec(v4(), tcp),
        damage: { kind: "ipChecksum", xor: 0x0101 },
        rxcsum: both,
        word2: WB.IPCS | WB.IPE | WB.L4CS,
      },
      {
        name: "tcp/ipv6 bad segment",
        spec: spec(v6, tcp),
        damage: { kind: "l4Byte", at: 3, xor: 0x40 },
        rxcsum: both,
        word2: WB.L4CS | WB.L4E,
      },
      {
        name: "udp/ipv4 checksum 0",
        spec: spec(v4(), udp),
        damage: { kind: "udpZero" },
        rxcsum: both,
        word2: WB.IPCS,
      },
      {
        name: "udp/ipv6 checksum 0",
        spec: spec(v6, udp),
        damage: { kind: "udpZero" },
        rxcsum: both,
        word2: WB.L4CS | WB.UDPCS | WB.L4E,
      },
      {
        name: "ipv4 first fragment",
        spec: spec(v4({ mf: true }), tcp),
        damage: none,
        rxcsum: both,
        word2: WB.IPCS,
      },
      {
        name: "ipv4 later fragment",
        spec: spec(v4({ fragOffset: 100 }), udp),
        damage: none,
        rxcsum: both,
        word2: WB.IPCS,
      },
      {
        name: "non-IP",
        spec: spec({ kind: "other", etherType: 0x0806 }, tcp),
        damage: none,
        rxcsum: both,
        word2: 0,
      },
      {
        name: "bad header, IPOFLD off",
        spec: spec(v4(), tcp),
        damage: { kind: "ipChecksum", xor: 1 },
        rxcsum: REG.RXCSUM_TUOFLD,
        word2: WB.L4CS,
      },
      {
        name: "bad segment, TUOFLD off",
        spec: spec(v4(), tcp),
        damage: { kind: "l4Checksum", xor: 1 },
        rxcsum: REG.RXCSUM_IPOFLD,
        word2: WB.IPCS,
      },
      {
        name: "tagged",
        spec: spec(v4(), udp, { kind: "dot1q", tci: 0xa00b }),
        damage: none,
        rxcsum: both,
        word2: WB.IPCS | WB.L4CS | WB.UDPCS | WB.VP,
      },
    ];
    for (const c of cases) {
      const built = buildFrame(c.spec);
      fillChecksums(c.spec, built);
      applyDamage(built, c.spec, c.damage);
      // The oracle and the hand-written expectation agree...
      expect(hex(expectFor(c.spec, built, c.rxcsum).word2), c.name).toBe(
        hex(c.word2 | WB.DD | WB.EOP),
      );
      // ...and so does the device.
      checkFrames([{ spec: c.spec, damage: c.damage }], c.rxcsum);
    }
  });
});

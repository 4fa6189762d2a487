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
} from "../parse/frame-builder.js";
import {
  IPV4_VECTORS,
  IPV6_VECTORS,
  ipv4Bytes,
  ipv6Bytes,
  MS_VERIFICATION_KEY,
  portBytes,
  referenceToeplitz,
} from "../rss/vectors.js";
import {
  hex,
  MRQC,
  macRegisters,
  REG,
  RxDriver,
  runs,
  WB,
  writeReta,
  writeRssKey,
} from "./rx-driver.js";

/**
 * RSS end to end: key, redirection table and hash types go in through RSSRK, RETA and
 * MRQC; frames cross the wire; the RSS_TYPE and RSS_HASH of each write-back and the queue
 * it lands in are compared with a re-computation written here:
 *
 * - the published input selection (the team's NDIS notes, "RSS parameters"): with the
 *   frame's L4 type (TCP or UDP over its IP version) enabled and its L4 header present,
 *   the 4-tuple (source address, destination address, source port, destination port);
 *   otherwise, with the L3 type enabled, the address pair; IP fragments, the first one
 *   included, hash the address pair; else no hash (type 0, hash 0);
 * - the bit-by-bit BigInt Toeplitz of test/rss/vectors.ts;
 * - the queue RETA[hash & 127] (RETA[0] when not hashed), queue 0 for an entry naming a
 *   queue the device lacks; RSS off (MRQE 0): VMQCTL.DEFAULT_QUEUE, type 0, hash 0.
 *
 * RSS_TYPE codes are the 82599's (Linux ixgbe's IXGBE_RXDADV_RSSTYPE_*), written out here.
 * The IPv6 "EX" enables (MRQC bits 18, 19, 24) are left at 0: the model does not
 * implement them (src/hw/rss/rss-input.ts).
 */

const QUEUES = 16;

const RSS_TYPE = {
  NONE: 0,
  TCP_IPV4: 1,
  IPV4: 2,
  TCP_IPV6: 3,
  IPV6: 5,
  UDP_IPV4: 7,
  UDP_IPV6: 8,
} as const;

const HASH_BITS = [
  MRQC.TCP_IPV4,
  MRQC.IPV4,
  MRQC.IPV6,
  MRQC.TCP_IPV6,
  MRQC.UDP_IPV4,
  MRQC.UDP_IPV6,
] as const;

// ---- the oracle ----

/** Whether the spec's datagram is an IP fragment (any: the first one included). */
function isFragment(l3: L3Spec): boolean {
  if (l3.kind === "ipv4") return l3.mf || l3.fragOffset !== 0;
  if (l3.kind === "ipv6") {
    return l3.ext.some((x) => x.type === 44 && (x.more || x.fragOffset !== 0));
  }
  return false;
}

/** The RSS type and hash input for a frame built from `spec` under MRQC `mrqc`. */
function rssInput(spec: FrameSpec, mrqc: number): { type: number; input: number[] } {
  const l3 = spec.l3;
  if (l3.kind === "other") return { type: RSS_TYPE.NONE, input: [] };
  const v4 = l3.kind === "ipv4";
  const l4: L4Spec = spec.l4;
  const addresses = [...l3.src, ...l3.dst];
  if (!isFragment(l3) && (l4.kind === "tcp" || l4.kind === "udp")) {
    const bit =
      l4.kind === "tcp" ? (v4 ? MRQC.TCP_IPV4 : MRQC.TCP_IPV6) : v4 ? MRQC.UDP_IPV4 : MRQC.UDP_IPV6;
    if ((mrqc & bit) !== 0) {
      const type =
        l4.kind === "tcp"
          ? v4
            ? RSS_TYPE.TCP_IPV4
            : RSS_TYPE.TCP_IPV6
          : v4
            ? RSS_TYPE.UDP_IPV4
            : RSS_TYPE.UDP_IPV6;
      return { type, input: [...addresses, ...portBytes(l4.srcPort), ...portBytes(l4.dstPort)] };
    }
  }
  if ((mrqc & (v4 ? MRQC.IPV4 : MRQC.IPV6)) !== 0) {
    return { type: v4 ? RSS_TYPE.IPV4 : RSS_TYPE.IPV6, input: addresses };
  }
  return { type: RSS_TYPE.NONE, input: [] };
}

interface RssState {
  key: number[];
  reta: number[];
  mrqc: number;
  defaultQueue: number;
}

function expected(state: RssState, spec: FrameSpec): { type: number; hash: number; queue: number } {
  if ((state.mrqc & 0xf) !== REG.MRQC_MRQE_RSS) {
    return { type: 0, hash: 0, queue: state.defaultQueue };
  }
  const { type, input } = rssInput(spec, state.mrqc);
  const hash = type === RSS_TYPE.NONE ? 0 : referenceToeplitz(Uint8Array.from(state.key), input);
  const entry = state.reta[hash & 127]!;
  return { type, hash, queue: entry < QUEUES ? entry : 0 };
}

// ---- arbitraries ----

const byte = fc.integer({ min: 0, max: 255 });
const keyArb = fc.array(byte, { minLength: 40, maxLength: 40 });
/** Mostly queues the device has; now and then one it lacks (the frame goes to queue 0). */
const retaEntry = fc.oneof(
  { weight: 9, arbitrary: fc.integer({ min: 0, max: QUEUES - 1 }) },
  { weight: 1, arbitrary: fc.integer({ min: QUEUES, max: 127 }) },
);
const retaArb = fc.array(retaEntry, { minLength: 128, maxLength: 128 });
const mrqcArb = fc
  .tuple(
    fc.subarray([...HASH_BITS]),
    fc.oneof({ weight: 9, arbitrary: fc.constant(1) }, { weight: 1, arbitrary: fc.constant(0) }),
  )
  .map(([bits, mrqe]) => (bits.reduce((a, b) => a | b, 0) | mrqe) >>> 0);

const rssFrameArb: fc.Arbitrary<FrameSpec> = frameSpecArb({
  l3: fc.oneof(
    { weight: 4, arbitrary: ipv4Arb({ fragment: true }) },
    { weight: 4, arbitrary: ipv6Arb({ fragment: true, zeroSegmentsLeft: false }) },
    {
      weight: 1,
      arbitrary: fc
        .integer({ min: 0x0600, max: 0xffff })
        .filter((t) => t !== 0x0800 && t !== 0x86dd && t !== 0x8100 && t !== 0x88a8)
        .map((etherType): L3Spec => ({ kind: "other", etherType })),
    },
  ),
  l4: fc.oneof(
    { weight: 3, arbitrary: tcpArb },
    { weight: 3, arbitrary: udpArb({ trailer: true }) },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom(1, 47, 50, 58, 132)
        .map((protocol): L4Spec => ({ kind: "raw", protocol })),
    },
  ),
});

type Step =
  | { readonly kind: "frame"; readonly spec: FrameSpec }
  | { readonly kind: "key"; readonly n: number; readonly value: number }
  | { readonly kind: "reta"; readonly n: number; readonly entries: readonly number[] }
  | { readonly kind: "mrqc"; readonly value: number };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 12, arbitrary: rssFrameArb.map((spec) => ({ kind: "frame" as const, spec })) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("key" as const),
      n: fc.integer({ min: 0, max: 9 }),
      value: fc.integer({ min: 0, max: 0xffff_ffff }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("reta" as const),
      n: fc.integer({ min: 0, max: 31 }),
      entries: fc.array(retaEntry, { minLength: 4, maxLength: 4 }),
    }),
  },
  { weight: 1, arbitrary: mrqcArb.map((value) => ({ kind: "mrqc" as const, value })) },
);

function describeSpec(spec: FrameSpec, built: BuiltFrame): string {
  const l3 = spec.l3;
  const what =
    l3.kind === "other"
      ? `ethertype ${hex(l3.etherType, 4)}`
      : `${l3.kind}${isFragment(l3) ? " fragment" : ""} ${spec.l4.kind}`;
  return `${what}, vlan ${spec.vlan.kind}, ${built.bytes.length} bytes`;
}

function checkFrame(d: RxDriver, state: RssState, spec: FrameSpec, where: string): void {
  const built = buildFrame(spec);
  const want = expected(state, spec);
  const got = d.receiveOne(built.bytes);
  const label = `${where}: ${describeSpec(spec, built)}, mrqc ${hex(state.mrqc)}`;
  expect(got, label).not.toBeNull();
  const c = got!;
  expect({ type: c.word0 & WB.RSS_TYPE_MASK, hash: hex(c.word1), queue: c.queue }, label).toEqual({
    type: want.type,
    hash: hex(want.hash),
    queue: want.queue,
  });
  expect(c.word0 & WB.FILTER_VALID, label).toBe(0);
  expect(c.data, label).toEqual(built.bytes);
}

describe("RSS through the registers", () => {
  it("the write-back's RSS type and hash, and the queue, match a re-computation", () => {
    fc.assert(
      fc.property(
        keyArb,
        retaArb,
        mrqcArb,
        fc.integer({ min: 0, max: QUEUES - 1 }),
        fc.array(stepArb, { minLength: 1, maxLength: 25, size: "max" }),
        (key, reta, mrqc, defaultQueue, steps) => {
          const d = new RxDriver({ queues: QUEUES });
          const h = d.h;
          const state: RssState = { key: [...key], reta: [...reta], mrqc, defaultQueue };
          writeRssKey(h, key);
          writeReta(h, reta);
          h.write("VMQCTL", defaultQueue << REG.VMQCTL_DEFAULT_QUEUE_SHIFT);
          h.write("MRQC", mrqc);
          for (const [i, step] of steps.entries()) {
            switch (step.kind) {
              case "frame":
                checkFrame(d, state, step.spec, `step ${i}`);
                break;
              case "key":
                h.write("RSSRK", step.value >>> 0, step.n);
                for (let b = 0; b < 4; b++)
                  state.key[4 * step.n + b] = (step.value >>> (8 * b)) & 0xff;
                break;
              case "reta": {
                const e = step.entries;
                h.write(
                  "RETA",
                  (e[0]! | (e[1]! << 8) | (e[2]! << 16) | (e[3]! << 24)) >>> 0,
                  step.n,
                );
                for (let b = 0; b < 4; b++) state.reta[4 * step.n + b] = e[b]!;
                break;
              }
              case "mrqc":
                h.write("MRQC", step.value);
                state.mrqc = step.value;
                break;
            }
          }
        },
      ),
      { numRuns: runs(80) },
    );
  });

  it("the published verification vectors (default key) come back in the write-back", () => {
    const d = new RxDriver({ queues: QUEUES });
    const h = d.h;
    writeRssKey(h, MS_VERIFICATION_KEY);
    // Entry i names queue i mod 16, so the queue shows the hash's low 4 bits.
    const reta = Array.from({ length: 128 }, (_, i) => i % QUEUES);
    writeReta(h, reta);
    const cases: { v4: boolean; l4: "tcp" | "udp"; mrqc: number; tuple: boolean; type: number }[] =
      [
        { v4: true, l4: "tcp", mrqc: MRQC.TCP_IPV4 | MRQC.IPV4, tuple: true, type: 1 },
        { v4: true, l4: "tcp", mrqc: MRQC.IPV4, tuple: false, type: 2 },
        { v4: true, l4: "udp", mrqc: MRQC.UDP_IPV4 | MRQC.IPV4, tuple: true, type: 7 },
        { v4: false, l4: "tcp", mrqc: MRQC.TCP_IPV6 | MRQC.IPV6, tuple: true, type: 3 },
        { v4: false, l4: "tcp", mrqc: MRQC.IPV6, tuple: false, type: 5 },
        { v4: false, l4: "udp", mrqc: MRQC.UDP_IPV6, tuple: true, type: 8 },
      ];
    let checked = 0;
    for (const c of cases) {
      h.write("MRQC", c.mrqc | REG.MRQC_MRQE_RSS);
      for (const v of c.v4 ? IPV4_VECTORS : IPV6_VECTORS) {
        const src = c.v4 ? ipv4Bytes(v.src) : ipv6Bytes(v.src);
        const dst = c.v4 ? ipv4Bytes(v.dst) : ipv6Bytes(v.dst);
        const l3: L3Spec = c.v4
          ? {
              kind: "ipv4",
              optionWords: 0,
              tos: 0,
              id: 1,
              ttl: 64,
              df: true,
              mf: false,
              fragOffset: 0,
              src,
              dst,
            }
          : { kind: "ipv6", trafficClass: 0, flowLabel: 0, hopLimit: 64, ext: [], src, dst };
        const l4: L4Spec =
          c.l4 === "tcp"
            ? {
                kind: "tcp",
                srcPort: v.srcPort,
                dstPort: v.dstPort,
                seq: 1,
                ack: 0,
                flags: 0x002,
                window: 65535,
                urgent: 0,
                optionWords: 0,
              }
            : { kind: "udp", srcPort: v.srcPort, dstPort: v.dstPort, trailer: 0, fragmentExtra: 0 };
        const frame = buildFrame({
          dstMac: [0x02, 0, 0, 0, 0, 1],
          srcMac: [0x02, 0, 0, 0, 0, 2],
          vlan: { kind: "none" },
          l3,
          l4,
          payload: [1, 2, 3, 4],
          junk: 0,
          filler: 0,
        });
        const hash = c.tuple ? v.tupleHash : v.addrHash;
        const got = d.receiveOne(frame.bytes);
        const label = `${v.src} -> ${v.dst} ${c.l4} mrqc ${hex(c.mrqc)}`;
        expect(got, label).not.toBeNull();
        expect(
          { type: got!.word0 & WB.RSS_TYPE_MASK, hash: hex(got!.word1), queue: got!.queue },
          label,
        ).toEqual({ type: c.type, hash: hex(hash), queue: (hash & 127) % QUEUES });
        checked++;
      }
    }
    expect(checked).toBe(3 * IPV4_VECTORS.length + 3 * IPV6_VECTORS.length);
  });

  it("the oracle's Toeplitz agrees with the published vectors", () => {
    for (const v of IPV4_VECTORS) {
      const addrs = [...ipv4Bytes(v.src), ...ipv4Bytes(v.dst)];
      expect(referenceToeplitz(MS_VERIFICATION_KEY, addrs)).toBe(v.addrHash);
      const tuple = [...addrs, ...portBytes(v.srcPort), ...portBytes(v.dstPort)];
      expect(referenceToeplitz(MS_VERIFICATION_KEY, tuple)).toBe(v.tupleHash);
    }
  });

  it("a VMQ filter's frame goes to the filter's queue, the rest through RETA", () => {
    fc.assert(
      fc.property(
        keyArb,
        retaArb,
        fc.array(rssFrameArb, { minLength: 1, maxLength: 10 }),
        (key, reta, specs) => {
          const d = new RxDriver({ queues: QUEUES });
          const h = d.h;
          const mrqc = HASH_BITS.reduce((a, b) => a | b, 0) | REG.MRQC_MRQE_RSS;
          const state: RssState = { key, reta, mrqc, defaultQueue: 3 };
          writeRssKey(h, key);
          writeReta(h, reta);
          h.write("MRQC", mrqc);
          const mac = [0x02, 0x42, 0, 0, 0, 7];
          const { ral, rahAddr } = macRegisters(mac);
          h.write("RAL", ral, 5);
          h.write("RAH", (rahAddr | REG.RAH_AV) >>> 0, 5);
          h.write("VMQF", 11, 5);
          h.write("VMQCTL", REG.VMQCTL_VMQ_EN | (3 << REG.VMQCTL_DEFAULT_QUEUE_SHIFT));
          for (const [i, s] of specs.entries()) {
            const claimed = i % 2 === 0;
            const spec = claimed
              ? { ...s, dstMac: mac }
              : { ...s, dstMac: [0x02, 0x99, 0, 0, 0, 1] };
            if (!claimed) {
              checkFrame(d, state, spec, `frame ${i}`);
              continue;
            }
            const built = buildFrame(spec);
            const got = d.receiveOne(built.bytes);
            expect(got).not.toBeNull();
            expect(got!.queue).toBe(11);
            expect(got!.word0 & (WB.FILTER_VALID | (WB.FILTER_MASK << WB.FILTER_SHIFT))).toBe(
              (WB.FILTER_VALID | (5 << WB.FILTER_SHIFT)) >>> 0,
            );
          }
        },
      ),
      { numRuns: runs(15) },
    );
  });
});

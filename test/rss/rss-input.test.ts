import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  computeRssHash,
  gatherRssInput,
  L3Kind,
  L4Kind,
  RSS_HASH_ALL,
  RssHashFlag,
  RssHashResult,
  type RssPacketFacts,
  RssType,
  rssInputLength,
  rssShapeIndex,
  rssTypeTable,
  selectRssType,
} from "../../src/hw/rss/rss-input.js";
import { RSS_MAX_INPUT_BYTES, ToeplitzTable } from "../../src/hw/rss/toeplitz.js";
import {
  IPV4_VECTORS,
  IPV6_VECTORS,
  ipv4Bytes,
  ipv6Bytes,
  MS_VERIFICATION_KEY,
  portBytes,
  referenceToeplitz,
} from "./vectors.js";

// ---------------------------------------------------------------------------------------
// The independent oracle: the published rule as a decision table, with the 82599's RSS
// type codes (Linux ixgbe IXGBE_RXDADV_RSSTYPE_*: 1 TCP/IPv4, 2 IPv4, 3 TCP/IPv6, 5 IPv6,
// 7 UDP/IPv4, 8 UDP/IPv6) spelled as literals.
//
//   "With both L3 and L4 types enabled, hash the 4-tuple when the L4 header is present,
//    else the address pair. With only an L4 type enabled and no such header, do not hash.
//    IP fragments, the first one included, use the address-pair hash."
// ---------------------------------------------------------------------------------------

interface Choice {
  readonly flag: number;
  readonly type: number;
}
interface FamilyRow {
  readonly addrLen: number;
  readonly pair: Choice;
  readonly tcp: Choice;
  readonly udp: Choice;
}

const DECISION_TABLE: Readonly<Record<number, FamilyRow>> = {
  [L3Kind.IPV4]: {
    addrLen: 4,
    pair: { flag: RssHashFlag.IPV4, type: 2 },
    tcp: { flag: RssHashFlag.TCP_IPV4, type: 1 },
    udp: { flag: RssHashFlag.UDP_IPV4, type: 7 },
  },
  [L3Kind.IPV6]: {
    addrLen: 16,
    pair: { flag: RssHashFlag.IPV6, type: 5 },
    tcp: { flag: RssHashFlag.TCP_IPV6, type: 3 },
    udp: { flag: RssHashFlag.UDP_IPV6, type: 8 },
  },
};

interface Expected {
  readonly type: number;
  /** Which fields are hashed: none, the address pair, or the 4-tuple. */
  readonly input: "none" | "pair" | "tuple";
  readonly addrLen: number;
}

function oracle(flags: number, l3: number, fragment: boolean, l4: number): Expected {
  const row = DECISION_TABLE[l3];
  if (row === undefined) return { type: 0, input: "none", addrLen: 0 };
  const l4Choice = l4 === L4Kind.TCP ? row.tcp : l4 === L4Kind.UDP ? row.udp : undefined;
  const headerPresent = l4Choice !== undefined && !fragment;
  if (headerPresent && (flags & l4Choice.flag) !== 0) {
    return { type: l4Choice.type, input: "tuple", addrLen: row.addrLen };
  }
  if ((flags & row.pair.flag) !== 0) {
    return { type: row.pair.type, input: "pair", addrLen: row.addrLen };
  }
  return { type: 0, input: "none", addrLen: 0 };
}

/** The oracle's input bytes, assembled with plain array slices. */
function oracleInput(e: Expected, frame: Uint8Array, facts: RssPacketFacts): number[] {
  if (e.input === "none") return [];
  const take = (at: number, n: number) => Array.from(frame.slice(at, at + n));
  const pair = [...take(facts.srcAddrOffset, e.addrLen), ...take(facts.dstAddrOffset, e.addrLen)];
  if (e.input === "pair") return pair;
  return [...pair, ...take(facts.srcPortOffset, 2), ...take(facts.dstPortOffset, 2)];
}

const L3_VALUES = [L3Kind.OTHER, L3Kind.IPV4, L3Kind.IPV6, 7];
const L4_VALUES = [L4Kind.OTHER, L4Kind.TCP, L4Kind.UDP, 9];

describe("RSS input selection", () => {
  it("the type codes are the 82599's (ixgbe IXGBE_RXDADV_RSSTYPE_*)", () => {
    expect(RssType).toEqual({
      NONE: 0,
      TCP_IPV4: 1,
      IPV4: 2,
      TCP_IPV6: 3,
      IPV6_EX: 4,
      IPV6: 5,
      TCP_IPV6_EX: 6,
      UDP_IPV4: 7,
      UDP_IPV6: 8,
      UDP_IPV6_EX: 9,
    });
  });

  it("matches the decision table for every flag set and packet kind (exhaustive)", () => {
    let checked = 0;
    for (let flags = 0; flags <= RSS_HASH_ALL; flags++) {
      // The device's per-shape lookup (codes 0 to 2; the parser gives no others).
      const table = rssTypeTable(flags);
      for (const l3 of L3_VALUES) {
        for (const fragment of [false, true]) {
          for (const l4 of L4_VALUES) {
            const e = oracle(flags, l3, fragment, l4);
            const got = selectRssType(flags, l3, fragment, l4);
            if (got !== e.type) {
              expect.fail(`flags ${flags} l3 ${l3} frag ${fragment} l4 ${l4}: ${got} != ${e.type}`);
            }
            if (l3 <= 2 && l4 <= 2 && table[rssShapeIndex(l3, l4, fragment)] !== e.type) {
              expect.fail(`table: flags ${flags} l3 ${l3} frag ${fragment} l4 ${l4} != ${e.type}`);
            }
            expect(rssInputLength(got)).toBe(
              e.input === "none" ? 0 : e.input === "pair" ? 2 * e.addrLen : 2 * e.addrLen + 4,
            );
            checked++;
          }
        }
      }
    }
    expect(checked).toBe(64 * 4 * 2 * 4);
  });

  it("the published sentences, case by case", () => {
    const F = RssHashFlag;
    // Both L3 and L4 enabled: the 4-tuple when the L4 header is present...
    expect(selectRssType(F.IPV4 | F.TCP_IPV4, L3Kind.IPV4, false, L4Kind.TCP)).toBe(1);
    expect(selectRssType(F.IPV6 | F.UDP_IPV6, L3Kind.IPV6, false, L4Kind.UDP)).toBe(8);
    // ...else the address pair.
    expect(selectRssType(F.IPV4 | F.TCP_IPV4, L3Kind.IPV4, false, L4Kind.OTHER)).toBe(2);
    expect(selectRssType(F.IPV4 | F.TCP_IPV4, L3Kind.IPV4, false, L4Kind.UDP)).toBe(2);
    // Only an L4 type enabled and no such header: no hash.
    expect(selectRssType(F.TCP_IPV4, L3Kind.IPV4, false, L4Kind.UDP)).toBe(0);
    expect(selectRssType(F.TCP_IPV4, L3Kind.IPV4, false, L4Kind.OTHER)).toBe(0);
    expect(selectRssType(F.TCP_IPV6 | F.UDP_IPV6, L3Kind.IPV6, true, L4Kind.TCP)).toBe(0);
    // Fragments, the first one included (which the parser may report as TCP), hash the pair.
    expect(selectRssType(RSS_HASH_ALL, L3Kind.IPV4, true, L4Kind.TCP)).toBe(2);
    expect(selectRssType(RSS_HASH_ALL, L3Kind.IPV6, true, L4Kind.UDP)).toBe(5);
    // Types of one IP version do not apply to the other; non-IP frames are never hashed.
    expect(selectRssType(F.IPV4 | F.TCP_IPV4, L3Kind.IPV6, false, L4Kind.TCP)).toBe(0);
    expect(selectRssType(RSS_HASH_ALL, L3Kind.OTHER, false, L4Kind.TCP)).toBe(0);
    expect(selectRssType(0, L3Kind.IPV4, false, L4Kind.TCP)).toBe(0);
  });
});

// ---------------------------------------------------------------------------------------
// The hash of a whole frame
// ---------------------------------------------------------------------------------------

const ETH_HLEN = 14;

/** An Ethernet + IPv4 (20-byte header) or IPv6 + TCP frame carrying a published vector. */
function vectorFrame(family: "v4" | "v6", src: number[], dst: number[], sp: number, dp: number) {
  const frame = new Uint8Array(128).fill(0xee);
  const srcAt = ETH_HLEN + (family === "v4" ? 12 : 8);
  const dstAt = srcAt + src.length;
  const l4At = ETH_HLEN + (family === "v4" ? 20 : 40);
  frame.set(src, srcAt);
  frame.set(dst, dstAt);
  frame.set([...portBytes(sp), ...portBytes(dp)], l4At);
  const facts = {
    l3Kind: family === "v4" ? L3Kind.IPV4 : L3Kind.IPV6,
    isFragment: false,
    l4Kind: L4Kind.TCP as number,
    srcAddrOffset: srcAt,
    dstAddrOffset: dstAt,
    srcPortOffset: l4At,
    dstPortOffset: l4At + 2,
  };
  return { frame, facts };
}

describe("RSS hash of a frame", () => {
  const table = new ToeplitzTable(MS_VERIFICATION_KEY);
  const scratch = new Uint8Array(RSS_MAX_INPUT_BYTES);
  const out = new RssHashResult();
  const cases = [
    ...IPV4_VECTORS.map((v) => ({ family: "v4" as const, v, addr: ipv4Bytes })),
    ...IPV6_VECTORS.map((v) => ({ family: "v6" as const, v, addr: ipv6Bytes })),
  ];

  it.each(cases)("published vector $family $v.src -> $v.dst", ({ family, v, addr }) => {
    const { frame, facts } = vectorFrame(family, addr(v.src), addr(v.dst), v.srcPort, v.dstPort);
    const F = RssHashFlag;
    const [l3Flag, l4Flag, pairType, tupleType] =
      family === "v4" ? [F.IPV4, F.TCP_IPV4, 2, 1] : [F.IPV6, F.TCP_IPV6, 5, 3];

    expect(computeRssHash(table, l3Flag | l4Flag, frame, facts, scratch, out)).toBe(tupleType);
    expect(out).toMatchObject({ type: tupleType, hash: v.tupleHash });

    expect(computeRssHash(table, l3Flag, frame, facts, scratch, out)).toBe(pairType);
    expect(out).toMatchObject({ type: pairType, hash: v.addrHash });

    const fragment = { ...facts, isFragment: true };
    expect(computeRssHash(table, RSS_HASH_ALL, frame, fragment, scratch, out)).toBe(pairType);
    expect(out).toMatchObject({ type: pairType, hash: v.addrHash });

    expect(computeRssHash(table, l4Flag, frame, fragment, scratch, out)).toBe(0);
    expect(out).toMatchObject({ type: 0, hash: 0 });
  });

  it("equals the oracle's choice and the bit-by-bit hash, for random frames and facts", () => {
    const frameLen = 96;
    const factsArb = fc.record({
      l3Kind: fc.constantFrom(...L3_VALUES),
      isFragment: fc.boolean(),
      l4Kind: fc.constantFrom(...L4_VALUES),
      srcAddrOffset: fc.integer({ min: 0, max: frameLen - 16 }),
      dstAddrOffset: fc.integer({ min: 0, max: frameLen - 16 }),
      srcPortOffset: fc.integer({ min: 0, max: frameLen - 2 }),
      dstPortOffset: fc.integer({ min: 0, max: frameLen - 2 }),
    });
    const keyArb = fc
      .integer({ min: 40, max: 52 })
      .chain((n) => fc.uint8Array({ minLength: n, maxLength: n }));
    // One table, scratch and result reused across runs, as the device reuses them.
    const shared = new ToeplitzTable(MS_VERIFICATION_KEY);
    const sharedScratch = new Uint8Array(40).fill(0x5a);
    const sharedOut = new RssHashResult();
    fc.assert(
      fc.property(
        keyArb,
        fc.integer({ min: 0, max: RSS_HASH_ALL }),
        fc.uint8Array({ minLength: frameLen, maxLength: frameLen }),
        factsArb,
        (key, flags, frame, facts) => {
          shared.setKey(key);
          const e = oracle(flags, facts.l3Kind, facts.isFragment, facts.l4Kind);
          const input = oracleInput(e, frame, facts);
          const type = computeRssHash(shared, flags, frame, facts, sharedScratch, sharedOut);
          expect(type).toBe(e.type);
          expect(sharedOut.type).toBe(e.type);
          expect(sharedOut.hash).toBe(e.input === "none" ? 0 : referenceToeplitz(key, input));
          expect(Array.from(sharedScratch.subarray(0, input.length))).toEqual(input);
        },
      ),
      { numRuns: 400 },
    );
  });

  it("gathers source address, destination address, source port, destination port", () => {
    const frame = Uint8Array.from({ length: 64 }, (_, i) => i);
    const facts = {
      l3Kind: L3Kind.IPV4,
      isFragment: false,
      l4Kind: L4Kind.UDP,
      srcAddrOffset: 10,
      dstAddrOffset: 30,
      srcPortOffset: 50,
      dstPortOffset: 40,
    };
    const s = new Uint8Array(36);
    expect(gatherRssInput(RssType.UDP_IPV4, frame, facts, s)).toBe(12);
    expect(Array.from(s.subarray(0, 12))).toEqual([10, 11, 12, 13, 30, 31, 32, 33, 50, 51, 40, 41]);
    expect(gatherRssInput(RssType.NONE, frame, facts, s)).toBe(0);
  });

  it("refuses a short scratch array and fields outside the frame", () => {
    const frame = new Uint8Array(40);
    const facts = {
      l3Kind: L3Kind.IPV6,
      isFragment: false,
      l4Kind: L4Kind.TCP,
      srcAddrOffset: 0,
      dstAddrOffset: 16,
      srcPortOffset: 32,
      dstPortOffset: 34,
    };
    expect(() => gatherRssInput(RssType.TCP_IPV6, frame, facts, new Uint8Array(35))).toThrow(
      RangeError,
    );
    expect(gatherRssInput(RssType.TCP_IPV6, frame, facts, new Uint8Array(36))).toBe(36);
    const beyond = { ...facts, dstPortOffset: 39 };
    expect(() => gatherRssInput(RssType.TCP_IPV6, frame, beyond, new Uint8Array(36))).toThrow(
      RangeError,
    );
    // The ports are not read for the address-pair hash.
    expect(gatherRssInput(RssType.IPV6, frame, beyond, new Uint8Array(36))).toBe(32);
  });
});

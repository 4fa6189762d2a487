import { describe, expect, it } from "vitest";
import {
  L3Kind,
  L4Kind,
  RSS_HASH_ALL,
  RssHashFlag,
  RssType,
  rssInputLength,
  rssShapeIndex,
  rssTypeTable,
  selectRssType,
} from "../../src/hw/rss/rss-input.js";
import { ToeplitzTable } from "../../src/hw/rss/toeplitz.js";
import { type FrameFacts, hashInPlace, oracle } from "./rss-oracle.js";
import {
  IPV4_VECTORS,
  IPV6_VECTORS,
  ipv4Bytes,
  ipv6Bytes,
  MS_VERIFICATION_KEY,
  portBytes,
} from "./vectors.js";

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
// The hash of a whole frame (the random frames are in rss-in-place.test.ts)
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
  const facts: FrameFacts = {
    l3Kind: family === "v4" ? L3Kind.IPV4 : L3Kind.IPV6,
    isFragment: false,
    l4Kind: L4Kind.TCP,
    srcAddrOffset: srcAt,
    dstAddrOffset: dstAt,
    portsOffset: l4At,
  };
  return { frame, facts };
}

describe("RSS hash of a frame", () => {
  const table = new ToeplitzTable(MS_VERIFICATION_KEY);
  const cases = [
    ...IPV4_VECTORS.map((v) => ({ family: "v4" as const, v, addr: ipv4Bytes })),
    ...IPV6_VECTORS.map((v) => ({ family: "v6" as const, v, addr: ipv6Bytes })),
  ];
  /** The type the rules pick for the frame, and the device's hash of that type's input. */
  const typeAndHash = (flags: number, frame: Uint8Array, facts: FrameFacts) => {
    const type = selectRssType(flags, facts.l3Kind, facts.isFragment, facts.l4Kind);
    return { type, hash: hashInPlace(table, type, frame, facts) };
  };

  it.each(cases)("published vector $family $v.src -> $v.dst", ({ family, v, addr }) => {
    const { frame, facts } = vectorFrame(family, addr(v.src), addr(v.dst), v.srcPort, v.dstPort);
    const F = RssHashFlag;
    const [l3Flag, l4Flag, pairType, tupleType] =
      family === "v4" ? [F.IPV4, F.TCP_IPV4, 2, 1] : [F.IPV6, F.TCP_IPV6, 5, 3];

    expect(typeAndHash(l3Flag | l4Flag, frame, facts)).toEqual({
      type: tupleType,
      hash: v.tupleHash,
    });
    expect(typeAndHash(l3Flag, frame, facts)).toEqual({ type: pairType, hash: v.addrHash });
    const fragment = { ...facts, isFragment: true };
    expect(typeAndHash(RSS_HASH_ALL, frame, fragment)).toEqual({
      type: pairType,
      hash: v.addrHash,
    });
    expect(typeAndHash(l4Flag, frame, fragment)).toEqual({ type: 0, hash: 0 });
  });
});

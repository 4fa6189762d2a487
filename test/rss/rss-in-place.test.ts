import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  computeRssHash,
  L3Kind,
  L4Kind,
  RSS_HASH_ALL,
  RssHashResult,
  rssHashInPlace,
  selectRssType,
} from "../../src/hw/rss/rss-input.js";
import { RSS_MAX_INPUT_BYTES, ToeplitzTable } from "../../src/hw/rss/toeplitz.js";
import { MS_VERIFICATION_KEY, referenceToeplitz } from "./vectors.js";

describe("RSS hash read in place (the device's path)", () => {
  it("equals the gathered hash for random keys, frames, facts and enable flags", () => {
    const frameLen = 96;
    const table = new ToeplitzTable(MS_VERIFICATION_KEY);
    const scratch = new Uint8Array(RSS_MAX_INPUT_BYTES);
    const out = new RssHashResult();
    fc.assert(
      fc.property(
        fc
          .integer({ min: 40, max: 52 })
          .chain((n) => fc.uint8Array({ minLength: n, maxLength: n })),
        fc.integer({ min: 0, max: RSS_HASH_ALL }),
        fc.uint8Array({ minLength: frameLen, maxLength: frameLen }),
        fc.record({
          l3Kind: fc.constantFrom(L3Kind.OTHER, L3Kind.IPV4, L3Kind.IPV6),
          isFragment: fc.boolean(),
          l4Kind: fc.constantFrom(L4Kind.OTHER, L4Kind.TCP, L4Kind.UDP),
          srcAddrOffset: fc.integer({ min: 0, max: frameLen - 16 }),
          dstAddrOffset: fc.integer({ min: 0, max: frameLen - 16 }),
          srcPortOffset: fc.integer({ min: 0, max: frameLen - 2 }),
          dstPortOffset: fc.integer({ min: 0, max: frameLen - 2 }),
        }),
        (key, flags, frame, facts) => {
          table.setKey(key);
          const type = computeRssHash(table, flags, frame, facts, scratch, out);
          expect(selectRssType(flags, facts.l3Kind, facts.isFragment, facts.l4Kind)).toBe(type);
          const hash = rssHashInPlace(table, type, frame, facts);
          expect(hash).toBe(out.hash);
          if (type !== 0)
            expect(hash).toBe(
              referenceToeplitz(key, [...scratch.subarray(0, hashInputLength(type))]),
            );
        },
      ),
      { numRuns: 400 },
    );
  });

  it("rejects a field outside the frame, as the gathering path does", () => {
    const table = new ToeplitzTable(MS_VERIFICATION_KEY);
    const facts = {
      l3Kind: L3Kind.IPV4,
      isFragment: false,
      l4Kind: L4Kind.UDP,
      srcAddrOffset: 60,
      dstAddrOffset: 0,
      srcPortOffset: 0,
      dstPortOffset: 0,
    };
    expect(() => rssHashInPlace(table, 7, new Uint8Array(62), facts)).toThrow(RangeError);
  });
});

/** Input bytes of an RSS type code: IPv4 pair 8, IPv4 4-tuple 12, IPv6 pair 32, IPv6 4-tuple 36. */
function hashInputLength(type: number): number {
  return ({ 1: 12, 2: 8, 3: 36, 5: 32, 7: 12, 8: 36 } as Record<number, number>)[type]!;
}
